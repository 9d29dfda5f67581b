"""Opening each tab of a page under AppTest the way a reader does: lazy tabs (``st.tabs(..., key=...,
on_change="rerun")``) draw only the open tab, so a test that reads every tab's content opens them one by one."""

from __future__ import annotations

from collections.abc import Iterator

from streamlit.testing.v1 import AppTest


def each_tab(at: AppTest, key: str) -> Iterator[tuple[str, AppTest]]:
    """Open every tab of the tabs ``key`` in turn (``session_state[key]`` holds the open tab's label, as a click
    sets it), rerun the page and yield (label, page); fail on any exception shown by the page."""
    for label in [tab.label for tab in at.tabs]:
        at.session_state[key] = label
        at.run()
        assert not at.exception, (label, [e.value for e in at.exception])
        yield label, at

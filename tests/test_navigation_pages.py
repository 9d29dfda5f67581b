"""The app's st.Page objects are built once per process (ui/navigation.py), but no run hands st.navigation an
object another run (another session) also got: st.navigation marks the page it returns as the one that may
run, and Page.run clears the mark, so a shared object would let one session's run refuse another's page."""

from __future__ import annotations

import streamlit as st

from tests.outils.pages import open_page


def test_each_run_registers_its_own_page_objects_for_the_same_pages(demo_db, monkeypatch):
    passed: list[list] = []
    original = st.navigation

    def recorded(pages, **kwargs):
        passed.append([page for section in pages.values() for page in section])
        return original(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recorded)
    first = open_page(demo_db, monkeypatch, "pages/methodologie.py")
    first.run()  # a rerun of the same session
    second = open_page(demo_db, monkeypatch, "pages/completude.py")  # another session
    assert not second.exception and len(passed) == 3
    described = [[(p.title, p.url_path, p.icon, str(p._page)) for p in run] for run in passed]
    assert described[0] == described[1] == described[2]  # the same pages every time
    assert len(described[0]) == 11 and described[0][0][:2] == ("Vue d'ensemble", "")  # the default page
    objects = [id(p) for run in passed for p in run]
    assert len(set(objects)) == len(objects)  # never the same object in two runs
    # Each session ran the page it asked for.
    assert first.title[0].value == "Méthodologie" and second.title[0].value == "Complétude des envois"

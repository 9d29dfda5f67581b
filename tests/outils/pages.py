"""Opening one page of the app under AppTest, the way every page test does it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_page(db, monkeypatch, page: str, *, timeout: float = 90, **params) -> AppTest:
    """Run ``page`` (e.g. "pages/direction.py") through app.py on ``db`` with URL ``params``; fail on any
    exception shown by the page."""
    monkeypatch.setenv("OBSERVATOIRE_DB", str(db.path))
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at

"""Opening one page of the app under AppTest, the way every page test does it."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def open_page(db, monkeypatch, page: str, *, timeout: float = 90, **params) -> AppTest:
    """Run ``page`` (e.g. "pages/direction.py") through app.py on ``db`` with URL ``params``; fail on any
    exception shown by the page."""
    monkeypatch.setenv("OBSERVATOIRE_DB", str(db.path))
    _route_through_app(monkeypatch)
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _route_through_app(monkeypatch) -> None:
    """Make ``switch_page`` go through app.py (identity, roles, ``st.navigation``) as the server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run; the manager then sets it from
    the mere presence of a ``pages/`` folder, and once set, ``switch_page`` runs the page file alone,
    skipping app.py. The server clears the flag when app.py calls ``st.navigation``; here it is cleared
    as soon as a manager is built."""
    original = PagesManager.__init__

    def init_without_pages_directory(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_without_pages_directory)

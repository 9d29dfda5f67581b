"""The page-test helper must run pages the way the server does: through app.py (identity, roles, navigation)."""

from __future__ import annotations

import ui.contexte  # noqa: F401  (the suite imports ui at collection: the case that used to skip app.py)
import ui.navigation  # noqa: F401
from tests.outils.pages import open_page


def test_open_page_runs_app_py_first(demo_db, monkeypatch):
    for page in ("pages/direction.py", "pages/vue_ensemble.py"):
        at = open_page(demo_db, monkeypatch, page)
        captions = " ".join(c.value for c in at.caption)
        assert "Connecté" in captions and "Identification" in captions, captions

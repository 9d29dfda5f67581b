"""Two administrators click « Importer ce fichier » at the same moment on one server: both imports succeed."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from indicateurs.db import Database
from indicateurs.setup import init_database

from .conftest import new_page, no_exception, open_page, running_app, upload, wait_for_app

pytestmark = pytest.mark.navigateur

HEADER = "parcours;indicateur;mois;valeur\r\n"
FILES = {  # a base with the referential and no value yet: each file adds one new value
    "dsol_decroche.csv": HEADER + "DSOL-AIDE-SOCIALE;TAUX_DECROCHE;2026-10;71,5\r\n",
    "dsol_delai.csv": HEADER + "DSOL-AIDE-SOCIALE;DELAI_TRAITEMENT;2026-10;12,5\r\n",
}


def test_two_imports_clicked_together_both_succeed(browser, tmp_path):
    # No demo data: the results refresh that follows each import stays short, so the two imports overlap.
    db = tmp_path / "base.duckdb"
    init_database(db, utilisateur="tests")
    with (running_app(db, tmp_path / "streamlit.log", OBSERVATOIRE_ADMINISTRATEUR_LOCAL="admin.simultane") as url,
          ExitStack() as contexts):
        pages = []
        for name, text in FILES.items():
            path = tmp_path / name
            path.write_bytes(text.encode("cp1252"))
            page = contexts.enter_context(new_page(browser))
            open_page(page, url + "/import_donnees")
            upload(page, str(path), page.get_by_text("Valeurs nouvelles"))
            pages.append(page)
        buttons = [p.get_by_role("button", name="Importer ce fichier") for p in pages]
        for button in buttons:  # both clicks leave before either import is done
            button.click(no_wait_after=True)
        for page in pages:
            page.get_by_text("Import n°").first.wait_for(timeout=180_000)
            wait_for_app(page)
            no_exception(page)
            assert page.get_by_text("Conflict").count() == 0
            assert page.get_by_text("1 nouvelle(s) valeur(s)").count() >= 1
    stored = Database(db).query_df(
        "SELECT indicateur, valeur FROM valeurs WHERE parcours = 'DSOL-AIDE-SOCIALE' AND mois = DATE '2026-10-01' "
        "ORDER BY indicateur")
    assert stored.values.tolist() == [["DELAI_TRAITEMENT", 12.5], ["TAUX_DECROCHE", 71.5]]
    users = Database(db).query_df("SELECT DISTINCT utilisateur FROM imports WHERE fichier LIKE 'dsol_%'")
    assert users["utilisateur"].tolist() == ["admin.simultane"]

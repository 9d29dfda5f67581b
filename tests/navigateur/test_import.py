"""End to end: the SRU uploads a direction's file on the Import page, sees it checked, counted, imported."""

from __future__ import annotations

import pytest

from .conftest import no_exception, open_page, screenshot, upload, wait_for_app

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]

FILE = (
    "parcours;indicateur;mois;valeur\r\n"
    "DSOL-AIDE-SOCIALE;TAUX_DECROCHE;2026-10;71,5\r\n"
    "DSOL-AIDE-SOCIALE;DELAI_TRAITEMENT;2026-10;12,0\r\n"
    "DSOL-AIDE-SOCIALE;VOLUME_DEMANDES;2026-10;7 120\r\n"
).encode("cp1252")


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_upload_check_preview_and_import(server, page, tmp_path):
    path = tmp_path / "dsol_octobre.csv"
    path.write_bytes(FILE)
    open_page(page, server["url"] + "/import_donnees")
    upload(page, str(path), page.get_by_text("Valeurs nouvelles"))
    # The demo data leaves DSOL-AIDE-SOCIALE's October 2026 out: three new values.
    assert _metric(page, "Valeurs nouvelles") == "3"
    assert _metric(page, "Valeurs révisées") == "0"
    screenshot(page, "import_apercu")
    page.get_by_role("button", name="Importer ce fichier").click()
    page.get_by_text("Import n°").first.wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("3 nouvelle(s) valeur(s)").count() >= 1
    no_exception(page)
    screenshot(page, "import_resultat")

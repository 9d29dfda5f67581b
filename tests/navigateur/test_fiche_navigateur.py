"""In chromium: the « Fiche CODIR (PDF) » button downloads the fiche, and printing a page hides the
sidebar, toolbars and buttons and prints every row of the tables."""

from __future__ import annotations

import subprocess

import pytest

from tests.navigateur.conftest import open_page

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]


PRINT_SHEET_AND_TABLES_DRAWN = """() => [...document.querySelectorAll('style')].some(
    s => s.textContent.includes('@media print') && s.textContent.includes('stSidebar'))
  && document.querySelectorAll('table.tableau-impression').length >= 2"""


def _text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return " ".join(out.replace("\u202f", " ").split())


def test_fiche_button_downloads_the_direction_fiche(server, page, tmp_path):
    open_page(page, f"{server['url']}/direction?direction=DFA")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Fiche CODIR (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("fiche-codir-DFA-") and download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = _text(path)
    assert "Fiche CODIR" in text and "Direction DFA – Finances et Achats" in text


def test_printing_a_page_hides_the_chrome_and_prints_whole_tables(server, page, tmp_path):
    from indicateurs.db import Database

    db = Database(server["db"])  # waits for the server's idle connection and signals it, unlike a bare connect
    results = db.query_one("SELECT count(*) FROM resultats r JOIN parcours p ON p.code = r.parcours "
                           "WHERE p.direction = 'DDCT'")[0]
    last = db.query_one("SELECT r.parcours FROM resultats r JOIN parcours p ON p.code = r.parcours "
                        "WHERE p.direction = 'DDCT' ORDER BY r.parcours DESC LIMIT 1")[0]
    open_page(page, f"{server['url']}/direction?direction=DDCT")
    # The style sheet and the paper tables are st.html elements, drawn once the browser has loaded that
    # element's code, which can come after the script run is over (it did, on a loaded CI machine).
    page.wait_for_function(PRINT_SHEET_AND_TABLES_DRAWN, timeout=60_000)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator("table.tableau-impression").first.is_visible()
    page.emulate_media(media="print")
    for selector in ('[data-testid="stSidebar"]', '[data-testid="stDownloadButton"]', '[data-testid="stHeader"]',
                     '[data-testid="stDataFrame"]'):
        assert all(not e.is_visible() for e in page.locator(selector).all()), selector
    tables = page.locator("table.tableau-impression")
    assert tables.count() >= 2 and tables.first.is_visible()
    full = [t for t in tables.all() if "En une phrase" in t.inner_text()]
    assert len(full) == 1 and full[0].locator("tbody tr").count() == results
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = _text(pdf)
    assert "Choisissez une direction" not in text and "Télécharger en CSV" not in text
    assert last in text and "DDCT – Démocratie, Citoyen·nes et Territoires" in text

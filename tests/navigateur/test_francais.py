"""In Debian's chromium at 1440 × 900, as a reader: every page in French, Streamlit's own strings included,
``lang="fr"``, chart toolbars out of the Tab order, headings without jumps, and each hostile link named in a
French notice. The English strings are listed here, independently of the override's table (ui/francais.py).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import eventually, no_exception, open_page, screenshot, wait_for_app

pytestmark = pytest.mark.navigateur

# What Streamlit 1.67 shows in English (seen in the issue and in its bundle), as whole words.
ENGLISH = ("Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Close fullscreen", "Skip to main content",
           "No results", "Drag and drop", "Browse files", "per file", "Upload", "Page not found", "Running",
           "Choose an option", "Collapse sidebar", "Expand sidebar", "Link to heading", "Help for", "Open", "Close",
           "Clear", "Stop", "Rerun", "Sidebar", "Loading", "Main menu", "does not seem to exist", "main page")
_ENGLISH = re.compile("|".join(rf"(?<![\w/]){re.escape(e)}(?!\w)" for e in ENGLISH))

# Every page a reader has, each opened once; three of them through a hostile link (shown with a notice).
READER_PAGES = ["?debut=2026-13", "direction?direction=XYZ", "parcours?direction=DPE&parcours=DJS-PISCINE",
                "parcours?direction=DPE&parcours=inconnu-42", "engagements", "agents", "miroir", "methodologie",
                "completude"]
NOTICES = {"?debut=2026-13": ("2026-13", "Début de la période"), "direction?direction=XYZ": ("XYZ", "Direction"),
           "parcours?direction=DPE&parcours=DJS-PISCINE": ("DJS-PISCINE", "Parcours"),
           "parcours?direction=DPE&parcours=inconnu-42": ("inconnu-42", "Parcours")}

SEEN = """() => {
  const words = [document.body.innerText];
  for (const e of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
    words.push(e.getAttribute("aria-label") || "", e.getAttribute("title") || "", e.getAttribute("placeholder") || "");
  }
  return words.join("\\n");
}"""

HEADINGS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] h2,'
  + '[data-testid="stMain"] h3, [data-testid="stMain"] h4, [data-testid="stMain"] h5, [data-testid="stMain"] h6'))
  .map(h => Number(h.getAttribute("aria-level") || h.nodeName[1]))"""


def english_in(page) -> list[str]:
    return sorted(set(_ENGLISH.findall(page.evaluate(SEEN))))


# The override (ui/francais.py) works on each DOM change, after the script run: each check below reads the
# page again until it holds or 10 s pass, then asserts on what it read last.
def assert_french(page, where: str) -> None:
    lang = eventually(page, lambda: page.evaluate("document.documentElement.lang"), lambda lang: lang == "fr", 10)
    assert lang == "fr", where
    english = eventually(page, lambda: english_in(page), lambda english: english == [], 10)
    assert english == [], (where, english)
    no_exception(page, where)


def jumps_in(levels: list[int]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]


def assert_headings_in_order(page, where: str) -> None:
    levels = eventually(page, lambda: page.evaluate(HEADINGS),
                        lambda levels: levels and levels[0] == 1 and not jumps_in(levels), 10)
    assert levels and levels[0] == 1, (where, levels)
    assert jumps_in(levels) == [], (where, levels)


def open_path(page, url: str) -> None:
    open_page(page, url)


def assert_notice(page, asked: str, label: str) -> None:
    notice = page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(has_text="Le lien demande")
    assert notice.count() == 1, asked
    text = notice.inner_text()
    assert f"« {asked} » pour « {label} »" in text and "la page montre « " in text, text
    assert "DJS-PISCINE –" not in text  # never the figures of another direction's parcours


def test_every_page_speaks_french_to_a_reader(reader_server, wide):
    page = wide  # reader_server: no identity configured, a reader
    # The first page of a fresh server computes for seconds: it says so in French meanwhile (as soon as the
    # server can send it: while Python imports pandas and Plotly, nothing reaches the browser).
    started, seen = time.monotonic(), False
    page.goto(f"{reader_server}/{READER_PAGES[0]}", wait_until="commit")
    while page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').count() == 0:
        assert time.monotonic() - started < 120, "la première page ne finit pas"
        seen = seen or page.get_by_text("Calcul de la page en cours").count() > 0
        assert not any("Running" in t for t in page.locator('[data-testid="stStatusWidget"]').all_inner_texts())
        page.wait_for_timeout(200)
    elapsed = time.monotonic() - started
    print(f"première page : {elapsed:.1f} s, mot d'attente vu : {seen}")
    assert seen or elapsed < 8, elapsed
    for index, path in enumerate(READER_PAGES):
        started = time.monotonic()
        if index:
            open_path(page, f"{reader_server}/{path}")
        else:  # already opened above; the first run of the server process reruns itself: wait for the second
            page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(
                has_text="Le lien demande").first.wait_for(timeout=60_000)
            wait_for_app(page, drawn=True)  # as open_page: the checks below read what the elements draw
        print(f"{path or 'vue_ensemble'} : {time.monotonic() - started:.1f} s")
        assert_french(page, path)
        assert_headings_in_order(page, path)
        assert page.locator('[data-testid="stSpinner"] >> visible=true').count() == 0, path  # gone once computed
        if path in NOTICES:
            assert_notice(page, *NOTICES[path])
        tab_stops = eventually(page, page.locator(".modebar-btn:not([tabindex='-1'])").count, lambda n: n == 0, 10)
        assert tab_stops == 0, (path, tab_stops)
        if path.startswith("direction"):
            # a table's toolbar shows on hover, its tooltip a second later
            tables = page.locator('[data-testid="stDataFrame"] >> visible=true')
            tables.first.scroll_into_view_if_needed()
            tables.first.hover()
            button = page.locator('[data-testid="stElementToolbarButton"] button >> visible=true').first
            button.hover()
            page.locator('[data-testid="stTooltipContent"] >> visible=true').first.wait_for(timeout=15_000)
            assert button.get_attribute("aria-label") in ("Afficher ou masquer des colonnes", "Télécharger en CSV",
                                                           "Rechercher", "Plein écran"), path
            assert_french(page, path + " (survol de la barre d'outils)")
            # a select box that finds nothing says so in French
            box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Direction")
            box.click()
            page.keyboard.type("zzzz")
            page.get_by_text("Aucun résultat").first.wait_for(timeout=15_000)
            assert page.get_by_text("Aucun résultat").count() >= 1
            assert_french(page, "liste sans résultat")
            page.keyboard.press("Escape")
    # a page the reader may not open: a French refusal, not « Page not found »
    open_path(page, f"{reader_server}/import_donnees")
    assert_french(page, "import_donnees")
    assert page.get_by_text("ne permet pas d'importer des fichiers").count() == 1


@pytest.mark.xdist_group("serveur")  # with « --dist loadgroup », on the worker that has `server` (test_tableaux.py)
def test_the_import_page_and_an_unknown_page_speak_french(server, wide):
    open_path(wide, server["url"] + "/import_donnees")
    uploader = wide.locator('[data-testid="stFileUploader"]')
    # Under load the page can be seen between two runs: wait for the uploader, and say what was shown if not.
    try:
        uploader.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail("pas de dépôt de fichiers sur la page d'import ; la page montrait : "
                    + wide.locator("body").inner_text()[:1500])
    assert uploader.count() == 1
    text = uploader.inner_text()
    assert "Parcourir" in text and "Formats acceptés • CSV, XLSX, TXT" in text and "MB" not in text, text
    assert_french(wide, "import_donnees (administrateur)")
    screenshot(wide, "import_francais")
    open_path(wide, server["url"] + "/page-qui-n-existe-pas")
    wide.get_by_text("Page introuvable").first.wait_for(timeout=15_000)
    assert wide.get_by_text("Page introuvable").count() >= 1
    assert_french(wide, "page inconnue")

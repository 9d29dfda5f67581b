"""The CODIR dashboards in Debian's chromium: navigation, nothing cut at 1440 × 900, direction filter, French
charts, downloads."""

from __future__ import annotations

import pytest

from indicateurs.referentiel import ENGAGEMENTS

from .conftest import click_and_wait, eventually, no_exception, open_page, screenshot, wait_for_app

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]

PAGES = [("Vue d'ensemble", "vue_ensemble", "Ce que la refonte a changé"),
         ("Direction", "direction", "Choisissez une direction"),
         ("Parcours", "parcours", "Historique d'une valeur"),
         ("Les 4 engagements", "engagements", "L'effet moyen sur l'ensemble des parcours"),
         ("Conditions de travail des agents", "agents", "Gagnant-gagnant ?"),
         ("Miroir agents / usagers", "miroir", "Parcours par parcours"),
         ("Méthodologie", "methodologie", "Glossaire")]


def choose_direction(page, name: str) -> None:
    """Pick ``name`` in the sidebar's direction select box and wait for the page to follow."""
    selectbox = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Direction")
    selectbox.click()
    click_and_wait(page, page.get_by_role("option", name=name))


READING_PAGES = ["engagements", "agents", "miroir", "methodologie", "completude"]
# Width overflow of each table's scroller and of each metric label: > 0 means columns or words are cut.
OVERFLOWS = """() => {
    const out = [];
    for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
        if (!grid.offsetParent) continue;  // inside a closed expander
        const scroller = grid.querySelector('.dvn-scroller');
        if (scroller && scroller.scrollWidth > scroller.clientWidth + 2)
            out.push(['table', scroller.scrollWidth - scroller.clientWidth,
                      (grid.closest('[data-testid="stExpander"]')?.querySelector('summary')?.textContent || '')
                      + ' | ' + (grid.getAttribute('aria-label') || '')]);
    }
    for (const label of document.querySelectorAll('[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div')) {
        if (label.offsetParent && label.scrollWidth > label.clientWidth + 1) out.push(['métrique', label.textContent]);
    }
    return out;
}"""


# Elements whose content is wider than their box (the browser then cuts them with « … » or a scroll bar).
CUT = """(tables) => {
  const cut = [];
  for (const e of document.querySelectorAll('[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, '
                                            + '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *'))
    if (e.scrollWidth > e.clientWidth + 1) cut.push('indicateur : ' + e.innerText);
  for (const key of tables) {
    const scroller = document.querySelector(`.st-key-imprimable-${key} [data-testid="stDataFrame"] .dvn-scroller`);
    if (!scroller) { cut.push('tableau absent : ' + key); continue; }
    if (scroller.scrollWidth > scroller.clientWidth + 1)
      cut.push(`tableau ${key} : ${scroller.scrollWidth} px pour ${scroller.clientWidth}`);
  }
  return cut;
}"""
ROWS = """(key) => {
  const scroller = document.querySelector(`.st-key-imprimable-${key} [data-testid="stDataFrame"] .dvn-scroller`);
  return [scroller.scrollHeight, scroller.clientHeight];
}"""
HEAT_MAP = """() => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('.heatmaplayer image'));
  const box = e => e.getBoundingClientRect();
  const svg = box(plot.querySelector('svg.main-svg'));
  const title = box(plot.querySelector('.gtitle'));
  const names = [...plot.querySelectorAll('.xtick text')].map(box);
  const headers = [...plot.querySelectorAll('.annotation')].map(box);
  return {title_bottom: title.bottom, names_top: Math.min(...names.map(b => b.top)),
          headers_top: Math.min(...headers.map(b => b.top)), names_right: Math.max(...names.map(b => b.right)),
          svg_top: svg.top, svg_right: svg.right, names: names.length};
}"""
# Every visible expander open and every visible table drawn (glide draws its grid after the script run).
TABLES_DRAWN = """() => {
  const visible = [...document.querySelectorAll('[data-testid="stExpander"] details')].filter(d => d.offsetParent);
  if (visible.some(d => !d.open)) return false;
  return [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(g => g.offsetParent)
    .every(g => { const s = g.querySelector('.dvn-scroller'); return s && s.clientWidth > 0; });
}"""


def tables_drawn(page, *keys: str) -> None:
    """Wait until the tables under ``.st-key-imprimable-<key>`` are drawn (an absent one is then reported by CUT)."""
    wait_for_app(page, drawn=True)
    for key in keys:
        page.wait_for_selector(f'.st-key-imprimable-{key} [data-testid="stDataFrame"] .dvn-scroller', timeout=60_000)


def assert_reading_page_fits(page, slug: str) -> None:
    """At 1440 px: no table cut once its expander is opened, no metric label cut, no Markdown bullet for a
    note, a French zero on the mirror's axis."""
    wait_for_app(page, drawn=True)  # every table there, not a skeleton awaiting its code
    for expander in page.locator('[data-testid="stExpander"] summary:visible').all():
        if not expander.evaluate("summary => summary.closest('details').open"):  # opened by an earlier check
            expander.click()  # tables kept in expanders must fit too once opened
    page.wait_for_function(TABLES_DRAWN, polling=100, timeout=60_000)
    # the charts' data tables are drawn by ui/graphique.py (not these pages): reported, not checked here
    cut = [o for o in page.evaluate(OVERFLOWS) if "Données du graphique" not in str(o[-1])]
    assert cut == [], slug
    screenshot(page, f"lecture_1440_{slug}")
    if slug == "engagements":
        # « * : verdict provisoire » is a sentence, not a list item
        assert page.locator("li", has_text="verdict provisoire").count() == 0
        assert page.get_by_text("* : verdict provisoire", exact=False).count() >= 1
    if slug == "miroir":
        ticks = eventually(page, lambda: [t.text_content() for t in
                                          page.locator('[data-testid="stPlotlyChart"] .xtick text').all()],
                           lambda ticks: "0" in ticks)
        assert "0" in ticks and "+0" not in ticks, ticks


def open_engagement_tab(page, number: int) -> None:
    """Click an engagement's tab on « Les 4 engagements » as a reader does: only the open tab is drawn, so its
    heading and chart come with the run the click starts, and the tab left is no longer there."""
    click_and_wait(page, page.get_by_role("tab", name=f"{number}. {ENGAGEMENTS[number]}"))
    no_exception(page, f"engagement {number}")
    page.locator(".js-plotly-plot .gtitle", has_text=f"Engagement {number} : verdicts par indicateur").wait_for(
        timeout=60_000)
    assert page.get_by_role("heading", name=f"Engagement {number} – {ENGAGEMENTS[number]}").count() == 1
    others = [n for n in ENGAGEMENTS if n != number]
    assert all(page.get_by_role("heading", name=f"Engagement {n} – {ENGAGEMENTS[n]}").count() == 0 for n in others)


def test_every_dashboard_page_opens_from_the_navigation_and_nothing_is_cut_at_1440_by_900(server, wide):
    """One walk at the CODIR's screen size (1440 × 900), each page checked once for all that concerns it: the
    navigation from the app's root, then shared links opened in the same tab."""
    page, url = wide, server["url"]
    open_page(page, url)
    nav = page.locator('[data-testid="stSidebar"]')
    for title, slug, marker in PAGES:
        click_and_wait(page, nav.get_by_role("link", name=title, exact=True))
        page.wait_for_url(f"**/{'' if slug == 'vue_ensemble' else slug}*")
        no_exception(page, title)
        assert page.get_by_text(marker).count() >= 1, title
        assert page.get_by_text("Données de démonstration").count() >= 1, title
        screenshot(page, f"tableaux_{slug}")
        if slug == "vue_ensemble":
            tables_drawn(page, "parcours")
            assert page.evaluate(CUT, ["parcours"]) == []
            assert page.get_by_text("12 mois de recul ou plus", exact=True).count() == 1
        if slug == "direction":
            # every direction in one table, no inner scrolling, the score column whole
            tables_drawn(page, "directions")
            assert page.evaluate(CUT, ["directions"]) == []
            height, visible = page.evaluate(ROWS, "directions")
            assert height <= visible + 1, (height, visible)
        if slug in READING_PAGES:
            assert_reading_page_fits(page, slug)
        if slug == "engagements":
            open_engagement_tab(page, 3)
            assert_reading_page_fits(page, "engagements_3")
    open_page(page, f"{url}/completude")
    no_exception(page, "completude")
    assert_reading_page_fits(page, "completude")

    # a filtered heat map: its title stays above the column groups and the indicators' names
    open_page(page, url + "/?direction=DPE")
    no_exception(page, "?direction=DPE")
    page.wait_for_selector(".js-plotly-plot .heatmaplayer image", timeout=60_000)
    heat = page.evaluate(HEAT_MAP)
    assert heat["names"] == 21
    assert heat["title_bottom"] <= heat["names_top"] and heat["title_bottom"] <= heat["headers_top"], heat
    assert heat["names_top"] >= heat["svg_top"] and heat["names_right"] <= heat["svg_right"] + 1, heat
    screenshot(page, "lecture_codir_carte_DPE")

    open_page(page, url + "/direction?direction=DVD")
    no_exception(page, "direction?direction=DVD")
    tables_drawn(page, "parcours-direction", "resultats-direction")
    assert page.evaluate(CUT, ["parcours-direction", "resultats-direction"]) == []
    assert page.get_by_role("heading", name="Usagers", exact=True).count() == 1
    screenshot(page, "lecture_codir_direction_DVD")


def test_changing_the_direction_updates_the_page_and_the_link(server, page):
    open_page(page, server["url"] + "/direction")
    choose_direction(page, "DPE – Propreté et Eau")
    no_exception(page)
    assert "direction=DPE" in page.url
    assert page.get_by_role("heading", name="DPE – Propreté et Eau").count() == 1
    assert page.get_by_text("Demander l'enlèvement d'encombrants").count() >= 1
    screenshot(page, "tableaux_direction_DPE")
    # the link shares the view: opening it again shows the same direction
    open_page(page, page.url)
    assert page.get_by_role("heading", name="DPE – Propreté et Eau").count() == 1


def test_a_table_downloads_as_a_french_excel_csv(server, page):
    open_page(page, server["url"] + "/direction?direction=DJS")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en CSV (Excel)").first.click()
    content = download.value.path().read_bytes()
    assert download.value.suggested_filename == "parcours-DJS.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    header = content.decode("utf-8-sig").splitlines()[0]
    assert ";" in header and header.startswith("Code;Libellé;Direction")  # the column titles of the screen
    assert "DJS-PISCINE" in content.decode("utf-8-sig")
    no_exception(page)


def test_parcours_chart_speaks_french_and_has_a_text_alternative(server, page):
    open_page(page, server["url"] + "/parcours?parcours=DJS-PISCINE&indicateur=DELAI_TRAITEMENT")
    no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    ticks = eventually(page, lambda: [t.text_content() for t in chart.locator(".xtick text").all()],
                       lambda ticks: "janv. 2024" in ticks)
    assert "janv. 2024" in ticks, ticks
    assert page.locator('[data-title="Télécharger le graphique en PNG"]').count() >= 1
    label = chart.get_attribute("aria-label")
    assert label and label.startswith("Délai moyen de traitement, DJS-PISCINE")
    area = chart.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.62, area["y"] + area["height"] * 0.6)
    page.mouse.move(area["x"] + area["width"] * 0.63, area["y"] + area["height"] * 0.6)
    page.locator(".hoverlayer text").first.wait_for(timeout=15_000)
    hover = " ".join(t.text_content() for t in page.locator(".hoverlayer text").all())
    assert "\u202fj" in hover and "," in hover, hover
    screenshot(page, "tableaux_parcours_survol")


NOT_YET_DEPLOYED = ["/parcours?parcours=DICOM-PARIS-FR", "/parcours?parcours=DSOL-DOMICILIATION",
                    "/direction?direction=DICOM"]


def test_not_yet_deployed_views_show_a_french_empty_state(server, page):
    for path in NOT_YET_DEPLOYED:
        open_page(page, server["url"] + path)
        no_exception(page, path)
        assert page.get_by_text("pas encore déployé").count() >= 1, path


def test_the_chosen_direction_follows_the_reader_from_page_to_page(server, page):
    open_page(page, server["url"])
    choose_direction(page, "DPE – Propreté et Eau")
    nav = page.locator('[data-testid="stSidebar"]')
    for title in ("Direction", "Parcours", "Les 4 engagements"):
        click_and_wait(page, nav.get_by_role("link", name=title, exact=True))
        assert "direction=DPE" in page.url, (title, page.url)
    assert "fin=" not in page.url  # the end of the period stays the last month

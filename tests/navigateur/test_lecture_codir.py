"""Vue d'ensemble and Direction in Debian's chromium at 1440 × 900: no metric label, table column or heat-map
label cut, every direction's row shown, the heat map's title clear of its column names."""

from __future__ import annotations

import pytest

from .conftest import no_exception, open_page, screenshot

pytestmark = pytest.mark.navigateur

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


def load(page, url: str) -> None:
    open_page(page, url)
    page.wait_for_selector('[data-testid="stDataFrame"] .dvn-scroller', timeout=60_000)
    no_exception(page)


def test_nothing_is_cut_at_1440_by_900(server, wide):
    url = server["url"]
    load(wide, url + "/")
    assert wide.evaluate(CUT, ["parcours"]) == []
    assert wide.get_by_text("12 mois de recul ou plus", exact=True).count() == 1

    # a filtered heat map: its title stays above the column groups and the indicators' names
    load(wide, url + "/?direction=DPE")
    wide.wait_for_selector(".js-plotly-plot .heatmaplayer image", timeout=60_000)
    heat = wide.evaluate(HEAT_MAP)
    assert heat["names"] == 21
    assert heat["title_bottom"] <= heat["names_top"] and heat["title_bottom"] <= heat["headers_top"], heat
    assert heat["names_top"] >= heat["svg_top"] and heat["names_right"] <= heat["svg_right"] + 1, heat
    screenshot(wide, "lecture_codir_carte_DPE")

    # every direction in one table, no inner scrolling, the score column whole
    load(wide, url + "/direction")
    assert wide.evaluate(CUT, ["directions"]) == []
    height, visible = wide.evaluate(ROWS, "directions")
    assert height <= visible + 1, (height, visible)

    load(wide, url + "/direction?direction=DVD")
    assert wide.evaluate(CUT, ["parcours-direction", "resultats-direction"]) == []
    assert wide.get_by_role("heading", name="Usagers", exact=True).count() == 1
    screenshot(wide, "lecture_codir_direction_DVD")

"""Each chart drawn once in chromium: Plotly does not draw a figure a second time to grow its margins.

Plotly draws a figure, measures what its axes ask (``automargin``) and draws it all again when that is more
than its margins (``Plots.doAutoMargin``): 30 to 44 % of Plotly's time on the heaviest pages. The charts'
builders size their margins beforehand (indicateurs/marges_graphiques.py). Counted here with Plotly's own
events: every full draw (``Plotly._doPlot``) triggers ``plotly_beforeplot``; one that Plotly's margin
check asked for has ``_redrawFromAutoMarginCount`` set on the figure at that moment.
"""

from __future__ import annotations

import pytest

from .conftest import new_page, no_exception, open_page, wait_for_app

pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]

# Before the app's scripts: Plotly's events are set up on a chart's div (``Events.init`` assigns ``_ev``);
# from then on every full draw of that div is recorded, with whether Plotly's margin check asked for it.
DRAW_COUNTER = """(() => {
  Object.defineProperty(HTMLElement.prototype, '_ev', {configurable: true, get() { return undefined; },
    set(value) {
      Object.defineProperty(this, '_ev', {value, writable: true, configurable: true, enumerable: true});
      const div = this;
      div.__draws = div.__draws || [];
      value.on('plotly_beforeplot', () => {
        const layout = div._fullLayout;
        div.__draws.push(layout && layout._redrawFromAutoMarginCount > 0 ? 'marges' : 'dessin');
      });
    }});
})();"""
DRAWS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(div => ({
  title: (div._fullLayout && div._fullLayout.title.text || '').replace(/<[^>]*>/g, ''),
  draws: div.__draws || [], drawn: !!div.querySelector('.main-svg')}))"""
ALL_DRAWN = "(count) => { const d = [...document.querySelectorAll('.js-plotly-plot')]; " \
            "return d.length >= count && d.every(div => div.querySelector('.main-svg') && (div.__draws || []).length); }"

# What a chart shows cut or hidden: a label, title or legend entry beyond the figure's edges, a legend over the
# x axis's labels or title (the margins sized beforehand must still hold them all).
CUT = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(div => div.offsetParent).flatMap(div => {
  const svg = div.querySelector('.main-svg').getBoundingClientRect();
  const boxes = (sel) => [...div.querySelectorAll(sel)].map(e => [sel, e.getBoundingClientRect()])
    .filter(([, b]) => b.width > 0);
  const texts = ['.ytick text', '.xtick text', '.g-xtitle text', '.g-ytitle text', '.legendtext', '.gtitle']
    .flatMap(boxes);
  const out = texts.filter(([, b]) => b.left < svg.left - 1 || b.right > svg.right + 1 || b.top < svg.top - 1
                                      || b.bottom > svg.bottom + 1).map(([sel]) => 'hors du cadre : ' + sel);
  const legend = div.querySelector('.legend .bg');
  if (legend) {
    const l = legend.getBoundingClientRect();
    for (const [sel, b] of boxes('.xtick text').concat(boxes('[class^="g-x"][class$="title"] text')))
      if (b.bottom > l.top + 1 && b.top < l.bottom && b.right > l.left && b.left < l.right) out.push('légende sur ' + sel);
  }
  return out.map(text => div._fullLayout.title.text.replace(/<[^>]*>/g, '') + ' : ' + text);
})"""

# The pages where the second draw cost most (and their number of charts, the hidden tabs' ones included).
PAGES = [("", 4), ("agents", 5), ("engagements", 3)]


def test_no_chart_is_drawn_again_to_grow_its_margins_and_nothing_is_cut(server, browser):
    with new_page(browser, 1440, 900) as page:
        page.context.add_init_script(script=DRAW_COUNTER)
        for path, count in PAGES:
            open_page(page, f"{server['url']}/{path}")
            no_exception(page, path)
            wait_for_app(page, drawn=True)
            page.wait_for_function(ALL_DRAWN, arg=count, polling=100, timeout=60_000)
            page.wait_for_timeout(200)  # a margin redraw follows its draw at once: let it happen if it will
            charts = page.evaluate(DRAWS)
            assert len(charts) >= count, (path, charts)
            assert all(c["drawn"] and c["draws"][0] == "dessin" for c in charts), (path, charts)
            grown = [(c["title"], c["draws"]) for c in charts if "marges" in c["draws"]]
            assert grown == [], path
            assert page.evaluate(CUT) == [], path  # at 1440 × 900, the CODIR's screen: nothing cut

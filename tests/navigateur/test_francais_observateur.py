"""The French override's observer (ui/francais.py) in a bare chromium page, without Streamlit: it translates
what Streamlit adds or changes, and leaves alone the charts' SVG and the project's own text (issue 12: it
no longer walks every node Plotly draws)."""

from __future__ import annotations

import pytest

from ui import francais

pytestmark = pytest.mark.navigateur


@pytest.fixture(scope="module")
def page(browser):
    """A blank page of the tests' shared chromium (a second Playwright in the same worker is refused), with
    only the override's script in it."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content('<html lang="en"><body><div id="app"></div></body></html>')
    body = francais.script().strip().removeprefix("<script>").removesuffix("</script>")
    tab.add_script_tag(content=body)
    yield tab
    context.close()


def _added(page, html: str, read: str):
    """Add ``html`` to the page, then (once the observer has run) what the JavaScript ``read`` gives."""
    page.evaluate("(html) => { const box = document.createElement('div'); box.innerHTML = html; "
                  "document.getElementById('app').append(box); }", html)
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # the observer's callback has run
    return page.evaluate(read)


def test_the_page_is_french_and_streamlit_chrome_is_translated(page):
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert _added(page, '<button id="b1" aria-label="Fullscreen" title="Help for Score">Search</button>',
                  "() => { const b = document.getElementById('b1'); "
                  "return [b.getAttribute('aria-label'), b.getAttribute('title'), b.textContent]; }") == [
        "Plein écran", "Aide : Score", "Rechercher"]


def test_charts_svg_and_the_project_text_are_left_alone(page):
    drawn = _added(page, '<svg id="s1"><g><text>Search</text></g></svg>'
                         '<div data-testid="stMarkdown"><p id="m1">Search</p></div>',
                   "() => [document.querySelector('#s1 text').textContent, document.getElementById('m1').textContent]")
    assert drawn == ["Search", "Search"]
    # text Plotly adds later inside its drawing stays as drawn
    page.evaluate("() => { const t = document.createElementNS('http://www.w3.org/2000/svg', 'text'); "
                  "t.textContent = 'Close'; document.querySelector('#s1 g').append(t); }")
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    assert page.evaluate("() => document.querySelector('#s1 g').lastChild.textContent") == "Close"


def test_a_changed_label_and_a_changed_text_are_translated(page):
    _added(page, '<span id="c1" aria-label="Sidebar">Sidebar</span>', "() => null")
    page.evaluate("() => { const e = document.getElementById('c1'); e.setAttribute('aria-label', 'Close'); "
                  "e.firstChild.nodeValue = 'Loading...'; }")
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")
    assert page.evaluate("() => { const e = document.getElementById('c1'); "
                         "return [e.getAttribute('aria-label'), e.textContent]; }") == ["Fermer", "Chargement…"]


def test_chart_toolbar_buttons_and_heading_anchors_leave_the_tab_order(page):
    found = _added(page, '<div class="modebar"><a class="modebar-btn" id="t1" href="#">x</a></div>'
                         '<div data-testid="stHeaderActionElements"><a id="t2" href="#">#</a></div>',
                   "() => [document.getElementById('t1').getAttribute('tabindex'), "
                   "document.getElementById('t2').getAttribute('tabindex')]")
    assert found == ["-1", "-1"]

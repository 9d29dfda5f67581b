"""The French override's observer (ui/francais.py) in a bare chromium page, without Streamlit: it translates
what Streamlit adds or changes, and leaves alone the charts' SVG and the project's own text (issue 12: it
no longer walks every node Plotly draws)."""

from __future__ import annotations

import pytest

from ui import francais

from .conftest import hold_back_lazy_chunks

pytestmark = pytest.mark.navigateur


@pytest.fixture(scope="module")
def page(browser):
    """A blank page of the tests' shared chromium (a second Playwright in the same worker is refused), with
    only the override's script in it."""
    context = browser.new_context()
    hold_back_lazy_chunks(context)  # no Streamlit chunk here: only so that the switch holds in every page
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


def _calendar(first: str, letters: str, days: list[str]) -> str:
    """A date input's calendar as Streamlit draws it: one-letter headings over one week of labelled cells."""
    heads = "".join(f"<th>{letter}</th>" for letter in letters)
    cells = "".join(f'<td role="gridcell"><div role="button" aria-label="{day}">{n}</div></td>'
                    for n, day in enumerate(days, 1))
    return (f'<div data-testid="stDateInputCalendar" id="{first}"><table role="grid"><thead aria-hidden="true">'
            f"<tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody></table></div>")


HEADINGS = "(id) => Array.from(document.querySelectorAll('#' + id + ' th')).map(th => th.textContent).join(' ')"


def test_calendar_weekday_headings_match_their_column_in_french(page):
    # weeks from Sunday (a browser in American English): D L M M J V S, not the English letters
    sunday_first = ["Sunday, November 29, 2026", "Monday, November 30, 2026", "Today, Tuesday, December 1, 2026",
                    "Wednesday, December 2, 2026", "Thursday, December 3, 2026", "Friday, December 4, 2026",
                    "Saturday, December 5, 2026"]
    _added(page, _calendar("c-us", "SMTWTFS", sunday_first), "() => null")
    assert page.evaluate(HEADINGS, "c-us") == "D L M M J V S"
    labels = page.evaluate("() => Array.from(document.querySelectorAll('#c-us [aria-label]'))"
                           ".map(e => e.getAttribute('aria-label'))")
    assert labels[0] == "dimanche 29 novembre 2026" and labels[2] == "Aujourd'hui, mardi 1 décembre 2026"
    # weeks from Monday, letters of another language, labels already in French: each heading follows its column
    monday_first = ["lundi 30 novembre 2026", "mardi 1 décembre 2026", "mercredi 2 décembre 2026",
                    "jeudi 3 décembre 2026", "vendredi 4 décembre 2026", "samedi 5 décembre 2026",
                    "dimanche 6 décembre 2026"]
    _added(page, _calendar("c-gb", "MTWTFSS", monday_first), "() => null")
    assert page.evaluate(HEADINGS, "c-gb") == "L M M J V S D"


def test_date_field_placeholders_values_and_descriptions_are_french(page):
    found = _added(
        page,
        '<span role="spinbutton" data-placeholder="true" data-type="day" aria-valuetext="Empty" id="f1">dd</span>'
        '<span role="spinbutton" data-placeholder="true" data-type="year" id="f2">yyyy</span>'
        '<span role="spinbutton" aria-valuetext="12 – December" id="f3">12</span>'
        '<span id="f4">Selected Date: December 03, 2026</span><span id="f5">dd</span>'
        '<div id="f6" aria-label="Today, Selected Range: Tuesday, December 1 to Wednesday, December 2, 2026, '
        'Tuesday, December 1, 2026 selected"></div>',
        "() => { const e = (id) => document.getElementById(id); "
        "return [e('f1').textContent, e('f1').getAttribute('aria-valuetext'), e('f2').textContent, "
        "e('f3').getAttribute('aria-valuetext'), e('f4').textContent, e('f5').textContent, "
        "e('f6').getAttribute('aria-label')]; }")
    assert found == ["jj", "Vide", "aaaa", "12 – décembre", "Date sélectionnée : 3 décembre 2026",
                     "dd",  # a « dd » outside the date field is not Streamlit's placeholder: left alone
                     "Aujourd'hui, Plage sélectionnée : mardi 1 décembre à mercredi 2 décembre 2026, "
                     "mardi 1 décembre 2026 sélectionné"]

"""The Journal's date input in French in chromium, for a browser set to American English (its calendar then
starts weeks on Sunday and react-aria speaks English): the field, the calendar, its quick choice of a period
and what a screen reader is told (labels, values, descriptions) hold no English word, and the one-letter
weekday headings match the days of their column. The English words are listed here, independently of the
override's table (ui/francais.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from .conftest import eventually, new_page, no_exception, open_page, script_runs, wait_for_app

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which
# starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
            "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Su", "Mo", "Tu", "We", "Th", "Fr", "Sa")
# What Streamlit 1.67 and react-aria say around a date (seen in chromium with an en-US browser).
PHRASES = ("Previous", "Next", "Choose", "Select", "Selected", "selected", "Today", "Click", "Date range",
           "Quick select", "Past", "Empty", "Clear", "Dismiss", "available", "Range", "dd", "yyyy", "to")
_ENGLISH = re.compile("|".join(rf"(?<![\w']){re.escape(w)}(?!\w)" for w in MONTHS + WEEKDAYS + PHRASES))
FRENCH_INITIALS = "LMMJVSD"  # by date.weekday(): Monday is 0

# Every text and every name read out in the date input, its calendar and its quick choice list, with the
# elements they point to for a description or a name (react-aria keeps some of those out of the widget).
SPOKEN = """() => {
  const roots = Array.from(document.querySelectorAll('[data-testid="stDateInput"], '
    + '[data-testid="stDateInputCalendar"], [data-testid="stDateInputQuickSelectPopover"]'));
  for (const root of roots.slice()) {
    for (const e of [root, ...root.querySelectorAll('[aria-describedby], [aria-labelledby]')]) {
      const ids = (e.getAttribute('aria-describedby') || '') + ' ' + (e.getAttribute('aria-labelledby') || '');
      for (const id of ids.split(' ')) {
        const target = id && document.getElementById(id);
        if (target) roots.push(target);
      }
    }
  }
  const words = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest('svg') && n.nodeValue.trim()) words.push(n.nodeValue.trim());
    }
    for (const e of [root, ...root.querySelectorAll('*')]) {
      for (const name of ['aria-label', 'title', 'placeholder', 'aria-valuetext', 'aria-description']) {
        if (e.getAttribute(name)) words.push(e.getAttribute(name));
      }
    }
  }
  return words;
}"""
CALENDAR = '[data-testid="stDateInputCalendar"]'


def english_in(page) -> list[str]:
    """The texts read in the date input that hold an English word."""
    return sorted({text for text in page.evaluate(SPOKEN) if _ENGLISH.search(text)})


def assert_french(page, where: str) -> list[str]:
    """No English word is read in the date input (the override works after each change: read again until it
    holds or 10 s pass); returns everything read, for the checks that follow."""
    english = eventually(page, lambda: english_in(page), lambda english: english == [], 10)
    assert english == [], (where, english)
    return page.evaluate(SPOKEN)


@pytest.fixture
def american(browser):
    """A page of the shared chromium with an American English locale (weeks from Sunday, react-aria in
    English): the case where the override has the most to do."""
    with new_page(browser, locale="en-US") as page:
        yield page


def test_the_journal_date_input_speaks_french(server, american):
    page = american
    open_page(page, server["url"] + "/journal")
    page.locator('[data-testid="stDateInput"]').wait_for()
    spoken = assert_french(page, "champ vide")
    assert page.locator('[data-testid="stDateInputField"]').inner_text().split() == [
        "jj", "/", "mm", "/", "aaaa", "–", "jj", "/", "mm", "/", "aaaa"]
    assert "Vide" in spoken

    page.locator('[data-testid="stDateInputCalendarButton"]').click()
    page.locator(CALENDAR).wait_for()
    assert_french(page, "calendrier ouvert")
    # The calendar shows this month, weeks from Sunday (en-US): its first cell is the Sunday on or before the 1st.
    first_of_month = date.today().replace(day=1)
    first = first_of_month - timedelta(days=(first_of_month.weekday() + 1) % 7)
    week = [first + timedelta(days=i) for i in range(7)]
    cells = page.locator(f"{CALENDAR} tbody tr").first.locator('[role="gridcell"]')
    assert cells.all_inner_texts() == [str(d.day) for d in week]
    headings = eventually(page, page.locator(f"{CALENDAR} thead th").all_inner_texts,
                          lambda h: h == [FRENCH_INITIALS[d.weekday()] for d in week], 10)
    assert headings == [FRENCH_INITIALS[d.weekday()] for d in week] == list("DLMMJVS")

    page.locator('[data-testid="stDateInputQuickSelect"] button').click()
    choices = page.locator('[data-testid="stDateInputQuickSelectPopover"] [role="option"]')
    choices.first.wait_for()
    assert_french(page, "choix rapide d'une période")
    shown = eventually(page, choices.all_inner_texts, lambda t: t[0] == "Depuis une semaine", 10)
    assert shown == ["Depuis une semaine", "Depuis un mois", "Depuis 3 mois", "Depuis 6 mois", "Depuis un an",
                     "Depuis 2 ans"]
    page.keyboard.press("Escape")
    if page.locator(CALENDAR).count() == 0:
        page.locator('[data-testid="stDateInputCalendarButton"]').click()
        page.locator(CALENDAR).wait_for()

    # Choosing a period: between the two clicks, then in the field and in the calendar opened again.
    days = page.locator(f'{CALENDAR} [role="gridcell"] [role="button"]:not([aria-disabled="true"])')
    days.nth(0).click()
    spoken = assert_french(page, "début de la période choisi")
    assert "Cliquer pour finir de sélectionner la plage de dates" in spoken
    before = script_runs(page)
    days.nth(1).click()
    wait_for_app(page, after=before)
    no_exception(page, "journal")
    spoken = assert_french(page, "période choisie")
    assert any(text.startswith("Date sélectionnée : ") for text in spoken), spoken
    page.locator('[data-testid="stDateInputCalendarButton"]').click()
    page.locator(CALENDAR).wait_for()
    spoken = assert_french(page, "calendrier avec la période")
    assert any(text.startswith("Plage sélectionnée : ") for text in spoken), spoken

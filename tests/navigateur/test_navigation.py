"""End to end in Debian's chromium: what a CODIR member or the SRU sees and does."""

from __future__ import annotations

import pytest

from .conftest import no_exception, open_page, screenshot

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]


def test_home_page_shows_the_parcours_without_error(server, page):
    open_page(page, server["url"])
    no_exception(page)
    assert page.get_by_text("Données de démonstration").count() >= 1
    page.get_by_text("Parcours suivis").wait_for(timeout=60_000)  # a first visit can be idle before the page is drawn
    assert page.get_by_text("Parcours suivis").count() == 1
    screenshot(page, "vue_ensemble")


def test_direction_filter_goes_into_the_url(server, page):
    open_page(page, server["url"] + "/?direction=DAC")
    no_exception(page)
    assert "direction=DAC" in page.url
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Parcours suivis")
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "2"

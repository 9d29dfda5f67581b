"""End to end in Debian's chromium: what a CODIR member or the SRU sees and does."""

from __future__ import annotations

import pytest

from .conftest import screenshot, wait_for_app

pytestmark = pytest.mark.navigateur


def test_home_page_shows_the_parcours_without_error(server, page):
    page.goto(server["url"])
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Données de démonstration").count() >= 1
    page.get_by_text("Parcours suivis").wait_for(timeout=60_000)  # a first visit can be idle before the page is drawn
    assert page.get_by_text("Parcours suivis").count() == 1
    screenshot(page, "vue_ensemble")


def test_direction_filter_goes_into_the_url(server, page):
    page.goto(server["url"] + "/?direction=DAC")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "direction=DAC" in page.url
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Parcours suivis")
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "2"

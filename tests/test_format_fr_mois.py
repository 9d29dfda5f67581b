"""Months written by ``indicateurs/format_fr.py`` from any month form: short in tables, long in sentences."""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicateurs.format_fr import format_month, format_month_long


def test_short_month_from_any_month_form():
    assert format_month(date(2026, 1, 1)) == "janv. 2026"
    assert format_month(pd.Period("2025-09", "M")) == "sept. 2025"
    assert format_month(pd.Timestamp("2024-07-01")) == "juil. 2024"
    assert format_month("2025-12") == "déc. 2025"
    assert format_month(None) == "non planifié"


def test_long_month_for_sentences():
    assert format_month_long(pd.Period("2025-03", "M")) == "mars 2025"
    assert format_month_long("2026-02") == "février 2026"
    assert format_month(date(2026, 8, 1), long=True) == "août 2026"
    assert format_month_long(pd.Period("2025-Q2", "Q")) == "juin 2025"

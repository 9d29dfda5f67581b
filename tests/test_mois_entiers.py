"""A month as one integer (``indicateurs/mois.py``): the index, its dates and Arrow days, arithmetic, and
Period ordinals, checked against the calendar as ``datetime`` counts it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicateurs.mois import (add_months, index_dates, index_days, index_to_date, month_index, month_ordinals,
                              months_between, months_since)

MONTHS = [date(y, m, 1) for y in (1999, 2000, 2024, 2026) for m in range(1, 13)]


def test_consecutive_months_are_consecutive_integers():
    indexes = [month_index(d) for d in MONTHS[:12]]
    assert indexes == list(range(indexes[0], indexes[0] + 12))
    assert month_index(date(2000, 1, 31)) - month_index(date(1999, 12, 1)) == 1
    assert all(index_to_date(month_index(d)) == d for d in MONTHS)


def test_arithmetic_crosses_years_both_ways():
    assert add_months(date(2025, 11, 17), 3) == date(2026, 2, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)
    assert months_between(date(2026, 10, 1), date(2024, 12, 31)) == -22
    assert months_between(date(2024, 2, 29), date(2024, 2, 1)) == 0


def test_dates_and_arrow_days_of_indexes():
    indexes = np.array([month_index(d) for d in reversed(MONTHS)] + [month_index(MONTHS[3])] * 2)
    expected = list(reversed(MONTHS)) + [MONTHS[3]] * 2
    assert list(index_dates(indexes)) == expected
    assert len(index_dates(np.array([], dtype=np.int64))) == 0
    days = index_days(indexes)
    assert days.dtype == np.int32
    assert days.tolist() == [(d - date(1970, 1, 1)).days for d in expected]


def test_period_ordinals_match_months_since():
    column = pd.Series(pd.to_datetime(MONTHS))
    ordinals = month_ordinals(column)
    assert ordinals.tolist() == [pd.Period(d, "M").ordinal for d in MONTHS]
    assert list(months_since(MONTHS, MONTHS[0])) == (ordinals - ordinals[0]).tolist()

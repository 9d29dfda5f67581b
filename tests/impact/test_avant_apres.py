"""Descriptive before/after comparisons on series whose numbers are known by construction."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from indicateurs.impact.avant_apres import before_after, year_over_year


def series(values, start="2023-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_baseline_is_the_12_months_before_deployment():
    # 18 months at 100 then 6 at 110 from 2024-07: baseline = 2023-07..2024-06 only
    values = series([50.0] * 6 + [100.0] * 12 + [110.0] * 6)
    res = before_after(values, "2024-07")
    assert (res.n_before, res.n_after) == (12, 6)
    assert (res.mean_before, res.mean_after, res.diff) == (100.0, 110.0, 10.0)
    assert res.diff_pct == pytest.approx(10.0)


def test_all_months_before_when_baseline_is_none():
    res = before_after(series([50.0] * 6 + [100.0] * 12 + [110.0] * 6), "2024-07", baseline_months=None)
    assert res.n_before == 18
    assert res.mean_before == pytest.approx((6 * 50 + 12 * 100) / 18)


def test_welch_interval_by_hand():
    before = np.array([10.0, 12.0, 11.0, 13.0, 9.0, 10.0, 12.0, 11.0, 10.0, 13.0, 12.0, 11.0])
    after = np.array([14.0, 13.0, 17.0, 12.0, 16.0, 15.0])
    res = before_after(series(list(before) + list(after)), "2024-01")
    v1, v2 = before.var(ddof=1) / 12, after.var(ddof=1) / 6
    df = (v1 + v2) ** 2 / (v1**2 / 11 + v2**2 / 5)
    half = stats.t.ppf(0.975, df) * math.sqrt(v1 + v2)
    diff = after.mean() - before.mean()
    assert res.df == pytest.approx(df)
    assert (res.low, res.high) == (pytest.approx(diff - half), pytest.approx(diff + half))
    assert res.method == "welch"


def test_accepts_dataframe_with_dates_and_missing_months():
    months = [date(2024, m, 1) for m in range(1, 13)] + [date(2025, m, 1) for m in range(1, 7)]
    df = pd.DataFrame({"mois": months, "valeur": [1.0] * 12 + [3.0] * 6})
    df = df.drop(index=[2, 14])  # March 2024 and March 2025 missing
    res = before_after(df, date(2025, 1, 1))
    assert (res.n_before, res.n_after, res.diff) == (11, 5, 2.0)


def test_end_month_cuts_the_observation():
    res = before_after(series([1.0] * 12 + [2.0] * 3 + [9.0] * 3), "2024-01", end_month="2024-03")
    assert (res.n_after, res.mean_after) == (3, 2.0)


def test_year_over_year_pairs_same_calendar_months():
    # strong season: value = month number; deployment adds +1 from 2024-01
    months = pd.period_range("2023-01", "2024-06", freq="M")
    values = pd.Series([m.month + (1.0 if m >= pd.Period("2024-01", "M") else 0.0) for m in months],
                       index=months)
    res = year_over_year(values, "2024-01")
    assert res.n_after == 6 and res.diff == pytest.approx(1.0)
    assert res.method == "paired"
    plain = before_after(values, "2024-01")
    assert plain.diff == pytest.approx(3.5 - 6.5 + 1.0)  # the season biases the plain comparison


def test_year_over_year_uses_the_latest_12_months_after_a_long_observation():
    months = pd.period_range("2023-01", "2025-06", freq="M")  # deployment 2024-01, 18 months after
    values = pd.Series([m.month + (2.0 if m >= pd.Period("2024-07", "M") else 0.0) for m in months],
                       index=months)
    res = year_over_year(values, "2024-01")
    assert res.n_after == 12  # 2024-07..2025-06 paired with 2023-07..2023-12 and 2023-01..2023-06
    assert res.diff == pytest.approx(2.0)
    assert res.low == pytest.approx(2.0) and res.high == pytest.approx(2.0)


def test_duplicate_months_are_refused():
    s = pd.Series([1.0, 2.0], index=pd.PeriodIndex(["2024-01", "2024-01"], freq="M"))
    with pytest.raises(ValueError):
        before_after(s, "2024-01")

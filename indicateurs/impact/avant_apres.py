"""Descriptive before/after comparisons of a monthly series around its deployment month.

These comparisons ignore trend and season: they describe, they do not attribute. The segmented
regression (``its.py``) is the model that judges; the Sicily example shows a naive comparison can
point the wrong way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from indicateurs.mois import to_month, to_months

MONTH_COLUMN = "mois"
VALUE_COLUMN = "valeur"


@dataclass(frozen=True)
class BeforeAfter:
    """Means before and after deployment and their difference with a 95% CI.

    ``diff`` = mean_after − mean_before (unit of the values); ``diff_pct`` = 100 · diff / mean_before
    (NaN when mean_before is 0); ``low``/``high`` bound the 95% CI of ``diff``; ``df`` the degrees of
    freedom of the t quantile; ``method`` is "welch" (two independent samples) or "paired"
    (year-over-year: differences of matched calendar months).
    """

    mean_before: float
    mean_after: float
    n_before: int
    n_after: int
    diff: float
    diff_pct: float
    low: float
    high: float
    p_value: float
    df: float
    method: str


def monthly_values(values) -> pd.Series:
    """The values as a Series indexed by monthly Periods, sorted, without missing values.

    Accepts a Series indexed by month, a DataFrame with ``mois`` and ``valeur`` columns, or a
    one-column DataFrame indexed by month. Duplicate months are an error.
    """
    if isinstance(values, pd.DataFrame):
        if MONTH_COLUMN in values.columns and VALUE_COLUMN in values.columns:
            series = pd.Series(values[VALUE_COLUMN].to_numpy(dtype=float),
                               index=to_months(values[MONTH_COLUMN]))
        elif values.shape[1] == 1:
            series = pd.Series(values.iloc[:, 0].to_numpy(dtype=float), index=to_months(values.index))
        else:
            raise ValueError("DataFrame must have columns 'mois' and 'valeur', or a single column.")
    else:
        series = pd.Series(np.asarray(values, dtype=float), index=to_months(values.index))
    if series.index.has_duplicates:
        raise ValueError("The same month appears more than once.")
    return series.dropna().sort_index()


def _split(series: pd.Series, deployment_month, baseline_months: int | None, end_month):
    deployment = to_month(deployment_month)
    if end_month is not None:
        series = series[series.index <= to_month(end_month)]
    before = series[series.index < deployment]
    if baseline_months is not None:
        before = before[before.index >= deployment - baseline_months]
    after = series[series.index >= deployment]
    return before, after


def welch_interval(before: np.ndarray, after: np.ndarray, level: float = 0.95):
    """Welch's CI and p-value for mean(after) − mean(before): t quantile, Welch–Satterthwaite df.

    Returns (low, high, p_value, df); NaNs when either sample has fewer than 2 values.
    """
    n1, n2 = len(before), len(after)
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan, math.nan, math.nan
    v1, v2 = np.var(before, ddof=1) / n1, np.var(after, ddof=1) / n2
    diff = float(np.mean(after) - np.mean(before))
    se = math.sqrt(v1 + v2)
    if se == 0:
        return diff, diff, (1.0 if diff == 0 else 0.0), math.inf
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    # stats.t.ppf / stats.t.sf are these two functions behind argument checks that cost more than them
    q = special.stdtrit(df, 0.5 + level / 2)
    p = 2 * special.stdtr(df, -abs(diff) / se)
    return float(diff - q * se), float(diff + q * se), float(p), float(df)


def _pct(diff: float, base: float) -> float:
    return 100.0 * diff / base if base != 0 else math.nan


def before_after(values, deployment_month, *, baseline_months: int | None = 12,
                 end_month=None) -> BeforeAfter:
    """Mean of the observation period minus mean of the baseline, with Welch's 95% CI.

    Baseline = the ``baseline_months`` calendar months before the deployment month (all months before
    when None); observation = the deployment month and every month after it (up to ``end_month``
    when given). Missing months are simply absent from the means. Why: a first, model-free
    description of what changed, shown beside the segmented regression.
    """
    series = monthly_values(values)
    if end_month is not None:
        series = series[series.index <= to_month(end_month)]
    return before_after_months(series.index.asi8, series.to_numpy(), to_month(deployment_month).ordinal,
                               baseline_months=baseline_months)


def before_after_months(ordinals: np.ndarray, values: np.ndarray, deployment_ordinal: int, *,
                        baseline_months: int | None = 12) -> BeforeAfter:
    """``before_after`` on plain arrays: month ordinals (``pd.Period.ordinal``, sorted, no missing value)
    and their values. Why: the refresh calls it once per series, and pandas costs more than the sums."""
    before = ordinals < deployment_ordinal
    if baseline_months is not None:
        before &= ordinals >= deployment_ordinal - baseline_months
    b, a = values[before], values[ordinals >= deployment_ordinal]
    mean_b = float(np.mean(b)) if len(b) else math.nan
    mean_a = float(np.mean(a)) if len(a) else math.nan
    diff = mean_a - mean_b
    low, high, p, df = welch_interval(b, a)
    return BeforeAfter(mean_b, mean_a, len(b), len(a), diff, _pct(diff, mean_b), low, high, p, df, "welch")


def year_over_year(values, deployment_month, *, end_month=None) -> BeforeAfter:
    """Seasonal comparison: recent months against the same calendar months before deployment.

    Takes the latest (up to 12) observation months and pairs each with the same calendar month in the
    12 months before deployment; within the first year after deployment that is exactly "the same
    month one year before". Pairs with a missing side are dropped. ``diff`` is the mean of the paired
    differences with a paired-t 95% CI (n − 1 df). Why: for seasonal indicators, comparing with the same
    months removes the season that a plain before/after mixes in.
    """
    series = monthly_values(values)
    deployment = to_month(deployment_month)
    before, after = _split(series, deployment, 12, end_month)
    recent = after[after.index >= after.index.max() - 11] if len(after) else after
    pairs = []
    for month, value in recent.items():
        reference = deployment - 12 + ((month.ordinal - deployment.ordinal) % 12)
        if reference in before.index:
            pairs.append((before[reference], value))
    if not pairs:
        return BeforeAfter(math.nan, math.nan, 0, 0, math.nan, math.nan, math.nan, math.nan, math.nan,
                           math.nan, "paired")
    b = np.array([p[0] for p in pairs])
    a = np.array([p[1] for p in pairs])
    d = a - b
    n = len(d)
    diff = float(np.mean(d))
    if n >= 2:
        se = float(np.std(d, ddof=1) / math.sqrt(n))
        q = special.stdtrit(n - 1, 0.975)  # stats.t.ppf(0.975, n − 1)
        low, high = diff - q * se, diff + q * se
        p = float(2 * special.stdtr(n - 1, -abs(diff) / se)) if se > 0 else (1.0 if diff == 0 else 0.0)
        df = float(n - 1)
    else:
        low = high = p = df = math.nan
    mean_b = float(np.mean(b))
    return BeforeAfter(mean_b, float(np.mean(a)), n, n, diff, _pct(diff, mean_b), low, high, p, df, "paired")

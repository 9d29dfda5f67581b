"""Monthly periods for the impact engine: one conversion, one arithmetic.

Months arrive as pandas Periods, Timestamps (month starts), ``datetime.date`` (first day of the month,
the project's storage format) or ``"YYYY-MM"`` strings. Everything here turns them into ``pd.Period``
with monthly frequency, so that "months between" is plain integer arithmetic on calendar months.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd


def to_month(value) -> pd.Period:
    """One month as a monthly ``pd.Period``, whatever its input form (Period, Timestamp, date, "2025-03")."""
    if isinstance(value, pd.Period):
        return value.asfreq("M") if value.freqstr != "M" else value
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return pd.Period(pd.Timestamp(value), freq="M")
    return pd.Period(pd.Timestamp(str(value)), freq="M")


def to_months(values) -> pd.PeriodIndex:
    """A sequence of months (index, Series, list) as a monthly ``PeriodIndex``, in the original order."""
    if isinstance(values, pd.PeriodIndex):
        return values.asfreq("M") if values.freqstr != "M" else values
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(values).asfreq("M")
    values = list(values)
    if values and all(type(v) is date for v in values):  # the store's format: one vectorised conversion
        return pd.PeriodIndex(pd.to_datetime(values), freq="M")
    return pd.PeriodIndex([to_month(v) for v in values], freq="M")


def months_since(months, origin) -> pd.Index:
    """Whole calendar months from ``origin`` to each month (0 for the origin itself, negative before).

    Counting by calendar rather than by row keeps time right when months are missing or the series
    is quarterly.
    """
    periods = to_months(months)
    return pd.Index(periods.asi8 - to_month(origin).ordinal, dtype="int64")

"""Months: the unit of time of every value. Stored as the first day of the month (a DATE).

One module for months as values: codes (``2026-10``), arithmetic, the observation window, French names,
and, for the impact engine, conversion to monthly ``pd.Period`` so that « months between » is integer
arithmetic on calendar months. Reading months as people type them in files is ``imports/months.py``.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from typing import Iterable

import pandas as pd

MOIS_LONGS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
MOIS_COURTS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
               "nov.", "déc.")

_CODE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month_code(text: str) -> date | None:
    """``"2025-03"`` → date(2025, 3, 1); None when the text is not a valid YYYY-MM month."""
    match = _CODE.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1)


def month_code(d: date) -> str:
    """date(2025, 3, 1) → ``"2025-03"``, the month format of files and of the CLI."""
    return f"{d.year:04d}-{d.month:02d}"


def add_months(d: date, n: int) -> date:
    """The first day of the month n months after (or before, n < 0) the month of ``d``."""
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many months from the month of ``start`` to the month of ``end`` (0 when the same month)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(start: date, end: date) -> list[date]:
    """Every month from ``start`` to ``end``, both included."""
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def is_quarter_month(d: date) -> bool:
    """Quarterly indicators are due on the last month of each quarter: March, June, September, December."""
    return d.month % 3 == 0


def last_complete_month(today: date | None = None) -> date:
    """The latest month fully elapsed: on 28 November 2026, October 2026."""
    today = today or date.today()
    return add_months(date(today.year, today.month, 1), -1)


OBSERVATION_START_VARIABLE = "OBSERVATOIRE_DEBUT_OBSERVATION"
YEARS_BEFORE_FIRST_DEPLOYMENT = 3


def observation_start(deployments: Iterable[date | None], today: date | None = None) -> date:
    """The first month a value may be about: $OBSERVATOIRE_DEBUT_OBSERVATION (AAAA-MM) when set, else
    January of the year three years before the first deployment (or before the last complete month when
    no parcours has a deployment date). Earlier months are typing slips (1026 for 2026), not history."""
    configured = parse_month_code(os.environ.get(OBSERVATION_START_VARIABLE, ""))
    if configured is not None:
        return configured
    known = [d for d in deployments if d is not None]
    anchor = min(known) if known else last_complete_month(today)
    return date(anchor.year - YEARS_BEFORE_FIRST_DEPLOYMENT, 1, 1)


def format_month_fr(d: date, long: bool = False) -> str:
    """date(2026, 1, 1) → ``"janv. 2026"`` (or ``"janvier 2026"`` with long=True)."""
    names = MOIS_LONGS if long else MOIS_COURTS
    return f"{names[d.month - 1]} {d.year}"


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

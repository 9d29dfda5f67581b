"""Months: the unit of time of every value. Stored as the first day of the month (a DATE).

One module for months as values: codes (``2026-10``), arithmetic, the observation window, and, for the
impact engine, conversion to monthly ``pd.Period`` so that « months between » is integer arithmetic on
calendar months; and months as people type them in files (below, « Reading typed months »).

A month as one integer is its index ``year × 12 + month − 1`` (``month_index``): arithmetic, the import's
vectorised checks and the completeness SQL all count in it. Months are written in French by
``indicateurs/format_fr.py``.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from typing import Iterable

import numpy as np
import pandas as pd

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


def month_index(d: date) -> int:
    """The month of ``d`` as one integer, ``year × 12 + month − 1``: consecutive months are consecutive integers."""
    return d.year * 12 + d.month - 1


def index_to_date(index: int) -> date:
    """The first day of the month of an index (``month_index``'s inverse)."""
    return date(index // 12, index % 12 + 1, 1)


def index_dates(indexes: np.ndarray) -> np.ndarray:
    """Month indexes as an object array of ``date`` (first of the month), each distinct month built once."""
    indexes = np.asarray(indexes, dtype=np.int64)
    if len(indexes) == 0:
        return np.array([], dtype=object)
    low, high = int(indexes.min()), int(indexes.max())
    table = np.empty(high - low + 1, dtype=object)
    table[:] = [index_to_date(i) for i in range(low, high + 1)]
    return table[indexes - low]


def index_days(indexes: np.ndarray) -> np.ndarray:
    """Month indexes as days since 1 January 1970 of the first of each month (int32: Arrow's ``date32``)."""
    since_1970 = np.asarray(indexes, dtype=np.int64) - month_index(date(1970, 1, 1))
    return since_1970.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)


def add_months(d: date, n: int) -> date:
    """The first day of the month n months after (or before, n < 0) the month of ``d``."""
    return index_to_date(month_index(d) + n)


def months_between(start: date, end: date) -> int:
    """How many months from the month of ``start`` to the month of ``end`` (0 when the same month)."""
    return month_index(end) - month_index(start)


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


def month_ordinals(months: pd.Series) -> np.ndarray:
    """Monthly Period ordinals (months since January 1970, as ``months_since`` counts them) of a column of
    dates, without building pandas Periods."""
    return pd.to_datetime(months).to_numpy().astype("datetime64[M]").astype(np.int64)


# Reading typed months -------------------------------------------------------------------------------
# Months as people write them in French files, and as Excel stores them.
# 
# Accepted: « 2026-10 », « 2026-10-01 » (any day; a time part is ignored), « 2026/10 », « 10/2026 »,
# « 01/10/2026 » (day first, as in France), « oct. 2026 », « octobre 2026 », « Oct 2026 », Excel's
# « oct.-26 » (what a date cell shows as mmm-aa and writes to CSV), « 1er octobre 2026 », « 202610 », and
# Excel serial numbers (« 46296 », days since 30/12/1899, what a date cell becomes when formatted as a
# number; from 10000, i.e. 1927, so that a bare « 10 » is refused rather than read as January 1900).
# A cell's month is read as its ``month_index``, for vectorised comparisons.

UNREADABLE = -1
EXCEL_EPOCH = date(1899, 12, 30)
MIN_EXCEL_SERIAL = 10000  # 18/05/1927: a bare « 10 » is a forgotten year, not 10 January 1900
MAX_EXCEL_SERIAL = 2958465  # 31/12/9999

_NAMES = {
    1: ("janvier", "janv", "jan", "january"),
    2: ("fevrier", "fevr", "fev", "feb", "february"),
    3: ("mars", "mar", "march"),
    4: ("avril", "avr", "apr", "april"),
    5: ("mai", "may"),
    6: ("juin", "jun", "june"),
    7: ("juillet", "juil", "jul", "july"),
    8: ("aout", "aou", "aug", "august"),
    9: ("septembre", "sept", "sep", "september"),
    10: ("octobre", "oct", "october"),
    11: ("novembre", "nov", "november"),
    12: ("decembre", "dec", "december"),
}
MONTH_NAMES = {name: number for number, names in _NAMES.items() for name in names}

_TIME = r"(?:[ t](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?)?"
_ISO = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?" + _TIME + "$")
_MONTH_YEAR = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{4})$")
_DAY_MONTH_YEAR = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})" + _TIME + "$")
_NAMED = re.compile(r"^(?:([0-9]{1,2}|1er)\s*)?([a-z]+)\.?\s*[-/ ]?\s*([0-9]{4}|[0-9]{2})$")
_SERIAL = re.compile(r"^([0-9]{1,7})(?:\.([0-9]+))?$")


def parse_month(text: str) -> int:
    """The month index of one cell, or UNREADABLE (-1)."""
    from indicateurs.imports.normalise import normalise_key  # the imports package itself needs this module

    key = normalise_key(text).replace(",", " ").strip()
    if not key:
        return UNREADABLE
    match = _ISO.match(key)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
        return _checked(year, month, int(day) if day else 1)
    match = _MONTH_YEAR.match(key)
    if match:
        return _checked(int(match.group(2)), int(match.group(1)), 1)
    match = _DAY_MONTH_YEAR.match(key)
    if match:
        return _checked(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    match = _NAMED.match(key)
    if match and match.group(2) in MONTH_NAMES:
        year = int(match.group(3))
        year = 2000 + year if year < 100 else year
        day = match.group(1)
        day = 1 if day is None or day == "1er" else int(day)
        return _checked(year, MONTH_NAMES[match.group(2)], day)
    match = _SERIAL.match(key)
    if match:
        whole = int(match.group(1))
        if len(match.group(1)) == 6 and match.group(2) is None and 1900 <= whole // 100 <= 2199:
            return _checked(whole // 100, whole % 100, 1)  # 202610: YYYYMM
        if MIN_EXCEL_SERIAL <= whole <= MAX_EXCEL_SERIAL:
            day = EXCEL_EPOCH + timedelta(days=whole)
            return month_index(day)
    return UNREADABLE


def _checked(year: int, month: int, day: int) -> int:
    if not (1 <= month <= 12 and 1000 <= year <= 9999):
        return UNREADABLE
    try:
        date(year, month, day)
    except ValueError:
        return UNREADABLE
    return month_index(date(year, month, 1))


def parse_months(cells: pd.Series) -> np.ndarray:
    """Month indexes of a column of text cells (int64, UNREADABLE where a cell is not a month).

    Each distinct text is parsed once: a file has a handful of months for a million rows.
    """
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    parsed = np.fromiter((parse_month(str(u)) for u in uniques), dtype=np.int64, count=len(uniques))
    return parsed[codes]

"""Months: the unit of time of every value. Stored as the first day of the month (a DATE)."""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Iterable

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

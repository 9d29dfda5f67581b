"""Numbers, percentages and months written the French way: ``1 234,5``, ``87,5 %``, ``janv. 2026``.

The one module for numbers a reader sees (pages, charts, fiche, downloads). Thousands are separated by a
narrow no-break space (U+202F), negative numbers carry a true minus sign (U+2212), as the French
typographic rules (and the Imprimerie nationale) ask; halves are rounded up, away from zero, on the number
as written (4,25 → 4,3), as a reader would; a value that rounds to zero has no sign (never « −0,0 »); a
missing or infinite value is « – ». Months are written short (« janv. 2026 ») in tables and charts, long
(« janvier 2026 ») in sentences (verdicts, import messages). Import messages quote numbers through
``imports/formats.py``, which builds on this module.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from indicateurs.mois import to_month

NNBSP = "\u202f"
MINUS = "\u2212"
MISSING = "\u2013"
UNIT_SUFFIX = {"%": f"{NNBSP}%", "jours": f"{NNBSP}j", "nombre": "", "ratio": ""}


def _fixed(magnitude: float, decimals: int) -> str:
    """``magnitude`` (≥ 0) with ``decimals`` digits, a half rounded up on the number as written: Python's
    formatting rounds the binary value (2.675 → 2.67), a reader expects 2,68."""
    written = repr(magnitude)
    head, _, tail = written.partition(".")
    if "e" not in written and len(tail) == decimals + 1 and tail.endswith("5"):
        return f"{Decimal(written).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,.{decimals}f}"
    return f"{magnitude:,.{decimals}f}"


def format_number(value: float | int | None, decimals: int = 1, *, signed: bool = False) -> str:
    """``1234.5`` → ``"1 234,5"``; ``None``/NaN/infinite → ``"–"``; ``signed`` adds ``+`` to positive values
    (a value rounding to zero stays unsigned: ``"0,0"``)."""
    if value is None or not math.isfinite(float(value)):
        return MISSING
    value = float(value)
    text = _fixed(abs(value), decimals).replace(",", NNBSP).replace(".", ",")
    if not text.strip("0,\u202f"):
        return text
    if value < 0:
        return MINUS + text
    if signed and value > 0:
        return "+" + text
    return text


def format_signed(value: float | None, decimals: int = 1) -> str:
    """A change with its sign always shown: ``7.24`` → « +7,2 », ``-2.1`` → « −2,1 », ``0.01`` → « 0,0 »."""
    return format_number(value, decimals, signed=True)


def format_interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval: ``(-3, -1.2)`` → « [−3,0 ; −1,2] ». A bound that is not 0 is never written as 0: it gets
    the decimals it needs (up to four more), « [0,04 ; 9,7] », because a significant interval written
    « [0,0 ; 9,7] » would seem to touch 0 and contradict the verdict beside it."""
    return f"[{_bound(low, decimals)} ; {_bound(high, decimals)}]"


def _bound(value: float | None, decimals: int) -> str:
    text = format_number(value, decimals)
    for extra in range(1, 5):
        if text.strip("0,\u202f") or not value:
            break
        text = format_number(value, decimals + extra)
    return text


def with_unit(text: str, suffix: str) -> str:
    """A formatted number and its unit suffix joined by a narrow no-break space (« −2,1 j »), so that a line
    never ends between them; no suffix, no space."""
    return f"{text}{NNBSP}{suffix}" if suffix else text


def format_value(value: float | None, unite: str, decimals: int | None = None, *, signed: bool = False) -> str:
    """A value with its unit: ``87,5 %``, ``12,0 j``, ``1 234``."""
    if decimals is None:
        decimals = 0 if unite == "nombre" else (2 if unite == "ratio" else 1)
    text = format_number(value, decimals, signed=signed)
    return text if text == "–" else text + UNIT_SUFFIX.get(unite, "")


def format_percent(share: float | None, decimals: int = 1) -> str:
    """A share between 0 and 1 as a percentage: ``0.875`` → ``"87,5 %"``."""
    return "–" if share is None else format_number(share * 100, decimals) + UNIT_SUFFIX["%"]


MOIS_LONGS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
MOIS_COURTS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
               "nov.", "déc.")


def format_month(d, long: bool = False) -> str:
    """``date(2026, 1, 1)`` → ``"janv. 2026"`` (``"janvier 2026"`` with ``long``); ``None`` → ``"non planifié"``.

    Any month form is accepted: date, Timestamp, monthly Period, ``"2025-03"``."""
    if d is None:
        return "non planifié"
    month = d if isinstance(d, date) else to_month(d)
    return f"{(MOIS_LONGS if long else MOIS_COURTS)[month.month - 1]} {month.year}"


def format_month_long(d) -> str:
    """A month in words, as sentences write it: Period/date/Timestamp/``"2025-03"`` → « mars 2025 »."""
    return format_month(d, long=True)


def format_quarter(d: date | None) -> str:
    """The quarter a month belongs to: ``date(2023, 6, 1)`` → ``"T2 2023"``; ``None`` → ``"–"``."""
    return "–" if d is None else f"T{(d.month - 1) // 3 + 1} {d.year}"

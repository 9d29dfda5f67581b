"""French formatting of numbers and months for the sentences users read.

Conventions: decimal comma; a real minus sign (U+2212); narrow no-break space (U+202F) between thousands;
halves rounded up, away from zero, on the number as written (4,25 → 4,3); months written « mars 2025 ».
A missing or infinite value is written « – ». Unit suffixes are joined to their number with a narrow
no-break space (U+202F), so a line never ends between a number and its unit. These are the conventions
of the project-wide ``indicateurs/format_fr.py`` (same separators, same missing mark), so the two can merge.
"""

from __future__ import annotations

import math
from decimal import localcontext, ROUND_HALF_UP, Decimal

from indicateurs.mois import to_month

MINUS = "\u2212"
THOUSANDS = "\u202f"
UNIT_SPACE = "\u202f"
MISSING = "\u2013"

MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
               "octobre", "novembre", "décembre")


def _is_missing(x) -> bool:
    """None, NaN and infinities are written « – »."""
    return x is None or not math.isfinite(float(x))


def _round(magnitude: float, decimals: int) -> Decimal:
    """Rounds half up on the number as written (4.25 → 4.3, 2.675 → 2.68), as a reader would."""
    with localcontext() as context:
        context.prec = 400  # enough digits for any finite double
        return Decimal(repr(float(magnitude))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _digits(magnitude: float, decimals: int) -> str:
    """Unsigned number with a decimal comma and narrow no-break spaces between thousands."""
    text = f"{_round(magnitude, decimals):,.{decimals}f}"  # "1,234.5"
    return text.replace(",", THOUSANDS).replace(".", ",")


def _rounds_to_zero(x: float, decimals: int) -> bool:
    return _round(abs(x), decimals) == 0


def format_number(x, decimals: int = 1) -> str:
    """A number the French way: ``-1234.5`` → « −1 234,5 » (U+2212 minus, U+202F thousands).

    A value that rounds to zero is written without a sign (never « −0,0 »).
    """
    if _is_missing(x):
        return MISSING
    x = float(x)
    if _rounds_to_zero(x, decimals):
        return _digits(0.0, decimals)
    sign = MINUS if x < 0 else ""
    return sign + _digits(abs(x), decimals)


def format_signed(x, decimals: int = 1) -> str:
    """A change with its sign always shown: ``7.24`` → « +7,2 », ``-2.1`` → « −2,1 », ``0.01`` → « 0,0 ».

    Used for differences, where the sign carries the meaning.
    """
    if _is_missing(x):
        return MISSING
    x = float(x)
    if _rounds_to_zero(x, decimals):
        return _digits(0.0, decimals)
    return ("+" if x > 0 else MINUS) + _digits(abs(x), decimals)


def format_interval(low, high, decimals: int = 1) -> str:
    """A confidence interval: ``(-3, -1.2)`` → « [−3,0 ; −1,2] »."""
    return f"[{format_number(low, decimals)} ; {format_number(high, decimals)}]"


def with_unit(text: str, suffix: str) -> str:
    """Joins a formatted number and its unit suffix with a narrow no-break space (« −2,1 j »); no suffix,
    no space."""
    return f"{text}{UNIT_SPACE}{suffix}" if suffix else text


def format_month(month) -> str:
    """A month in words: Period/date/Timestamp/"2025-03" → « mars 2025 »."""
    period = to_month(month)
    return f"{MONTH_NAMES[period.month - 1]} {period.year}"

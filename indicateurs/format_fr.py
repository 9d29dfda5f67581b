"""Numbers, percentages and months written the French way: ``1 234,5``, ``87,5 %``, ``janv. 2026``.

Thousands are separated by a narrow no-break space (U+202F) and negative numbers carry a true minus sign
(U+2212), as the French typographic rules (and the Imprimerie nationale) ask.
"""

from __future__ import annotations

import math
from datetime import date

from indicateurs.mois import format_month_fr

NNBSP = "\u202f"
MINUS = "\u2212"
UNIT_SUFFIX = {"%": f"{NNBSP}%", "jours": f"{NNBSP}j", "nombre": "", "ratio": ""}


def format_number(value: float | int | None, decimals: int = 1, *, signed: bool = False) -> str:
    """``1234.5`` → ``"1 234,5"``; ``None``/NaN → ``"–"``; ``signed`` adds ``+`` to positive values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    if value < 0 and text.strip("0,\u202f"):
        return MINUS + text
    if signed and value > 0:
        return "+" + text
    return text


def format_value(value: float | None, unite: str, decimals: int | None = None, *, signed: bool = False) -> str:
    """A value with its unit: ``87,5 %``, ``12,0 j``, ``1 234``."""
    if decimals is None:
        decimals = 0 if unite == "nombre" else (2 if unite == "ratio" else 1)
    text = format_number(value, decimals, signed=signed)
    return text if text == "–" else text + UNIT_SUFFIX.get(unite, "")


def format_percent(share: float | None, decimals: int = 1) -> str:
    """A share between 0 and 1 as a percentage: ``0.875`` → ``"87,5 %"``."""
    return "–" if share is None else format_number(share * 100, decimals) + UNIT_SUFFIX["%"]


def format_month(d: date | None, long: bool = False) -> str:
    """``date(2026, 1, 1)`` → ``"janv. 2026"``; ``None`` → ``"non planifié"``."""
    return "non planifié" if d is None else format_month_fr(d, long)


def format_quarter(d: date | None) -> str:
    """The quarter a month belongs to: ``date(2023, 6, 1)`` → ``"T2 2023"``; ``None`` → ``"–"``."""
    return "–" if d is None else f"T{(d.month - 1) // 3 + 1} {d.year}"

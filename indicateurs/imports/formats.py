"""Numbers quoted in import messages, written by ``indicateurs/format_fr.py`` (months are written there too,
in full: ``format_month_long``, « octobre 2026 »).

What is specific to import messages: a number is quoted with all its significant decimals (up to six:
« 12,345 », never rounded to « 12,3 », since the message names the value the user typed) and with the
characters a user types back into a file (plain space between thousands, ASCII hyphen for the minus
sign); a value that is not a number is « ? ». Months are written in full (« octobre 2026 »).
"""

from __future__ import annotations

from indicateurs.format_fr import MINUS, NNBSP, format_number

MAX_DECIMALS = 6


def number_fr(value: float) -> str:
    """12.5 → « 12,5 », 10000000 → « 10 000 000 », -2.0 → « -2 »: how a French reader writes a number."""
    if value != value:
        return "?"
    text = format_number(value, MAX_DECIMALS).replace(NNBSP, " ").replace(MINUS, "-")
    return text.rstrip("0").rstrip(",") if "," in text else text


"""The import-message formatters as they were before they were built on ``indicateurs/format_fr.py``
(commit 6e5452a, indicateurs/imports/formats.py), kept verbatim as a reference: the new ones must write
the same text. Test code only; nothing in the app imports this.

French wording of numbers and months inside messages."""

from __future__ import annotations

from datetime import date


# indicateurs/mois.py's month names and ``format_month_fr`` at that commit.
MOIS_LONGS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")


def number_fr(value: float) -> str:
    """12.5 → « 12,5 », 10000000 → « 10 000 000 », -2.0 → « -2 »: how a French reader writes a number."""
    if value != value:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    whole, _, decimals = f"{value:,.6f}".rstrip("0").partition(".")
    return whole.replace(",", " ") + ("," + decimals if decimals else "")


def month_fr(d: date) -> str:
    """date(2026, 10, 1) → « octobre 2026 »."""
    return f"{MOIS_LONGS[d.month - 1]} {d.year}"

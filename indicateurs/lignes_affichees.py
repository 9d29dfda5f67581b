"""How many rows of a table a page sends to the browser, and the French sentence saying what is hidden.

At 100 times the demo's data some tables hold tens of thousands of rows: sending them all on every rerun
costs megabytes and seconds for a table nobody scrolls. Pages show the first rows (already sorted so that
what matters comes first), say how many are hidden, and offer the whole table as a download.
"""

from __future__ import annotations

import pandas as pd

from indicateurs.format_fr import format_number

MAX_ROWS = 1000


def capped(frame: pd.DataFrame, limit: int = MAX_ROWS) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` rows of ``frame`` and how many rows are left out (0 when all are shown)."""
    hidden = max(len(frame) - limit, 0)
    return (frame.head(limit) if hidden else frame), hidden


def hidden_rows_sentence(hidden: int, total: int) -> str:
    """« 1 234 lignes masquées sur 1 734 : le tableau complet est dans les téléchargements ci-dessous. »"""
    if hidden <= 0:
        return ""
    lines = "ligne masquée" if hidden == 1 else "lignes masquées"
    return (f"{format_number(hidden, 0)} {lines} sur {format_number(total, 0)} : le tableau complet est dans les "
            "téléchargements ci-dessous.")


LINE_PX = 21
ROW_PADDING_PX = 14
WRAP_MIN_PX = 65  # Streamlit wraps a table's text only when rows are taller than 4rem (64 px)


def wrapped_row_height(frame: pd.DataFrame, chars_per_line: dict[str, int]) -> int | None:
    """A row height (px) tall enough for the longest cell of the given columns to wrap without being cut,
    or None when every cell fits on one line. ``chars_per_line`` is how many characters a column shows per
    line at its width (about one character per 7 px of column)."""
    lines = 1
    for column, per_line in chars_per_line.items():
        if column in frame and len(frame):
            longest = int(frame[column].astype(str).str.len().max())
            lines = max(lines, -(-longest // max(per_line, 1)))
    if lines <= 1:
        return None
    return max(WRAP_MIN_PX, lines * LINE_PX + ROW_PADDING_PX)

"""Numbers as French files write them: « 12,5 » or « 12.5 », « 1 234,5 » with a space, a no-break space
(U+00A0) or a narrow no-break space (U+202F) between thousands, « −3 » with a true minus sign, « 85 % ».

Vectorised with Arrow compute: plain numbers (the vast majority) are matched by one regular expression
and cast in bulk; only the unusual ones (spaces, « % », « − ») go through a second, slower pass. A comma
and a point in the same number (« 1.234,5 », « 1,234.5 ») are refused rather than guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SPACES = "[ \u00a0\u202f]"
_PLAIN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_GROUPED = rf"^[+-]?[0-9]{{1,3}}(?:{_SPACES}[0-9]{{3}})+(?:[.,][0-9]+)?$"


def _arrow(cells: pd.Series) -> pa.Array:
    return pa.array(cells.astype(str) if cells.dtype != "str" else cells)


def parse_numbers(cells: pd.Series) -> np.ndarray:
    """Float values of a column of stripped text cells; NaN where a cell is not a readable number.

    Infinite and « nan » texts are unreadable too: a stored value is always a finite number.
    """
    values = np.full(len(cells), np.nan)
    if not len(cells):
        return values
    text = pc.replace_substring(_arrow(cells), ",", ".")
    matched = pc.match_substring_regex(text, _PLAIN)
    if pc.all(matched).as_py():  # the usual file: every cell a plain number, cast in one go
        values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).copy()
        values[~np.isfinite(values)] = np.nan
        return values
    plain = matched.to_numpy(zero_copy_only=False)
    if plain.any():
        values[plain] = pc.cast(pc.filter(text, matched), pa.float64()).to_numpy(zero_copy_only=False)
    others = np.flatnonzero(~plain)
    if len(others):
        cleaned = _clean_unusual(pd.Series(cells.to_numpy(dtype=object)[others], dtype=object))
        values[others] = pd.to_numeric(cleaned.str.replace(",", ".", regex=False), errors="coerce").to_numpy(
            dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def _clean_unusual(text: pd.Series) -> pd.Series:
    """Strip a trailing « % », turn U+2212 into « - », and remove spaces only where they group thousands;
    anything else that is not a plain number becomes unreadable."""
    text = text.str.replace("\u2212", "-", regex=False)
    text = text.str.replace(rf"{_SPACES}*%$", "", regex=True).str.strip()
    grouped = text.str.match(_GROUPED).fillna(False).to_numpy(dtype=bool)
    text = text.where(~grouped, text.str.replace(_SPACES, "", regex=True))
    plain = text.str.replace(",", ".", regex=False).str.match(_PLAIN).fillna(False).to_numpy(dtype=bool)
    return text.where(plain, "illisible")

"""Spreadsheet-formula neutralisation for every CSV or XLSX file the project writes.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel or LibreOffice when the file is opened (« CSV injection »: ``=HYPERLINK(...)``, ``=CMD|...``).
Prefixing such a text with an apostrophe makes the spreadsheet show it as plain text. Numbers are left
alone, so that -2.5 stays a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text):
    """Return ``text`` with a leading apostrophe when a spreadsheet would read it as a formula.

    Only strings are changed; any other value (number, date, None) is returned as is, so callers can map
    it over mixed cells. Used by every CSV/XLSX writer of the project (templates, exports, reports).
    """
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` where every text cell is neutralised; numeric and date columns are untouched.

    Vectorised per column (only text-like columns are scanned), so it stays fast on large exports.
    Missing cells stay missing; in a mixed (object) column only the strings change.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series.dtype):
            is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
            if not is_text.any():
                continue
            risky = np.zeros(len(series), dtype=bool)
            risky[is_text] = series[is_text].astype(str).str.startswith(FORMULA_PREFIXES).to_numpy(dtype=bool)
            if risky.any():
                values = series.to_numpy(dtype=object, copy=True)
                values[risky] = ["'" + v for v in values[risky]]
                out[column] = pd.Series(values, index=series.index, dtype=object)
        elif pd.api.types.is_string_dtype(series.dtype):
            risky = series.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out[column] = series.where(~risky, "'" + series)
    return out

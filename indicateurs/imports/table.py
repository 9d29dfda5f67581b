"""The raw table read from a file: every cell as text, with the row number a spreadsheet would show."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_FIELDS = 16384  # Excel's own column limit: a wider « table » is not a spreadsheet
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' « str » (what ``dtype=str`` gives): Arrow strings


@dataclass
class Table:
    """Cells as strings (``""`` when empty, pandas « str » dtype), columns numbered 0..n-1, one row per
    sheet row or CSV record.

    ``lignes[i]`` is the line number of row i as a spreadsheet shows it (1-based; for XLSX the real sheet
    row). ``lettres`` says whether columns also have letters (XLSX) to show in messages.
    """

    fichier: str
    cells: pd.DataFrame
    lignes: np.ndarray
    lettres: bool
    description: str
    avertissements: list[str] = field(default_factory=list)  # whole-file warnings found while reading

    def label(self, index: int, header: str) -> str:
        """How a column is named in messages: its header as written, plus its letter for a workbook."""
        header = header.strip()
        if not self.lettres:
            return header if header else f"colonne n° {index + 1}"
        return f"{header} ({column_letter(index)})" if header else f"colonne {column_letter(index)}"


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": the spreadsheet name of a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def drop_empty_trailing_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """Remove columns on the right that are empty in every row (Excel often writes « ;;; » at line ends)."""
    keep = cells.shape[1]
    while keep > 0:
        column = cells.iloc[:, keep - 1]
        filled = column[column.ne("")]
        if len(filled) and filled.str.strip().ne("").any():
            break
        keep -= 1
    return cells.iloc[:, :keep]

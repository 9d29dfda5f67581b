"""Writing tables to files people open in Excel: CSV, French-Excel CSV, XLSX and Parquet.

Every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is neutralised with a leading apostrophe, so that an exported value can never run.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from indicateurs.imports.securite import neutralise_frame

FORMATS = ("csv", "parquet", "xlsx")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Plain CSV for programs: UTF-8, comma, decimal point."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


def excel_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as Excel in French expects it: UTF-8 with BOM, ``;`` separator, decimal comma."""
    text = neutralise_frame(frame).to_csv(index=False, sep=";", decimal=",")
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "donnees") -> bytes:
    """An XLSX workbook with one sheet holding ``frame``."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str) -> None:
    """Write ``frame`` to ``path`` as csv, parquet or xlsx (formulas neutralised in csv and xlsx)."""
    path = Path(path)
    if fmt == "csv":
        path.write_bytes(csv_bytes(frame))
    elif fmt == "xlsx":
        path.write_bytes(xlsx_bytes(frame))
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        raise ValueError(f"format inconnu : {fmt} (choisir parmi {', '.join(FORMATS)})")

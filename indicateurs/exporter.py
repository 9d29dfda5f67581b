"""Every table the project hands out as a file: CSV for Excel in French, plain CSV, XLSX and Parquet.

One module writes them all (downloads under the pages, templates, error reports, CLI exports), so the two
protections below hold everywhere:
- Formulas never run. A text cell that a spreadsheet would read as a formula (« CSV injection »:
  ``=HYPERLINK(...)``, ``=CMD|...``) gets a leading apostrophe, which makes it plain text; so does any
  ``=``, ``+``, ``-`` or ``@`` that follows a ``;``, ``,``, tab or line break inside a cell, because a
  program that splits on the other separator would otherwise start a new cell there. Numbers stay numbers.
- Fields are quoted whatever the separator: any text holding ``;``, ``,``, a tab, a line break or a quote.
  A reader that honours quotes keeps such a cell whole. Excel only sees a quote at the start of a cell, so
  a comma file opened by French Excel may still be cut at a ``;`` inside a quoted field: the apostrophe
  placed after every separator is what keeps the piece after the cut from being a formula.

Booleans are written « oui » / « non » in CSV (a real boolean in XLSX, which French Excel shows as VRAI/FAUX).

French CSV: UTF-8 with BOM (so Excel shows accents), ``;``, CRLF, decimal comma: what Excel in French opens
with a double-click. Plain CSV (for programs): UTF-8, ``,``, LF, decimal point.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_INNER_FORMULA = re.compile(r"([;,\t\r\n][ \u00a0]*)([=+\-@])")
_INNER_FORMULA_TEST = r"[;,\t\r\n][ \u00a0]*[=+\-@]"
_NEEDS_QUOTES = r'[;,\t\r\n"]'


def neutralise_formula(text):
    """``text`` made safe for a spreadsheet: an apostrophe before a leading formula character, and before
    any formula character that follows a separator inside the text. Non-strings are returned as they are,
    so callers can map it over mixed cells."""
    if not isinstance(text, str):
        return text
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return _INNER_FORMULA.sub(r"\1'\2", text)


_NEUTRALISED_INNER = re.compile(r"([;,\t\r\n][ \u00a0]*)'([=+\-@])")


def restore_formula_text(text):
    """The inverse of ``neutralise_formula`` for a file the project wrote and reads back (the referential's
    CSV files): the apostrophe put before a formula character is taken off. Non-strings are returned as is."""
    if not isinstance(text, str):
        return text
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return _NEUTRALISED_INNER.sub(r"\1\2", text)


def _neutralise_texts(series: pd.Series) -> pd.Series:
    """The strings of ``series`` neutralised (other cells untouched), vectorised: only risky cells are rewritten."""
    is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not is_text.any():
        return series
    texts = series[is_text].astype(str)
    risky = (texts.str.startswith(FORMULA_PREFIXES) | texts.str.contains(_INNER_FORMULA_TEST, regex=True)).to_numpy()
    if not risky.any():
        return series
    values = series.to_numpy(dtype=object, copy=True)
    positions = np.flatnonzero(is_text)[risky]
    values[positions] = [neutralise_formula(v) for v in values[positions]]
    return pd.Series(values, index=series.index, dtype=object)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` where every text cell is neutralised; numeric and date columns are untouched."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype):
            out[column] = _neutralise_texts(series.astype(object))
    return out


def number_text(value, decimal: str = ",") -> str:
    """A number as a spreadsheet reads it back: « 12,5 », « 100 », « -2,5 » (no thousands separator)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", decimal)


def _cell_text(value, decimal: str) -> str:
    if value is None or (not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "oui" if value else "non"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number_text(value, decimal)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d %H:%M:%S") if (value.hour, value.minute, value.second) != (0, 0, 0) \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _quoted(texts: pd.Series, is_text: np.ndarray | None = None) -> pd.Series:
    """Quote the fields that need it; numbers (``is_text`` False) are never quoted, they cannot be formulas."""
    needs = texts.str.contains(_NEEDS_QUOTES, regex=True).to_numpy(dtype=bool, copy=True)
    if is_text is not None:
        needs &= is_text
    return texts.where(~needs, '"' + texts.str.replace('"', '""', regex=False) + '"')


def _column_text(values: pd.Series, decimal: str) -> pd.Series:
    is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    texts = pd.Series([_cell_text(v, decimal) for v in values], dtype=object).astype(str)
    return _quoted(texts, is_text)


def csv_text(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",", lineterminator: str = "\r\n") -> str:
    """``frame`` as CSV text: formulas neutralised, every field holding ``;``, ``,``, tab, line break or
    quote quoted (whatever ``sep`` is), numbers with ``decimal``, dates as AAAA-MM-JJ."""
    safe = neutralise_frame(frame)
    columns = [_column_text(safe[c], decimal) for c in safe.columns]
    header = sep.join(_quoted(pd.Series([str(neutralise_formula(str(c))) for c in safe.columns], dtype=object)))
    if not columns or not len(safe):
        return header + lineterminator
    lines = columns[0].str.cat(columns[1:], sep=sep) if len(columns) > 1 else columns[0]
    return header + lineterminator + lineterminator.join(lines.tolist()) + lineterminator


def excel_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as Excel in French expects it: UTF-8 with BOM, ``;``, CRLF, decimal comma."""
    return ("\ufeff" + csv_text(frame, sep=";", decimal=",", lineterminator="\r\n")).encode("utf-8")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Plain CSV for programs: UTF-8, ``,``, LF, decimal point (fields with ``;`` quoted all the same)."""
    return csv_text(frame, sep=",", decimal=".", lineterminator="\n").encode("utf-8")


def _xlsx_cell(value):
    if value is None or (not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None  # None, NaN, NaT and pd.NA all become an empty cell
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (date, datetime, int, float, bool)):
        return value
    return neutralise_formula(str(value))


def _width(frame: pd.DataFrame, column) -> int:
    sample = frame[column].head(200).map(lambda v: len(str(v)) if v is not None else 0)
    return int(min(60, max(8, len(str(column)) + 2, (sample.max() if len(sample) else 0) + 2)))


def xlsx_bytes(sheets: pd.DataFrame | dict[str, pd.DataFrame], sheet: str = "donnees", *,
               widths: dict[str, list[int]] | None = None) -> bytes:
    """An .xlsx workbook, one sheet per frame (a single frame goes in ``sheet``): header in bold, frozen and
    filterable, columns sized to their content, text neutralised. Written in openpyxl's streaming mode, so
    large exports stay light on memory."""
    # openpyxl only here: every CLI command imports this module and most never write a workbook
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if isinstance(sheets, pd.DataFrame):
        sheets = {sheet: sheets}
    workbook = Workbook(write_only=True)
    for name, frame in sheets.items():
        ws = workbook.create_sheet(title=name[:31])
        ws.freeze_panes = "A2"
        sizes = (widths or {}).get(name) or [_width(frame, c) for c in frame.columns]
        for index, width in enumerate(sizes):
            ws.column_dimensions[get_column_letter(index + 1)].width = width
        if len(frame.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(ws, value=neutralise_formula(str(column)))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str, *, excel: bool = False) -> None:
    """Write ``frame`` to ``path`` as csv (plain, or French Excel with ``excel=True``), parquet or xlsx
    (formulas neutralised in csv and xlsx)."""
    path = Path(path)
    if fmt == "csv":
        path.write_bytes(excel_csv_bytes(frame) if excel else csv_bytes(frame))
    elif fmt == "xlsx":
        path.write_bytes(xlsx_bytes(frame))
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        raise ValueError(f"format inconnu : {fmt} (choisir parmi {', '.join(FORMATS)})")

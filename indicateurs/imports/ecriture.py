"""Writers for every CSV or XLSX file the project hands out (templates, reports, exports).

CSV: UTF-8 with BOM (so Excel shows accents), « ; » delimiter, CRLF, decimal comma: what Excel in French
opens with a double-click. Both formats neutralise formula-looking text cells (see ``securite``).
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from indicateurs.imports.securite import neutralise_formula, neutralise_frame


def number_text(value) -> str:
    """A number as a French spreadsheet reads it: « 12,5 », « 100 », « -2,5 » (no thousands separator)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as a French CSV file (UTF-8 BOM, « ; », CRLF, decimal comma), text cells neutralised."""
    safe = neutralise_frame(frame)
    for column in safe.columns:
        if pd.api.types.is_float_dtype(safe[column].dtype):
            safe[column] = safe[column].map(number_text)
    return safe.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def _cell_value(value):
    if value is None or (not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return None  # None, NaN, NaT and pd.NA all become an empty cell
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (date, datetime, int, float, bool)):
        return value
    return neutralise_formula(str(value))


def xlsx_bytes(sheets: dict[str, pd.DataFrame], *, widths: dict[str, list[int]] | None = None) -> bytes:
    """An .xlsx workbook with one sheet per frame (header in bold, first row frozen), text neutralised.

    Written in openpyxl's streaming mode, so large exports stay light on memory.
    """
    workbook = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.freeze_panes = "A2"
        for index, width in enumerate((widths or {}).get(name, [])):
            sheet.column_dimensions[_letter(index)].width = width
        header = []
        for column in frame.columns:
            cell = WriteOnlyCell(sheet, value=neutralise_formula(str(column)))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)

"""Read an .xlsx workbook into a Table of text cells, with python-calamine (fast, no formulas run).

The sheet read is the one named like the template (« valeurs », whatever its case or accents), else the
first visible worksheet. Typed cells become text that the month and number parsers understand: a date
cell becomes « 2026-10-01 », a number « 12.5 » (numbers stored as text stay as typed). A formula cell
gives its last computed value, as Excel shows it; it is never evaluated.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import python_calamine

from indicateurs.imports.normalise import normalise_header
from indicateurs.imports.problemes import FichierIllisible
from indicateurs.imports.table import Table, drop_empty_trailing_columns
from indicateurs.imports.zipguard import guard_xlsx

TEMPLATE_SHEET = "valeurs"


def read_xlsx_table(fichier: str, content: bytes) -> Table:
    """Check the archive, pick the sheet and return its cells as text, row i being sheet row i + 1."""
    guard_xlsx(fichier, content)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        name = choose_sheet(workbook)
        if name is None:
            raise FichierIllisible(f"« {fichier} » ne contient aucune feuille de calcul visible. "
                                   "Ajoutez une feuille « valeurs » avec le tableau des valeurs.")
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except FichierIllisible:
        raise
    except python_calamine.PasswordError:
        raise FichierIllisible(f"« {fichier} » est protégé par un mot de passe. Retirez la protection "
                               "(Fichier > Informations > Protéger le classeur) puis déposez-le.") from None
    except Exception:  # calamine raises its own error types for every kind of damaged workbook
        raise FichierIllisible(
            f"« {fichier} » est un classeur .xlsx endommagé ou d'un format non pris en charge. Ouvrez-le "
            "dans Excel et enregistrez-le à nouveau au format .xlsx.") from None
    cells = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=str)
    for column in cells.columns:
        cells[column] = _as_text(cells[column])
    cells = drop_empty_trailing_columns(cells)
    cells.columns = range(cells.shape[1])
    lignes = np.arange(len(cells), dtype=np.int64) + 1
    return Table(fichier, cells, lignes, lettres=True, description=f"XLSX, feuille « {name} »")


def choose_sheet(workbook) -> str | None:
    """The sheet named « valeurs » (case/accent-insensitive), else the first visible worksheet."""
    sheets = [m for m in workbook.sheets_metadata
              if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    for meta in sheets:
        if normalise_header(meta.name) == TEMPLATE_SHEET:
            return meta.name
    visible = [m for m in sheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
    return (visible or sheets)[0].name if (visible or sheets) else None


def _as_text(column: pd.Series) -> pd.Series:
    """Typed cells → text; strings are kept as typed (a number stored as text stays « 12,5 »)."""
    values = column.to_numpy(dtype=object)
    typed = np.fromiter((not isinstance(v, str) for v in values), dtype=bool, count=len(values))
    if typed.any():
        values = values.copy()
        for position in np.flatnonzero(typed):
            values[position] = cell_text(values[position])
    return pd.Series(values, index=column.index, dtype=str)


def cell_text(value) -> str:
    """One typed cell as text: dates in ISO form, whole numbers without « .0 », booleans in French."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (time, timedelta)):
        return str(value)
    return str(value)

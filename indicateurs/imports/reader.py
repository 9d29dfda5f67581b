"""One entry point to read any accepted file into a Table, whatever its format (detected, never asked)."""

from __future__ import annotations

from indicateurs.imports.csv_reader import read_csv_table
from indicateurs.imports.detect import XLSX, detect_kind
from indicateurs.imports.table import Table
from indicateurs.imports.xlsx_reader import read_xlsx_table


def read_table(fichier: str, content: bytes) -> Table:
    """Detect the format from the bytes and read the file; raises FichierIllisible with a French reason."""
    if detect_kind(fichier, content) == XLSX:
        return read_xlsx_table(fichier, content)
    return read_csv_table(fichier, content)

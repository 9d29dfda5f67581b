"""Helpers shared by the import tests: write real files, check them, read back what is stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from indicateurs.db import Database
from indicateurs.imports.pipeline import check_file
from indicateurs.valeurs import export_values

LAST_MONTH = date(2026, 10, 1)  # « today » is in November 2026: October is the last complete month
HEADER = "parcours;indicateur;mois;valeur;commentaire\r\n"
STORED_COLUMNS = ["parcours", "indicateur", "mois", "valeur", "commentaire"]


def write_file(directory: Path, name: str, content: bytes) -> Path:
    """Write the bytes to a real file, as a user's upload would be saved."""
    path = directory / name
    path.write_bytes(content)
    return path


def csv(directory: Path, *rows: str, name: str = "f.csv", header: str = HEADER) -> Path:
    """A long-format CSV file as Excel in French writes it (« ; », CRLF, Windows-1252)."""
    return write_file(directory, name, (header + "".join(r + "\r\n" for r in rows)).encode("cp1252"))


def check_path(db: Database, path: Path, **kwargs):
    """check_file on a file on disk, with the deterministic last complete month of the tests."""
    kwargs.setdefault("last_month", LAST_MONTH)
    return check_file(db, path.name, path.read_bytes(), **kwargs)


def where(problems) -> list[tuple]:
    """(line, column, value) of each problem, to assert exactly where a rejection points."""
    return [(p.ligne, p.colonne, p.valeur) for p in problems]


def stored(db: Database) -> list[tuple]:
    """Every stored value as (parcours, indicateur, AAAA-MM, valeur, commentaire), sorted."""
    frame = export_values(db)[STORED_COLUMNS].astype(object)
    frame = frame.where(pd.notna(frame), None)
    return [tuple(r) for r in frame.itertuples(index=False)]

"""Complétude: for each direction and month, which values were expected and which are missing.

The rule (documented for the SRU):

- a value is expected for every parcours × indicateur due that month: monthly indicators every month,
  quarterly ones (périodicité « trimestrielle ») on quarter months only (March, June, September, December);
- each parcours counts for its own direction only;
- for each parcours, values are expected from a start month up to the last complete month: the start is
  24 months before its deployment month (the « before » period every comparison needs), or the first
  month it has any stored value, whichever is earlier. A parcours with neither a deployment date nor any
  stored value is not expected yet (its refonte is not planned);
- « reçues » counts stored values among the expected ones; « taux » = reçues / attendues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicateurs.db import Database
from indicateurs.exporter import excel_csv_bytes, xlsx_bytes
from indicateurs.mois import add_months, last_complete_month, month_code, month_range, parse_month_code
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel

MONTHS_BEFORE_DEPLOYMENT = 24
RESUME_COLUMNS = ["direction", "mois", "attendues", "recues", "manquantes", "taux"]
MANQUANTES_COLUMNS = ["direction", "parcours", "indicateur", "mois"]


@dataclass(frozen=True)
class Completude:
    """``resume``: one row per direction × mois (attendues, recues, manquantes, taux between 0 and 1);
    ``manquantes``: one row per missing value (direction, parcours, indicateur, mois). ``mois`` holds
    ``date`` objects (first of month)."""

    resume: pd.DataFrame
    manquantes: pd.DataFrame


def start_month(deployment: str | None, first_stored: date | None) -> date | None:
    """The first month a parcours owes values: 24 months before deployment or its first stored value,
    whichever is earlier; None when it has neither."""
    candidates = []
    if deployment:
        candidates.append(add_months(parse_month_code(deployment), -MONTHS_BEFORE_DEPLOYMENT))
    if first_stored is not None:
        candidates.append(date(first_stored.year, first_stored.month, 1))
    return min(candidates) if candidates else None


def expected_values(ref: Referentiel, first_stored: dict[str, date], last_month: date) -> pd.DataFrame:
    """Every expected parcours × indicateur × mois (columns direction, parcours, indicateur, mois)."""
    monthly = [i.code for i in ref.indicateurs if i.periodicite != "trimestrielle"]
    quarterly = [i.code for i in ref.indicateurs if i.periodicite == "trimestrielle"]
    pieces = []
    for p in ref.parcours:
        start = start_month(p.date_deploiement, first_stored.get(p.code))
        if start is None or start > last_month:
            continue
        months = month_range(start, last_month)
        quarter = [m for m in months if m.month % 3 == 0]
        for codes, due in ((monthly, months), (quarterly, quarter)):
            if codes and due:
                pieces.append(pd.DataFrame({
                    "direction": p.direction, "parcours": p.code,
                    "indicateur": np.tile(np.array(codes, dtype=object), len(due)),
                    "mois": np.repeat(np.array(due, dtype=object), len(codes)),
                }))
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MANQUANTES_COLUMNS})
    return pd.concat(pieces, ignore_index=True)


def completude_of(ref: Referentiel, stored: pd.DataFrame, last_month: date) -> Completude:
    """Complétude from a referential and the stored keys (columns parcours, indicateur, mois as dates)."""
    stored = stored[["parcours", "indicateur", "mois"]].copy()
    stored["mois"] = [date(m.year, m.month, 1) for m in pd.to_datetime(stored["mois"])]
    first = stored.groupby("parcours")["mois"].min().to_dict() if len(stored) else {}
    expected = expected_values(ref, first, last_month)
    received = expected.merge(stored.drop_duplicates().assign(recue=True),
                              on=["parcours", "indicateur", "mois"], how="left")
    received["recue"] = received["recue"].fillna(False).astype(bool)
    resume = (received.groupby(["direction", "mois"], sort=True)
              .agg(attendues=("recue", "size"), recues=("recue", "sum")).reset_index())
    resume["recues"] = resume["recues"].astype(int)
    resume["manquantes"] = resume["attendues"] - resume["recues"]
    resume["taux"] = resume["recues"] / resume["attendues"]
    missing = (received.loc[~received["recue"], MANQUANTES_COLUMNS]
               .sort_values(["direction", "mois", "parcours", "indicateur"]).reset_index(drop=True))
    return Completude(resume[RESUME_COLUMNS], missing)


def completude(db: Database, *, last_month: date | None = None, direction: str | None = None) -> Completude:
    """Complétude of the stored values up to ``last_month`` (default: the last complete month),
    optionally for one direction."""
    last = last_month or last_complete_month()
    ref = read_referentiel(db)
    stored = db.query_df("SELECT parcours, indicateur, mois FROM valeurs WHERE mois <= ?", [last])
    result = completude_of(ref, stored, last)
    if direction is None:
        return result
    return Completude(result.resume[result.resume["direction"] == direction].reset_index(drop=True),
                      result.manquantes[result.manquantes["direction"] == direction].reset_index(drop=True))


def _with_month_codes(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["mois"] = [month_code(m) for m in out["mois"]]
    return out


def manquantes_csv(c: Completude) -> bytes:
    """The missing values as a French CSV file to download (mois as AAAA-MM)."""
    return excel_csv_bytes(_with_month_codes(c.manquantes))


def completude_xlsx(c: Completude) -> bytes:
    """Summary and missing values as an .xlsx workbook (sheets « résumé » and « manquantes »)."""
    resume = _with_month_codes(c.resume)
    return xlsx_bytes({"résumé": resume, "manquantes": _with_month_codes(c.manquantes)},
                      widths={"résumé": [12, 10, 11, 9, 12, 8], "manquantes": [12, 28, 30, 10]})

"""Did every direction send its values for the last month? (the Complétude page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicateurs.db import Database
from indicateurs.imports.completude import completude
from indicateurs.lecture_verdicts import last_data_month
from indicateurs.mois import last_complete_month
from indicateurs.referentiel import Referentiel


@dataclass(frozen=True)
class CompletudeMois:
    """The completeness of one month per direction (attendues, recues, manquantes, taux in 0..1)."""

    mois: date | None
    par_direction: pd.DataFrame
    manquantes: pd.DataFrame


def completeness_last_month(db: Database, ref: Referentiel) -> CompletudeMois:
    """Share of the expected values received for the last month, per direction.

    The month is the latest one holding a value, never after the last complete month. The rule of what is
    expected (monthly indicators every month, quarterly ones on March, June, September, December, for the
    parcours of the direction) is the one of ``indicateurs.imports.completude``.
    """
    last = last_data_month(db)
    empty = pd.DataFrame(columns=["direction", "libelle", "attendues", "recues", "manquantes", "taux"])
    if last is None:
        return CompletudeMois(None, empty, pd.DataFrame())
    month = min(date(last.year, last.month, 1), last_complete_month())
    result = completude(db, last_month=month)
    resume = result.resume[result.resume["mois"] == month].copy()
    resume["libelle"] = resume["direction"].map({d.code: d.libelle for d in ref.directions})
    resume = resume[["direction", "libelle", "attendues", "recues", "manquantes", "taux"]]
    missing = result.manquantes[result.manquantes["mois"] == month].reset_index(drop=True)
    return CompletudeMois(month, resume.sort_values("taux").reset_index(drop=True), missing)

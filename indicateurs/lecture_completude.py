"""Did every direction send its values for the last month? (the Complétude and Vue d'ensemble pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicateurs.db import Database
from indicateurs.imports.completude import MANQUANTES_COLUMNS, start_month
from indicateurs.lecture_verdicts import last_data_month
from indicateurs.mois import last_complete_month
from indicateurs.referentiel import Referentiel

SUMMARY_COLUMNS = ["direction", "libelle", "attendues", "recues", "manquantes", "taux"]


@dataclass(frozen=True)
class CompletudeMois:
    """The completeness of one month per direction (attendues, recues, manquantes, taux in 0..1)."""

    mois: date | None
    par_direction: pd.DataFrame
    manquantes: pd.DataFrame


def expected_in_month(ref: Referentiel, first_stored: dict[str, date], month: date) -> pd.DataFrame:
    """Every parcours × indicateur value due in ``month`` (direction, parcours, indicateur, mois).

    The rule of ``indicateurs.imports.completude`` for one month only: a parcours owes its monthly
    indicators, and its quarterly ones on March, June, September and December, from its start month on.
    """
    monthly = [i.code for i in ref.indicateurs if i.periodicite != "trimestrielle"]
    quarterly = [i.code for i in ref.indicateurs if i.periodicite == "trimestrielle"]
    due = monthly + (quarterly if month.month % 3 == 0 else [])
    owing = [p for p in ref.parcours
             if (start := start_month(p.date_deploiement, first_stored.get(p.code))) is not None and start <= month]
    return pd.DataFrame({
        "direction": [p.direction for p in owing for _ in due],
        "parcours": [p.code for p in owing for _ in due],
        "indicateur": [code for _ in owing for code in due],
        "mois": [month] * (len(owing) * len(due)),
    }, columns=MANQUANTES_COLUMNS)


def completeness_last_month(db: Database, ref: Referentiel) -> CompletudeMois:
    """Share of the expected values received for the last month, per direction.

    The month is the latest one holding a value, never after the last complete month. The rule of what is
    expected (monthly indicators every month, quarterly ones on March, June, September, December, for the
    parcours of the direction) is the one of ``indicateurs.imports.completude``; only that month is
    computed (two small queries: each parcours's first month and the month's keys), not the whole history.
    """
    last = last_data_month(db)
    empty = pd.DataFrame(columns=SUMMARY_COLUMNS)
    if last is None:
        return CompletudeMois(None, empty, pd.DataFrame())
    month = min(date(last.year, last.month, 1), last_complete_month())
    firsts = db.query_df("SELECT parcours, min(mois) AS premier FROM valeurs WHERE mois <= ? GROUP BY parcours",
                         [month])
    first_stored = {p: pd.Timestamp(m).date() for p, m in zip(firsts["parcours"], firsts["premier"])}
    received = db.query_df("SELECT DISTINCT parcours, indicateur, true AS recue FROM valeurs WHERE mois = ?",
                           [month])
    expected = expected_in_month(ref, first_stored, month).merge(received, on=["parcours", "indicateur"],
                                                                 how="left")
    expected["recue"] = expected["recue"].fillna(False).astype(bool)
    summary = (expected.groupby("direction", sort=True)
               .agg(attendues=("recue", "size"), recues=("recue", "sum")).reset_index())
    summary["recues"] = summary["recues"].astype(int)
    summary["manquantes"] = summary["attendues"] - summary["recues"]
    summary["taux"] = summary["recues"] / summary["attendues"]
    summary["libelle"] = summary["direction"].map({d.code: d.libelle for d in ref.directions})
    missing = (expected.loc[~expected["recue"], MANQUANTES_COLUMNS]
               .sort_values(["direction", "mois", "parcours", "indicateur"]).reset_index(drop=True))
    return CompletudeMois(month, summary[SUMMARY_COLUMNS].sort_values("taux").reset_index(drop=True), missing)


def missing_with_labels(missing: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """The missing values (``Completude.manquantes``) with the labels a reader knows them by
    (``libelle_indicateur`` « Agents déclarant une surcharge », ``libelle_parcours``), codes kept beside."""
    out = missing.copy()
    out["libelle_indicateur"] = out["indicateur"].map({i.code: i.libelle for i in ref.indicateurs}).fillna(
        out["indicateur"])
    out["libelle_parcours"] = out["parcours"].map({p.code: p.libelle for p in ref.parcours}).fillna(out["parcours"])
    return out[["direction", "libelle_parcours", "libelle_indicateur", "mois", "indicateur", "parcours"]]

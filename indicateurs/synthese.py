"""Key figures of the home page: where each parcours stands, and what the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from indicateurs.db import Database
from indicateurs.mois import months_between, parse_month_code
from indicateurs.referentiel import Referentiel
from indicateurs.valeurs import STATUT_IMPORTE, TYPE_ANNULATION

OBSERVATION_COMPLETE = 12  # months after deployment before a verdict is no longer provisional


@dataclass(frozen=True)
class ChiffresCles:
    parcours: int
    deployes: int
    observes_12_mois: int
    non_deployes: int
    valeurs: int
    dernier_mois: date | None
    dernier_import: datetime | None


def data_period(db: Database) -> tuple[date | None, date | None]:
    """First and last month holding at least one value."""
    row = db.query_one("SELECT min(mois), max(mois) FROM valeurs")
    return (row[0], row[1]) if row else (None, None)


def deployment_status(deployment: date | None, fin: date) -> str:
    """« déployé », « pas encore déployé » (planned after ``fin``) or « non planifié »."""
    if deployment is None:
        return "non planifié"
    return "déployé" if deployment <= fin else "pas encore déployé"


def parcours_table(db: Database, ref: Referentiel, *, debut: date, fin: date,
                   direction: str | None = None) -> pd.DataFrame:
    """One row per parcours (of one direction, or all): deployment, months observed, values in the period."""
    counts = db.query_df("""
        SELECT parcours, count(*) AS valeurs, max(mois) AS dernier_mois
        FROM valeurs WHERE mois BETWEEN ? AND ? GROUP BY parcours
    """, [debut, fin])
    # Plain dicts: a pandas lookup per parcours cost seconds at 3,000 parcours.
    values = dict(zip(counts["parcours"], counts["valeurs"]))
    lasts = dict(zip(counts["parcours"], counts["dernier_mois"]))
    rows = []
    for p in ref.parcours:
        if direction and p.direction != direction:
            continue
        deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None
        status = deployment_status(deployment, fin)
        observed = months_between(deployment, fin) + 1 if status == "déployé" else 0
        last = lasts.get(p.code)
        rows.append({
            "code": p.code, "libelle": p.libelle, "direction": p.direction, "public": p.public,
            "deploiement": deployment, "statut": status, "mois_observes": observed,
            "valeurs": int(values.get(p.code, 0)),
            "dernier_mois": pd.Timestamp(last).date() if last is not None and not pd.isna(last) else None,
            "exemple": p.exemple,
        })
    return pd.DataFrame(rows, columns=["code", "libelle", "direction", "public", "deploiement", "statut",
                                       "mois_observes", "valeurs", "dernier_mois", "exemple"])


def last_import_time(db: Database) -> datetime | None:
    """When data last arrived (a live import of a file or of demo data; cancellations excluded)."""
    row = db.query_one("SELECT max(horodatage) FROM imports WHERE statut = ? AND type <> ?",
                       [STATUT_IMPORTE, TYPE_ANNULATION])
    return row[0] if row else None


def key_figures(db: Database, ref: Referentiel, *, debut: date, fin: date,
                direction: str | None = None, table: pd.DataFrame | None = None) -> ChiffresCles:
    """The home page's figures for the period and direction chosen in the sidebar; ``table``: the
    ``parcours_table`` of the same period and direction when the caller already has it."""
    if table is None:
        table = parcours_table(db, ref, debut=debut, fin=fin, direction=direction)
    last = table["dernier_mois"].dropna()
    return ChiffresCles(
        parcours=len(table),
        deployes=int((table["statut"] == "déployé").sum()),
        observes_12_mois=int((table["mois_observes"] >= OBSERVATION_COMPLETE).sum()),
        non_deployes=int((table["statut"] != "déployé").sum()),
        valeurs=int(table["valeurs"].sum()),
        dernier_mois=max(last) if len(last) else None,
        dernier_import=last_import_time(db),
    )

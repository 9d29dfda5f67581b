"""Did every direction send its values? The reads of the Complétude page (a period: counts per direction and
month, the taux grid, the missing values listed and downloaded) and of Vue d'ensemble (the last month).

The rule of what is expected, and the SQL that counts and lists it, are in ``indicateurs.imports.completude``:
DuckDB counts per direction × month and lists only the missing values of the months asked for, so that the
grid of expected values (millions at 100 times the demo) is never built in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_percent
from indicateurs.imports.completude import counted, sql_parameters
from indicateurs.lecture_verdicts import last_data_month
from indicateurs.lignes_affichees import MAX_ROWS
from indicateurs.mois import last_complete_month, month_code
from indicateurs.referentiel import Referentiel

SUMMARY_COLUMNS = ["direction", "libelle", "attendues", "recues", "manquantes", "taux"]
GRID_MONTHS = 12  # the taux grid shows the period's last twelve months
MISSING_COLUMNS = ["direction", "libelle_parcours", "libelle_indicateur", "mois", "indicateur", "parcours"]


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
    parcours of the direction) is the one of ``indicateurs.imports.completude``, whose SQL counts and lists
    that month only.
    """
    last = last_data_month(db)
    empty = pd.DataFrame(columns=SUMMARY_COLUMNS)
    if last is None:
        return CompletudeMois(None, empty, pd.DataFrame())
    month = min(date(last.year, last.month, 1), last_complete_month())
    result = counted(db.query_df, sql_parameters(month, first=month))
    summary = result.resume.drop(columns="mois")
    summary["libelle"] = summary["direction"].map({d.code: d.libelle for d in ref.directions})
    return CompletudeMois(month, summary[SUMMARY_COLUMNS].sort_values("taux").reset_index(drop=True),
                          result.manquantes)


@dataclass(frozen=True)
class CompletudePeriode:
    """The Complétude page for one period and direction, built once per data version and shown as is.

    ``mois``: the period's last month with expected values (None when nothing is expected), and its
    ``attendues``, ``manquantes`` and ``directions_incompletes``; ``grille``: the taux per direction (rows)
    for the period's last twelve months (columns « oct. 2026 »), as text (« – » where nothing was expected);
    ``resume``: one row per direction × mois (``RESUME_COLUMNS``, mois « AAAA-MM »), the table downloaded;
    ``liste``: every missing value of the period with its labels (``MISSING_COLUMNS``, mois « AAAA-MM »),
    the list downloaded; ``a_l_ecran``: its first ``MAX_ROWS`` rows, mois in words, the table shown."""

    mois: date | None
    attendues: int
    manquantes: int
    directions_incompletes: int
    grille: pd.DataFrame
    resume: pd.DataFrame
    liste: pd.DataFrame
    a_l_ecran: pd.DataFrame


def completeness_of_period(db: Database, debut: date | None, fin: date | None, direction: str | None, *,
                           last_month: date | None = None) -> CompletudePeriode:
    """Expected, received and missing values from ``debut`` to ``fin`` (None: every month owed, up to the
    last complete month, or ``last_month``), for one direction or all: the counts and the missing values of
    those months only, as the page shows and downloads them."""
    result = counted(db.query_df, sql_parameters(last_month or last_complete_month(), direction, debut, fin),
                     labels=True)
    resume = result.resume
    if resume.empty:
        empty = pd.DataFrame()
        return CompletudePeriode(None, 0, 0, 0, empty, empty, empty, empty)
    month = resume["mois"].max()
    latest = resume[resume["mois"] == month]
    recent = resume[resume["mois"] >= sorted(resume["mois"].unique())[-GRID_MONTHS:][0]]
    grid = recent.pivot_table(index="direction", columns="mois", values="taux", aggfunc="first")
    grid.columns = [format_month(m) for m in grid.columns]
    missing = result.manquantes[MISSING_COLUMNS]
    shown = missing.head(MAX_ROWS)
    return CompletudePeriode(
        mois=month, attendues=int(latest["attendues"].sum()), manquantes=int(latest["manquantes"].sum()),
        directions_incompletes=int((latest["manquantes"] > 0).sum()),
        grille=grid.map(lambda t: "–" if pd.isna(t) else format_percent(t, 0)),
        resume=resume.assign(mois=[month_code(m) for m in resume["mois"]]),
        liste=missing.assign(mois=_codes(missing["mois"])),
        a_l_ecran=shown.assign(mois=[format_month(m) for m in shown["mois"]]))


def _codes(months: pd.Series) -> list[str]:
    """Months (``date``) as « AAAA-MM », each distinct month formatted once (a list holds tens of thousands)."""
    codes = {m: month_code(m) for m in set(months)}
    return [codes[m] for m in months]


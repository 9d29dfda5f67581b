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
from indicateurs.mois import add_months, index_dates, last_complete_month, month_code, month_index, parse_month_code
from indicateurs.referentiel import Referentiel

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


# The rule above in SQL, on the tables ``parcours``, ``indicateurs`` and ``valeurs`` (the database's, or
# frames registered under those names by ``completude_of``). Parameters: $last (date: the last month
# counted), $direction (None: all), $lo and $hi (month indexes year × 12 + month − 1: the months returned;
# quarter months are those ≡ 2 (mod 3)), $before (months owed before deployment); {top}: the position of
# the last indicateur (bits of the received set).
# ``due``: each parcours × month it owes, with how many values (a hundred thousand rows at 100x the demo);
# ``received``: the stored values due, per parcours × month: how many, and which (one bit per indicateur).
# A stored ``mois`` is the first of its month (files give months as AAAA-MM) and (parcours, indicateur,
# mois) is the table's key, so a count of rows is a count of values. The values table is read once; the
# parcours × indicateur grid is built only for the parcours × months that lack a value.
_COMPLETUDE_SQL = """
WITH firsts AS (
    SELECT parcours, min(mois) AS first_month FROM valeurs WHERE mois <= $last GROUP BY parcours
), owing AS (
    SELECT p.code AS parcours, p.direction,
           least(year(p.date_deploiement) * 12 + month(p.date_deploiement) - 1 - $before,
                 year(f.first_month) * 12 + month(f.first_month) - 1) AS start
    FROM parcours p LEFT JOIN firsts f ON f.parcours = p.code
    WHERE CAST($direction AS VARCHAR) IS NULL OR p.direction = CAST($direction AS VARCHAR)
), ind AS (
    SELECT code, libelle, periodicite <> 'trimestrielle' AS monthly,
           (row_number() OVER (ORDER BY code) - 1)::INTEGER AS pos
    FROM indicateurs
), codes AS (
    SELECT count(*) FILTER (WHERE monthly) AS monthly, count(*) AS every FROM ind
), due AS (
    SELECT o.parcours, o.direction, make_date(o.m // 12, o.m % 12 + 1, 1) AS mois,
           CASE WHEN o.m % 3 = 2 THEN c.every ELSE c.monthly END AS attendues
    FROM (SELECT parcours, direction, unnest(range(greatest(start, $lo), $hi + 1)) AS m
          FROM owing WHERE start IS NOT NULL) o, codes c
), received AS (
    SELECT v.parcours, v.mois, count(*) AS recues, bitstring_agg(i.pos, 0, {top}) AS bits
    FROM valeurs v JOIN ind i ON i.code = v.indicateur
    WHERE v.mois <= $last AND v.mois >= make_date($lo // 12, $lo % 12 + 1, 1)
      AND (i.monthly OR month(v.mois) % 3 = 0)
    GROUP BY v.parcours, v.mois
), per_month AS (
    SELECT d.parcours, d.direction, d.mois, d.attendues, coalesce(r.recues, 0) AS recues, r.bits
    FROM due d LEFT JOIN received r ON r.parcours = d.parcours AND r.mois = d.mois
    WHERE d.attendues > 0
)
SELECT 0 AS kind, direction, year(mois) * 12 + month(mois) - 1 AS m, sum(attendues)::BIGINT AS attendues,
       sum(recues)::BIGINT AS recues, NULL AS parcours, NULL AS indicateur{no_labels}
FROM per_month GROUP BY direction, mois
UNION ALL
SELECT 1, d.direction, year(d.mois) * 12 + month(d.mois) - 1, NULL, NULL, d.parcours, i.code{labels}
FROM per_month d JOIN ind i ON i.monthly OR month(d.mois) % 3 = 0
{join}WHERE d.recues < d.attendues AND (d.bits IS NULL OR get_bit(d.bits, i.pos) = 0)
ORDER BY kind, direction, m, parcours, indicateur
"""
_LABELS = {"no_labels": ", NULL AS libelle_parcours, NULL AS libelle_indicateur",
           "labels": ", p.libelle, i.libelle", "join": "JOIN parcours p ON p.code = d.parcours\n"}
_NO_LABELS = {"no_labels": "", "labels": "", "join": ""}


def sql_parameters(last: date, direction: str | None = None, first: date | None = None,
                   until: date | None = None) -> dict:
    """The parameters of ``counted``: values counted up to ``last``, for
    ``direction`` (None: all), in the months from ``first`` (None: every month owed) to ``until`` (None or
    later than ``last``: ``last``). The parcours' start months are those of the whole history either way."""
    hi = month_index(min(until, last) if until is not None else last)
    lo = month_index(first) if first is not None else 0
    return {"last": last, "direction": direction, "before": MONTHS_BEFORE_DEPLOYMENT, "lo": lo, "hi": hi}


def counted(query, params: dict, *, labels: bool = False) -> Completude:
    """The completeness of the months of ``params`` (``sql_parameters``) in one query: ``resume`` (one row
    per direction × mois, ``RESUME_COLUMNS``, sorted by direction then mois) and ``manquantes``
    (``MANQUANTES_COLUMNS``, sorted by direction, mois, parcours, indicateur; with ``labels`` also
    ``libelle_parcours`` and ``libelle_indicateur``), mois as ``date``. ``query(sql, params)`` returns a
    DataFrame (``Database.query_df``)."""
    top = max(int(query("SELECT count(*) AS n FROM indicateurs", None)["n"].iloc[0]) - 1, 0)
    frame = query(_COMPLETUDE_SQL.format(top=top, **(_LABELS if labels else _NO_LABELS)), params)
    months = index_dates(frame["m"].to_numpy(np.int64))
    is_count = (frame["kind"] == 0).to_numpy()
    counts = frame[is_count]
    resume = pd.DataFrame({
        "direction": counts["direction"].astype("str").array,
        "mois": months[is_count],
        "attendues": counts["attendues"].to_numpy(np.int64),
        "recues": counts["recues"].to_numpy(np.int64),
    })
    resume["manquantes"] = resume["attendues"] - resume["recues"]
    resume["taux"] = resume["recues"] / resume["attendues"]
    rows = frame[~is_count]
    missing = {"direction": rows["direction"].astype("str").array, "parcours": rows["parcours"].astype("str").array,
               "indicateur": rows["indicateur"].astype("str").array, "mois": months[~is_count]}
    if labels:
        missing |= {"libelle_parcours": rows["libelle_parcours"].astype("str").array,
                    "libelle_indicateur": rows["libelle_indicateur"].astype("str").array}
    return Completude(resume[RESUME_COLUMNS], pd.DataFrame(missing))


def _in_memory(ref: Referentiel, stored: pd.DataFrame):
    """A query function over an in-memory DuckDB holding ``ref`` and ``stored`` under the tables' names."""
    import duckdb

    con = duckdb.connect()
    con.register("parcours", pd.DataFrame({
        "code": pd.Series([p.code for p in ref.parcours], dtype="str"),
        "libelle": pd.Series([p.libelle for p in ref.parcours], dtype="str"),
        "direction": pd.Series([p.direction for p in ref.parcours], dtype="str"),
        "date_deploiement": pd.to_datetime(pd.Series([parse_month_code(p.date_deploiement) if p.date_deploiement
                                                      else None for p in ref.parcours], dtype=object))}))
    con.register("indicateurs", pd.DataFrame({
        "code": pd.Series([i.code for i in ref.indicateurs], dtype="str"),
        "libelle": pd.Series([i.libelle for i in ref.indicateurs], dtype="str"),
        "periodicite": pd.Series([i.periodicite for i in ref.indicateurs], dtype="str")}))
    con.register("valeurs", stored[["parcours", "indicateur", "mois"]].assign(mois=pd.to_datetime(stored["mois"])))
    return con, lambda sql, params: con.execute(sql, params or []).df()


def completude_of(ref: Referentiel, stored: pd.DataFrame, last_month: date, direction: str | None = None) -> Completude:
    """Complétude from a referential and the stored keys (columns parcours, indicateur, mois as dates),
    for every direction or for ``direction`` alone (only its parcours are looked at): the SQL of
    ``completude`` run on these frames in an in-memory DuckDB."""
    con, query = _in_memory(ref, stored)
    try:
        return counted(query, sql_parameters(last_month, direction))
    finally:
        con.close()


def completude(db: Database, *, last_month: date | None = None, direction: str | None = None) -> Completude:
    """Complétude of the stored values up to ``last_month`` (default: the last complete month), for every
    direction or one: counted and listed by DuckDB from the tables (the grid of expected values is never
    built in Python)."""
    return counted(db.query_df, sql_parameters(last_month or last_complete_month(), direction))


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

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
from indicateurs.mois import add_months, last_complete_month, month_code, parse_month_code
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


def _month_index(d: date) -> int:
    """The month of ``d`` as one integer (year × 12 + month − 1), so that months compare and subtract."""
    return d.year * 12 + d.month - 1


def _month_dates(indexes: np.ndarray) -> np.ndarray:
    """Month indexes (year × 12 + month − 1) as an object array of ``date`` (first of month)."""
    if len(indexes) == 0:
        return np.array([], dtype=object)
    low, high = int(indexes.min()), int(indexes.max())
    table = np.empty(high - low + 1, dtype=object)
    table[:] = [date(i // 12, i % 12 + 1, 1) for i in range(low, high + 1)]
    return table[indexes - low]


def _grid(starts: np.ndarray, last: int, n_codes: int, quarterly: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (parcours position, month index, indicateur position) due: parcours ``k`` owes each of the
    ``n_codes`` indicateurs every month from ``starts[k]`` to ``last`` (quarter months only when
    ``quarterly``)."""
    counts = last - starts + 1
    owner = np.repeat(np.arange(len(starts)), counts)
    month = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
    if quarterly:
        keep = month % 3 == 2  # March, June, September, December: month index ≡ 2 (mod 3)
        owner, month = owner[keep], month[keep]
    return np.repeat(owner, n_codes), np.repeat(month, n_codes), np.tile(np.arange(n_codes), len(month))


@dataclass(frozen=True)
class _Grid:
    """The expected values as integer arrays: ``owner`` indexes ``parcours``/``directions`` (one entry per
    parcours owing values), ``indicateur`` indexes ``indicateurs``, ``month`` is a month index."""

    parcours: np.ndarray
    directions: np.ndarray
    indicateurs: np.ndarray
    owner: np.ndarray
    indicateur: np.ndarray
    month: np.ndarray


def _expected_grid(parcours: list, indicateurs: list, first_stored: dict[str, date], last_month: date) -> _Grid:
    """Every expected value of ``parcours``, built for all of them at once with numpy repeats: each
    parcours × monthly indicateur × month from its start month, each parcours × quarterly indicateur ×
    quarter month."""
    starts_of = ((p, start_month(p.date_deploiement, first_stored.get(p.code))) for p in parcours)
    owing = [(p, start) for p, start in starts_of if start is not None and start <= last_month]
    starts = np.array([_month_index(s) for _, s in owing], dtype=np.int64)
    monthly = [k for k, i in enumerate(indicateurs) if i.periodicite != "trimestrielle"]
    quarterly = [k for k, i in enumerate(indicateurs) if i.periodicite == "trimestrielle"]
    parts = []
    for positions, is_quarterly in ((monthly, False), (quarterly, True)):
        owner, month, position = _grid(starts, _month_index(last_month), len(positions), is_quarterly)
        parts.append((owner, np.array(positions, dtype=np.int64)[position], month))
    owner, indicateur, month = (np.concatenate(arrays) for arrays in zip(*parts))
    return _Grid(parcours=np.array([p.code for p, _ in owing], dtype=object),
                 directions=np.array([p.direction for p, _ in owing], dtype=object),
                 indicateurs=np.array([i.code for i in indicateurs], dtype=object),
                 owner=owner, indicateur=indicateur, month=month)


def expected_values(ref: Referentiel, first_stored: dict[str, date], last_month: date) -> pd.DataFrame:
    """Every expected parcours × indicateur × mois (columns direction, parcours, indicateur, mois)."""
    g = _expected_grid(ref.parcours, ref.indicateurs, first_stored, last_month)
    return pd.DataFrame({"direction": g.directions[g.owner], "parcours": g.parcours[g.owner],
                         "indicateur": g.indicateurs[g.indicateur], "mois": _month_dates(g.month)},
                        columns=MANQUANTES_COLUMNS)


def _ranks(values: np.ndarray) -> np.ndarray:
    """The position of each string in the sorted strings (Python string order, as ``sort_values``)."""
    order = np.array(sorted(range(len(values)), key=lambda k: values[k]), dtype=np.int64)
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def completude_of(ref: Referentiel, stored: pd.DataFrame, last_month: date, direction: str | None = None) -> Completude:
    """Complétude from a referential and the stored keys (columns parcours, indicateur, mois as dates),
    for every direction or for ``direction`` alone (only its parcours are looked at)."""
    parcours = [p for p in ref.parcours if direction is None or p.direction == direction]
    months = pd.to_datetime(stored["mois"])
    stored_month = (months.dt.year * 12 + months.dt.month - 1).to_numpy(np.int64)
    # Strings are factorised once (a few thousand distinct codes), then only integers are handled.
    stored_p, stored_parcours = pd.factorize(stored["parcours"])
    stored_i, stored_indicateurs = pd.factorize(stored["indicateur"])
    first = pd.Series(stored_month).groupby(stored_p).min() if len(stored) else pd.Series()
    first_stored = {stored_parcours[k]: date(int(m) // 12, int(m) % 12 + 1, 1) for k, m in first.items()}
    g = _expected_grid(parcours, ref.indicateurs, first_stored, last_month)

    # Received: the expected (parcours, indicateur, mois), as one integer key, is among the stored keys.
    span, n_ind = 12 * 10_000, len(g.indicateurs)
    p = pd.Index(g.parcours).get_indexer(stored_parcours)[stored_p]
    i = pd.Index(g.indicateurs).get_indexer(stored_indicateurs)[stored_i]
    stored_keys = np.sort(((p * n_ind + i) * span + stored_month)[(p >= 0) & (i >= 0)])
    expected_keys = (g.owner * n_ind + g.indicateur) * span + g.month
    position = np.minimum(np.searchsorted(stored_keys, expected_keys), max(len(stored_keys) - 1, 0))
    received = stored_keys[position] == expected_keys if len(stored_keys) else np.zeros(len(expected_keys), bool)

    direction_names = np.array(sorted(set(g.directions)), dtype=object)
    direction_rank = pd.Index(direction_names).get_indexer(g.directions)[g.owner] if len(g.owner) else g.owner
    counts = (pd.DataFrame({"d": direction_rank, "m": g.month, "recue": received})
              .groupby(["d", "m"], sort=True)["recue"].agg(["size", "sum"]).reset_index())
    resume = pd.DataFrame({
        "direction": pd.array(direction_names[counts["d"].to_numpy(np.int64)], dtype="str"),
        "mois": _month_dates(counts["m"].to_numpy(np.int64)),
        "attendues": counts["size"].to_numpy(np.int64),
        "recues": counts["sum"].to_numpy(np.int64),
    })
    resume["manquantes"] = resume["attendues"] - resume["recues"]
    resume["taux"] = resume["recues"] / resume["attendues"]

    missing = ~received
    owner, indicateur, month = g.owner[missing], g.indicateur[missing], g.month[missing]
    order = np.lexsort((_ranks(g.indicateurs)[indicateur], _ranks(g.parcours)[owner], month,
                        direction_rank[missing]))
    owner, indicateur, month = owner[order], indicateur[order], month[order]
    manquantes = pd.DataFrame({"direction": pd.array(g.directions[owner], dtype="str"),
                               "parcours": pd.array(g.parcours[owner], dtype="str"),
                               "indicateur": pd.array(g.indicateurs[indicateur], dtype="str"),
                               "mois": _month_dates(month)}, columns=MANQUANTES_COLUMNS)
    return Completude(resume[RESUME_COLUMNS], manquantes)


def completude(db: Database, *, last_month: date | None = None, direction: str | None = None) -> Completude:
    """Complétude of the stored values up to ``last_month`` (default: the last complete month),
    optionally for one direction (then only its parcours' values are read)."""
    last = last_month or last_complete_month()
    ref = read_referentiel(db)
    if direction is None:
        stored = db.query_df("SELECT parcours, indicateur, mois FROM valeurs WHERE mois <= ?", [last])
    else:
        stored = db.query_df("SELECT v.parcours, v.indicateur, v.mois FROM valeurs v JOIN parcours p "
                             "ON p.code = v.parcours WHERE v.mois <= ? AND p.direction = ?", [last, direction])
    return completude_of(ref, stored, last, direction)


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

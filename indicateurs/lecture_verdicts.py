"""Which verdicts are stored, and how many per parcours, per engagement, per family.

Reads the stored results (``lecture.verdicts``) and the referential and only reshapes them: joins, labels,
counts. No statistics here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import (COUNT_COLUMNS, NO_RESULT, _flag, count_verdicts, group_label,
                                            verdict_symbol, verdict_text)
from indicateurs.db import Database
from indicateurs.format_fr import format_month
from indicateurs.impact.verdicts import FINAL_MONTHS_AFTER
from indicateurs.mois import parse_month_code
from indicateurs.referentiel import ENGAGEMENTS, Referentiel


def _per_pair(verdicts: pd.Series, flags: pd.Series, write) -> list:
    """``write(verdict, provisoire)`` of every row, called once per distinct pair (a dozen at most) and
    spread by position: at 3,000 parcours, one call per row was 0.4 s of the Vue d'ensemble's first run."""
    if not len(verdicts):
        return []
    key = verdicts.astype(object).fillna("\0").astype(str) + flags.map({True: "1", False: "0"}).astype(str)
    codes, _ = pd.factorize(key)
    first = np.unique(codes, return_index=True)[1]
    written = [write(verdicts.iloc[i], flags.iloc[i]) for i in first]
    return np.array(written, dtype=object)[codes].tolist()


def verdict_rows(db: Database, ref: Referentiel, *, direction: str | None = None,
                 parcours: str | None = None) -> pd.DataFrame:
    """``lecture.verdicts`` plus the parcours's label, the verdict's symbol and its text (icon + words)."""
    rows = lecture.verdicts(db, direction=direction, parcours=parcours)
    labels = {p.code: p.libelle for p in ref.parcours}
    rows["libelle_parcours"] = rows["parcours"].map(labels)
    rows["provisoire"] = rows["provisoire"].map(_flag)
    rows["symbole"] = _per_pair(rows["verdict"], rows["provisoire"], verdict_symbol)
    rows["verdict_affiche"] = _per_pair(rows["verdict"], rows["provisoire"], verdict_text)
    rows["deploiement"] = pd.to_datetime(rows["deploiement"]).dt.date
    return rows


def last_data_month(db: Database) -> date | None:
    """The latest month holding at least one stored value."""
    row = db.query_one("SELECT max(mois) FROM valeurs")
    return row[0] if row and row[0] is not None else None


def deployment_status(deployment: str | None, last: date | None) -> str:
    """« déployé », « pas encore déployé (prévu en déc. 2026) » or « non planifié »."""
    if not deployment:
        return "non planifié"
    month = parse_month_code(deployment)
    if last is not None and month <= last:
        return "déployé"
    return f"pas encore déployé (prévu en {format_month(month)})"


STATUS_COLUMNS = ["code", "libelle", "direction", "public", "deploiement", "statut", "mois_de_recul",
                  "amelioration", "pas_de_changement", "degradation", "insuffisant", "provisoires", "score"]


def parcours_status(db: Database, ref: Referentiel, verdicts: pd.DataFrame,
                    direction: str | None = None) -> pd.DataFrame:
    """One row per parcours: deployment, status, months of hindsight, verdict counts and stored score.

    The verdicts are counted in one group-by over all parcours (not one filter per parcours: at 3,000
    parcours that loop was most of the Vue d'ensemble's cold time).
    """
    last = last_data_month(db)
    scores = lecture.stored_scores(db, "parcours").set_index("code")["score"]
    chosen = [p for p in ref.parcours if not direction or p.direction == direction]
    codes = [p.code for p in chosen]
    status = pd.DataFrame({
        "code": codes, "libelle": [p.libelle for p in chosen], "direction": [p.direction for p in chosen],
        "public": [p.public for p in chosen],
        "deploiement": [parse_month_code(p.date_deploiement) if p.date_deploiement else None for p in chosen],
        "statut": [deployment_status(p.date_deploiement, last) for p in chosen],
    }, columns=STATUS_COLUMNS[:6])
    mine = verdicts[verdicts["parcours"].isin(codes)]
    counts = count_verdicts(mine, "parcours").reindex(codes, fill_value=0)
    hindsight = mine.groupby("parcours")["mois_apres"].max().reindex(codes)
    deployed = (status["statut"] == "déployé").to_numpy() & hindsight.notna().to_numpy()
    status["mois_de_recul"] = np.where(deployed, hindsight.fillna(0).to_numpy(), 0).astype(int)
    for column in ("amelioration", "pas_de_changement", "degradation", "insuffisant", "provisoires"):
        status[column] = counts[column].to_numpy().astype(int)
    status["score"] = scores.reindex(codes).to_numpy(float) if len(codes) else np.array([], dtype=float)
    return status[STATUS_COLUMNS]


@dataclass(frozen=True)
class ChiffresVerdicts:
    """How many parcours are deployed, still in observation, and carry a verdict."""

    deployes: int
    en_observation: int  # deployed, fewer than 12 months of hindsight
    avec_verdict: int  # at least one indicator judged (provisional or final)
    avec_amelioration: int
    avec_degradation: int


def verdict_figures(status: pd.DataFrame) -> ChiffresVerdicts:
    """The key figures of the verdicts, from ``parcours_status``."""
    deployed = status[status["statut"] == "déployé"]
    judged = status[(status["amelioration"] + status["pas_de_changement"] + status["degradation"]) > 0]
    return ChiffresVerdicts(
        deployes=len(deployed),
        en_observation=int((deployed["mois_de_recul"] < FINAL_MONTHS_AFTER).sum()),
        avec_verdict=len(judged),
        avec_amelioration=int((status["amelioration"] > 0).sum()),
        avec_degradation=int((status["degradation"] > 0).sum()),
    )


def counts_by_group(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Verdict counts per engagement (1 to 4) and per family; an indicator may count in both.

    Columns: groupe, type (engagement | famille), amelioration, pas_de_changement, degradation,
    hausse_ou_baisse, insuffisant, provisoires, total (parcours × indicateur series).
    """
    rows = []
    # Only the columns counted: each group below is a filtered copy (at 3,000 parcours, seven copies of the
    # whole 27-column frame made a 50 MiB peak).
    verdicts = verdicts[["engagement", "famille", "verdict", "provisoire"]]
    groups = [("engagement", n, verdicts["engagement"] == n) for n in ENGAGEMENTS]
    families = sorted(f for f in verdicts["famille"].dropna().unique())
    groups += [("famille", f, verdicts["famille"] == f) for f in families]
    for kind, key, mask in groups:
        part = verdicts[mask.fillna(False).astype(bool)]
        counts = part["verdict"].map(COUNT_COLUMNS).value_counts()
        row = {"groupe": group_label(key, None) if kind == "engagement" else group_label(None, key), "type": kind}
        row.update({c: int(counts.get(c, 0)) for c in dict.fromkeys(COUNT_COLUMNS.values())})
        row["provisoires"] = int(part["provisoire"].sum())
        row["total"] = len(part)
        rows.append(row)
    columns = ["groupe", "type", *dict.fromkeys(COUNT_COLUMNS.values()), "provisoires", "total"]
    return pd.DataFrame(rows, columns=columns)


def verdict_grid(verdicts: pd.DataFrame, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Every parcours × indicateur cell of the heat map, with « pas de résultat » where nothing is stored."""
    parcours = [p for p in ref.parcours if not direction or p.direction == direction]
    indicators = [i for i in ref.indicateurs]
    cells = pd.DataFrame([(p.code, p.libelle, i.code, i.libelle, k, n)
                          for k, p in enumerate(parcours) for n, i in enumerate(indicators)],
                         columns=["parcours", "libelle_parcours", "indicateur", "libelle_indicateur",
                                  "ordre_parcours", "ordre_indicateur"])
    stored = verdicts[["parcours", "indicateur", "verdict", "provisoire", "phrase"]]
    grid = cells.merge(stored, on=["parcours", "indicateur"], how="left")
    grid["verdict"] = grid["verdict"].fillna(NO_RESULT)
    grid["provisoire"] = grid["provisoire"].map(_flag)
    grid["phrase"] = grid["phrase"].fillna("aucun résultat : parcours pas encore déployé ou sans valeur")
    grid["symbole"] = _per_pair(grid["verdict"], grid["provisoire"], verdict_symbol)
    grid["verdict_affiche"] = _per_pair(grid["verdict"], grid["provisoire"], verdict_text)
    return grid


def verdict_changes(db: Database, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Series whose verdict changed at an update of the results: previous verdict → current verdict."""
    rows = db.query_df("""
        SELECT r.parcours, p.direction, r.indicateur, r.verdict_precedent, r.verdict, r.provisoire, r.phrase,
               r.calcule_le
        FROM resultats r JOIN parcours p ON p.code = r.parcours
        WHERE r.verdict_precedent IS NOT NULL AND r.verdict_precedent <> r.verdict
          AND (? IS NULL OR p.direction = ?)
        ORDER BY p.direction, r.parcours, r.indicateur
    """, [direction, direction])
    rows["libelle_indicateur"] = rows["indicateur"].map({i.code: i.libelle for i in ref.indicateurs})
    rows["provisoire"] = rows["provisoire"].map(_flag)
    rows["avant"] = rows["verdict_precedent"].map(verdict_text)
    rows["maintenant"] = [verdict_text(v, p) for v, p in zip(rows["verdict"], rows["provisoire"])]
    return rows

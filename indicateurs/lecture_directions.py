"""How each direction is doing: its stored score, its parcours' verdict counts, its weighted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import group_label, verdict_text
from indicateurs.db import Database
from indicateurs.referentiel import Referentiel


def direction_scores(db: Database, ref: Referentiel) -> pd.DataFrame:
    """The stored score of each direction, with its label; best first."""
    scores = lecture.stored_scores(db, "direction").rename(columns={"code": "direction", "n": "parcours"})
    scores["libelle"] = scores["direction"].map({d.code: d.libelle for d in ref.directions})
    return scores[["direction", "libelle", "score", "parcours"]].sort_values(
        "score", ascending=False).reset_index(drop=True)


def direction_overview(status: pd.DataFrame, scores: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """One row per direction: its parcours, how many are deployed, the verdict counts and the stored score."""
    totals = status.assign(deploye=status["statut"] == "déployé").groupby("direction").agg(
        parcours=("code", "size"), deployes=("deploye", "sum"), amelioration=("amelioration", "sum"),
        pas_de_changement=("pas_de_changement", "sum"), degradation=("degradation", "sum"),
        insuffisant=("insuffisant", "sum"))
    rows = []
    score = scores.set_index("direction")["score"] if len(scores) else pd.Series(dtype=float)
    for d in ref.directions:
        if d.code not in totals.index:
            continue
        row = {"direction": d.code, "libelle": d.libelle}
        row.update({k: int(v) for k, v in totals.loc[d.code].items()})
        row["score"] = score.get(d.code, np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=["direction", "libelle", "parcours", "deployes", "amelioration",
                                       "pas_de_changement", "degradation", "insuffisant", "score"])


def direction_effects(db: Database, ref: Referentiel, direction: str) -> pd.DataFrame:
    """The direction's volume-weighted effects per indicator (stored « agregats », niveau direction)."""
    effects = lecture.aggregates(db, "direction")
    effects = effects[effects["groupe"] == direction].copy()
    by_code = {i.code: i for i in ref.indicateurs}
    order = {i.code: n for n, i in enumerate(ref.indicateurs)}
    effects["libelle_indicateur"] = effects["indicateur"].map(lambda c: by_code[c].libelle)
    effects["groupe_indicateur"] = effects["indicateur"].map(
        lambda c: group_label(by_code[c].engagement, by_code[c].famille))
    effects["sens"] = effects["indicateur"].map(lambda c: by_code[c].sens)
    effects["verdict_affiche"] = effects["verdict"].map(verdict_text)
    effects["ordre"] = effects["indicateur"].map(order)
    return effects.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)

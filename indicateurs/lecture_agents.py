"""Did the agents' working conditions move with the users' experience? (the règle d'or, per parcours)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.affichage_verdicts import COUNT_KEYS, count_verdicts, verdict_text
from indicateurs.impact.verdicts import DEGRADATION, FALL, IMPROVEMENT, NO_CHANGE, RISE, SIGNAL
from indicateurs.referentiel import Referentiel


AGENTS_FAMILY = "conditions de travail des agents"


def _side(verdict: str | None) -> int | None:
    if verdict == IMPROVEMENT:
        return 1
    if verdict == DEGRADATION:
        return -1
    if verdict in (NO_CHANGE, SIGNAL, RISE, FALL):
        return 0
    return None


QUADRANTS = {
    (1, 1): "gagnant-gagnant",
    (1, 0): "usagers gagnants, agents inchangés",
    (0, 1): "agents gagnants, usagers inchangés",
    (1, -1): "usagers gagnants, agents perdants",
    (-1, 1): "agents gagnants, usagers perdants",
    (0, 0): "pas de changement détectable des deux côtés",
    (-1, 0): "usagers perdants, agents inchangés",
    (0, -1): "agents perdants, usagers inchangés",
    (-1, -1): "perdant-perdant",
}
QUADRANT_INSUFFICIENT = "données insuffisantes d'un côté au moins"


def quadrant_label(users_verdict: str | None, agents_verdict: str | None) -> str:
    """Where a parcours stands for one pair: « gagnant-gagnant », « usagers gagnants, agents perdants »…"""
    users, agents = _side(users_verdict), _side(agents_verdict)
    if users is None or agents is None:
        return QUADRANT_INSUFFICIENT
    return QUADRANTS[(users, agents)]


def agents_pairs(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Each agents' indicator linked (``lie_a``) to the users' indicator that should drive it, per parcours.

    Effects are also given « oriented » (positive = better for that side, whatever the indicator's sense),
    so that both axes of the quadrant read the same way.
    """
    keep = ["parcours", "libelle_parcours", "indicateur", "moyenne_avant", "moyenne_apres", "estimate", "low",
            "high", "effet_unite", "verdict", "provisoire", "phrase"]
    frames = []
    for agents in ref.indicateurs:
        if agents.famille != AGENTS_FAMILY or not agents.lie_a:
            continue
        users = ref.indicateur(agents.lie_a)
        a = verdicts[verdicts["indicateur"] == agents.code][keep]
        u = verdicts[verdicts["indicateur"] == users.code][keep]
        pair = u.merge(a, on=["parcours", "libelle_parcours"], suffixes=("_usagers", "_agents"))
        for side, ind in (("usagers", users), ("agents", agents)):
            sign = -1.0 if ind.sens == "baisse" else 1.0
            lows, highs = pair[f"low_{side}"] * sign, pair[f"high_{side}"] * sign
            pair[f"oriente_{side}"] = pair[f"estimate_{side}"] * sign
            pair[f"oriente_bas_{side}"] = np.minimum(lows, highs)
            pair[f"oriente_haut_{side}"] = np.maximum(lows, highs)
            pair[f"verdict_affiche_{side}"] = [verdict_text(v, p) for v, p in
                                              zip(pair[f"verdict_{side}"], pair[f"provisoire_{side}"])]
        pair["libelle_usagers"] = users.libelle
        pair["libelle_agents"] = agents.libelle
        pair["quadrant"] = [quadrant_label(u_, a_) for u_, a_ in zip(pair["verdict_usagers"], pair["verdict_agents"])]
        frames.append(pair)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


# Reading order of the agents' table: where their conditions got worse first, then better, then the rest.
READING_ORDER = {DEGRADATION: 0, IMPROVEMENT: 1, SIGNAL: 2, NO_CHANGE: 3, RISE: 3, FALL: 3}
UNRANKED = 4


def agents_before_after(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """The agents' indicators (family « conditions de travail des agents ») before and after, per parcours.

    Sorted for a reader: deteriorations first, then improvements, then the rest (signals, no change,
    insufficient data); within each, in the referential's order of indicators, then by parcours.
    """
    codes = [i.code for i in ref.indicateurs if i.famille == AGENTS_FAMILY]
    rows = verdicts[verdicts["indicateur"].isin(codes)].copy()
    lie = {i.code: i.lie_a for i in ref.indicateurs}
    labels = {i.code: i.libelle for i in ref.indicateurs}
    rows["lie_a"] = rows["indicateur"].map(lambda c: labels.get(lie.get(c)) if lie.get(c) else "")
    rows["_rang"] = rows["verdict"].map(READING_ORDER).fillna(UNRANKED)
    rows["_ordre"] = rows["indicateur"].map({c: n for n, c in enumerate(codes)})
    rows = rows.sort_values(["_rang", "_ordre", "parcours"], kind="stable")
    return rows.drop(columns=["_rang", "_ordre"]).reset_index(drop=True)


def agents_counts(agents: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Per agents' indicator (in the referential's order): its label, the users' indicator it is linked to,
    and its verdict counts (``count_verdicts`` columns)."""
    columns = ["indicateur", "libelle_indicateur", "lie_a", *COUNT_KEYS]
    if agents.empty:
        return pd.DataFrame(columns=columns)
    first = agents.drop_duplicates("indicateur").set_index("indicateur")
    counts = count_verdicts(agents, "indicateur")
    order = [i.code for i in ref.indicateurs if i.code in counts.index]
    out = counts.loc[order].rename_axis("indicateur").reset_index()
    out["libelle_indicateur"] = out["indicateur"].map(first["libelle_indicateur"])
    out["lie_a"] = out["indicateur"].map(first["lie_a"])
    return out[columns]


def placed_by_verdict(pairs: pd.DataFrame) -> pd.DataFrame:
    """``agents_pairs`` rows placed for the quadrant chart by their verdicts: a side without a significant
    change (no change, signal) sits on its axis (0, no interval bar), so that a point lies in the corner its
    situation names; a significant side keeps its estimate and interval; a side with insufficient data has
    no estimate and stays unplaced."""
    out = pairs.copy()
    for side in ("usagers", "agents"):
        quiet = out[f"verdict_{side}"].isin([NO_CHANGE, SIGNAL, RISE, FALL]) & out[f"oriente_{side}"].notna()
        for column in (f"oriente_{side}", f"oriente_bas_{side}", f"oriente_haut_{side}"):
            out.loc[quiet, column] = 0.0
    return out


def situation_counts(pairs: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """How many parcours in each situation (rows, in ``order``) for each agents ↔ users pair (columns
    « libellé agents ↔ libellé usagers »); adds that ``paire`` column to ``pairs``. Empty without pairs."""
    if pairs.empty:
        return pd.DataFrame()
    pairs["paire"] = pairs["libelle_agents"] + " ↔ " + pairs["libelle_usagers"]
    summary = pd.crosstab(pairs["quadrant"], pairs["paire"])
    chosen = [q for q in order if q in summary.index] + [q for q in summary.index if q not in order]
    return summary.loc[chosen].rename_axis(index="situation", columns=None).reset_index()

"""Do agents and users see the service the same way? The mirror survey's quarterly answers and gaps.

The means here are descriptive (gap between the two sides' answers), labelled as such on the page.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from indicateurs.affichage_verdicts import _flag, verdict_text
from indicateurs.db import Database
from indicateurs.mois import parse_month_code
from indicateurs.referentiel import Referentiel


VOLUME = "VOLUME_DEMANDES"
USERS_FAMILY = "satisfaction des usagers"


def mirror_pairs(ref: Referentiel) -> list[tuple[str, str]]:
    """The (users' indicator, agents' indicator) pairs of the mirror survey, in the referential's order."""
    pairs = []
    for ind in ref.indicateurs:
        if ind.miroir and ind.famille == USERS_FAMILY:
            pairs.append((ind.code, ind.miroir))
    return pairs


def mirror_values(db: Database, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Quarterly answers of both sides of each mirror pair, per parcours and month, with their gap.

    Columns: paire (users' code), engagement, parcours, direction, mois, usagers, agents, ecart (agents −
    users, in points), periode (« avant » / « après » the parcours's deployment).
    """
    pairs = mirror_pairs(ref)
    codes = [c for pair in pairs for c in pair]
    values = db.query_df("""
        SELECT v.parcours, v.indicateur, v.mois, v.valeur FROM valeurs v JOIN parcours p ON p.code = v.parcours
        WHERE v.indicateur IN (SELECT unnest(?)) AND (? IS NULL OR p.direction = ?)
    """, [codes, direction, direction])
    values["mois"] = pd.to_datetime(values["mois"]).dt.date
    deployments = {p.code: parse_month_code(p.date_deploiement) if p.date_deploiement else None
                   for p in ref.parcours}
    directions = {p.code: p.direction for p in ref.parcours}
    frames = []
    for users, agents in pairs:
        u = values[values["indicateur"] == users][["parcours", "mois", "valeur"]].rename(columns={"valeur": "usagers"})
        a = values[values["indicateur"] == agents][["parcours", "mois", "valeur"]].rename(columns={"valeur": "agents"})
        both = u.merge(a, on=["parcours", "mois"])
        both["paire"] = users
        both["engagement"] = ref.indicateur(users).engagement
        frames.append(both)
    columns = ["paire", "engagement", "parcours", "direction", "mois", "usagers", "agents", "ecart", "periode"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["direction"] = out["parcours"].map(directions)
    out["ecart"] = out["agents"] - out["usagers"]
    deployed = pd.to_datetime(out["parcours"].map(deployments))
    out["periode"] = np.where(pd.to_datetime(out["mois"]) >= deployed, "après", "avant").astype(object)
    return out[columns].sort_values(["paire", "parcours", "mois"]).reset_index(drop=True)


def mirror_gaps(values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Per pair × parcours: the average gap (agents − users, in points) before and after deployment.

    Descriptive averages of the quarterly gaps, no test: « evolution » is after − before; a gap shrinking
    towards 0 means both sides now see the service the same way.
    """
    columns = ["paire", "engagement", "parcours", "libelle_parcours", "direction", "deploiement",
               "usagers_avant", "agents_avant", "ecart_avant", "trimestres_avant", "usagers_apres",
               "agents_apres", "ecart_apres", "trimestres_apres", "evolution"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    means = (values.groupby(["paire", "engagement", "parcours", "direction", "periode"])
             .agg(usagers=("usagers", "mean"), agents=("agents", "mean"), ecart=("ecart", "mean"),
                  trimestres=("ecart", "size")).reset_index())
    wide = means.pivot_table(index=["paire", "engagement", "parcours", "direction"], columns="periode",
                             values=["usagers", "agents", "ecart", "trimestres"])
    wide.columns = [f"{name}_{'apres' if period == 'après' else 'avant'}" for name, period in wide.columns]
    wide = wide.reset_index()
    for column in columns:
        if column not in wide.columns:
            wide[column] = np.nan
    wide["evolution"] = wide["ecart_apres"] - wide["ecart_avant"]
    wide["libelle_parcours"] = wide["parcours"].map({p.code: p.libelle for p in ref.parcours})
    wide["deploiement"] = wide["parcours"].map(
        {p.code: parse_month_code(p.date_deploiement) if p.date_deploiement else None for p in ref.parcours})
    return wide[columns].sort_values(["paire", "parcours"]).reset_index(drop=True)


def mirror_summary(gaps: pd.DataFrame, db: Database, ref: Referentiel) -> pd.DataFrame:
    """Per pair: the gap before and after, averaged over the deployed parcours weighted by their volume of
    requests (a big parcours counts more than a small one, as for every aggregate of the observatoire)."""
    columns = ["paire", "engagement", "libelle", "parcours", "ecart_avant", "ecart_apres", "evolution"]
    judged = gaps.dropna(subset=["ecart_avant", "ecart_apres"])
    if judged.empty:
        return pd.DataFrame(columns=columns)
    volume = db.query_df("SELECT parcours, avg(valeur) AS poids FROM valeurs WHERE indicateur = ? GROUP BY parcours",
                         [VOLUME]).set_index("parcours")["poids"]
    rows = []
    for (pair, engagement), part in judged.groupby(["paire", "engagement"]):
        weights = part["parcours"].map(volume).fillna(0).to_numpy(float)
        if weights.sum() <= 0:
            weights = np.ones(len(part))
        before = float(np.average(part["ecart_avant"], weights=weights))
        after = float(np.average(part["ecart_apres"], weights=weights))
        rows.append({"paire": pair, "engagement": int(engagement),
                     "libelle": f"{ref.indicateur(pair).libelle.split(' (')[0]}", "parcours": len(part),
                     "ecart_avant": before, "ecart_apres": after, "evolution": after - before})
    return pd.DataFrame(rows, columns=columns)


def mirror_verdicts(db: Database, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """The stored verdict of each mirror indicator (both sides) per parcours, as a reader reads it
    (``verdict_affiche``: « ▲ amélioration significative (provisoire) »); columns parcours, indicateur,
    verdict_affiche. Only the mirror indicators are read (at 100x the demo, reading every stored verdict
    was most of the page's cold time for the few it needs)."""
    codes = [c for pair in mirror_pairs(ref) for c in pair]
    rows = db.query_df("""
        SELECT r.parcours, r.indicateur, r.verdict, r.provisoire FROM resultats r JOIN parcours p ON p.code = r.parcours
        WHERE r.indicateur IN (SELECT unnest(?)) AND (? IS NULL OR p.direction = ?)
    """, [codes, direction, direction])
    keys = list(zip(rows["verdict"], rows["provisoire"].map(_flag)))
    shown = {key: verdict_text(*key) for key in set(keys)}  # a dozen distinct texts, not one call per row
    rows["verdict_affiche"] = [shown[key] for key in keys]
    return rows[["parcours", "indicateur", "verdict_affiche"]]


def mirror_gaps_with_verdicts(gaps: pd.DataFrame, verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """``mirror_gaps`` plus the stored verdict of each side (``verdict_usagers``, ``verdict_agents``, as
    « ▲ amélioration significative »; « – » where none is stored), joined in one merge per side."""
    out = gaps.copy()
    if out.empty:
        return out.assign(verdict_usagers=pd.Series(dtype=object), verdict_agents=pd.Series(dtype=object))
    shown = verdicts[["parcours", "indicateur", "verdict_affiche"]].drop_duplicates(["parcours", "indicateur"])
    out["miroir"] = out["paire"].map(dict(mirror_pairs(ref)))
    for side, key in (("usagers", "paire"), ("agents", "miroir")):
        joined = out[["parcours", key]].merge(shown, left_on=["parcours", key], right_on=["parcours", "indicateur"],
                                              how="left")
        out[f"verdict_{side}"] = joined["verdict_affiche"].fillna("–").to_numpy(object)
    return out.drop(columns="miroir")


CHART_PARCOURS = 40


def gaps_for_chart(gaps: pd.DataFrame, limit: int = CHART_PARCOURS) -> tuple[pd.DataFrame, int]:
    """The gaps of the parcours drawn in the chart (one line per parcours: beyond a few dozen it is no
    longer readable nor light to send) and how many parcours are left out: those whose gap moved most
    (largest |évolution| over the pairs), then those without both periods, are kept first."""
    if gaps.empty or gaps["parcours"].nunique() <= limit:
        return gaps, 0
    moved = gaps.assign(ampleur=gaps["evolution"].abs()).groupby("parcours")["ampleur"].max()
    kept = moved.sort_values(ascending=False, na_position="last", kind="stable").index[:limit]
    return gaps[gaps["parcours"].isin(kept)].reset_index(drop=True), int(moved.size - limit)

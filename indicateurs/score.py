"""A score per parcours and per direction, in the spirit of Boston's CityScore.

For each indicator with a target (cible): ratio = valeur / cible when a rise is favourable, cible / valeur
when a fall is favourable; the ratio is capped at 1.25 (so that one indicator far above target cannot hide
another below it) and floored at 0. The valeur is the mean of the last three months received (the last
value for a quarterly indicator). The parcours score is the mean of its ratios; the direction score is the
mean of its parcours' scores. A score of 1 means « on target on average »; 0.8 means 20 % short.
Indicators without a target (incivilities, the volume) and with a « neutre » sense do not count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.referentiel import Referentiel

CAP = 1.25
RECENT_MONTHS = 3

FORMULA = ("score = moyenne, sur les indicateurs ayant une cible, de min(valeur / cible ; 1,25) "
           "— ou de min(cible / valeur ; 1,25) quand une baisse est favorable — la valeur étant la moyenne "
           "des trois derniers mois reçus ; score de direction = moyenne des scores de ses parcours.")


def indicator_ratio(valeur: float, cible: float, sens: str) -> float:
    """One indicator's contribution: value over target (inverted when lower is better), within [0, 1.25]."""
    if sens == "hausse":
        ratio = valeur / cible if cible else np.nan
    elif sens == "baisse":
        ratio = cible / valeur if valeur > 0 else CAP
    else:
        return np.nan
    return float(np.clip(ratio, 0.0, CAP))


def parcours_ratios(values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Each parcours × indicateur ratio. ``values``: parcours, indicateur, mois, valeur (all stored values)."""
    recent = (values.sort_values("mois").groupby(["parcours", "indicateur"]).tail(RECENT_MONTHS)
              .groupby(["parcours", "indicateur"], as_index=False)["valeur"].mean())
    sens = {i.code: i.sens for i in ref.indicateurs}
    targets = _targets(ref)
    rows = []
    for r in recent.itertuples(index=False):
        cible = targets.get((r.indicateur, r.parcours), targets.get((r.indicateur, None)))
        if cible is None or sens[r.indicateur] == "neutre":
            continue
        rows.append({"parcours": r.parcours, "indicateur": r.indicateur, "valeur": r.valeur, "cible": cible,
                     "ratio": indicator_ratio(r.valeur, cible, sens[r.indicateur])})
    return pd.DataFrame(rows, columns=["parcours", "indicateur", "valeur", "cible", "ratio"])


def _targets(ref: Referentiel) -> dict[tuple[str, str | None], float]:
    """Every target at once, as ``Referentiel.cible`` reads them: a parcours's own (the first given) by
    (indicateur, parcours), the indicator's default (the last given) by (indicateur, None). Why: looking
    each one up in the list of targets is quadratic with a thousand parcours."""
    targets: dict[tuple[str, str | None], float] = {}
    for c in ref.cibles:
        if c.parcours is None:
            targets[(c.indicateur, None)] = c.cible
        else:
            targets.setdefault((c.indicateur, c.parcours), c.cible)
    return targets


def scores(values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Scores per parcours and per direction: columns niveau (parcours | direction), code, score, n."""
    ratios = parcours_ratios(values, ref).dropna(subset=["ratio"])
    per_parcours = ratios.groupby("parcours")["ratio"].agg(score="mean", n="count").reset_index()
    per_parcours["direction"] = per_parcours["parcours"].map({p.code: p.direction for p in ref.parcours})
    per_direction = per_parcours.groupby("direction")["score"].agg(score="mean", n="count").reset_index()
    return pd.concat([
        per_parcours.rename(columns={"parcours": "code"}).assign(niveau="parcours")[["niveau", "code", "score", "n"]],
        per_direction.rename(columns={"direction": "code"}).assign(niveau="direction")[["niveau", "code", "score", "n"]],
    ], ignore_index=True)

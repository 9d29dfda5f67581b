"""Aggregating across parcours, per direction or per engagement, weighted by volume.

A percentage is never averaged plainly across parcours: a rate of 90 % on 60 requests and 50 % on
30,000 requests is 50.1 % of requests, not 70 %. For « ratio » indicators the aggregate is the sum of the
numerators over the sum of the denominators, the numerator being rebuilt as valeur × dénominateur (the
dénominateur indicator, usually the monthly volume of requests, is given in the referential). « moyenne
pondérée » indicators are weighted by the same dénominateur; « somme » indicators are summed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.referentiel import Referentiel


def _with_weights(values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Attach to each value the same month's value of its indicator's dénominateur (the weight)."""
    denominators = {i.code: i.denominateur for i in ref.indicateurs}
    data = values[["parcours", "indicateur", "mois", "valeur"]].copy()
    data["denominateur"] = data["indicateur"].map(denominators)
    weights = values.rename(columns={"indicateur": "denominateur", "valeur": "poids"})[
        ["parcours", "denominateur", "mois", "poids"]]
    return data.merge(weights, on=["parcours", "denominateur", "mois"], how="left")


def aggregate_monthly(values: pd.DataFrame, ref: Referentiel, by: str) -> pd.DataFrame:
    """Monthly aggregate per group × indicateur; ``by`` is « direction » or « engagement ».

    Returns groupe, indicateur, mois, valeur, poids (the summed weight), parcours (how many contributed).
    A ratio or weighted mean uses only parcours that sent both the value and its weight that month.
    """
    data = _with_weights(values, ref)
    if by == "direction":
        data["groupe"] = data["parcours"].map({p.code: p.direction for p in ref.parcours})
    elif by == "engagement":
        engagement = {i.code: i.engagement for i in ref.indicateurs}
        data["groupe"] = data["indicateur"].map(engagement)
        data = data.dropna(subset=["groupe"])
        data["groupe"] = data["groupe"].astype(int).astype(str)
    else:
        raise ValueError(f"unknown grouping {by!r}")
    method = data["indicateur"].map({i.code: i.agregation for i in ref.indicateurs})
    summed = data[method == "somme"].groupby(["groupe", "indicateur", "mois"], as_index=False).agg(
        valeur=("valeur", "sum"), parcours=("parcours", "nunique"))
    summed["poids"] = np.nan
    weighted = data[(method != "somme") & data["poids"].notna() & (data["poids"] > 0)].copy()
    weighted["produit"] = weighted["valeur"] * weighted["poids"]
    weighted = weighted.groupby(["groupe", "indicateur", "mois"], as_index=False).agg(
        produit=("produit", "sum"), poids=("poids", "sum"), parcours=("parcours", "nunique"))
    weighted["valeur"] = weighted["produit"] / weighted["poids"]
    columns = ["groupe", "indicateur", "mois", "valeur", "poids", "parcours"]
    return (pd.concat([summed[columns], weighted[columns]], ignore_index=True)
            .sort_values(["groupe", "indicateur", "mois"]).reset_index(drop=True))


def combine_effects(effects: pd.DataFrame) -> dict:
    """Volume-weighted mean of independent parcours effects, with its 95 % interval.

    ``effects``: columns effect, low, high (95 % intervals) and poids (the parcours's volume). The
    standard errors are read back from the intervals (half-width / 1.96) and combined assuming the
    parcours are independent: se = sqrt(Σ w² se²) / Σ w.
    """
    data = effects.dropna(subset=["effect", "low", "high", "poids"])
    data = data[data["poids"] > 0]
    if data.empty:
        return {"effect": np.nan, "low": np.nan, "high": np.nan, "n": 0}
    w = data["poids"].to_numpy(float)
    se = (data["high"].to_numpy(float) - data["low"].to_numpy(float)) / (2 * 1.959964)
    effect = float(np.sum(w * data["effect"].to_numpy(float)) / w.sum())
    combined_se = float(np.sqrt(np.sum(w**2 * se**2)) / w.sum())
    return {"effect": effect, "low": effect - 1.959964 * combined_se,
            "high": effect + 1.959964 * combined_se, "n": int(len(data))}

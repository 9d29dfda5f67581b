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
    """Volume-weighted mean of independent parcours effects, with its standard error and 95 % interval.

    ``effects``: columns effect, se (standard error on the same scale), df (degrees of freedom of each
    series' test) and poids (the parcours's volume). Combined assuming the parcours are independent:
    se = sqrt(Σ w² se²) / Σ w, on Welch–Satterthwaite degrees of freedom; the interval uses the Student
    quantile on them. The standard errors are the series' own, never read back from their intervals.
    """
    from indicateurs.impact.modele import t_quantile

    effect = np.asarray(effects["effect"], dtype=float)
    se = np.asarray(effects["se"], dtype=float)
    weight = np.asarray(effects["poids"], dtype=float)
    dof = np.asarray(effects["df"], dtype=float) if "df" in effects else np.full(len(effect), np.inf)
    ok = np.isfinite(effect) & np.isfinite(se) & np.isfinite(weight) & (weight > 0) & (se > 0)
    if not ok.any():
        return {"effect": np.nan, "se": np.nan, "df": np.nan, "low": np.nan, "high": np.nan, "n": 0}
    w = weight[ok] / weight[ok].sum()
    combined = float(np.sum(w * effect[ok]))
    parts = (w * se[ok]) ** 2
    combined_se = float(np.sqrt(parts.sum()))
    dof = dof[ok]
    combined_df = float(parts.sum() ** 2 / np.sum(parts**2 / dof)) if np.all(np.isfinite(dof)) else np.inf
    q = t_quantile(0.975, combined_df) if np.isfinite(combined_df) else 1.959964
    return {"effect": combined, "se": combined_se, "df": combined_df, "low": combined - q * combined_se,
            "high": combined + q * combined_se, "n": int(ok.sum())}

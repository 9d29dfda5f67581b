"""Did each of the four engagements move, across parcours? Verdict counts per indicator and the stored
staggered difference-in-differences (overall effect and event study)."""

from __future__ import annotations

import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import COUNT_COLUMNS, PROVISIONAL_MARK, verdict_text
from indicateurs.db import Database
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT, NO_CHANGE, apply_fdr
from indicateurs.referentiel import Referentiel


RATE_UNIT = "pour 1 000 demandes"


def engagement_indicators(verdicts: pd.DataFrame, ref: Referentiel, engagement: int) -> pd.DataFrame:
    """For one engagement, per indicator: verdict counts and the parcours where it improved or not."""
    rows = []
    for ind in ref.indicateurs:
        if ind.engagement != engagement:
            continue
        part = verdicts[verdicts["indicateur"] == ind.code]

        def listed(verdict: str) -> str:
            chosen = part[part["verdict"] == verdict]
            return ", ".join(f"{c}{PROVISIONAL_MARK if p else ''}" for c, p in zip(chosen["parcours"], chosen["provisoire"]))

        counts = part["verdict"].map(COUNT_COLUMNS).value_counts()
        rows.append({
            "indicateur": ind.code, "libelle_indicateur": ind.libelle,
            "amelioration": int(counts.get("amelioration", 0)),
            "pas_de_changement": int(counts.get("pas_de_changement", 0)),
            "degradation": int(counts.get("degradation", 0)),
            "insuffisant": int(counts.get("insuffisant", 0)),
            "parcours_ameliores": listed(IMPROVEMENT),
            "parcours_degrades": listed(DEGRADATION),
            "parcours_sans_changement": listed(NO_CHANGE),
        })
    return pd.DataFrame(rows, columns=["indicateur", "libelle_indicateur", "amelioration", "pas_de_changement",
                                       "degradation", "insuffisant", "parcours_ameliores", "parcours_degrades",
                                       "parcours_sans_changement"])


def did_overall(db: Database, ref: Referentiel) -> pd.DataFrame:
    """The staggered DID overall effect per indicator (type « global »), with its label, unit and reading.

    The reading follows the rule of the series' verdicts: one correction family (every indicator's
    overall effect but the neutral volume), Benjamini–Hochberg, and the false-coverage-rate interval
    ``bas_corrige``/``haut_corrige`` that excludes 0 exactly when the reading says « significative »;
    ``bas``/``haut`` stay the stored 95 % interval. A failed joint pre-trend test is said in words.
    Counts are rates per 1,000 requests.
    """
    did = lecture.did_results(db)
    overall = did[did["type"] == "global"].copy()
    by_code = {i.code: i for i in ref.indicateurs}
    overall = overall[overall["indicateur"].isin(by_code)]
    overall["libelle_indicateur"] = overall["indicateur"].map(lambda c: by_code[c].libelle)
    overall["unite"] = overall["indicateur"].map(
        lambda c: RATE_UNIT if by_code[c].is_count and c != "VOLUME_DEMANDES" else by_code[c].unite)
    overall["engagement"] = overall["indicateur"].map(lambda c: by_code[c].engagement)
    overall["sens"] = overall["indicateur"].map(lambda c: by_code[c].sens)
    overall = overall.reset_index(drop=True)
    if len(overall):
        judged = apply_fdr(pd.DataFrame({
            "libelle": overall["libelle_indicateur"], "sens": overall["sens"], "effect": overall["estimation"],
            "effect_low": overall["bas"], "effect_high": overall["haut"], "effect_unit": "",
            "p_value": overall["p_valeur"], "effect_se": overall["erreur_type"], "effect_df": 1e6,
            "deployment_month": pd.Period("2025-01", "M"), "months_before": 12, "months_after": 12}))
        overall["bas_corrige"] = judged["interval_low"].to_numpy()
        overall["haut_corrige"] = judged["interval_high"].to_numpy()
        overall["niveau_intervalle"] = judged["interval_level"].to_numpy()
        alerts = overall["alerte"] if "alerte" in overall else pd.Series([None] * len(overall))
        overall["lecture"] = [verdict_text(v) + (f" ; {a}" if isinstance(a, str) and a else "")
                              for v, a in zip(judged["verdict"], alerts)]
    else:
        for column in ("bas_corrige", "haut_corrige", "niveau_intervalle", "lecture"):
            overall[column] = []
    order = {i.code: n for n, i in enumerate(ref.indicateurs)}
    overall["ordre"] = overall["indicateur"].map(order)
    return overall.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)


def event_study(db: Database, ref: Referentiel, indicateurs: list[str]) -> pd.DataFrame:
    """Event-study rows (type « evenement ») of some indicators: periods since deployment, estimate, 95 %
    interval; negative periods are placebo checks (before the deployment)."""
    did = lecture.did_results(db)
    rows = did[(did["type"] == "evenement") & did["indicateur"].isin(indicateurs)].copy()
    rows["periode"] = rows["cle"].astype(int)
    rows["placebo"] = rows["periode"] < 0
    by_code = {i.code: i for i in ref.indicateurs}
    rows["libelle_indicateur"] = rows["indicateur"].map(lambda c: by_code[c].libelle)
    rows["pas"] = rows["indicateur"].map(
        lambda c: "trimestres" if by_code[c].periodicite == "trimestrielle" else "mois")
    rows["ordre"] = rows["indicateur"].map({i.code: n for n, i in enumerate(ref.indicateurs)})
    return rows.sort_values(["ordre", "periode"]).drop(columns="ordre").reset_index(drop=True)

"""Did each of the four engagements move, across parcours? Verdict counts per indicator and the stored
staggered difference-in-differences (overall effect and event study)."""

from __future__ import annotations

import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import PROVISIONAL_MARK, count_verdicts, verdict_text
from indicateurs.db import Database
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT, NO_CHANGE, SIGNAL, apply_fdr
from indicateurs.referentiel import Referentiel


RATE_UNIT = "pour 1 000 demandes"
# An event-study point resting on fewer parcours than this is flagged to the reader as fragile.
MIN_EVENT_PARCOURS = 5


ENGAGEMENT_COLUMNS = ["indicateur", "libelle_indicateur", "amelioration", "pas_de_changement", "degradation",
                      "insuffisant", "parcours_ameliores", "parcours_degrades", "parcours_sans_changement"]
SIGNAL_MARK = "◐"


def _listed(part: pd.DataFrame, verdicts: tuple[str, ...]) -> str:
    """« DJS-PISCINE, DPE-ENCOMBRANTS* »: the parcours of ``part`` with one of ``verdicts`` (``*`` provisional,
    ``◐`` a signal à confirmer, counted with « pas de changement »)."""
    chosen = part[part["verdict"].isin(verdicts)]
    return ", ".join(f"{c}{PROVISIONAL_MARK if p else ''}{SIGNAL_MARK if v == SIGNAL else ''}"
                     for c, p, v in zip(chosen["parcours"], chosen["provisoire"], chosen["verdict"]))


def engagement_indicators(verdicts: pd.DataFrame, ref: Referentiel, engagement: int) -> pd.DataFrame:
    """For one engagement, per indicator: verdict counts and the parcours where it improved or not.

    « signal à confirmer » is counted and listed with « pas de changement » (marked ◐), as in every count.
    """
    indicators = [ind for ind in ref.indicateurs if ind.engagement == engagement]
    part = verdicts[verdicts["indicateur"].isin([i.code for i in indicators])]
    counts = count_verdicts(part, "indicateur")
    by_indicator = dict(tuple(part.groupby("indicateur", sort=False)))
    empty = part.iloc[0:0]
    rows = []
    for ind in indicators:
        mine = by_indicator.get(ind.code, empty)
        row = counts.loc[ind.code] if ind.code in counts.index else None
        rows.append({
            "indicateur": ind.code, "libelle_indicateur": ind.libelle,
            **{c: 0 if row is None else int(row[c]) for c in ("amelioration", "pas_de_changement", "degradation",
                                                              "insuffisant")},
            "parcours_ameliores": _listed(mine, (IMPROVEMENT,)),
            "parcours_degrades": _listed(mine, (DEGRADATION,)),
            "parcours_sans_changement": _listed(mine, (NO_CHANGE, SIGNAL)),
        })
    return pd.DataFrame(rows, columns=ENGAGEMENT_COLUMNS)


def _plural(count: int, word: str) -> str:
    """« 0 dégradation significative », « 4 améliorations significatives »."""
    return f"{count} {word} significative" if count <= 1 else f"{count} {word}s significatives"


def overall_and_counts(verdict: str | None, improved: int, worsened: int, judged: int) -> str:
    """One sentence reading the overall effect (difference-in-differences) together with the per-parcours
    verdicts, so that a ▲ average beside « 0 parcours améliorés » is not taken for a contradiction.

    ``judged`` counts the parcours with a verdict other than « données insuffisantes ».
    """
    side = {IMPROVEMENT: 1, DEGRADATION: -1}.get(verdict, 0)
    n = f"{judged} parcours jugés"
    if side and (improved if side > 0 else worsened) == 0:
        word = "amélioration" if side > 0 else "dégradation"
        return (f"En moyenne, {word} significative, alors qu'aucun des {n} ne montre seul une {word} "
                "significative : de petits écarts, trop faibles pour être vus parcours par parcours, vont dans le "
                "même sens presque partout et s'additionnent. C'est une tendance d'ensemble, pas le succès "
                "(ou l'échec) d'un parcours en particulier.")
    if side:
        word, other = ("amélioration", worsened) if side > 0 else ("dégradation", improved)
        counted = improved if side > 0 else worsened
        verb = "montre seul" if counted <= 1 else "montrent seuls"
        text = (f"En moyenne, {word} significative ; parcours par parcours, {counted} sur {n} {verb} "
                f"une {word} significative")
        if other:
            text += f", mais {other} {'va' if other == 1 else 'vont'} dans l'autre sens : à regarder un par un"
        return text + "."
    if improved or worsened:
        return (f"Pas d'effet moyen net, mais parcours par parcours : {_plural(improved, 'amélioration')} et "
                f"{_plural(worsened, 'dégradation')} sur {n}. Les changements sont propres à certains parcours, "
                "pas généraux.")
    return f"Ni en moyenne ni dans aucun des {n} un changement significatif n'est détecté."


def overall_with_counts(did: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """``did_overall`` rows of one engagement plus ``ensemble``: the sentence of ``overall_and_counts``
    from the overall reading and the per-parcours counts of ``engagement_indicators``."""
    counts = indicators.set_index("indicateur")
    sentences = []
    for code, verdict in zip(did["indicateur"], did["verdict"]):
        if code not in counts.index:
            sentences.append("")
            continue
        row = counts.loc[code]
        judged = int(row["amelioration"] + row["pas_de_changement"] + row["degradation"])
        sentences.append(overall_and_counts(verdict, int(row["amelioration"]), int(row["degradation"]), judged))
    return did.assign(ensemble=sentences)


def thin_event_points(events: pd.DataFrame, minimum: int = MIN_EVENT_PARCOURS) -> pd.DataFrame:
    """The event-study points after deployment resting on fewer than ``minimum`` parcours: few parcours
    reach that many months of hindsight, so these points say little (columns libelle_indicateur, periode,
    pas, n)."""
    thin = events[(~events["placebo"]) & (events["n"] < minimum)]
    return thin[["indicateur", "libelle_indicateur", "periode", "pas", "n"]].reset_index(drop=True)


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
        overall["verdict"] = judged["verdict"].to_numpy()
        alerts = overall["alerte"] if "alerte" in overall else pd.Series([None] * len(overall))
        overall["lecture"] = [verdict_text(v) + (f" ; {a}" if isinstance(a, str) and a else "")
                              for v, a in zip(judged["verdict"], alerts)]
    else:
        for column in ("bas_corrige", "haut_corrige", "niveau_intervalle", "verdict", "lecture"):
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

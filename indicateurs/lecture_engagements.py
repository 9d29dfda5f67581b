"""Did each of the four engagements move, across parcours? Verdict counts per indicator and the stored
staggered difference-in-differences (overall effect and event study)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import PROVISIONAL_MARK, count_verdicts, verdict_text
from indicateurs.db import Database
from indicateurs.lecture_verdicts import counts_by_group, verdict_rows
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT, NO_CHANGE, SIGNAL, apply_fdr
from indicateurs.referentiel import ENGAGEMENTS, Referentiel


RATE_UNIT = "pour 1 000 demandes"
# An event-study point resting on fewer parcours than this is flagged to the reader as fragile.
MIN_EVENT_PARCOURS = 5


ENGAGEMENT_COLUMNS = ["indicateur", "libelle_indicateur", "amelioration", "pas_de_changement", "degradation",
                      "insuffisant", "parcours_ameliores", "parcours_degrades", "parcours_sans_changement"]
SIGNAL_MARK = "◐"


LIST_COLUMNS = {"parcours_ameliores": (IMPROVEMENT,), "parcours_degrades": (DEGRADATION,),
                "parcours_sans_changement": (NO_CHANGE, SIGNAL)}


def indicators_by_engagement(verdicts: pd.DataFrame, ref: Referentiel) -> dict[int, pd.DataFrame]:
    """``engagement_indicators`` of every engagement at once: one count and one join per list over all the
    verdicts (at 3,000 parcours, a filter per engagement and per indicator was most of the page's time).

    Each list names the parcours in the verdicts' order, ``*`` when provisional, ``◐`` a signal à confirmer
    (listed and counted with « pas de changement »).
    """
    indicators = [ind for ind in ref.indicateurs if ind.engagement is not None]
    part = verdicts[verdicts["indicateur"].isin([i.code for i in indicators])]
    counts = count_verdicts(part, "indicateur")
    names = (part["parcours"].astype(object) + np.where(part["provisoire"].fillna(False).astype(bool),
                                                        PROVISIONAL_MARK, "")
             + np.where(part["verdict"] == SIGNAL, SIGNAL_MARK, ""))
    codes = [i.code for i in indicators]
    table = pd.DataFrame({"indicateur": [i.code for i in indicators],
                          "libelle_indicateur": [i.libelle for i in indicators]})
    for column in ("amelioration", "pas_de_changement", "degradation", "insuffisant"):
        table[column] = (counts[column].reindex(codes, fill_value=0).to_numpy(int) if len(counts)
                         else np.zeros(len(codes), dtype=int))
    for column, chosen in LIST_COLUMNS.items():
        mask = part["verdict"].isin(chosen).to_numpy()
        joined = names[mask].groupby(part["indicateur"].to_numpy()[mask], sort=False).agg(", ".join)
        table[column] = joined.reindex(codes).fillna("").to_numpy(object)
    engagements = np.array([i.engagement for i in indicators], dtype=object)
    return {number: table[engagements == number].reset_index(drop=True)[ENGAGEMENT_COLUMNS]
            for number in sorted({i.engagement for i in indicators})}


def engagement_indicators(verdicts: pd.DataFrame, ref: Referentiel, engagement: int) -> pd.DataFrame:
    """For one engagement, per indicator: verdict counts and the parcours where it improved or not.

    « signal à confirmer » is counted and listed with « pas de changement » (marked ◐), as in every count.
    """
    found = indicators_by_engagement(verdicts, ref).get(engagement)
    return found if found is not None else pd.DataFrame(columns=ENGAGEMENT_COLUMNS)


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


def did_overall(db: Database, ref: Referentiel, did: pd.DataFrame | None = None) -> pd.DataFrame:
    """The staggered DID overall effect per indicator (type « global »), with its label, unit and reading.

    The reading follows the rule of the series' verdicts: one correction family (every indicator's
    overall effect but the neutral volume), Benjamini–Hochberg, and the false-coverage-rate interval
    ``bas_corrige``/``haut_corrige`` that excludes 0 exactly when the reading says « significative »;
    ``bas``/``haut`` stay the stored 95 % interval. A failed joint pre-trend test is said in words.
    Counts are rates per 1,000 requests. ``did``: ``lecture.did_results(db)`` when the caller has read it.
    """
    did = lecture.did_results(db) if did is None else did
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


def event_study(db: Database, ref: Referentiel, indicateurs: list[str],
                did: pd.DataFrame | None = None) -> pd.DataFrame:
    """Event-study rows (type « evenement ») of some indicators: periods since deployment, estimate, 95 %
    interval; negative periods are placebo checks (before the deployment). ``did``: ``lecture.did_results(db)``
    when the caller has read it."""
    did = lecture.did_results(db) if did is None else did
    rows = did[(did["type"] == "evenement") & did["indicateur"].isin(indicateurs)].copy()
    rows["periode"] = rows["cle"].astype(int)
    rows["placebo"] = rows["periode"] < 0
    by_code = {i.code: i for i in ref.indicateurs}
    rows["libelle_indicateur"] = rows["indicateur"].map(lambda c: by_code[c].libelle)
    rows["pas"] = rows["indicateur"].map(
        lambda c: "trimestres" if by_code[c].periodicite == "trimestrielle" else "mois")
    rows["ordre"] = rows["indicateur"].map({i.code: n for n, i in enumerate(ref.indicateurs)})
    return rows.sort_values(["ordre", "periode"]).drop(columns="ordre").reset_index(drop=True)


def engagements_overview(db: Database, ref: Referentiel, direction: str | None = None) -> dict:
    """Everything the « Les 4 engagements » page shows, read once: the verdicts (of ``direction``'s parcours,
    or all), their counts per engagement and family, the overall effects (all parcours) and, per engagement,
    its indicators' counts and lists, overall effects read with those counts, event study and fragile points.

    The stored DID results are read once, and each table is built once for the four engagements then split
    (at 3,000 parcours, one pass per engagement and per indicator was most of the page's cold time).
    """
    verdicts = verdict_rows(db, ref, direction=direction)
    did = lecture.did_results(db)
    overall = did_overall(db, ref, did)
    by_engagement = indicators_by_engagement(verdicts, ref)
    empty = pd.DataFrame(columns=ENGAGEMENT_COLUMNS)
    engagement_of = {i.code: i.engagement for i in ref.indicateurs}
    read = overall_with_counts(overall, pd.concat([by_engagement.get(n, empty) for n in ENGAGEMENTS],
                                                  ignore_index=True))
    events = event_study(db, ref, [c for c, n in engagement_of.items() if n in ENGAGEMENTS], did)
    thin = thin_event_points(events)
    read_number = read["indicateur"].map(engagement_of).to_numpy()
    events_number = events["indicateur"].map(engagement_of).to_numpy()
    thin_number = thin["indicateur"].map(engagement_of).to_numpy()
    out = {"verdicts": verdicts, "comptes": counts_by_group(verdicts), "did": overall, "par_engagement": {}}
    for number in ENGAGEMENTS:
        out["par_engagement"][number] = {
            "indicateurs": by_engagement.get(number, empty),
            "did": read[read_number == number].reset_index(drop=True),
            "evenements": events[events_number == number].reset_index(drop=True),
            "points_fragiles": thin[thin_number == number].reset_index(drop=True)}
    return out

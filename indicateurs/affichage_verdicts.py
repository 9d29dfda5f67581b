"""How a stored verdict is written for a reader: symbol, words, badge, change with its interval, counts.

One place for the words and symbols of the verdicts, shared by every page, chart and the fiche, so that a
verdict reads the same everywhere. Nothing here reads the base.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.format_fr import format_interval, format_number, format_signed, format_value, with_unit
from indicateurs.impact.verdicts import DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, NO_CHANGE, RISE, SIGNAL
from indicateurs.referentiel import ENGAGEMENTS


NO_RESULT = "pas de résultat"
PROVISIONAL_MARK = "*"
# What a reader sees for each verdict: a symbol that does not rely on colour, then the words.
SYMBOLS = {IMPROVEMENT: "▲", DEGRADATION: "▼", NO_CHANGE: "●", RISE: "◆", FALL: "◆", INSUFFICIENT: "○",
           SIGNAL: "◐", NO_RESULT: "–"}
VERDICT_ORDER = [IMPROVEMENT, SIGNAL, NO_CHANGE, DEGRADATION, RISE, FALL, INSUFFICIENT]
# « signal à confirmer » is not a significant change: it is counted with « pas de changement ».
COUNT_COLUMNS = {IMPROVEMENT: "amelioration", NO_CHANGE: "pas_de_changement", SIGNAL: "pas_de_changement",
                 DEGRADATION: "degradation",
                 RISE: "hausse_ou_baisse", FALL: "hausse_ou_baisse", INSUFFICIENT: "insuffisant"}
# Short column headers of the per-indicator verdict counts (Direction, Engagements and Agents pages).
COUNT_HEADERS = {"amelioration": "▲ Améliorations", "pas_de_changement": "● Pas de changement",
                 "degradation": "▼ Dégradations", "insuffisant": "○ Données insuffisantes"}
COUNT_LABELS = {
    "amelioration": "▲ amélioration significative",
    "pas_de_changement": "● pas de changement détectable",
    "degradation": "▼ dégradation significative",
    "hausse_ou_baisse": "◆ hausse ou baisse significative (volume, ni bonne ni mauvaise)",
    "insuffisant": "○ données insuffisantes",
    "provisoires": "dont provisoires (6 à 11 mois de recul)",
}


COUNT_KEYS = list(dict.fromkeys(COUNT_COLUMNS.values()))


def count_verdicts(verdicts: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Verdict counts per value of ``by``: one column per ``COUNT_KEYS`` (« signal à confirmer » counted
    with « pas de changement », as everywhere), plus ``provisoires`` and ``total`` (series). One group-by,
    shared by every page that counts verdicts, so that they all count the same way."""
    keys = [by] if isinstance(by, str) else list(by)
    if verdicts.empty:
        index = pd.MultiIndex.from_tuples([], names=keys) if len(keys) > 1 else pd.Index([], name=keys[0])
        return pd.DataFrame(0, index=index, columns=[*COUNT_KEYS, "provisoires", "total"], dtype=int)
    column = verdicts["verdict"].map(COUNT_COLUMNS).rename("compte")
    counts = (verdicts[keys].assign(compte=column).groupby(keys + ["compte"], sort=False).size()
              .unstack("compte", fill_value=0).reindex(columns=COUNT_KEYS, fill_value=0))
    provisional = verdicts["provisoire"]
    flags = provisional.notna() & provisional.astype(object).where(provisional.notna(), False).astype(bool)
    grouped = verdicts[keys].assign(provisoire=flags).groupby(keys, sort=False)
    counts = counts.reindex(grouped.size().index, fill_value=0)
    counts["provisoires"] = grouped["provisoire"].sum().reindex(counts.index).astype(int)
    counts["total"] = grouped.size().reindex(counts.index).astype(int)
    counts.columns.name = None
    return counts.astype(int)


def verdict_symbol(verdict: str | None, provisoire: bool = False) -> str:
    """``▲`` an improvement, ``▼`` a degradation, ``●`` no change, ``○`` not enough data; ``*`` if provisional."""
    symbol = SYMBOLS.get(verdict or NO_RESULT, "–")
    return symbol + (PROVISIONAL_MARK if provisoire and verdict != INSUFFICIENT else "")


def verdict_text(verdict: str | None, provisoire: bool = False) -> str:
    """Icon and words, never colour alone: « ▲ amélioration significative (provisoire) »."""
    verdict = verdict or NO_RESULT
    text = f"{SYMBOLS.get(verdict, '–')} {verdict}"
    return text + (" (provisoire)" if provisoire and verdict != INSUFFICIENT else "")


BADGE_COLOURS = {IMPROVEMENT: "green", DEGRADATION: "orange", RISE: "blue", FALL: "blue"}


def verdict_badge(verdict: str | None, provisoire: bool = False) -> str:
    """The verdict as a Markdown badge (symbol + words; the colour only repeats them)."""
    return f":{BADGE_COLOURS.get(verdict, 'gray')}-badge[{verdict_text(verdict, provisoire)}]"


def change_text(estimate, low, high, unit: str | None) -> str:
    """A stored change with its interval, written as in the verdict sentences: « +7,2 pt [5,1 ; 9,3] »."""
    if estimate is None or pd.isna(estimate):
        return "non estimé"
    return f"{with_unit(format_signed(estimate), unit or '')} {format_interval(low, high)}"


def _flag(value) -> bool:
    return bool(value) if value is not None and not (isinstance(value, float) and np.isnan(value)) else False


def group_label(engagement, famille) -> str:
    """« Engagement 2 – Donner de la visibilité sur les délais », or the family's name."""
    if engagement is not None and not pd.isna(engagement):
        return f"Engagement {int(engagement)} – {ENGAGEMENTS[int(engagement)]}"
    return str(famille).capitalize() if famille else "Autre"


def format_mean(value, unite: str) -> str:
    """A mean with its unit; a mean of counts keeps one decimal (« 46,4 », not « 46 »)."""
    return format_value(value, unite, 1 if unite == "nombre" else None)


RESULT_COLUMNS = {"parcours": "Parcours", "libelle_indicateur": "Indicateur", "verdict_affiche": "Verdict",
                  "avant": "Moyenne des 12 mois avant", "apres": "Moyenne depuis le déploiement",
                  "changement": "Écart moyen depuis le déploiement [intervalle du verdict]", "mois_avant": "Mois observés avant",
                  "mois_apres": "Mois de recul", "p_ajustee": "p ajustée (BH)", "methode": "Méthode",
                  "phrase": "En une phrase"}


def results_for_display(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The stored results written the French way for a reader (the raw numbers stay in ``verdicts``)."""
    out = pd.DataFrame({
        "parcours": verdicts["parcours"], "libelle_indicateur": verdicts["libelle_indicateur"],
        "verdict_affiche": verdicts["verdict_affiche"],
        "avant": [format_mean(v, u) for v, u in zip(verdicts["moyenne_avant"], verdicts["unite"])],
        "apres": [format_mean(v, u) for v, u in zip(verdicts["moyenne_apres"], verdicts["unite"])],
        "changement": [change_text(e, lo, hi, u) for e, lo, hi, u in
                       zip(verdicts["estimate"], verdicts["low"], verdicts["high"], verdicts["effet_unite"])],
        "mois_avant": verdicts["mois_avant"], "mois_apres": verdicts["mois_apres"],
        "p_ajustee": [format_number(p, 3) for p in verdicts["p_ajustee"]],
        "methode": verdicts["methode"], "phrase": verdicts["phrase"],
    })
    return out.rename(columns=RESULT_COLUMNS)

"""French verdicts on a change, read with the indicator's favourable sense, and their sentence.

Rules
- Data: under 12 months before or under 6 months after deployment → « données insuffisantes »
  (no verdict on the change); 6 to 11 months after → verdict computed but marked provisoire.
- One series: significant when the whole 95% interval lies on one side of 0 (the change is a
  difference, or a % change for count models). Sense "hausse" (higher is better): above 0 is an
  « amélioration significative », below a « dégradation significative »; "baisse" the other way round;
  "neutre" (e.g. a volume): « hausse significative » / « baisse significative ». Otherwise « pas de
  changement détectable ».
- Many series judged together (``apply_fdr``): Benjamini–Hochberg over every row that has a verdict
  (enough data and a p-value). A row is significant only if its BH-adjusted p < 0.05 AND its 95%
  interval lies on one side of 0; the interval gives the direction. Since adjusted p ≥ p, and p < 0.05
  goes with an interval excluding 0 when both come from the same test, an interval crossing 0 is never
  called significant; a row significant alone but not after BH becomes « pas de changement
  détectable » with the mention « après correction pour comparaisons multiples ».
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from indicateurs.impact.format_fr import (format_interval, format_month, format_signed, with_unit)

SENS = ("hausse", "baisse", "neutre")
MIN_MONTHS_BEFORE = 12
MIN_MONTHS_AFTER = 6
FINAL_MONTHS_AFTER = 12  # from 12 months after deployment a verdict is no longer provisional
ALPHA = 0.05

IMPROVEMENT = "amélioration significative"
DEGRADATION = "dégradation significative"
RISE = "hausse significative"
FALL = "baisse significative"
NO_CHANGE = "pas de changement détectable"
INSUFFICIENT = "données insuffisantes"

UNIT_SUFFIXES = {"%": "pt", "jours": "j", "jours ouvrés": "j ouvrés", "points": "pt", "nombre": "",
                 "ratio": ""}


@dataclass(frozen=True)
class Verdict:
    """A verdict: French ``label``, ``provisoire`` flag, ``significant`` and ``direction`` (+1, −1, 0)."""

    label: str
    provisoire: bool
    significant: bool
    direction: int


def _check_sens(sens: str) -> None:
    if sens not in SENS:
        raise ValueError(f"sens must be one of {SENS}, got {sens!r}.")


def interval_side(low, high) -> int:
    """+1 when the whole interval is above 0, −1 when below, 0 when it crosses 0 or is missing."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return 0
    return 1 if low > 0 else (-1 if high < 0 else 0)


def change_label(direction: int, sens: str) -> str:
    """The French label of a change of given direction read with the favourable sense."""
    _check_sens(sens)
    if direction == 0:
        return NO_CHANGE
    if sens == "neutre":
        return RISE if direction > 0 else FALL
    good = (direction > 0) == (sens == "hausse")
    return IMPROVEMENT if good else DEGRADATION


def is_insufficient(months_before: int, months_after: int) -> bool:
    """True under 12 months before or under 6 months after deployment (deployment month counts as after)."""
    return months_before < MIN_MONTHS_BEFORE or months_after < MIN_MONTHS_AFTER


def is_provisional(months_after: int) -> bool:
    """True from 6 to 11 months after deployment: the verdict stands but may still move."""
    return MIN_MONTHS_AFTER <= months_after < FINAL_MONTHS_AFTER


def judge(low, high, *, sens: str, months_before: int, months_after: int) -> Verdict:
    """Verdict for one series from its 95% interval (of a change, 0 = no change), without multiplicity
    correction. Why: the headline a reader sees, read in the indicator's favourable sense.
    """
    _check_sens(sens)
    if is_insufficient(months_before, months_after):
        return Verdict(INSUFFICIENT, False, False, 0)
    direction = interval_side(low, high)
    return Verdict(change_label(direction, sens), is_provisional(months_after), direction != 0, direction)


def unit_suffix(unite: str, relative: bool = False) -> str:
    """Suffix written after a change: "%" → "pt" (points de pourcentage: a change of a percentage is a
    difference of points, not a percentage), "jours" → "j", "nombre"/"ratio" → none; a relative change
    (count models, rate ratio − 1) → "%". Other units are written as given.
    """
    if relative:
        return "%"
    return UNIT_SUFFIXES.get(unite, unite or "")


def sentence(libelle: str, estimate, low, high, *, suffix: str, deployment_month, verdict: str,
             notes: list[str] | tuple[str, ...] = (), decimals: int = 1) -> str:
    """One French sentence: « Délai moyen de traitement : −2,1 j [−3,0 ; −1,2] depuis le déploiement
    (mars 2025) : amélioration significative », notes in parentheses at the end when given.
    """
    text = (f"{libelle} : {with_unit(format_signed(estimate, decimals), suffix)} "
            f"{format_interval(low, high, decimals)} depuis le déploiement "
            f"({format_month(deployment_month)}) : {verdict}")
    return text + (f" ({' ; '.join(notes)})" if notes else "")


def provisional_note(months_after: int) -> str:
    """« provisoire : 8 mois de recul »."""
    return f"provisoire : {months_after} mois de recul"


def insufficient_sentence(libelle: str, deployment_month, months_before: int, months_after: int) -> str:
    """« Taux de décroché : données insuffisantes pour juger le déploiement (mars 2025) : 8 mois avant
    (12 requis), 4 mois après (6 requis) »."""
    return (f"{libelle} : {INSUFFICIENT} pour juger le déploiement ({format_month(deployment_month)}) : "
            f"{months_before} mois avant ({MIN_MONTHS_BEFORE} requis), "
            f"{months_after} mois après ({MIN_MONTHS_AFTER} requis)")


def few_events_sentence(libelle: str, deployment_month, before: int, after: int) -> str:
    """« Incivilités signalées : données insuffisantes pour juger le déploiement (mai 2025) : 3 événements
    avant, 1 après, trop peu pour un modèle de comptage »."""
    return (f"{libelle} : {INSUFFICIENT} pour juger le déploiement ({format_month(deployment_month)}) : "
            f"{before} événements avant, {after} après, trop peu pour un modèle de comptage")


def sparse_sentence(libelle: str, deployment_month, n_obs: int) -> str:
    """« Taux de décroché : données insuffisantes pour juger le déploiement (mars 2025) : 7 valeurs
    observées, trop peu pour le modèle » (enough months, too few values in them)."""
    return (f"{libelle} : {INSUFFICIENT} pour juger le déploiement ({format_month(deployment_month)}) : "
            f"{n_obs} valeurs observées, trop peu pour le modèle")


FDR_NOTE = "après correction pour comparaisons multiples"

REQUIRED_COLUMNS = ("libelle", "sens", "effect", "effect_low", "effect_high", "effect_unit", "p_value",
                    "deployment_month", "months_before", "months_after")


def apply_fdr(results: pd.DataFrame, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Final verdicts for many parcours × indicateurs judged together, with Benjamini–Hochberg.

    Why: with dozens of series, some would look significant by chance; BH keeps the expected share of
    false « significative » verdicts among them at 5%. Input: one row per series with the columns of
    ``REQUIRED_COLUMNS`` (``analyse_series(...).record`` has them); a row is « données insuffisantes »
    when its months are too few, when its ``insufficient`` column (optional) is true, or when it has no
    p-value (with an ``n_obs`` column the sentence then says too few values were observed). Output: a
    copy with ``p_adjusted`` (NaN outside the family), ``significant``, ``verdict`` (final),
    ``verdict_unadjusted``, ``downgraded_by_fdr``, ``provisoire`` and ``phrase`` (final sentence).
    Rule in the module docstring.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"Missing columns: {missing}")
    out = results.copy().reset_index(drop=True)
    p = pd.to_numeric(out["p_value"], errors="coerce").to_numpy(dtype=float)
    short = np.array([is_insufficient(int(b), int(a))
                      for b, a in zip(out["months_before"], out["months_after"])], dtype=bool)
    flagged = out["insufficient"].fillna(False).astype(bool).to_numpy() if "insufficient" in out else False
    insufficient = short | flagged | ~np.isfinite(p)
    family = ~insufficient
    adjusted = np.full(len(out), np.nan)
    if family.any():
        adjusted[family] = multipletests(p[family], alpha=alpha, method="fdr_bh")[1]
    out["p_adjusted"] = adjusted
    verdicts, unadjusted, significant, downgraded, provisional, phrases = [], [], [], [], [], []
    for i, row in out.iterrows():
        mb, ma = int(row["months_before"]), int(row["months_after"])
        if insufficient[i]:
            verdicts.append(INSUFFICIENT)
            unadjusted.append(INSUFFICIENT)
            significant.append(False)
            downgraded.append(False)
            provisional.append(False)
            n_obs = row["n_obs"] if "n_obs" in out else math.nan
            own = row["model_phrase"] if "model_phrase" in out else None
            if not short[i] and isinstance(own, str) and own:
                phrases.append(own)  # the series analysis said why (too few events, say)
            elif short[i] or not math.isfinite(n_obs):
                phrases.append(insufficient_sentence(row["libelle"], row["deployment_month"], mb, ma))
            else:
                phrases.append(sparse_sentence(row["libelle"], row["deployment_month"], int(n_obs)))
            continue
        side = interval_side(row["effect_low"], row["effect_high"])
        passes = bool(family[i] and adjusted[i] < alpha and side != 0)
        label = change_label(side if passes else 0, row["sens"])
        raw_label = change_label(side, row["sens"])
        was_downgraded = side != 0 and not passes
        notes = [FDR_NOTE] if was_downgraded else []
        if is_provisional(ma):
            notes.append(provisional_note(ma))
        verdicts.append(label)
        unadjusted.append(raw_label)
        significant.append(passes)
        downgraded.append(was_downgraded)
        provisional.append(is_provisional(ma))
        phrases.append(sentence(row["libelle"], row["effect"], row["effect_low"], row["effect_high"],
                                suffix=row["effect_unit"], deployment_month=row["deployment_month"],
                                verdict=label, notes=notes))
    out["significant"] = significant
    out["verdict"] = verdicts
    out["verdict_unadjusted"] = unadjusted
    out["downgraded_by_fdr"] = downgraded
    out["provisoire"] = provisional
    out["phrase"] = phrases
    return out

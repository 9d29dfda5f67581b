"""French verdicts on a change, read with the indicator's favourable sense, and their sentence.

Rules
- Data: under 12 months before or under 6 months after deployment → « données insuffisantes »
  (no verdict on the change); 6 to 11 months after → verdict computed but marked provisoire.
- One series: significant when the whole 95% interval lies on one side of 0 (the change is a
  difference, or a % change for count models). Sense "hausse" (higher is better): above 0 is an
  « amélioration significative », below a « dégradation significative »; "baisse" the other way round;
  "neutre" (e.g. a volume): « hausse significative » / « baisse significative ». Otherwise « pas de
  changement détectable ».
- Many series judged together (``apply_fdr``): Benjamini–Hochberg within each correction family (in the
  stored results: the indicators of one parcours, the neutral volume left out, so that one parcours'
  data never changes another's verdict). A row is significant iff its BH-adjusted p < 0.05. The interval
  printed beside the verdict is Benjamini & Yekutieli's (2005) false-coverage-rate interval at level
  1 − max(R, 1)·α/m (R selected among m): it excludes 0 exactly for the selected rows. A row with p < 0.05
  alone but not after correction is « signal à confirmer », its interval containing 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicateurs.format_fr import format_interval, format_number, format_signed, with_unit
from indicateurs.format_fr import format_month_long as format_month

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
    """One French sentence saying what the number is: « Délai moyen de traitement : −2,1 j [−3,0 ; −1,2]
    en moyenne depuis le déploiement (mars 2025), par rapport à la tendance d'avant : amélioration
    significative », notes in parentheses at the end when given.
    """
    text = (f"{libelle} : {with_unit(format_signed(estimate, decimals), suffix)} "
            f"{format_interval(low, high, decimals)} en moyenne depuis le déploiement "
            f"({format_month(deployment_month)}), par rapport à la tendance d'avant : {verdict}")
    return text + (f" ({' ; '.join(notes)})" if notes else "")


def provisional_note(months_after: int, detectable=None, suffix: str = "") -> str:
    """« provisoire : 8 mois de recul, trop tôt pour conclure ; plus petit effet détectable : 3,2 pt »."""
    text = f"provisoire : {months_after} mois de recul, trop tôt pour conclure"
    if detectable is not None and isinstance(detectable, (int, float)) and math.isfinite(detectable):
        text += f" ; plus petit effet détectable : {with_unit(format_number(abs(detectable)), suffix)}"
    return text


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
SIGNAL = "signal à confirmer"

REQUIRED_COLUMNS = ("libelle", "sens", "effect", "effect_low", "effect_high", "effect_unit", "p_value",
                    "deployment_month", "months_before", "months_after")


def not_estimable_sentence(libelle: str, deployment_month) -> str:
    """« Incivilités signalées : données insuffisantes pour juger le déploiement (mai 2025) : trop peu
    d'événements pour estimer la variation (erreur type trop grande) »."""
    return (f"{libelle} : {INSUFFICIENT} pour juger le déploiement ({format_month(deployment_month)}) : "
            "trop peu d'événements pour estimer la variation")


def bh_adjusted(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values, in the order given: min over j ≥ rank of p₍ⱼ₎·m/j, at most 1.

    Why not statsmodels' ``multipletests(p, method="fdr_bh")``: the same numbers (step-up, made monotone
    from the largest p down, clipped at 1), without importing statsmodels (seconds) for a sort.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p)
    scaled = p[order] / (np.arange(1, m + 1) / m)  # divided by rank/m as statsmodels does: the same bits
    stepped = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def family_level(n_selected: int, family_size: int, alpha: float = ALPHA) -> float:
    """Confidence level of the intervals printed beside the verdicts of one correction family.

    Benjamini & Yekutieli (2005) false-coverage-rate intervals: 1 − R·α/m for R series selected by
    Benjamini–Hochberg among m. The same level for the series not selected (1 − α/m when none is): then
    an interval excludes 0 exactly when its series is selected, for every member of the family.
    """
    if family_size <= 0:
        return 1 - alpha
    return 1 - max(n_selected, 1) * alpha / family_size


def interval_at(effect_se: float, effect_df: float, estimate_linear: float, level: float, log_scale: bool):
    """The interval at ``level`` on the reporting scale (a count's log rate ratio becomes a % change)."""
    from indicateurs.impact.modele import t_quantile

    q = t_quantile(0.5 + level / 2, float(effect_df))
    low, high = estimate_linear - q * effect_se, estimate_linear + q * effect_se
    if log_scale:
        return 100 * (math.exp(min(low, 700)) - 1), 100 * (math.exp(min(high, 700)) - 1)
    return low, high


def _format_level(level: float) -> str:
    text = f"{100 * level:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"


def apply_fdr(results: pd.DataFrame, *, alpha: float = ALPHA, family_column: str | None = None) -> pd.DataFrame:
    """Final verdicts for many parcours × indicateurs judged together, with Benjamini–Hochberg.

    Why: with dozens of series, some would look significant by chance; BH keeps the expected share of
    false « significative » verdicts at 5 %. The correction family is each value of ``family_column``
    (the parcours, in the stored results: one parcours' data never moves another's verdict), or all rows
    when None. Rows with sens « neutre » (the volume) are outside any family: judged alone at 5 %.
    Input: one row per series with the columns of ``REQUIRED_COLUMNS`` (``analyse_series(...).record``
    has them); with ``effect_se``, ``effect_df`` and ``effect_log`` the printed interval is the
    family's false-coverage-rate interval (``family_level``), which excludes 0 if and only if the verdict
    is significant. A series significant alone but not after correction is « signal à confirmer ».
    Output: a copy with ``p_adjusted``, ``significant``, ``verdict``, ``verdict_unadjusted``,
    ``downgraded_by_fdr``, ``provisoire``, ``phrase``, ``interval_low``/``interval_high`` (printed),
    ``interval_level``, ``family_size`` and ``slope_signal`` (« l'écart se creuse / se résorbe » or None).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"Missing columns: {missing}")
    out = results.copy().reset_index(drop=True)
    n = len(out)
    p = pd.to_numeric(out["p_value"], errors="coerce").to_numpy(dtype=float)
    short = np.array([is_insufficient(int(b), int(a))
                      for b, a in zip(out["months_before"], out["months_after"])], dtype=bool)
    flagged = out["insufficient"].fillna(False).astype(bool).to_numpy() if "insufficient" in out else False
    insufficient = short | flagged | ~np.isfinite(p)
    neutral = (out["sens"] == "neutre").to_numpy()
    member = ~insufficient & ~neutral
    groups = out[family_column].to_numpy() if family_column else np.zeros(n)
    adjusted = np.full(n, np.nan)
    level = np.full(n, 1 - alpha)
    size = np.zeros(n, dtype=int)
    members = np.flatnonzero(member)
    # Each family's rows in row order, found in one pass (not one scan of every row per family).
    for rows in pd.Series(members).groupby(groups[members], sort=False).indices.values():
        rows = members[rows]
        adjusted[rows] = bh_adjusted(p[rows])
        selected = int((adjusted[rows] < alpha).sum())
        level[rows] = family_level(selected, len(rows), alpha)
        size[rows] = len(rows)
    adjusted[neutral & ~insufficient] = p[neutral & ~insufficient]
    has_se = {"effect_se", "effect_df"} <= set(out.columns)
    out["p_adjusted"] = adjusted
    columns = {k: [] for k in ("significant", "verdict", "verdict_unadjusted", "downgraded_by_fdr", "provisoire",
                               "phrase", "interval_low", "interval_high", "interval_level", "slope_signal")}
    # Plain dicts, not ``iterrows``: a row Series per series cost more than the verdicts themselves.
    for i, row in enumerate(out.to_dict("records")):
        mb, ma = int(row["months_before"]), int(row["months_after"])
        if insufficient[i]:
            n_obs = row["n_obs"] if "n_obs" in out else math.nan
            own = row["model_phrase"] if "model_phrase" in out else None
            if not short[i] and isinstance(own, str) and own:
                phrase = own  # the series analysis said why (too few events, say)
            elif short[i] or not math.isfinite(n_obs):
                phrase = insufficient_sentence(row["libelle"], row["deployment_month"], mb, ma)
            else:
                phrase = sparse_sentence(row["libelle"], row["deployment_month"], int(n_obs))
            for key, value in (("significant", False), ("verdict", INSUFFICIENT), ("verdict_unadjusted", INSUFFICIENT),
                               ("downgraded_by_fdr", False), ("provisoire", False), ("phrase", phrase),
                               ("interval_low", math.nan), ("interval_high", math.nan),
                               ("interval_level", math.nan), ("slope_signal", None)):
                columns[key].append(value)
            continue
        raw_side = interval_side(row["effect_low"], row["effect_high"])
        raw_significant = bool(p[i] < alpha and raw_side != 0)
        passes = bool(adjusted[i] < alpha and raw_side != 0)
        low, high = row["effect_low"], row["effect_high"]
        log_scale = bool(row.get("effect_log", False)) if "effect_log" in out else False
        if has_se and math.isfinite(float(row["effect_se"] or math.nan)):
            linear = math.log1p(row["effect"] / 100) if log_scale else row["effect"]
            low, high = interval_at(float(row["effect_se"]), float(row["effect_df"]), linear, level[i], log_scale)
            passes = bool(adjusted[i] < alpha) and interval_side(low, high) != 0
        else:
            level[i] = 0.95  # no standard error given: the interval printed is the series' own 95 % one
        if passes:
            label = change_label(raw_side, row["sens"])
        elif raw_significant:
            label = SIGNAL
        else:
            label = NO_CHANGE
        notes = []
        if label == SIGNAL:
            notes.append(f"significatif seul, pas après correction pour les {size[i]} indicateurs du parcours"
                         if family_column else f"significatif seul, pas {FDR_NOTE}")
        slope_words = _slope_words(row, adjusted[i] if passes else None, level[i])
        if slope_words:
            notes.append(slope_words)
        if has_se and not neutral[i] and abs(level[i] - 0.95) > 1e-9:
            notes.append(f"intervalle à {_format_level(level[i])}" + ("" if label == SIGNAL else
                                                                       f", corrigé pour {size[i]} indicateurs"))
        if is_provisional(ma):
            notes.append(provisional_note(ma, row.get("detectable"), row["effect_unit"]))
        columns["significant"].append(passes)
        columns["verdict"].append(label)
        columns["verdict_unadjusted"].append(change_label(raw_side if raw_significant else 0, row["sens"]))
        columns["downgraded_by_fdr"].append(raw_significant and not passes)
        columns["provisoire"].append(is_provisional(ma))
        columns["interval_low"].append(low)
        columns["interval_high"].append(high)
        columns["interval_level"].append(level[i])
        columns["slope_signal"].append(slope_words)
        columns["phrase"].append(sentence(row["libelle"], row["effect"], low, high, suffix=row["effect_unit"],
                                          deployment_month=row["deployment_month"], verdict=label, notes=notes))
    for key, values in columns.items():
        out[key] = values
    out["family_size"] = size
    return out


def _slope_words(row, adjusted_p, level: float) -> str | None:
    """« l'écart se creuse » / « l'écart se résorbe » when the slope changed significantly (at the level
    of the printed interval) and the series itself is significant; None otherwise."""
    if adjusted_p is None or "slope_p" not in row:
        return None
    slope, slope_p = row.get("slope_estimate"), row.get("slope_p")
    if slope is None or slope_p is None or not (math.isfinite(slope) and math.isfinite(slope_p)):
        return None
    if slope_p >= 1 - level:
        return None
    return "l'écart se creuse" if (slope > 0) == (row["effect"] > 0) else "l'écart se résorbe"

"""Analysis of one parcours × indicateur monthly series: picks the model, returns a flat record.

Choices (documented here, applied in ``analyse_series``):
- Months: time = calendar months since the first observed month, so missing months and quarterly
  series keep their true spacing. ``end_month`` cuts the series (inclusive). No value at all: an
  « insuffisant » record, never an exception.
- Enough data: at least 12 calendar months before the deployment month (from the first observation)
  and 6 from the deployment month on (last observation included); else « données insuffisantes ».
  The model also needs at least 3 residual degrees of freedom, else « données insuffisantes » too.
- Model (``modele.py``): segmented regression on the whole series. "%", "jours", "ratio": GLS with AR(1)
  errors in calendar time (independent errors for quarterly series, values 3 months apart or more);
  "nombre": quasi-Poisson (dispersion ≥ 1) with log(exposure) as offset when an
  ``exposure`` column is given (rows without a positive exposure are left out). Seasonal harmonic pairs:
  two from 22 values over 24 months, one from 16 values over 12 months (``harmonics_for``). Free slope
  after deployment: 6 values after (gaussian), 12 values and 30 events after (counts) (``slope_allowed``).
- Headline effect: the mean change since deployment over the observed months from the deployment month
  on (observed − counterfactual for gaussian series; log Σ fitted / Σ counterfactual for counts, shown
  as a % change), with its standard error and degrees of freedom so that ``verdicts.apply_fdr`` can
  print the correction family's interval. Also the change at the last month, the slope change and the
  smallest change detectable (80 % power, 5 % two-sided). Counts with fewer than 5 events before, or a
  standard error of the log rate ratio above 1, are « données insuffisantes ».
- The descriptive comparison (means, Welch) uses the ``baseline_months`` months before deployment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from indicateurs.impact.avant_apres import before_after_months
from indicateurs.impact.modele import fit_counts, fit_gaussian
from indicateurs.mois import to_month, to_months
from indicateurs.impact.verdicts import (INSUFFICIENT, few_events_sentence, SENS, insufficient_sentence, not_estimable_sentence, is_insufficient, judge,
                                         provisional_note, sentence, sparse_sentence, unit_suffix)

MONTH_COLUMN = "mois"
VALUE_COLUMN = "valeur"
COUNT_UNITS = ("nombre",)
MIN_OBS_TWO_HARMONICS = 22
MIN_OBS_ONE_HARMONIC = 16
MIN_POST_OBS_SLOPE = 6
MIN_POST_OBS_SLOPE_COUNTS = 12
MIN_POST_EVENTS_SLOPE = 30
MIN_RESIDUAL_DF = 3
SPARSE_GAP = 3  # months between values from which a series is treated as quarterly
MIN_EVENTS_BEFORE = 5
MIN_EVENTS_AFTER = 0

METHOD_GAUSSIAN = "série temporelle interrompue (moindres carrés généralisés, erreurs AR(1))"
METHOD_POISSON = "série temporelle interrompue (quasi-Poisson, dispersion au moins 1)"
METHOD_POISSON_EXPOSURE = "série temporelle interrompue (quasi-Poisson, rapportée au volume de demandes)"
SEASON_SUFFIX = ", avec saisonnalité"

CHART_COLUMNS = ("mois", "valeur", "fitted", "counterfactual", "cf_low", "cf_high")


@dataclass(frozen=True)
class SeriesAnalysis:
    """``record``: flat dict (keys listed in ``RECORD_KEYS``); ``chart``: one row per observed month with
    columns mois, valeur, fitted, counterfactual, cf_low, cf_high (NaN when no model was fitted)."""

    record: dict
    chart: pd.DataFrame


RECORD_KEYS = ("libelle", "sens", "unite", "family", "method", "deployment_month", "end_month",
               "months_before", "months_after", "n_obs", "n_before", "n_after", "mean_before", "mean_after",
               "diff", "diff_pct", "welch_low", "welch_high", "welch_p", "level_estimate", "level_low",
               "level_high", "level_p", "slope_estimate", "slope_low", "slope_high", "slope_p", "harmonics",
               "hac_lags", "dispersion", "effect", "effect_low", "effect_high", "effect_unit", "p_value",
               "insufficient", "verdict", "provisoire", "phrase", "effect_se", "effect_df", "effect_log",
               "last_effect", "last_low", "last_high", "detectable", "rho")


def _prepare(series_df: pd.DataFrame, end_month, exposure_column: str | None):
    """The usable rows, in month order, as arrays (month ordinals, values, exposure or None): a value
    (and a positive exposure when one is used), up to ``end_month``."""
    for column in (MONTH_COLUMN, VALUE_COLUMN):
        if column not in series_df.columns:
            raise ValueError(f"Missing column {column!r}.")
    ordinals = to_months(series_df[MONTH_COLUMN]).asi8
    if len(np.unique(ordinals)) != len(ordinals):
        raise ValueError("The same month appears more than once.")
    values = pd.to_numeric(series_df[VALUE_COLUMN]).to_numpy(dtype=float)
    keep = np.isfinite(values) & (ordinals != np.iinfo(np.int64).min)
    exposure = None
    if exposure_column is not None and exposure_column in series_df.columns:
        exposure = pd.to_numeric(series_df[exposure_column]).to_numpy(dtype=float)
        keep &= np.isfinite(exposure) & (exposure > 0)  # no rate without a positive exposure
    if end_month is not None:
        keep &= ordinals <= to_month(end_month).ordinal
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(ordinals[rows], kind="stable")]
    return ordinals[rows], values[rows], None if exposure is None else exposure[rows]


def harmonics_for(time: np.ndarray, month: np.ndarray) -> int:
    """Seasonal sine/cosine pairs a series can carry: two from 36 values over 24 months or more, one from
    16 values over 12 months or more (short series still get their main seasonal swing), else none."""
    n, span = len(time), float(time[-1] - time[0] + 1) if len(time) else 0.0
    if n >= MIN_OBS_TWO_HARMONICS and span >= 24:
        return 2
    if n >= MIN_OBS_ONE_HARMONIC and span >= 12 and len(set(np.asarray(month).tolist())) >= 3:
        return 1
    return 0


def slope_allowed(family: str, post: np.ndarray, y: np.ndarray) -> bool:
    """A free slope after deployment only with enough to pin it: 6 values after deployment (gaussian);
    12 values and 30 events after deployment (counts), else the rate ratio explodes on a few events."""
    after = post == 1
    if family == "poisson":
        return int(after.sum()) >= MIN_POST_OBS_SLOPE_COUNTS and float(y[after].sum()) >= MIN_POST_EVENTS_SLOPE
    return int(after.sum()) >= MIN_POST_OBS_SLOPE


def _fit(family, y, time, post, month, offset, harmonics, slope_change):
    """The model, without season if the months seen cannot carry it; None if nothing can be fitted."""
    for h in dict.fromkeys((harmonics, 0)):
        if family == "poisson":
            fit = fit_counts(y, time, post, month, offset, harmonics=h, slope_change=slope_change)
        else:
            # Quarterly (sparse) series: a monthly AR(1) leaves little correlation three months apart
            # (0.6³ ≈ 0.2), and a dozen points cannot estimate it: independent errors.
            sparse = len(time) > 1 and float(np.median(np.diff(time))) >= SPARSE_GAP
            fit = fit_gaussian(y, time, post, month, harmonics=h, slope_change=slope_change, ar1=not sparse)
        if fit is not None:
            return fit
    return None


def _empty_record(**values) -> dict:
    record = {key: math.nan for key in RECORD_KEYS}
    record.update(values)
    return record


def analyse_series(series_df, *, deployment_month, sens, unite, family=None, libelle, end_month=None,
                   baseline_months=12, exposure_column="exposure") -> SeriesAnalysis:
    """Says whether one indicator changed since its parcours was deployed, by how much, how surely.

    Why: the unit of judgement of the tool; many records then go through ``verdicts.apply_fdr``.
    ``series_df``: columns ``mois`` (Period, date, Timestamp or "YYYY-MM"), ``valeur``, optionally
    ``exposure`` (e.g. number of requests, for a count). ``family``: "gaussian", "poisson" or None (by
    unit: "nombre" → poisson). Returns a ``SeriesAnalysis``; the rules are in the module docstring.
    """
    if sens not in SENS:
        raise ValueError(f"sens must be one of {SENS}, got {sens!r}.")
    family = _family(family, unite)
    ordinals, y, exposure = _prepare(series_df, end_month, exposure_column if family == "poisson" else None)
    record, chart = analyse_months(ordinals, y, exposure, deployment_month=deployment_month, sens=sens,
                                   unite=unite, family=family, libelle=libelle, baseline_months=baseline_months)
    frame = pd.DataFrame({"mois": pd.PeriodIndex.from_ordinals(ordinals, freq="M") if len(ordinals) else
                          pd.Series(dtype=float)} | {c: chart[c] for c in CHART_COLUMNS[1:]})
    return SeriesAnalysis(record, frame)


def _family(family, unite) -> str:
    if family is None:
        family = "poisson" if unite in COUNT_UNITS else "gaussian"
    if family not in ("gaussian", "poisson"):
        raise ValueError(f"family must be 'gaussian' or 'poisson', got {family!r}.")
    return family


@lru_cache(maxsize=1024)
def _deployment_period(code: str) -> pd.Period:
    """``to_month`` of a deployment month code, once per code: the refresh passes the same few codes for
    every series, and parsing a month costs more than a small model."""
    return to_month(code)


def _calendar_months(ordinals: np.ndarray) -> np.ndarray:
    """Calendar month 1..12 of monthly Period ordinals (months since January 1970)."""
    return (np.asarray(ordinals, dtype=np.int64) % 12 + 1).astype(float)


def analyse_months(ordinals: np.ndarray, y: np.ndarray, exposure: np.ndarray | None, *, deployment_month, sens,
                   unite, family=None, libelle, baseline_months=12) -> tuple[dict, dict[str, np.ndarray]]:
    """``analyse_series`` on plain arrays, already cleaned: month ordinals (``pd.Period.ordinal``, sorted,
    distinct), finite values and, for counts, positive exposures (or None). Returns the flat record and
    the chart as arrays (``CHART_COLUMNS`` but ``mois``). Why: the refresh runs it on every series, and
    building data frames per series cost more than the models."""
    if sens not in SENS:
        raise ValueError(f"sens must be one of {SENS}, got {sens!r}.")
    family = _family(family, unite)
    ordinals = np.asarray(ordinals, dtype=np.int64)
    y = np.asarray(y, dtype=float)
    deployment = _deployment_period(deployment_month) if isinstance(deployment_month, str) else to_month(deployment_month)
    dep = deployment.ordinal
    n = len(ordinals)
    chart = {"valeur": y, **{c: np.full(n, math.nan) for c in CHART_COLUMNS[2:]}}
    effect_unit = unit_suffix(unite, relative=family == "poisson")
    if n == 0:
        # No value yet (or none with its exposure): nothing to judge, but never an exception.
        record = _empty_record(
            libelle=libelle, sens=sens, unite=unite, family=family, deployment_month=deployment,
            end_month=None, months_before=0, months_after=0, n_obs=0, n_before=0, n_after=0,
            effect_unit=effect_unit, insufficient=True,
            verdict=INSUFFICIENT, provisoire=False, slope_estimate=None, slope_low=None, slope_high=None,
            slope_p=None, method=METHOD_POISSON if family == "poisson" else METHOD_GAUSSIAN,
            phrase=insufficient_sentence(libelle, deployment, 0, 0))
        return record, chart
    first, last = int(ordinals[0]), int(ordinals[-1])
    months_before = max(0, dep - first)
    months_after = max(0, last - dep + 1)
    described = before_after_months(ordinals, y, dep, baseline_months=baseline_months)
    use_exposure = exposure is not None
    record = _empty_record(
        libelle=libelle, sens=sens, unite=unite, family=family, deployment_month=deployment,
        end_month=pd.Period(ordinal=last, freq="M"), months_before=months_before, months_after=months_after,
        n_obs=n, n_before=described.n_before, n_after=described.n_after, mean_before=described.mean_before,
        mean_after=described.mean_after, diff=described.diff, diff_pct=described.diff_pct,
        welch_low=described.low, welch_high=described.high, welch_p=described.p_value,
        effect_unit=effect_unit, insufficient=True,
        verdict=INSUFFICIENT, provisoire=False, slope_estimate=None, slope_low=None, slope_high=None,
        slope_p=None, method=METHOD_POISSON_EXPOSURE if use_exposure else
        (METHOD_POISSON if family == "poisson" else METHOD_GAUSSIAN),
        phrase=insufficient_sentence(libelle, deployment, months_before, months_after))
    if is_insufficient(months_before, months_after):
        return record, chart
    after_rows = ordinals >= dep
    if family == "poisson":
        # A count with a handful of events (incivilities on a small service) cannot be modelled: the
        # fit diverges towards absurd rate ratios. Below these totals the verdict is « insuffisant ».
        before_total = y[ordinals < dep].sum()
        after_total = y[after_rows].sum()
        if before_total < MIN_EVENTS_BEFORE or after_total < MIN_EVENTS_AFTER or before_total + after_total == 0:
            record["phrase"] = few_events_sentence(libelle, deployment, int(before_total), int(after_total))
            return record, chart

    time = (ordinals - first).astype(float)
    post = after_rows.astype(float)
    month = _calendar_months(ordinals)
    offset = np.log(exposure) if use_exposure else None
    harmonics = harmonics_for(time, month)
    slope_change = slope_allowed(family, post, y)
    n_params = 3 + slope_change + 2 * harmonics
    fit = None
    if n - n_params - (family == "gaussian") >= MIN_RESIDUAL_DF and (post == 0).any():
        fit = _fit(family, y, time, post, month, offset, harmonics, slope_change)
    if fit is None:
        if family == "poisson" and n - n_params >= MIN_RESIDUAL_DF:
            record["phrase"] = not_estimable_sentence(libelle, deployment)
        else:
            record["phrase"] = sparse_sentence(libelle, deployment, n)
        return record, chart
    to_report = _to_percent if family == "poisson" else (lambda x: x)
    mean, last_change = fit.mean, fit.last
    effect = tuple(to_report(v) for v in (mean.estimate, *mean.interval()))
    verdict = judge(effect[1], effect[2], sens=sens, months_before=months_before, months_after=months_after)
    detectable = to_report(mean.detectable())
    notes = [provisional_note(months_after, detectable, effect_unit)] if verdict.provisoire else []
    method = record["method"] + (SEASON_SUFFIX if fit.harmonics else "")
    slope = fit.slope
    slope_values = ((to_report(slope.estimate), *(to_report(v) for v in slope.interval()), slope.p_value)
                    if slope else (None, None, None, None))
    level_interval = fit.level.interval()
    last_interval = last_change.interval()
    record.update(
        method=method, n_obs=fit.n_obs,
        level_estimate=to_report(fit.level.estimate), level_low=to_report(level_interval[0]),
        level_high=to_report(level_interval[1]), level_p=fit.level.p_value,
        slope_estimate=slope_values[0], slope_low=slope_values[1], slope_high=slope_values[2],
        slope_p=slope_values[3], harmonics=fit.harmonics, hac_lags=None, dispersion=fit.dispersion,
        rho=fit.rho, effect=effect[0], effect_low=effect[1], effect_high=effect[2], effect_se=mean.se,
        effect_df=mean.df, effect_log=family == "poisson", p_value=mean.p_value,
        last_effect=to_report(last_change.estimate), last_low=to_report(last_interval[0]),
        last_high=to_report(last_interval[1]), detectable=detectable,
        insufficient=False, verdict=verdict.label, provisoire=verdict.provisoire,
        phrase=sentence(libelle, effect[0], effect[1], effect[2], suffix=effect_unit,
                        deployment_month=deployment, verdict=verdict.label, notes=notes))
    chart.update(fitted=fit.fitted, counterfactual=fit.counterfactual, cf_low=fit.cf_low, cf_high=fit.cf_high)
    return record, chart


def _to_percent(log_ratio: float) -> float:
    """A log rate ratio as a % change, 100·(exp − 1), never overflowing."""
    return 100.0 * (math.exp(min(log_ratio, 700.0)) - 1.0)

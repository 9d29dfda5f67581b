"""Analysis of one parcours × indicateur monthly series: picks the model, returns a flat record.

Choices (documented here, applied in ``analyse_series``):
- Months: time = calendar months since the first observed month, so missing months and quarterly
  series keep their true spacing. ``end_month`` cuts the series (inclusive).
- Enough data: at least 12 calendar months before the deployment month (from the first observation)
  and 6 from the deployment month on (last observation included); else « données insuffisantes ».
  The model also needs at least 3 residual degrees of freedom, else « données insuffisantes » too.
- Model: segmented regression on the whole series (every month before, not only the 12-month
  baseline). Family "gaussian" (Newey–West) for "%", "jours", "ratio"; "poisson" (quasi-Poisson) for
  "nombre", with log(exposure) as offset when an ``exposure`` column is given (``family=None`` picks
  by unit). Two seasonal harmonic pairs only with at least 24 observations spanning 24 months. Slope
  change only with at least 3 observations after deployment. Sparse series (median gap over one month,
  e.g. quarterly): 1 HAC lag.
- Headline effect: the level change; gaussian in the unit of the indicator ("%" → points de
  pourcentage), poisson as a % change 100·(rate ratio − 1). Its verdict here is per series, before the
  multiple-comparison correction of ``verdicts.apply_fdr``.
- The descriptive comparison (means, Welch) uses the ``baseline_months`` months before deployment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicateurs.impact.avant_apres import before_after
from indicateurs.impact.its import segmented_regression
from indicateurs.impact.months import months_since, to_month, to_months
from indicateurs.impact.verdicts import (INSUFFICIENT, few_events_sentence, SENS, insufficient_sentence, is_insufficient, judge,
                                         provisional_note, sentence, sparse_sentence, unit_suffix)

MONTH_COLUMN = "mois"
VALUE_COLUMN = "valeur"
COUNT_UNITS = ("nombre",)
MIN_OBS_HARMONICS = 24
MIN_POST_OBS_SLOPE = 3
MIN_RESIDUAL_DF = 3
MIN_EVENTS_BEFORE = 20
MIN_EVENTS_AFTER = 10

METHOD_GAUSSIAN = "série temporelle interrompue (MCO, erreurs de Newey-West)"
METHOD_POISSON = "série temporelle interrompue (quasi-Poisson)"
METHOD_POISSON_EXPOSURE = "série temporelle interrompue (quasi-Poisson, rapportée à l'exposition)"
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
               "insufficient", "verdict", "provisoire", "phrase")


def _prepare(series_df: pd.DataFrame, end_month, exposure_column: str | None) -> pd.DataFrame:
    for column in (MONTH_COLUMN, VALUE_COLUMN):
        if column not in series_df.columns:
            raise ValueError(f"Missing column {column!r}.")
    data = pd.DataFrame({"mois": to_months(series_df[MONTH_COLUMN]),
                         "valeur": pd.to_numeric(series_df[VALUE_COLUMN]).to_numpy(dtype=float)})
    if exposure_column is not None and exposure_column in series_df.columns:
        data["exposure"] = pd.to_numeric(series_df[exposure_column]).to_numpy(dtype=float)
    if data["mois"].duplicated().any():
        raise ValueError("The same month appears more than once.")
    data = data.dropna().sort_values("mois").reset_index(drop=True)
    if "exposure" in data:
        data = data[data["exposure"] > 0].reset_index(drop=True)  # no rate without a positive exposure
    if end_month is not None:
        data = data[data["mois"] <= to_month(end_month)].reset_index(drop=True)
    return data


def _fit(frame: pd.DataFrame, family: str, offset, harmonics: int, slope_change: bool, sparse: bool):
    """The segmented regression; without harmonics if the months seen cannot carry them (singular
    design, e.g. values in only two calendar months); None if even that cannot be fitted."""
    for h in dict.fromkeys((harmonics, 0)):
        try:
            return segmented_regression(frame, "y", "time", "post", family=family, offset=offset, month="month",
                                        harmonics=h, slope_change=slope_change,
                                        hac_lags=1 if (family == "gaussian" and sparse) else None)
        except np.linalg.LinAlgError:
            continue
        except ValueError as error:
            if "singular" not in str(error):
                raise
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
    if family is None:
        family = "poisson" if unite in COUNT_UNITS else "gaussian"
    if family not in ("gaussian", "poisson"):
        raise ValueError(f"family must be 'gaussian' or 'poisson', got {family!r}.")
    data = _prepare(series_df, end_month, exposure_column if family == "poisson" else None)
    deployment = to_month(deployment_month)
    if data.empty:
        # No value yet (or none with its exposure): nothing to judge, but never an exception.
        record = _empty_record(
            libelle=libelle, sens=sens, unite=unite, family=family, deployment_month=deployment,
            end_month=None, months_before=0, months_after=0, n_obs=0, n_before=0, n_after=0,
            effect_unit=unit_suffix(unite, relative=family == "poisson"), insufficient=True,
            verdict=INSUFFICIENT, provisoire=False, slope_estimate=None, slope_low=None, slope_high=None,
            slope_p=None, method=METHOD_POISSON if family == "poisson" else METHOD_GAUSSIAN,
            phrase=insufficient_sentence(libelle, deployment, 0, 0))
        return SeriesAnalysis(record, pd.DataFrame({c: pd.Series(dtype=float) for c in CHART_COLUMNS}))
    first, last = data["mois"].iloc[0], data["mois"].iloc[-1]
    months_before = max(0, deployment.ordinal - first.ordinal)
    months_after = max(0, last.ordinal - deployment.ordinal + 1)
    values = pd.Series(data["valeur"].to_numpy(), index=pd.PeriodIndex(data["mois"]))
    described = before_after(values, deployment, baseline_months=baseline_months)
    use_exposure = "exposure" in data
    record = _empty_record(
        libelle=libelle, sens=sens, unite=unite, family=family, deployment_month=deployment,
        end_month=last, months_before=months_before, months_after=months_after, n_obs=len(data),
        n_before=described.n_before, n_after=described.n_after, mean_before=described.mean_before,
        mean_after=described.mean_after, diff=described.diff, diff_pct=described.diff_pct,
        welch_low=described.low, welch_high=described.high, welch_p=described.p_value,
        effect_unit=unit_suffix(unite, relative=family == "poisson"), insufficient=True,
        verdict=INSUFFICIENT, provisoire=False, slope_estimate=None, slope_low=None, slope_high=None,
        slope_p=None, method=METHOD_POISSON_EXPOSURE if use_exposure else
        (METHOD_POISSON if family == "poisson" else METHOD_GAUSSIAN),
        phrase=insufficient_sentence(libelle, deployment, months_before, months_after))
    chart = pd.DataFrame({"mois": data["mois"], "valeur": data["valeur"]})
    for column in CHART_COLUMNS[2:]:
        chart[column] = math.nan
    if is_insufficient(months_before, months_after):
        return SeriesAnalysis(record, chart)
    if family == "poisson":
        # A count with a handful of events (incivilities on a small service) cannot be modelled: the
        # fit diverges towards absurd rate ratios. Below these totals the verdict is « insuffisant ».
        before_total = data.loc[data["mois"] < deployment, "valeur"].sum()
        after_total = data.loc[data["mois"] >= deployment, "valeur"].sum()
        if before_total < MIN_EVENTS_BEFORE or after_total < MIN_EVENTS_AFTER:
            record["phrase"] = few_events_sentence(libelle, deployment, int(before_total), int(after_total))
            return SeriesAnalysis(record, chart)

    frame = pd.DataFrame({
        "y": data["valeur"].to_numpy(),
        "time": np.asarray(months_since(data["mois"], first), dtype=float),
        "post": (data["mois"] >= deployment).astype(float).to_numpy(),
        "month": [p.month for p in data["mois"]],
    })
    n_obs = len(frame)
    span = last.ordinal - first.ordinal + 1
    harmonics = 2 if n_obs >= MIN_OBS_HARMONICS and span >= MIN_OBS_HARMONICS else 0
    slope_change = int(frame["post"].sum()) >= MIN_POST_OBS_SLOPE
    sparse = n_obs > 1 and float(np.median(np.diff(frame["time"]))) > 1
    offset = None
    if use_exposure:
        offset = np.log(data["exposure"].to_numpy())
    n_params = 3 + slope_change + (4 if harmonics else 0)
    if n_obs - n_params < MIN_RESIDUAL_DF:
        record["phrase"] = sparse_sentence(libelle, deployment, n_obs)
        return SeriesAnalysis(record, chart)
    fit = _fit(frame, family, offset, harmonics, slope_change, sparse)
    if fit is None:
        record["phrase"] = sparse_sentence(libelle, deployment, n_obs)
        return SeriesAnalysis(record, chart)
    level, slope = fit.level, fit.slope
    if family == "poisson":
        effect = (100 * (level.estimate - 1), 100 * (level.low - 1), 100 * (level.high - 1))
    else:
        effect = (level.estimate, level.low, level.high)
    verdict = judge(effect[1], effect[2], sens=sens, months_before=months_before, months_after=months_after)
    notes = [provisional_note(months_after)] if verdict.provisoire else []
    method = record["method"] + (SEASON_SUFFIX if fit.harmonics else "")
    record.update(
        method=method, n_obs=fit.n_obs, level_estimate=level.estimate, level_low=level.low,
        level_high=level.high, level_p=level.p_value,
        slope_estimate=slope.estimate if slope else None, slope_low=slope.low if slope else None,
        slope_high=slope.high if slope else None, slope_p=slope.p_value if slope else None,
        harmonics=fit.harmonics, hac_lags=fit.hac_lags, dispersion=fit.dispersion,
        effect=effect[0], effect_low=effect[1], effect_high=effect[2], p_value=level.p_value,
        insufficient=False, verdict=verdict.label, provisoire=verdict.provisoire,
        phrase=sentence(libelle, effect[0], effect[1], effect[2], suffix=record["effect_unit"],
                        deployment_month=deployment, verdict=verdict.label, notes=notes))
    for column in CHART_COLUMNS[2:]:
        chart[column] = fit.predictions[column].to_numpy()
    return SeriesAnalysis(record, chart)

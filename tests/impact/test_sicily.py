"""Reproduces the Sicily smoking-ban analysis (Lopez Bernal, Cummins & Gasparrini 2017).

Expected numbers are copied from /work/shared/reference/README.md (R's glm).
"""

import math

import numpy as np
import pandas as pd
import pytest

from indicateurs.impact.avant_apres import before_after
from indicateurs.impact.its import Z95, segmented_regression


def rate_series(sicily):
    months = pd.PeriodIndex([pd.Period(year=y, month=m, freq="M") for y, m in zip(sicily.year, sicily.month)])
    return pd.Series((sicily.aces / sicily.stdpop * 1e5).to_numpy(), index=months)


def fit(sicily, harmonics, slope_change):
    return segmented_regression(sicily, "aces", "time", "smokban", family="poisson",
                                offset=np.log(sicily.stdpop), month="month", harmonics=harmonics,
                                slope_change=slope_change)


def close(value, expected):
    return value == pytest.approx(expected, abs=5e-5)  # 4 decimals


def test_model_2_quasi_poisson(sicily):
    res = fit(sicily, harmonics=0, slope_change=False)
    assert close(res.level.estimate, 0.894377)
    assert close(res.level.low, 0.839189)
    assert close(res.level.high, 0.953193)
    assert res.dispersion == pytest.approx(3.559187, abs=5e-7)
    assert res.slope is None
    assert res.n_obs == 59


def test_model_3_quasi_poisson_with_harmonics(sicily):
    res = fit(sicily, harmonics=2, slope_change=False)
    assert close(res.level.estimate, 0.885072)
    assert close(res.level.low, 0.839401)
    assert close(res.level.high, 0.933227)
    assert res.dispersion == pytest.approx(2.262183, abs=5e-7)


def test_model_4_level_and_slope(sicily):
    res = fit(sicily, harmonics=2, slope_change=True)
    assert close(res.level.estimate, 0.876464)
    assert close(res.level.low, 0.826753)
    assert close(res.level.high, 0.929165)
    assert close(res.slope.estimate, 1.001483)
    assert close(res.slope.low, 0.997850)
    assert close(res.slope.high, 1.005130)


def test_models_match_r_to_six_decimals_with_the_normal_quantile(sicily):
    """R's figures round to the normal quantile 1.959964, not to 1.96."""
    res = fit(sicily, harmonics=2, slope_change=False)
    assert (round(res.level.low, 6), round(res.level.high, 6)) == (0.839401, 0.933227)
    assert Z95 == pytest.approx(1.959964, abs=1e-6)


def test_model_1_plain_poisson_from_model_2(sicily):
    """Model 1 (scale 1) has the same estimate and the quasi-Poisson se divided by √dispersion."""
    res = fit(sicily, harmonics=0, slope_change=False)
    b = math.log(res.level.estimate)
    se = res.level.se / math.sqrt(res.dispersion)
    assert close(math.exp(b - Z95 * se), 0.864686)
    assert close(math.exp(b + Z95 * se), 0.925086)


def test_naive_comparison_points_the_wrong_way(sicily):
    res = before_after(rate_series(sicily), pd.Period("2005-01", "M"), baseline_months=None)
    assert (res.n_before, res.n_after) == (36, 23)
    assert close(res.mean_before, 213.2719)
    assert close(res.mean_after, 220.5118)
    assert close(res.diff, 7.2398)
    assert close(res.low, -2.0566)
    assert close(res.high, 16.5363)
    assert res.diff > 0 > math.log(fit(sicily, 2, False).level.estimate)


def test_counterfactual_is_the_pre_trend_carried_on(sicily):
    res = fit(sicily, harmonics=2, slope_change=True)
    pred = res.predictions
    pre = sicily.smokban == 0
    assert np.allclose(pred.loc[pre, "counterfactual"], pred.loc[pre, "fitted"])
    post = ~pre
    # after the ban the model predicts fewer events than the pre-ban trend (rate ratio < 1)
    assert (pred.loc[post, "fitted"] < pred.loc[post, "counterfactual"]).all()
    assert (pred["cf_low"] < pred["counterfactual"]).all() and (pred["counterfactual"] < pred["cf_high"]).all()


def test_analyse_series_on_sicily_is_model_4(sicily):
    """End to end: counts with the standard population as exposure, 59 months → harmonics and slope."""
    from indicateurs.impact.serie import analyse_series

    df = pd.DataFrame({"mois": [f"{y}-{m:02d}" for y, m in zip(sicily.year, sicily.month)],
                       "valeur": sicily.aces, "exposure": sicily.stdpop})
    r = analyse_series(df, deployment_month="2005-01", sens="baisse", unite="nombre",
                       libelle="Événements coronariens aigus").record
    # Same model as the tutorial's model 4: the same level estimate (reported as a % change); the engine's
    # interval is wider (t quantile, dispersion floored at 1) and the headline is the mean change since
    # January 2005, which with the slope term differs from the level.
    assert r["level_estimate"] == pytest.approx(100 * (0.876464 - 1), abs=5e-4)
    assert r["level_low"] < 100 * (0.826753 - 1) and r["level_high"] > 100 * (0.929165 - 1)
    assert r["slope_estimate"] == pytest.approx(100 * (1.001483 - 1), abs=5e-4)
    assert r["harmonics"] == 2 and r["effect_log"]
    assert -20 < r["effect"] < -5 and r["effect_high"] < 0
    assert r["verdict"] == "amélioration significative"
    assert r["phrase"].startswith("Événements coronariens aigus : \u2212")
    assert r["phrase"].endswith("en moyenne depuis le déploiement (janvier 2005), par rapport à la tendance "
                                "d'avant : amélioration significative")

"""Counts never explode and never raise (issue 9): few events, none after deployment, a late burst."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicateurs.impact.its import segmented_regression
from indicateurs.impact.serie import analyse_series
from indicateurs.impact.verdicts import INSUFFICIENT, NO_CHANGE

PRE = [2, 3, 1, 2, 4, 2, 1, 3, 2, 2, 3, 1, 2, 2, 3, 2, 1, 2, 3, 2, 2, 1, 3, 2]  # 24 months, mean ≈ 2.1


def _series(post, exposure=True):
    values = PRE + list(post)
    df = pd.DataFrame({"mois": pd.period_range("2023-01", periods=len(values), freq="M"), "valeur": values})
    if exposure:
        df["exposure"] = 1000.0
    return df


def _analyse(post, **kw):
    return analyse_series(_series(post, **kw), deployment_month="2025-01", sens="baisse", unite="nombre",
                          libelle="Incivilités signalées").record


@pytest.mark.parametrize("post", [[10, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 12], [0] * 6, [0] * 12, [40] * 6,
                                  [0] * 11 + [30]])
def test_no_absurd_rate_ratio_and_no_exception(post):
    r = _analyse(post)
    if r["verdict"] == INSUFFICIENT:
        assert math.isnan(r["effect"]) or r["effect_se"] > 1
        return
    # the mean change stays near the plain ratio of means (a trend and a season move it, not 10^8 times)
    naive = np.mean(post) / np.mean(PRE)
    assert -100 <= r["effect_low"] <= r["effect"] <= r["effect_high"]
    assert abs(math.log1p(r["effect"] / 100) - math.log(naive)) < 1.5
    assert r["effect_se"] <= 1.0  # otherwise the change is « non estimable »
    assert r["dispersion"] >= 1.0


def test_a_late_burst_with_the_same_mean_is_no_improvement():
    # [0,0,0,0,1,12]: post mean 2.17 ≈ pre mean; the old engine said « −100,0 % : amélioration ».
    r = _analyse([0, 0, 0, 0, 1, 12])
    assert r["verdict"] in (NO_CHANGE, INSUFFICIENT)
    assert not (r["effect_high"] < 0)


def test_one_early_burst_is_not_a_rise_of_millions_of_percent():
    # [10,0,0,0,0,0]: the old engine said « +241 346 437,2 % »; no free post slope on 6 months.
    r = _analyse([10, 0, 0, 0, 0, 0])
    assert r["slope_estimate"] is None
    assert r["verdict"] == INSUFFICIENT or abs(r["effect"]) < 200


def test_no_event_after_deployment_is_not_estimable_and_segmented_regression_does_not_raise():
    r = _analyse([0] * 8)
    assert r["verdict"] == INSUFFICIENT
    assert "trop peu" in r["phrase"]
    frame = pd.DataFrame({"y": PRE + [0] * 8, "time": np.arange(32.0), "post": [0.0] * 24 + [1.0] * 8})
    fit = segmented_regression(frame, "y", "time", "post", family="poisson", slope_change=True)
    assert fit.level.estimate >= 0  # a number (possibly 0 or inf), never an OverflowError


def test_counts_without_exposure_are_judged_as_raw_counts():
    r = _analyse([1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 1], exposure=False)
    assert r["method"].startswith("série temporelle interrompue (quasi-Poisson, dispersion au moins 1)")
    assert r["verdict"] != INSUFFICIENT and r["effect"] < 0

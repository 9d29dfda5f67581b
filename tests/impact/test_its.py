"""Segmented regression on simulated series whose true effect is known."""

import math

import numpy as np
import pandas as pd
import pytest

from indicateurs.impact.its import default_hac_lags, segmented_regression

N_SEEDS = 300
# 95% coverage over 300 seeds: binomial sd ≈ 0.0126; accept [0.91, 0.99] (about ±3 sd).
COVERAGE_RANGE = (0.91, 0.99)


def ar1(rng, n, rho):
    shocks = rng.standard_normal(n)
    e = np.empty(n)
    e[0] = shocks[0] / math.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + shocks[i]
    return e


def gaussian_series(rng, n_pre=24, n_post=12, level=2.0, slope=0.0, rho=0.0):
    time = np.arange(n_pre + n_post, dtype=float)
    post = (time >= n_pre).astype(float)
    y = 50 + 0.1 * time + level * post + slope * (time - (n_pre - 1)) * post + ar1(rng, len(time), rho)
    return pd.DataFrame({"y": y, "time": time, "post": post, "month": (time % 12) + 1})


def coverage(level_true, rho, seeds=N_SEEDS):
    hits = 0
    for seed in range(seeds):
        df = gaussian_series(np.random.default_rng(seed), level=level_true, rho=rho)
        res = segmented_regression(df, "y", "time", "post")
        hits += res.level.low <= level_true <= res.level.high
    return hits / seeds


def test_gaussian_level_ci_covers_95_percent():
    cov = coverage(2.0, rho=0.0)
    assert COVERAGE_RANGE[0] <= cov <= COVERAGE_RANGE[1], cov


def test_gaussian_level_ci_with_autocorrelated_errors_stays_close():
    """AR(1) ρ = 0.3 on 36 months: fixed-b intervals measured at about 0.93 (normal ones at 0.78)."""
    cov = coverage(2.0, rho=0.3)
    assert 0.88 <= cov <= 0.99, cov


def test_gaussian_recovers_level_and_slope():
    df = gaussian_series(np.random.default_rng(1), n_pre=48, n_post=36, level=-3.0, slope=0.2)
    res = segmented_regression(df, "y", "time", "post")
    assert res.level.low < -3.0 < res.level.high
    assert res.slope.low < 0.2 < res.slope.high
    assert res.level.high < 0 and res.slope.low > 0
    assert res.dispersion is None
    assert res.hac_lags == default_hac_lags(84) == 3


def test_default_hac_lags_rule():
    # floor(4·(n/100)^(2/9)) crosses 3 at n = 100·0.75^4.5 ≈ 27.4 and 4 at n = 100
    assert [default_hac_lags(n) for n in (10, 27, 28, 99, 100)] == [2, 2, 3, 3, 4]
    assert default_hac_lags(3) == 1  # at least one lag, below n


def test_counterfactual_without_change_is_flat_trend():
    df = gaussian_series(np.random.default_rng(2), level=5.0)
    res = segmented_regression(df, "y", "time", "post", slope_change=False)
    pre_trend = res.params["const"] + res.params["time"] * df["time"]
    assert np.allclose(res.counterfactual, pre_trend)
    assert np.allclose(res.fitted - res.counterfactual, res.params["level"] * df["post"])


def test_missing_months_keep_calendar_time():
    df = gaussian_series(np.random.default_rng(3), n_pre=36, n_post=24, level=4.0)
    holes = df.drop(index=[5, 6, 20, 40, 41]).reset_index(drop=True)
    res = segmented_regression(holes, "y", "time", "post")
    assert res.n_obs == 55
    assert res.level.low < 4.0 < res.level.high


def test_quarterly_series_with_harmonics_drops_the_null_pair():
    rng = np.random.default_rng(4)
    months = np.arange(2, 72, 3)  # every third month, 6 years
    post = (months >= 48).astype(float)
    cal = months % 12 + 1
    y = 10 + 0.02 * months + 1.5 * post + 2 * np.cos(2 * np.pi * cal / 12) + rng.normal(0, 0.5, len(months))
    df = pd.DataFrame({"y": y, "time": months.astype(float), "post": post, "month": cal})
    res = segmented_regression(df, "y", "time", "post", month="month", harmonics=2, hac_lags=1)
    assert "sin2" not in res.terms and {"sin1", "cos1", "cos2"} <= set(res.terms)
    assert res.level.low < 1.5 < res.level.high


def poisson_series(rng, n_pre=24, n_post=12, rate_ratio=0.85, dispersion=2.5):
    time = np.arange(n_pre + n_post, dtype=float)
    post = (time >= n_pre).astype(float)
    month = time % 12 + 1
    exposure = rng.uniform(800, 1200, len(time))
    mu = exposure * 0.2 * np.exp(0.005 * time + math.log(rate_ratio) * post + 0.1 * np.sin(2 * np.pi * month / 12))
    # negative binomial with variance = dispersion · mu
    p = 1 / dispersion
    y = rng.negative_binomial(mu * p / (1 - p), p)
    return pd.DataFrame({"y": y, "time": time, "post": post, "month": month, "exposure": exposure})


def test_quasi_poisson_rate_ratio_ci_covers_95_percent():
    hits = 0
    dispersions = []
    for seed in range(N_SEEDS):
        df = poisson_series(np.random.default_rng(1000 + seed))
        res = segmented_regression(df, "y", "time", "post", family="poisson", offset=np.log(df["exposure"]),
                                   month="month", harmonics=1)
        hits += res.level.low <= 0.85 <= res.level.high
        dispersions.append(res.dispersion)
    assert COVERAGE_RANGE[0] <= hits / N_SEEDS <= COVERAGE_RANGE[1], hits / N_SEEDS
    assert np.mean(dispersions) == pytest.approx(2.5, rel=0.15)


def test_bad_inputs_are_refused():
    df = gaussian_series(np.random.default_rng(5))
    with pytest.raises(ValueError):
        segmented_regression(df, "y", "time", "post", family="binomial")
    with pytest.raises(ValueError):
        segmented_regression(df, "y", "time", "post", harmonics=2)  # no month column
    with pytest.raises(ValueError):
        segmented_regression(df, "y", "time", "post", offset=np.zeros(len(df)))  # offset is for poisson
    with pytest.raises(ValueError):
        segmented_regression(df.assign(post=0.0), "y", "time", "post")


def test_interval_excludes_zero_exactly_when_p_below_5_percent():
    """Needed by the verdicts: a significant p always goes with an interval on one side of 0."""
    for seed in range(60):
        rng = np.random.default_rng(2000 + seed)
        df = gaussian_series(rng, level=rng.choice([0.0, 0.6, 1.2]))
        res = segmented_regression(df, "y", "time", "post")
        for effect in (res.level, res.slope):
            assert (effect.p_value < 0.05) == (effect.low > 0 or effect.high < 0)
        pois = poisson_series(rng, rate_ratio=rng.choice([1.0, 0.93, 0.88]))
        res = segmented_regression(pois, "y", "time", "post", family="poisson", offset=np.log(pois["exposure"]))
        assert (res.level.p_value < 0.05) == (res.level.low > 1 or res.level.high < 1)

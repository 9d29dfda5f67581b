"""The engine runs without statsmodels and scipy.stats, and its numpy replacements give statsmodels' numbers.

statsmodels is the oracle here (a test dependency, requirements-dev.txt): every expected value below is
computed by statsmodels or scipy.stats on the same data, never by the code under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from indicateurs.impact import modele
from indicateurs.impact.its import segmented_regression
from indicateurs.impact.poisson import fit_poisson
from indicateurs.impact.verdicts import bh_adjusted

ROOT = Path(__file__).resolve().parents[2]
TIGHT = {"rtol": 1e-10, "atol": 1e-12}


def _oracle(y, X, offset, x2: bool):
    """statsmodels' Poisson GLM fit, or the ValueError it raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2" if x2 else None)
    except ValueError as error:
        return error


def _engine_design(n_pre: int, n_post: int, harmonics: int, slope_change: bool):
    time = np.arange(n_pre + n_post, dtype=float)
    post = (time >= n_pre).astype(float)
    month = (time + 3) % 12 + 1
    return time, post, month, modele.design(time, post, month, harmonics, slope_change)[0]


def _series(seed: int):
    """A count series as the observatory has them: monthly, with or without exposure, sometimes sparse."""
    rng = np.random.default_rng(seed)
    n_pre, n_post = int(rng.integers(12, 30)), int(rng.integers(3, 16))
    harmonics = int(rng.integers(0, 3))
    slope_change = bool(n_post >= 6 and rng.random() < 0.7)
    time, post, month, X = _engine_design(n_pre, n_post, harmonics, slope_change)
    exposure = rng.uniform(50, 5000, len(time)) if seed % 2 else None
    offset = np.log(exposure) if exposure is not None else np.zeros(len(time))
    base = rng.choice([0.3, 3.0, 40.0]) * (exposure / exposure.mean() if exposure is not None else 1)
    rate = base * np.exp(rng.normal(0, 0.02) * time + rng.normal(0, 0.3) * post
                         + 0.2 * np.sin(2 * np.pi * month / 12))
    y = rng.negative_binomial(5, 5 / (5 + rate)).astype(float)  # overdispersed counts, zeros when sparse
    return y, time, post, month, X, offset, harmonics, slope_change


@pytest.mark.parametrize("x2", [False, True])
def test_irls_gives_statsmodels_coefficients_and_standard_errors(x2):
    checked = 0
    for seed in range(40):
        y, _, _, _, X, offset, _, _ = _series(seed)
        expected = _oracle(y, X, offset, x2)
        if isinstance(expected, ValueError):
            with pytest.raises(ValueError):
                fit_poisson(y, X, offset, pearson_scale=x2)
            continue
        fit = fit_poisson(y, X, offset, pearson_scale=x2)
        assert fit.converged == expected.converged, seed
        assert fit.iterations == expected.fit_history["iteration"], seed
        np.testing.assert_allclose(fit.params, expected.params, **TIGHT, err_msg=f"seed {seed}")
        np.testing.assert_allclose(fit.bse, expected.bse, **TIGHT, err_msg=f"seed {seed}")
        np.testing.assert_allclose(fit.cov, expected.cov_params(), **TIGHT, err_msg=f"seed {seed}")
        np.testing.assert_allclose(fit.mu, expected.fittedvalues, **TIGHT, err_msg=f"seed {seed}")
        assert fit.scale == pytest.approx(expected.scale, rel=1e-10)
        checked += 1
    assert checked >= 35  # the generated series are mostly fittable: the comparison is not vacuous


@pytest.mark.parametrize("name, y", [
    ("no event after deployment", np.r_[np.random.default_rng(0).poisson(5, 24), np.zeros(8)]),
    ("no event before deployment", np.r_[np.zeros(24), np.full(8, 3.0)]),
    ("a single event", np.r_[np.zeros(31), 1.0]),
    ("one early burst", np.r_[10.0, np.zeros(31)]),
    ("every count zero", np.zeros(32)),
    ("short series", np.array([3.0, 0, 1, 4, 2, 0, 5, 1])),
])
def test_irls_does_what_statsmodels_does_on_degenerate_counts(name, y):
    """Separation (μ → 0), no convergence in 100 steps, a first deviance that is not a number."""
    n = len(y)
    time = np.arange(n, dtype=float)
    post = (time >= n * 3 // 4).astype(float)
    X = np.column_stack([np.ones(n), time, post, (time - time[post == 0].max()) * post])
    for x2 in (False, True):
        expected = _oracle(y, X, np.zeros(n), x2)
        if isinstance(expected, ValueError):
            with pytest.raises(ValueError):
                fit_poisson(y, X, None, pearson_scale=x2)
            continue
        fit = fit_poisson(y, X, None, pearson_scale=x2)
        assert (fit.converged, fit.iterations) == (expected.converged, expected.fit_history["iteration"]), name
        # a diverging fit is ill-conditioned: the same steps, but rounding may grow with |β|
        rtol = 1e-10 if expected.converged else 1e-6
        np.testing.assert_allclose(fit.params, expected.params, rtol=rtol, atol=1e-9, err_msg=name)
        np.testing.assert_allclose(fit.bse, expected.bse, rtol=rtol, err_msg=name)


def test_every_count_zero_is_refused_as_statsmodels_refuses_it():
    y, X = np.zeros(20), np.column_stack([np.ones(20), np.arange(20.0)])
    assert isinstance(_oracle(y, X, None, False), ValueError)
    with pytest.raises(ValueError):
        fit_poisson(y, X)


def test_engine_count_model_fits_statsmodels_means_and_dispersion():
    """``modele.fit_counts`` (the stored results) on statsmodels' coefficients: fitted means and dispersion."""
    compared = 0
    for seed in range(40):
        y, time, post, month, X, offset, harmonics, slope_change = _series(seed)
        fit = modele.fit_counts(y, time, post, month, offset, harmonics=harmonics, slope_change=slope_change)
        expected = _oracle(y, X, offset, False)
        if fit is None:
            continue
        np.testing.assert_allclose(fit.fitted, expected.fittedvalues, **TIGHT, err_msg=f"seed {seed}")
        assert fit.dispersion == pytest.approx(max(1.0, expected.pearson_chi2 / expected.df_resid), rel=1e-10)
        compared += 1
    assert compared >= 20


def test_segmented_regression_poisson_matches_statsmodels_quasi_poisson():
    for seed in range(30):
        y, time, post, month, X, offset, harmonics, slope_change = _series(seed)
        frame = pd.DataFrame({"y": y, "time": time, "post": post, "month": month})
        expected = _oracle(y, X, offset, True)
        if isinstance(expected, ValueError):
            continue
        res = segmented_regression(frame, "y", "time", "post", family="poisson", offset=offset, month="month",
                                   harmonics=harmonics, slope_change=slope_change)
        np.testing.assert_allclose(res.params.to_numpy(), expected.params, **TIGHT)
        np.testing.assert_allclose(res.cov.to_numpy(), expected.cov_params(), **TIGHT)
        assert res.dispersion == pytest.approx(expected.scale, rel=1e-10)
        b, se = expected.params[2], expected.bse[2]  # column 2 is the level step
        assert res.level.estimate == pytest.approx(np.exp(b), rel=1e-10)
        with np.errstate(over="ignore"):  # a diverged fit's bound is inf on both sides
            assert res.level.high == pytest.approx(np.exp(b + stats.norm.ppf(0.975) * se), rel=1e-10)
        assert res.level.p_value == pytest.approx(2 * stats.norm.sf(abs(b / se)), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("seed", range(12))
def test_benjamini_hochberg_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    p = np.concatenate([rng.uniform(0, 1, m), rng.uniform(0, 0.01, m // 3)])
    if seed % 3 == 0:
        p[: len(p) // 2] = np.round(p[: len(p) // 2], 2)  # ties, and p of exactly 0 or 1
    if seed % 4 == 0:
        p[0], p[-1] = 1.0, 0.0
    rng.shuffle(p)
    expected = multipletests(p, alpha=0.05, method="fdr_bh")[1]
    np.testing.assert_array_equal(bh_adjusted(p), expected)


def test_the_cli_and_a_refresh_load_neither_statsmodels_nor_scipy_stats(tmp_path):
    """In a fresh interpreter: importing the engine and the CLI, then the whole engine on count and gaussian
    series (the demo base, its results computed at creation), every fit in that process (no worker process
    could hide an import)."""
    code = (
        "import sys, indicateurs.resultats, indicateurs.cli, indicateurs.impact\n"
        "loaded = [m for m in ('statsmodels', 'scipy.stats') if m in sys.modules]\n"
        "assert not loaded, ('on import', loaded)\n"
        "from datetime import date\n"
        "from indicateurs.setup import init_database\n"
        f"db = init_database({str(tmp_path / 'd.duckdb')!r}, utilisateur='test', with_demo=True,"
        " end_month=date(2026, 10, 1)).db\n"
        "families = db.query_df('SELECT DISTINCT methode FROM resultats')['methode'].tolist()\n"
        "assert any('Poisson' in str(f) for f in families), families\n"
        "loaded = [m for m in ('statsmodels', 'scipy.stats') if m in sys.modules]\n"
        "assert not loaded, ('after a refresh', loaded)\n"
    )
    env = dict(os.environ, OBSERVATOIRE_PROCESSUS="1")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

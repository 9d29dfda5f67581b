"""Critical values for Newey–West t-statistics, simulated for the actual regression design.

Why: with the series this project has (a few dozen months, a step regressor for the deployment),
Newey–West standard errors are biased downwards and a normal (or t) quantile gives 95% intervals that
cover only 77–89% of the time, even with independent errors (simulation, 18 to 120 months). Following
the fixed-b approach (Kiefer & Vogelsang 2005), the t-statistic is compared with the distribution it
actually has for this design, this kernel and this number of lags: we draw independent standard normal
errors, refit, recompute the same Bartlett HAC variance, and read the quantiles of |t|. Under
independent Gaussian errors this is exact; under weak autocorrelation it is the fixed-b approximation,
much closer to nominal than the normal quantile. The draws use a fixed seed, so results are reproducible.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

SEED = 20_170_348  # fixed: same data, same interval, every run
N_SIMS = 4_000


def bartlett_weights(maxlags: int) -> np.ndarray:
    """Bartlett kernel weights 1 − j/(L+1), j = 0..L, as statsmodels' HAC uses them."""
    return 1.0 - np.arange(maxlags + 1) / (maxlags + 1)


def hac_quadratic(u: np.ndarray, maxlags: int) -> np.ndarray:
    """Σ_t u_t² + 2 Σ_j w_j Σ_t u_t u_{t−j} for each column of ``u`` (rows = time, in row order)."""
    weights = bartlett_weights(maxlags)
    total = np.einsum("ij,ij->j", u, u)
    for lag in range(1, maxlags + 1):
        total = total + 2.0 * weights[lag] * np.einsum("ij,ij->j", u[lag:], u[:-lag])
    return total


@lru_cache(maxsize=4096)
def _null_abs_t(design: bytes, shape: tuple, combos: bytes, n_combos: int, maxlags: int,
                n_sims: int) -> np.ndarray:
    X = np.frombuffer(design).reshape(shape)
    C = np.frombuffer(combos).reshape(n_combos, shape[1])
    n, k = shape
    rng = np.random.default_rng(SEED)
    errors = rng.standard_normal((n, n_sims))
    xtx_inv = np.linalg.inv(X.T @ X)
    residuals = errors - X @ (xtx_inv @ (X.T @ errors))
    A = X @ xtx_inv @ C.T  # n × m: estimate of combo m = A[:, m] · y
    out = np.empty((n_combos, n_sims))
    correction = n / (n - k)
    for m in range(n_combos):
        numerator = A[:, m] @ errors
        variance = hac_quadratic(A[:, m, None] * residuals, maxlags) * correction
        out[m] = np.abs(numerator) / np.sqrt(variance)
    out.setflags(write=False)
    return out


def null_abs_t(X: np.ndarray, combos: np.ndarray, maxlags: int, n_sims: int = N_SIMS) -> np.ndarray:
    """Simulated |t| under "no effect" for each linear combination (rows of ``combos``) of the OLS
    coefficients of design ``X``, with the Bartlett HAC variance at ``maxlags`` lags (small-sample
    correction n/(n−k), as ``use_correction=True``). Shape (n_combos, n_sims). Cached per design.
    """
    X = np.ascontiguousarray(X, dtype=float)
    C = np.ascontiguousarray(np.atleast_2d(combos), dtype=float)
    return _null_abs_t(X.tobytes(), X.shape, C.tobytes(), C.shape[0], int(maxlags), int(n_sims))


def critical_values(null: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Half-width multiplier of the CI for each row of simulated |t|, about its ``level`` quantile.

    Taken as the order statistic that makes the interval and ``p_values`` agree exactly: the interval
    excludes 0 if and only if p < 1 − level (the k-th largest |t*|, k = ⌈(1 − level)(R + 1) − 1⌉).
    """
    n_sims = null.shape[1]
    k = math.ceil((1.0 - level) * (n_sims + 1) - 1)
    return np.sort(null, axis=1)[:, n_sims - k]


def p_values(null: np.ndarray, observed_abs_t: np.ndarray) -> np.ndarray:
    """Two-sided Monte Carlo p-values (1 + #{|t*| ≥ |t|}) / (1 + n_sims), one per row."""
    observed = np.asarray(observed_abs_t, dtype=float).reshape(-1, 1)
    return (1.0 + (null >= observed).sum(axis=1)) / (1.0 + null.shape[1])

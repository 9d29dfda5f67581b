"""Poisson regression with a log link and an offset, fitted by iteratively reweighted least squares.

Why here and not statsmodels: importing statsmodels costs about 2 s to every command that writes (each
ends with a results refresh), and its GLM machinery costs 4–5 times a gaussian fit per count series. This
is the same algorithm as ``statsmodels.GLM(y, X, family=Poisson(), offset=offset).fit()`` (0.15, IRLS),
step for step, so that coefficients and standard errors agree with it to rounding error
(tests/impact/test_sans_statsmodels.py checks it against statsmodels):

- start from μ = (y + mean(y))/2 and η = log μ (the offset is not in the first η);
- each step solves the weighted least squares of z = η + (y − μ)/μ − offset on X with weights μ
  (``numpy.linalg.lstsq``, cut-off at machine precision), then η = Xβ + offset, μ = exp(η);
- stop when the deviance moves by at most ``tol`` (absolute) between two steps, or after ``maxiter``
  steps. With the Pearson dispersion (``pearson_scale=True``, statsmodels' ``scale="X2"``) the deviance
  compared is divided by the dispersion of the step before, as statsmodels does;
- the result is refitted once by pseudo-inverse on the last step's weights, whose (X'WX)⁻¹ is the
  unscaled covariance (weights of the step before the last μ, as statsmodels reports it).

It raises ``ValueError`` where statsmodels does (a first deviance that is not a number, e.g. every count
0; weights or working response that are not finite, e.g. a fit diverging to μ = 0 or ∞). A fit that does
not converge, or that predicts every count exactly, is returned as it stands (``converged`` says which).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FLOAT_EPS = np.finfo(float).eps  # statsmodels clips μ (and y/μ) to this before a log or a division


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson GLM: coefficients, unscaled covariance (X'WX)⁻¹, dispersion (1, or Pearson
    χ²/(n − rank) when asked), fitted means with the offset, steps taken and whether it converged."""

    params: np.ndarray
    normalized_cov: np.ndarray
    scale: float
    mu: np.ndarray
    iterations: int
    converged: bool

    @property
    def cov(self) -> np.ndarray:
        """Covariance of the coefficients: dispersion × (X'WX)⁻¹."""
        return self.scale * self.normalized_cov

    @property
    def bse(self) -> np.ndarray:
        """Standard errors of the coefficients."""
        return np.sqrt(np.diag(self.cov))


# The operations below are written in statsmodels' order (a·(1/b) where it multiplies by a derivative,
# a sum of terms each divided by the dispersion): the results then agree bit for bit on most series, and
# the convergence test stops at the same step.

def _deviance(y: np.ndarray, mu: np.ndarray, scale: float) -> float:
    """Poisson deviance 2 Σ [y log(y/μ) − (y − μ)] / scale, with y/μ clipped below at machine epsilon."""
    ratio = np.clip(y / mu, FLOAT_EPS, np.inf)
    return float(np.sum(2 * (y * np.log(ratio) - (y - mu)) / scale))


def _pearson(y: np.ndarray, mu: np.ndarray, df_resid: int) -> float:
    """Pearson χ² / residual degrees of freedom."""
    return float(np.sum(np.power(y - mu, 2) / np.abs(mu)) / df_resid)


def fit_poisson(y, X, offset=None, *, pearson_scale: bool = False, maxiter: int = 100,
                tol: float = 1e-8) -> PoissonFit:
    """Fit log E[y] = Xβ + offset by IRLS as statsmodels' GLM Poisson does (see the module docstring).

    Why: the count series of the observatory (quasi-Poisson in ``modele`` and ``its``) without importing
    statsmodels. ``pearson_scale``: dispersion = Pearson χ²/(n − rank(X)) instead of 1 (``scale="X2"``).
    Raises ``ValueError`` where statsmodels would.
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    df_resid = len(y) - np.linalg.matrix_rank(X)
    with np.errstate(all="ignore"):
        return _irls(y, X, off, df_resid, pearson_scale, maxiter, tol)


def _irls(y, X, off, df_resid, pearson_scale, maxiter, tol) -> PoissonFit:
    def scale_of(mu):
        return _pearson(y, mu, df_resid) if pearson_scale else 1.0

    mu = (y + y.mean()) / 2.0
    eta = np.log(np.clip(mu, FLOAT_EPS, np.inf))
    scale = scale_of(mu)
    deviance = _deviance(y, mu, scale)
    if np.isnan(deviance):
        raise ValueError("The first guess on the deviance function returned a nan.")
    previous, converged, iteration = deviance, False, 0
    for iteration in range(1, maxiter + 1):
        derivative = 1.0 / np.clip(mu, FLOAT_EPS, np.inf)  # g'(μ) of the log link
        weights = 1.0 / (derivative**2 * np.abs(mu))  # 1 / (g'(μ)² V(μ))
        z = eta + derivative * (y - mu) - off
        if not (np.all(np.isfinite(np.sqrt(weights))) and np.all(np.isfinite(z))):
            raise ValueError("NaN, inf or invalid value detected in weights or endog, estimation infeasible.")
        root = np.sqrt(weights)
        beta = np.linalg.lstsq(root[:, None] * X, root * z, rcond=-1)[0]
        eta = X @ beta + off
        mu = np.exp(eta)
        deviance = _deviance(y, mu, scale)  # divided by the dispersion of the step before, as statsmodels
        scale = scale_of(mu)
        converged = bool(np.allclose(previous, deviance, atol=tol, rtol=0.0))
        previous = deviance
        if converged:
            break
    # statsmodels' last refit (WLS by pseudo-inverse on the last step's z and weights)
    wexog = root[:, None] * X
    u, s, vt = np.linalg.svd(wexog, full_matrices=False)
    keep = s > 1e-15 * np.max(s)
    inverse_s = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    pinv = np.dot(vt.T, inverse_s[:, None] * u.T)
    params = np.dot(pinv, root * z)
    return PoissonFit(params, np.dot(pinv, pinv.T), float(scale), np.exp(X @ params + off), iteration, converged)

"""The engine's model of one series: what changed since deployment, on average and at the last month.

Model (both families): outcome on [constant, time, post, (time − t0)·post, seasonal harmonics], where
post = 1 from the calendar month of deployment on and t0 is the last time before it. What a reader is
told is a linear combination of these coefficients, so that it does not depend on where the line is
anchored (a missing month before deployment no longer moves it):

- ``mean``: the average, over the observed months from deployment on, of fitted − counterfactual
  (gaussian: level + slope · mean(t − t0)); for counts, the log of Σ fitted / Σ counterfactual over
  those months (a rate ratio once exponentiated);
- ``last``: the same gap at the last observed month;
- ``slope``: the change of slope per month (None when the model has no free post slope).

Gaussian: generalised least squares with AR(1) errors in calendar time (corr = ρ^|Δt|, so missing
months and quarterly series keep their true spacing). ρ is read on a grid from −0.5 to 0.95 by
restricted maximum likelihood; among the values within ``RHO_TOLERANCE`` log-likelihood units of the best,
the one giving the widest interval for the headline change is kept (a few dozen months cannot pin ρ
down, and an underestimated ρ fakes changes: chosen by simulation, see benchmarks/bench_statistique.py).
The headline change is mean(observed − counterfactual) over the months from deployment on, a linear form
c·y whose variance σ²·c'Σc is exact given ρ. Student t quantiles on n − k − 1 degrees of freedom, and
standard errors widened by ``inflation`` when ρ was estimated (short series underestimate a strong ρ).
Counts: Poisson GLM with log(exposure) offset (``poisson.fit_poisson``), dispersion = max(1, Pearson
χ²/(n − k)), t quantiles on n − k; the change is not estimable when the standard error of its log rate
ratio exceeds ``MAX_LOG_SE``.
Every function works on numpy arrays; nothing here raises on odd data, it returns None instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

from indicateurs.impact.poisson import fit_poisson

RHO_GRID = np.round(np.arange(-0.5, 0.951, 0.05), 2)
RHO_TOLERANCE = 0.15
# When ρ is estimated, standard errors × ``inflation(ρ̂, df)``: see that function.
RHO_INFLATION, RHO_INFLATION_EXPONENT, INFLATION_MIN_DF = 0.25, 2.0, 12
MAX_LOG_SE = 1.0  # counts: above this standard error of log(rate ratio) the change is not estimable


def inflation(rho_best, df, a: float = RHO_INFLATION, p: float = RHO_INFLATION_EXPONENT):
    """Factor on the standard errors of a fit whose ρ was estimated: 1 + a·max(ρ̂, 0)·(25/df)^p, with ρ̂
    the REML maximum and df the residual degrees of freedom (taken as 12 below 12, the shortest series of
    the calibration; 25, a middling length, only scales a: at 25 degrees of freedom the factor is 1 + a·ρ̂). Why: a few dozen months underestimate a strong month-to-month correlation, and the
    intervals came out too narrow (7.1 % false alarms at ρ = 0.6); short series estimate ρ worst. a and p
    are the smallest correction keeping false alarms ≤ 5.5 % at every ρ of [0 ; 0.6] and ≤ 6 % for every
    series length, on 400,000 series simulated by benchmarks/calibration_inflation.py (its own generator
    and seed; the benchmark checks the result on other series). Works on numbers and numpy arrays."""
    return 1.0 + a * np.maximum(rho_best, 0.0) * (25.0 / np.maximum(df, INFLATION_MIN_DF)) ** p


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """Student t quantile, cached: the same few (level, df) pairs come back for every series."""
    return float(special.stdtrit(df, p))  # what stats.t.ppf computes, without its argument checks


@dataclass(frozen=True)
class Linear:
    """An estimate on the model's linear scale (unit of the indicator, or log rate ratio), with its
    standard error and degrees of freedom; ``interval(level)`` and ``p_value`` come from the same t."""

    estimate: float
    se: float
    df: float

    @property
    def p_value(self) -> float:
        """Two-sided p-value for « no change » (Student t on ``df``)."""
        if self.se == 0 and self.estimate == 0:
            return 1.0  # a constant series (a survey stuck at 100 %, say): exactly no change
        if not (self.se > 0 and math.isfinite(self.se)):
            return math.nan
        return float(2 * special.stdtr(self.df, -abs(self.estimate / self.se)))  # 2 · stats.t.sf(|t|, df)

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Two-sided interval at ``level`` on the linear scale: excludes 0 iff p < 1 − level."""
        q = t_quantile(0.5 + level / 2, self.df)
        return self.estimate - q * self.se, self.estimate + q * self.se

    def detectable(self, alpha: float = 0.05, power: float = 0.8) -> float:
        """Smallest true change this test detects with ``power`` at ``alpha`` (two-sided), linear scale."""
        return float((t_quantile(1 - alpha / 2, self.df) + t_quantile(power, self.df)) * self.se)


@dataclass(frozen=True)
class ModelFit:
    """What ``fit_gaussian`` / ``fit_counts`` return. Arrays are per observation, on the reporting scale
    (counts: expected counts). ``rho``: AR(1) correlation per month (gaussian); ``dispersion`` (counts)."""

    family: str
    n_obs: int
    n_params: int
    harmonics: int
    slope_change: bool
    mean: Linear
    last: Linear
    level: Linear
    slope: Linear | None
    fitted: np.ndarray
    counterfactual: np.ndarray
    cf_low: np.ndarray
    cf_high: np.ndarray
    rho: float | None = None
    dispersion: float | None = None


def design(time: np.ndarray, post: np.ndarray, month: np.ndarray, harmonics: int,
           slope_change: bool) -> tuple[np.ndarray, list[str]] | None:
    """The regression design and its column names; None when it is singular (too few distinct points)."""
    t0 = time[post == 0].max()
    columns = [np.ones(len(time)), time, post]
    names = ["const", "time", "level"]
    if slope_change:
        columns.append((time - t0) * post)
        names.append("slope")
    for k in range(1, harmonics + 1):
        for name, fn in (("sin", np.sin), ("cos", np.cos)):
            values = fn(2 * np.pi * k * month / 12.0)
            if np.max(np.abs(values)) > 1e-9:
                columns.append(values)
                names.append(f"{name}{k}")
    X = np.column_stack(columns)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        return None
    return X, names


def _combos(time, post, names) -> dict[str, np.ndarray]:
    """Rows of the linear combinations of interest (gap since deployment, on average and at the end)."""
    t0 = time[post == 0].max()
    after = time[post == 1] - t0
    out = {}
    for key, distance in (("mean", after.mean()), ("last", after.max())):
        row = np.zeros(len(names))
        row[names.index("level")] = 1.0
        if "slope" in names:
            row[names.index("slope")] = distance
        out[key] = row
    level = np.zeros(len(names))
    level[names.index("level")] = 1.0
    out["level"] = level
    if "slope" in names:
        slope = np.zeros(len(names))
        slope[names.index("slope")] = 1.0
        out["slope"] = slope
    return out


def counterfactual_design(X: np.ndarray, names: list[str]) -> np.ndarray:
    """The design with the deployment switched off (level and slope change at 0)."""
    Xcf = X.copy()
    Xcf[:, names.index("level")] = 0.0
    if "slope" in names:
        Xcf[:, names.index("slope")] = 0.0
    return Xcf


def headline_weights(X, Xcf, time, post, rho: float, *, xtx_inv=None, Xw=None, distances=None):
    """Weights c of the headline change c·y (mean over the months from deployment on of observed −
    counterfactual, the GLS fit at AR(1) correlation ``rho``), and the correlation matrix Σ of the data,
    so that its variance is σ²·c'Σc exactly. Why a linear form: its variance needs no approximation.
    ``distances``: the months between every two rows, as integers (``_distances``), if already known."""
    n = len(time)
    Winv = _whitening_matrix(np.diff(time), rho)
    if Xw is None:
        Xw = Winv @ X
        xtx_inv = np.linalg.inv(Xw.T @ Xw)
    after = post == 1
    A = xtx_inv @ (Xw.T @ Winv)  # β̂ = A y
    c = after / after.sum() - Xcf[after].mean(axis=0) @ A
    if rho == 0:
        return c, np.eye(n)
    if distances is None:
        distances = _distances(time)
    # ρ^|Δt| read from the powers of ρ at each whole number of months (the same powers, computed once)
    sigma = (rho ** np.arange(distances[0, -1] + 1, dtype=float))[distances]
    return c, sigma


def _distances(time: np.ndarray) -> np.ndarray:
    """Months between every two rows (``time`` holds whole months, sorted), as integers."""
    steps = np.asarray(time, dtype=np.int64)
    return np.abs(steps[:, None] - steps[None, :])


def _whitening_matrix(gaps: np.ndarray, rho: float) -> np.ndarray:
    """``_whiten`` applied to the identity (the Prais–Winsten matrix), built from its two diagonals."""
    n = len(gaps) + 1
    if rho == 0.0:
        return np.eye(n)
    r = rho ** gaps
    scale = np.sqrt(1.0 - r * r)
    out = np.zeros((n, n))
    out[0, 0] = 1.0
    rows = np.arange(1, n)
    out[rows, rows] = 1.0 / scale
    out[rows, rows - 1] = -r / scale
    return out


def _grid_fits(M: np.ndarray, gaps: np.ndarray, grid: np.ndarray, n: int, k: int) -> tuple | None:
    """The GLS fit at every ρ of ``grid`` at once (one batched whitening, inversion and determinant):
    arrays of REML log-likelihood, ρ, β, σ², (X'Σ⁻¹X)⁻¹ and whitened X, one row per ρ whose normal
    matrix is invertible (None if none is)."""
    R = grid[:, None] ** gaps[None, :]  # correlation of each row with the previous one, per ρ
    scale = np.sqrt(1.0 - R * R)
    W = np.empty((len(grid),) + M.shape)
    W[:, 0] = M[0]
    W[:, 1:] = (M[None, 1:] - R[:, :, None] * M[None, :-1]) / scale[:, :, None]
    logdets = 2.0 * np.log(scale).sum(axis=1)
    Xw, yw = W[:, :, :k], W[:, :, k]
    xtx = np.matmul(Xw.transpose(0, 2, 1), Xw)
    try:
        xtx_inv = np.linalg.inv(xtx)
    except np.linalg.LinAlgError:  # some ρ make the normal matrix singular: keep the others, one by one
        if len(grid) == 1:
            return None
        fits = [fit for i in range(len(grid)) if (fit := _grid_fits(M, gaps, grid[i:i + 1], n, k)) is not None]
        return tuple(np.concatenate(parts) for parts in zip(*fits)) if fits else None
    beta = np.matmul(xtx_inv, np.matmul(Xw.transpose(0, 2, 1), yw[:, :, None]))[:, :, 0]
    resid = yw - np.matmul(Xw, beta[:, :, None])[:, :, 0]
    sigma2 = np.maximum(np.einsum("gi,gi->g", resid, resid) / (n - k), 1e-300)
    _, logdet_xtx = np.linalg.slogdet(xtx)
    reml = -0.5 * ((n - k) * np.log(sigma2) + logdets + logdet_xtx)
    return reml, grid, beta, sigma2, xtx_inv, Xw


def fit_gaussian(y: np.ndarray, time: np.ndarray, post: np.ndarray, month: np.ndarray, *, harmonics: int,
                 slope_change: bool, ar1: bool = True, rho: float | None = None) -> ModelFit | None:
    """GLS fit with AR(1) errors (ρ by REML on a grid, or given); None if the design is singular or the
    degrees of freedom run out."""
    built = design(time, post, month, harmonics, slope_change)
    if built is None:
        return None
    X, names = built
    n, k = X.shape
    extra = 1 if (ar1 and rho is None) else 0
    if n - k - extra < 2:
        return None
    gaps = np.diff(time)
    M = np.column_stack([X, y])
    combos = _combos(time, post, names)
    grid = np.asarray([rho] if rho is not None else (RHO_GRID if ar1 else [0.0]), dtype=float)
    Xcf = counterfactual_design(X, names)
    fits = _grid_fits(M, gaps, grid, n, k)
    if fits is None:
        return None
    remls, rhos, betas, sigma2s, xtx_invs, Xws = fits
    remls = remls.tolist()
    top = max(remls)
    candidates = []
    distances = _distances(time)
    for i, reml in enumerate(remls):
        if reml >= top - RHO_TOLERANCE:
            r, sigma2, xtx_inv = float(rhos[i]), float(sigma2s[i]), xtx_invs[i]
            c, sigma = headline_weights(X, Xcf, time, post, r, xtx_inv=xtx_inv, Xw=Xws[i], distances=distances)
            candidates.append((reml, r, betas[i], sigma2 * xtx_inv, float(c @ y), float(sigma2 * (c @ sigma @ c))))
    # ρ is poorly known in a few dozen months: among the values the restricted likelihood cannot tell
    # apart from the best (within RHO_TOLERANCE log-likelihood units), keep the most cautious one for the
    # headline change (the widest interval), so that an underestimated ρ does not fake a change.
    _, r, beta, cov, mean_estimate, mean_var = max(candidates, key=lambda f: f[5])
    df = n - k - extra
    if extra:
        factor = float(inflation(float(rhos[remls.index(top)]), df)) ** 2
        cov, mean_var = cov * factor, mean_var * factor

    def linear(row):
        return Linear(float(row @ beta), float(math.sqrt(max(row @ cov @ row, 0.0))), df)

    cf = Xcf @ beta
    cf_se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", Xcf, cov, Xcf), 0.0))
    q = t_quantile(0.975, df)
    scale = 1e-9 * (1.0 + float(np.abs(y).max()))
    mean_se = math.sqrt(max(mean_var, 0.0))
    if mean_se < scale and abs(mean_estimate) < scale:  # no noise at all: rounding error, not a change
        mean_estimate, mean_se = 0.0, 0.0
    mean = Linear(mean_estimate, mean_se, df)
    return ModelFit("gaussian", n, k, harmonics, "slope" in names, mean,
                    linear(combos["last"]), linear(combos["level"]),
                    linear(combos["slope"]) if "slope" in combos else None, X @ beta, cf, cf - q * cf_se,
                    cf + q * cf_se, rho=r)


def _safe_exp(x):
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(np.clip(x, -700.0, 700.0))


def fit_counts(y: np.ndarray, time: np.ndarray, post: np.ndarray, month: np.ndarray, offset: np.ndarray | None,
               *, harmonics: int, slope_change: bool) -> ModelFit | None:
    """Quasi-Poisson fit (dispersion floored at 1, t quantiles); None if it cannot be fitted or if the
    average change is not estimable (standard error of its log rate ratio above ``MAX_LOG_SE``)."""
    built = design(time, post, month, harmonics, slope_change)
    if built is None:
        return None
    X, names = built
    n, k = X.shape
    if n - k < 2 or (y < 0).any():
        return None
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    try:
        beta = fit_poisson(y, X, off).params
    except (ValueError, np.linalg.LinAlgError):
        return None
    if not np.all(np.isfinite(beta)):
        return None
    eta = X @ beta + off
    mu = _safe_exp(eta)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float(np.sum((y - mu) ** 2 / mu)) / (n - k)
    dispersion = max(1.0, pearson) if math.isfinite(pearson) else math.inf
    weighted = X * mu[:, None]
    try:
        cov = dispersion * np.linalg.inv(X.T @ weighted)
    except np.linalg.LinAlgError:
        return None
    df = n - k
    Xcf = X.copy()
    Xcf[:, names.index("level")] = 0.0
    if "slope" in names:
        Xcf[:, names.index("slope")] = 0.0
    eta_cf = Xcf @ beta + off
    mu_cf = _safe_exp(eta_cf)
    after = post == 1

    def log_ratio(rows: np.ndarray) -> Linear:
        # log Σ fitted − log Σ counterfactual over ``rows``, with its delta-method standard error
        w = mu[rows] / mu[rows].sum()
        wcf = mu_cf[rows] / mu_cf[rows].sum()
        grad = w @ X[rows] - wcf @ Xcf[rows]
        estimate = float(np.log(mu[rows].sum()) - np.log(mu_cf[rows].sum()))
        return Linear(estimate, float(math.sqrt(max(grad @ cov @ grad, 0.0))), df)

    mean = log_ratio(after)
    if not (math.isfinite(mean.se) and mean.se <= MAX_LOG_SE and math.isfinite(mean.estimate)):
        return None
    last_row = np.zeros(n, dtype=bool)
    last_row[np.flatnonzero(after)[-1]] = True
    combos = _combos(time, post, names)

    def linear(row):
        return Linear(float(row @ beta), float(math.sqrt(max(row @ cov @ row, 0.0))), df)

    cf_se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", Xcf, cov, Xcf), 0.0))
    q = t_quantile(0.975, df)
    return ModelFit("poisson", n, k, harmonics, "slope" in names, mean, log_ratio(last_row),
                    linear(combos["level"]), linear(combos["slope"]) if "slope" in combos else None, mu, mu_cf,
                    _safe_exp(eta_cf - q * cf_se), _safe_exp(eta_cf + q * cf_se), dispersion=dispersion)

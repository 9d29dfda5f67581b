"""Segmented regression of an interrupted time series (level and slope change at deployment).

Model: y_t = b0 + b1·time + b2·post + b3·(time − t0)·post [+ seasonal harmonics] (+ log offset for
counts), where t0 is the last pre-deployment time. ``level`` is b2, the gap at t0 between the post
line and the pre-deployment trend carried on; ``slope`` is b3, the change of slope per time unit.

- gaussian: OLS with Newey–West (Bartlett HAC) standard errors, statsmodels ``cov_type="HAC"`` with the
  small-sample correction n/(n−k). Default lags: floor(4·(n/100)^(2/9)) (Newey & West 1994 rule of
  thumb: 2 lags for 5–27 points, 3 for 28–99, 4 for 100–272). Intervals and p-values use fixed-b
  critical values simulated for this design (see ``fixed_b.py``), not the normal quantile, because the
  normal quantile covers far below 95% on series of a few dozen months.
- poisson: quasi-Poisson GLM, as statsmodels' ``GLM(..., family=Poisson(), offset=offset).fit(scale="X2")``
  (``poisson.fit_poisson`` with the Pearson dispersion, the same algorithm without statsmodels); effects as
  rate ratios exp(b), intervals exp(b ± z·se) with z = Φ⁻¹(0.975) = 1.959964 (this reproduces the
  Sicily reference to 6 decimals; 1.96 is off by one unit in the 6th decimal), normal p-values.

Used by the tests and the Sicily reference only (the stored results come from ``modele``): the gaussian
fit imports statsmodels when it runs, a test-time dependency (requirements-dev.txt), so that importing
the engine never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from indicateurs.impact import fixed_b
from indicateurs.impact.estimate import Estimate
from indicateurs.impact.poisson import fit_poisson

FAMILIES = ("gaussian", "poisson")
Z95 = float(special.ndtri(0.975))  # stats.norm.ppf(0.975)


@dataclass(frozen=True)
class SegmentedRegression:
    """Result of ``segmented_regression``.

    level, slope: Estimate (slope None without slope change); rate ratios for poisson (slope per time
    unit), unit of y for gaussian. predictions: one row per observation used (index of ``df``), columns
    ``fitted``, ``counterfactual`` (pre-deployment trend and season carried on, post = 0, slope 0),
    ``cf_low``/``cf_high`` (pointwise 95% band of the counterfactual mean). dispersion: Pearson
    χ²/df for poisson, None for gaussian. hac_lags: lags used (gaussian). critical_value: the multiplier
    of the level's interval. inference: "fixed-b" (gaussian) or "normal" (poisson).
    """

    family: str
    level: Estimate
    slope: Estimate | None
    n_obs: int
    dispersion: float | None
    hac_lags: int | None
    harmonics: int
    terms: tuple[str, ...]
    params: pd.Series
    cov: pd.DataFrame
    predictions: pd.DataFrame
    critical_value: float
    inference: str
    results: object = field(repr=False, compare=False)

    @property
    def fitted(self) -> pd.Series:
        """Fitted values per observation used."""
        return self.predictions["fitted"]

    @property
    def counterfactual(self) -> pd.Series:
        """What the pre-deployment trend (and season) predicts without deployment, per observation."""
        return self.predictions["counterfactual"]


def default_hac_lags(n: int) -> int:
    """Newey–West (1994) rule of thumb floor(4·(n/100)^(2/9)), at least 1 and below n."""
    return max(1, min(n - 1, int(math.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)))))


def _design(data: pd.DataFrame, time: str, post: str, month: str | None, harmonics: int,
            slope_change: bool) -> pd.DataFrame:
    t = data[time].to_numpy(dtype=float)
    p = data[post].to_numpy(dtype=float)
    if not set(np.unique(p)) <= {0.0, 1.0}:
        raise ValueError(f"Column {post!r} must be 0/1.")
    if not (p == 0).any() or not (p == 1).any():
        raise ValueError("Need observations both before and after deployment.")
    columns = {"const": np.ones(len(t)), "time": t, "level": p}
    if slope_change:
        t0 = t[p == 0].max()  # last pre-deployment time
        columns["slope"] = (t - t0) * p
    if harmonics:
        if month is None:
            raise ValueError("harmonics > 0 needs the calendar-month column (month=...).")
        m = data[month].to_numpy(dtype=float)
        for k in range(1, harmonics + 1):
            for name, fn in (("sin", np.sin), ("cos", np.cos)):
                values = fn(2 * np.pi * k * m / 12.0)
                if np.max(np.abs(values)) > 1e-9:  # e.g. sin(2π·2·m/12) is 0 on quarter months
                    columns[f"{name}{k}"] = values
    X = pd.DataFrame(columns, index=data.index)
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        raise ValueError("Too few distinct observations for this model (singular design).")
    return X


def _counterfactual_design(X: pd.DataFrame) -> pd.DataFrame:
    Xcf = X.copy()
    Xcf["level"] = 0.0
    if "slope" in Xcf:
        Xcf["slope"] = 0.0
    return Xcf


def segmented_regression(df, y, time, post, *, family="gaussian", offset=None, month=None, harmonics=0,
                         slope_change=True, hac_lags=None):
    """Fit the segmented regression of ``df[y]`` on time, the deployment step and its slope change.

    Why: says how much an indicator moved at deployment beyond its own trend (and season), with a 95%
    interval. Columns: ``y`` outcome, ``time`` numeric time (e.g. months since start), ``post`` 0/1
    from the deployment month on, ``month`` calendar month 1..12 for ``harmonics`` sine/cosine pairs
    sin(2πk·month/12), cos(2πk·month/12), k = 1..harmonics (a pair that is 0 on every observed month,
    e.g. k = 2 sine on quarterly data, is left out). ``offset``: array on the log scale, aligned with
    ``df`` (poisson only). Rows with a missing value in a used column are left out. HAC lags count rows,
    so rows must be in time order.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}.")
    if offset is not None and family != "poisson":
        raise ValueError("offset is only for family='poisson'.")
    if harmonics and month is None:
        raise ValueError("harmonics > 0 needs the calendar-month column (month=...).")
    used = [y, time, post] + ([month] if harmonics else [])
    data = df[used].copy()
    if offset is not None:
        data["_offset"] = np.asarray(offset, dtype=float)
    data = data.dropna()
    if not data[time].is_monotonic_increasing:
        raise ValueError(f"Rows must be sorted by {time!r}.")
    X = _design(data, time, post, month, int(harmonics), slope_change)
    n, k = X.shape
    if n - k < 1:
        raise ValueError(f"Too few observations ({n}) for {k} parameters.")
    yv = data[y].to_numpy(dtype=float)
    Xcf = _counterfactual_design(X)
    if family == "gaussian":
        return _fit_gaussian(X, Xcf, yv, data.index, hac_lags, int(harmonics))
    off = data["_offset"].to_numpy() if offset is not None else None
    return _fit_poisson(X, Xcf, yv, off, data.index, int(harmonics))


def _fit_gaussian(X, Xcf, yv, index, hac_lags, harmonics):
    import statsmodels.api as sm  # tests only: see the module docstring

    n, k = X.shape
    lags = default_hac_lags(n) if hac_lags is None else int(hac_lags)
    if not 0 <= lags < n:
        raise ValueError(f"hac_lags must be between 0 and {n - 1}.")
    res = sm.OLS(yv, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    names = ["level"] + (["slope"] if "slope" in X else [])
    combos = np.array([[1.0 if c == name else 0.0 for c in X.columns] for name in names])
    null = fixed_b.null_abs_t(X.to_numpy(), combos, lags)
    crit = fixed_b.critical_values(null)
    t_obs = np.array([abs(res.params[name] / res.bse[name]) for name in names])
    pvals = fixed_b.p_values(null, t_obs)
    effects = {}
    for i, name in enumerate(names):
        b, se = float(res.params[name]), float(res.bse[name])
        effects[name] = Estimate(b, float(b - crit[i] * se), float(b + crit[i] * se), float(pvals[i]), se)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=X.columns, columns=X.columns)
    cf_matrix = Xcf.to_numpy()
    cf = cf_matrix @ res.params.to_numpy()
    cf_se = np.sqrt(np.einsum("ij,jk,ik->i", cf_matrix, cov.to_numpy(), cf_matrix))
    # The band is a chart aid: it reuses the level's multiplier rather than simulating every month.
    band_crit = float(crit[0])
    predictions = pd.DataFrame({"fitted": np.asarray(res.fittedvalues), "counterfactual": cf,
                                "cf_low": cf - band_crit * cf_se, "cf_high": cf + band_crit * cf_se},
                               index=index)
    return SegmentedRegression("gaussian", effects["level"], effects.get("slope"), n, None, lags,
                               harmonics, tuple(X.columns), res.params, cov, predictions,
                               float(crit[0]), "fixed-b", res)


def _exp(x: float) -> float:
    """exp that gives inf (never OverflowError) on a diverged fit, e.g. no event after deployment."""
    return math.exp(x) if x < 709.0 else math.inf


def _fit_poisson(X, Xcf, yv, off, index, harmonics):
    if (yv < 0).any():
        raise ValueError("Counts must be non-negative for family='poisson'.")
    res = fit_poisson(yv, X.to_numpy(), off, pearson_scale=True)
    params = pd.Series(res.params, index=X.columns)
    bse = pd.Series(res.bse, index=X.columns)
    effects = {}
    for name in ["level"] + (["slope"] if "slope" in X else []):
        b, se = float(params[name]), float(bse[name])
        p = float(2 * special.ndtr(-abs(b / se)))  # 2 · stats.norm.sf(|z|)
        effects[name] = Estimate(_exp(b), _exp(b - Z95 * se), _exp(b + Z95 * se), p, se)
    cov = pd.DataFrame(res.cov, index=X.columns, columns=X.columns)
    cf_matrix = Xcf.to_numpy()
    eta = cf_matrix @ res.params + (off if off is not None else 0.0)
    eta_se = np.sqrt(np.einsum("ij,jk,ik->i", cf_matrix, cov.to_numpy(), cf_matrix))
    with np.errstate(over="ignore"):
        predictions = pd.DataFrame({"fitted": res.mu, "counterfactual": np.exp(eta),
                                    "cf_low": np.exp(eta - Z95 * eta_se), "cf_high": np.exp(eta + Z95 * eta_se)},
                                   index=index)
    return SegmentedRegression("poisson", effects["level"], effects.get("slope"), X.shape[0],
                               res.scale, None, harmonics, tuple(X.columns), params, cov,
                               predictions, Z95, "normal", res)

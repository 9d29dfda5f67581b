"""Staggered difference-in-differences of Callaway & Sant'Anna (2021), without covariates.

Why: parcours are deployed in different months; a two-way fixed-effects regression then compares
late-deployed units with already-deployed ones and is biased when effects differ by cohort or grow
with time. This estimator only ever compares a cohort with units not (yet) treated.

What it computes, following R's ``did`` (``att_gt`` then ``aggte``, unconditional, panel data):

- ATT(g,t) for every cohort g (first treated period) and every period t but the first, as a 2×2
  difference of mean changes between cohort g and the control group. Base period "varying" (R's
  default): for t ≥ g the base is the last period before g; for t < g (placebo) the base is the period
  just before t. Controls: "nevertreated" = units never treated; "notyettreated" (R's
  control_group="notyettreated") = never treated plus units first treated after t, cohort g excluded.
- Influence functions: for a 2×2 DID of means, ψ_i = n·(ΔY_i − m₁)/n₁ for the cohort,
  −n·(ΔY_i − m₀)/n₀ for the controls, 0 otherwise; se = √(Σψ²)/n (R's ``getSE`` without bootstrap).
  With an intercept only, the doubly-robust estimator R uses by default reduces exactly to this.
- Aggregations as ``aggte``: "simple" (post cells weighted by cohort share), "group" (mean of each
  cohort's post cells, then cohort-share weights), "dynamic" (event time e = t − g, cohort-share
  weights; e < 0 are placebos; the overall figure is the plain mean over e ≥ 0), each with the
  influence-function term for estimated weights. For the overall "group" figure the weight term uses
  the cohort list, as fixed in did PR #223 (2025).
- Intervals: pointwise normal 95% (est ± 1.959964·se); no bootstrap, no uniform band. A standard error
  below √eps·10 (rounding noise, e.g. an exactly deterministic cell) is reported as missing, as R does.
- Checked against R did 2.5.1 to 1e-12: att_gt with both control groups, aggte simple/group/dynamic
  with never-treated controls (tests/impact/test_did.py).

Data rules (as R's pre-processing): rows without outcome are ignored; cohort 0 or missing = never
treated; cohorts after the last period count as never treated; units treated in or before the first
period are dropped. Without any never-treated unit: "nevertreated" is an error; "notyettreated" keeps
only periods before the last cohort and uses that cohort as the control group. Missing cells: a unit
enters a 2×2 comparison only if both its periods are observed; n stays the number of units, so the
influence function is scaled as in R for the units used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from indicateurs.impact.estimate import Estimate
from indicateurs.mois import to_month

CONTROLS = ("notyettreated", "nevertreated")
Z95 = float(special.ndtri(0.975))  # stats.norm.ppf, without importing scipy.stats (seconds)
ZERO_SE = math.sqrt(np.finfo(float).eps) * 10


@dataclass(frozen=True)
class StaggeredDID:
    """Result of ``staggered_did``.

    att: overall ATT (aggte type "simple"), an Estimate with se. group_time: one row per (g, t) with
    columns group, time, base_time, e, post, estimate, se, low, high, p_value, n_treated, n_control,
    n. by_cohort: group, estimate, se, low, high, p_value, n (units in the cohort), n_periods.
    event_study: e, estimate, se, low, high, p_value, n (treated unit-cells), n_cohorts. overall:
    the three summary figures (rows "simple", "group", "dynamic"). ``n_units`` counts the units kept;
    ``notes`` says what was dropped or recoded.
    """

    att: Estimate
    group_time: pd.DataFrame
    by_cohort: pd.DataFrame
    event_study: pd.DataFrame
    overall: pd.DataFrame
    control: str
    n_units: int
    notes: tuple[str, ...] = field(default=())
    pretrend: "PreTrend | None" = None


@dataclass(frozen=True)
class PreTrend:
    """Joint Wald test that every pre-deployment (placebo) group-time effect is 0: chi² statistic, its
    degrees of freedom (rank of their covariance) and p-value. A small p says the cohorts and their
    controls were already drifting apart before deployment: the average effect is then fragile."""

    statistic: float
    df: int
    p_value: float


PRETREND_LEADS = 6


def pretrend_test(event_study: pd.DataFrame, influence: np.ndarray, n: int) -> PreTrend | None:
    """Joint test of the event-study placebos of the last ``PRETREND_LEADS`` periods before deployment
    (their covariance is ψ'ψ / n² from the influence functions). Few leads, not every placebo cell: with
    a few dozen parcours, a covariance of dozens of cells is too poorly estimated for a Wald test."""
    e = event_study["e"].to_numpy(dtype=float)
    est = event_study["estimate"].to_numpy(dtype=float)
    pre = np.flatnonzero((e < 0) & (e >= -PRETREND_LEADS) & np.isfinite(est))
    if len(pre) == 0:
        return None
    theta = est[pre]
    psi = influence[:, pre]
    cov = psi.T @ psi / n**2
    values, vectors = np.linalg.eigh(cov)
    keep = values > max(values.max(), 0) * 1e-10
    if not keep.any():
        return None
    projected = vectors[:, keep].T @ theta
    statistic = float(np.sum(projected**2 / values[keep]))
    dof = int(keep.sum())
    return PreTrend(statistic, dof, float(special.chdtrc(dof, statistic)))


class _Clock:
    """Maps the time and cohort columns to numbers and back.

    Numeric time columns are used as they are; anything else (monthly Periods, dates, Timestamps,
    "YYYY-MM" strings) is read as months and mapped to Period ordinals, then given back as Periods.
    In a cohort column, missing values and 0 mean never treated.
    """

    def __init__(self, series: pd.Series):
        dtype = series.dtype
        self.numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        self.integers = pd.api.types.is_integer_dtype(series.dtype)

    def encode(self, series: pd.Series) -> np.ndarray:
        if self.numeric:
            return pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
        return np.array([math.nan if (pd.isna(v) or (isinstance(v, (int, float)) and v == 0))
                         else float(to_month(v).ordinal) for v in series], dtype=float)

    def decode(self, values):
        if not self.numeric:
            return [pd.Period(ordinal=int(v), freq="M") for v in values]
        if self.integers:
            return [int(v) for v in values]
        return list(values)


def _inference(estimate: float, influence: np.ndarray | None, n: int) -> tuple[float, float, float, float]:
    if influence is None or not math.isfinite(estimate):
        return math.nan, math.nan, math.nan, math.nan
    se = float(math.sqrt(np.sum(influence**2)) / n)
    if se <= ZERO_SE:  # R's did: a standard error at rounding-noise level is reported as missing
        return math.nan, math.nan, math.nan, math.nan
    p = math.erfc(abs(estimate / se) / math.sqrt(2))  # 2·(1 − Φ(|z|)), without scipy's per-call overhead
    return se, estimate - Z95 * se, estimate + Z95 * se, p


def _group_time(Yw: np.ndarray, G: np.ndarray, tlist: np.ndarray, glist: np.ndarray, control: str):
    """Every 2×2 comparison (cohort g, period t) at once per cohort: the columns of the group-time cells
    (in the order g, then t) and their influence functions (n units × cells). Same sums as R's ``att_gt``
    without covariates, vectorised over the periods because the refresh runs it for every indicator."""
    n = Yw.shape[0]
    periods = np.arange(1, len(tlist))
    current = tlist[periods]
    frames, influences = [], []
    for g in glist:
        treated = G == g
        base_pre = np.flatnonzero(tlist < g)[-1]
        post = g <= current
        base = np.where(post, base_pre, periods - 1)
        if control == "nevertreated":
            controls = np.repeat(np.isinf(G)[:, None], len(periods), axis=1)
        else:
            controls = np.isinf(G)[:, None] | ((G[:, None] > current[None, :]) & (G != g)[:, None])
        dy = Yw[:, periods] - Yw[:, base]
        ok = np.isfinite(dy)
        d1, d0 = treated[:, None] & ok, controls & ok
        n1, n0 = d1.sum(axis=0), d0.sum(axis=0)
        estimable = (n1 > 0) & (n0 > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            m1 = np.where(d1, dy, 0.0).sum(axis=0) / n1
            m0 = np.where(d0, dy, 0.0).sum(axis=0) / n0
            influence = (np.where(d1, n * (dy - m1) / n1, 0.0) - np.where(d0, n * (dy - m0) / n0, 0.0))
        influence[:, ~estimable] = 0.0
        frames.append((np.full(len(periods), g), current, tlist[base], current - g, post,
                       np.where(estimable, m1 - m0, math.nan), n1, n0, n1 + n0))
        influences.append(influence)
    columns = ("group", "time", "base_time", "e", "post", "estimate", "n_treated", "n_control", "n")
    table = {name: np.concatenate([f[i] for f in frames]) for i, name in enumerate(columns)}
    return table, np.concatenate(influences, axis=1)


def _cell_inference(estimate: np.ndarray, influence: np.ndarray, n: int):
    """``_inference`` for many cells at once (columns of ``influence``)."""
    from scipy.special import erfc

    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(np.sum(influence**2, axis=0)) / n
        usable = np.isfinite(estimate) & (se > ZERO_SE)
        se = np.where(usable, se, math.nan)
        p = np.where(usable, erfc(np.abs(estimate / se) / math.sqrt(2)), math.nan)
    return se, estimate - Z95 * se, estimate + Z95 * se, p


def _weights_influence(cells: np.ndarray, pg: np.ndarray, G: np.ndarray, cell_group: np.ndarray) -> np.ndarray:
    """R's ``wif``: influence of estimating the cohort-share weights, n × len(cells)."""
    share = pg[cells]
    total = share.sum()
    indicators = (G[:, None] == cell_group[cells][None, :]).astype(float) - share[None, :]
    return indicators / total - np.outer(indicators.sum(axis=1), share / total**2)


def _aggregate(att: np.ndarray, inf: np.ndarray, cells: np.ndarray, weights: np.ndarray,
               wif: np.ndarray | None) -> tuple[float, np.ndarray]:
    estimate = float(np.dot(weights, att[cells]))
    influence = inf[:, cells] @ weights
    if wif is not None:
        influence = influence + wif @ att[cells]
    return estimate, influence


def _prepare(df, y, unit, time, cohort, control):
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}.")
    clock = _Clock(df[time])
    data = pd.DataFrame({"unit": df[unit].to_numpy(), "time": clock.encode(df[time]),
                         "y": pd.to_numeric(df[y]).to_numpy(dtype=float),
                         "cohort": clock.encode(df[cohort])})
    if data["time"].isna().any():
        raise ValueError(f"Column {time!r} has missing values.")
    data = data[data["y"].notna()]
    # The wide panel (units × periods, both sorted) with numpy rather than pivot: same cells, less cost.
    units, unit_row = np.unique(data["unit"].to_numpy(), return_inverse=True)
    tlist, time_col = np.unique(data["time"].to_numpy(dtype=float), return_inverse=True)
    if len(np.unique(unit_row * len(tlist) + time_col)) != len(data):
        raise ValueError("A unit appears twice in the same period.")
    cohorts = data["cohort"].fillna(0).to_numpy(dtype=float)
    low, high = np.full(len(units), np.inf), np.full(len(units), -np.inf)
    np.minimum.at(low, unit_row, cohorts)
    np.maximum.at(high, unit_row, cohorts)
    if (low != high).any():
        raise ValueError(f"Column {cohort!r} must be constant within each unit.")
    Y = np.full((len(units), len(tlist)), np.nan)
    Y[unit_row, time_col] = data["y"].to_numpy(dtype=float)
    Y, G, tlist, notes = _recode(Y, low, tlist, control)
    return Y, G, tlist, clock, notes


def _recode(Y: np.ndarray, G: np.ndarray, tlist: np.ndarray, control: str):
    """R's pre-processing of the wide panel: cohort 0 (or after the last period) is never treated, units
    treated at the first period are dropped, and without never-treated units the last cohort is the
    control group. Returns Y, G (inf = never treated), the periods kept and the notes saying so."""
    notes = []
    never = G == 0
    G = np.where(never | (G > tlist[-1]), np.inf, G)
    early = np.isfinite(G) & (G <= tlist[0])
    if early.any():
        notes.append(f"{int(early.sum())} unité(s) déjà traitée(s) à la première période, écartée(s).")
        Y, G = Y[~early], G[~early]
    if not np.isinf(G).any():
        if control == "nevertreated":
            raise ValueError("No never-treated unit: use control='notyettreated'.")
        last = G.max()
        keep_t = tlist < last
        Y, tlist = Y[:, keep_t], tlist[keep_t]
        G = np.where(G == last, np.inf, G)
        notes.append("Aucune unité jamais traitée : la dernière cohorte sert de témoin, "
                     "périodes à partir de son déploiement écartées.")
    return Y, G, tlist, notes


def staggered_did(df, y, unit, time, cohort, *, control="notyettreated"):
    """Callaway & Sant'Anna group-time ATTs and their simple, by-cohort and event-study aggregations.

    Why: the deployment is staggered across parcours; this gives the average effect of deployment
    (and how it evolves with time since deployment) without the bias of two-way fixed effects.
    ``df`` is a long panel (one row per unit × period); ``cohort`` is the first treated period on the
    same scale as ``time`` (numbers, or monthly Periods / month-start Timestamps), 0 or missing for
    never treated. See the module docstring for the exact rules.
    """
    Yw, G, tlist, clock, notes = _prepare(df, y, unit, time, cohort, control)
    return _estimate(Yw, G, tlist, clock, notes, control)


def staggered_did_panel(Y: np.ndarray, cohorts: np.ndarray, times: np.ndarray, *,
                        control: str = "notyettreated") -> StaggeredDID:
    """``staggered_did`` on a wide panel already built: ``Y`` units × periods (NaN where unobserved; the
    rows in the order the long form's sorted unit labels would give), ``cohorts`` each unit's first
    treated period (0 or NaN: never treated) on the scale of ``times`` (sorted numbers, each observed
    for some unit). Why: the refresh builds the panels of every indicator from arrays, without a long
    data frame per indicator; the result is the same as ``staggered_did`` on the long form."""
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}.")
    G = np.nan_to_num(np.asarray(cohorts, dtype=float), nan=0.0)
    Yw, G, tlist, notes = _recode(np.asarray(Y, dtype=float), G, np.asarray(times, dtype=float), control)
    return _estimate(Yw, G, tlist, _Clock(pd.Series(tlist)), notes, control)


def _estimate(Yw, G, tlist, clock, notes, control) -> StaggeredDID:
    """The estimation proper, on the recoded wide panel (see ``staggered_did``)."""
    n = Yw.shape[0]
    glist = np.unique(G[np.isfinite(G)])
    if len(glist) == 0:
        raise ValueError("No treated cohort inside the observed periods.")
    table, inf = _group_time(Yw, G, tlist, glist, control)
    att = table["estimate"]
    table["se"], table["low"], table["high"], table["p_value"] = _cell_inference(att, inf, n)
    gt = pd.DataFrame({name: table[name] for name in ("group", "time", "base_time", "e", "post", "estimate", "se",
                                                       "low", "high", "p_value", "n_treated", "n_control", "n")})

    share_by_group = {g: float(np.mean(G == g)) for g in glist}
    cell_group = table["group"]
    pg = np.array([share_by_group[g] for g in cell_group])
    finite = np.isfinite(att)
    post_cells = np.flatnonzero(table["post"] & finite)
    if len(post_cells) == 0:
        raise ValueError("No estimable post-deployment cell.")

    # simple
    w = pg[post_cells] / pg[post_cells].sum()
    simple, simple_if = _aggregate(att, inf, post_cells, w, _weights_influence(post_cells, pg, G, cell_group))

    # by cohort
    cohort_rows, cohort_att, cohort_if = [], [], []
    post_groups = cell_group[post_cells]
    for g in glist:
        cells = post_cells[post_groups == g]
        if not len(cells):
            continue
        est, infl = _aggregate(att, inf, cells, np.full(len(cells), 1.0 / len(cells)), None)
        se, low, high, p = _inference(est, infl, n)
        cohort_rows.append({"group": g, "estimate": est, "se": se, "low": low, "high": high, "p_value": p,
                            "n": int(np.sum(G == g)), "n_periods": len(cells)})
        cohort_att.append(est)
        cohort_if.append(infl)
    by_cohort = pd.DataFrame(cohort_rows)
    cohort_att = np.array(cohort_att)
    cohort_if = np.column_stack(cohort_if)
    pgg = by_cohort["group"].map(share_by_group).to_numpy()
    cohort_groups = by_cohort["group"].to_numpy()
    group_overall = float(np.dot(pgg, cohort_att) / pgg.sum())
    group_if = (cohort_if @ (pgg / pgg.sum())
                + _weights_influence(list(range(len(pgg))), pgg, G, cohort_groups) @ cohort_att)

    # event study
    e_all = table["e"]
    n_treated = table["n_treated"]
    es_rows, es_att, es_if = [], [], []
    for e in np.unique(e_all[finite]):
        cells = np.flatnonzero((e_all == e) & finite)
        weights = pg[cells] / pg[cells].sum()
        est, infl = _aggregate(att, inf, cells, weights, _weights_influence(cells, pg, G, cell_group))
        se, low, high, p = _inference(est, infl, n)
        es_rows.append({"e": e, "estimate": est, "se": se, "low": low, "high": high, "p_value": p,
                        "n": int(n_treated[cells].sum()), "n_cohorts": len(cells)})
        es_att.append(est)
        es_if.append(infl)
    event_study = pd.DataFrame(es_rows)
    positive = event_study["e"].to_numpy() >= 0
    es_if = np.column_stack(es_if)
    pretrend = pretrend_test(event_study, es_if, n)
    dynamic = float(np.mean(np.array(es_att)[positive]))
    dynamic_if = es_if[:, positive].mean(axis=1)

    overall_rows = []
    for name, est, infl in (("simple", simple, simple_if), ("group", group_overall, group_if),
                            ("dynamic", dynamic, dynamic_if)):
        se, low, high, p = _inference(est, infl, n)
        overall_rows.append({"type": name, "estimate": est, "se": se, "low": low, "high": high, "p_value": p})
    overall = pd.DataFrame(overall_rows).set_index("type")
    first = overall_rows[0]  # "simple"
    att_simple = Estimate(float(first["estimate"]), float(first["low"]), float(first["high"]),
                          float(first["p_value"]), float(first["se"]))

    for frame, columns in ((gt, ("group", "time", "base_time")), (by_cohort, ("group",))):
        for column in columns:
            frame[column] = clock.decode(frame[column])
    for frame in (gt, event_study):
        if np.all(np.mod(frame["e"], 1) == 0):
            frame["e"] = frame["e"].astype(int)
    return StaggeredDID(att_simple, gt, by_cohort, event_study, overall, control, n, tuple(notes),
                        pretrend)

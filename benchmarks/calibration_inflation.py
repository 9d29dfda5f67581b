"""Calibrates ``modele.RHO_INFLATION``: how much wider the engine's intervals must be when ρ is estimated.

Run: ``.venv/bin/python benchmarks/calibration_inflation.py`` (about two minutes on one core).

Why: on a few dozen months the restricted likelihood underestimates a strong month-to-month correlation,
so the engine's intervals were too narrow at high ρ: 7.1 % false alarms at ρ = 0.6 (10,000 series of the
issue's kind), above the 6 % the verdicts may cost. The engine now multiplies its standard errors by
1 + a·max(ρ̂, 0)·(25/df)^p (ρ̂: the REML maximum, df: the residual degrees of freedom): no change when the
series shows no correlation, more for short series, which estimate ρ worst (df below 12 counts as 12).

This script draws its own series (seeded, distinct from the benchmark's and the demo's generators) of the
kind the issue names: 24 to 48 months, 10 % missing, deployment with 12 months before and 6 after, a
seasonality of two harmonics that the model of a short series only partly fits, AR(1) noise with ρ uniform
on [0, 0.8]. For each exponent p it finds the smallest a such that
- false alarms stay ≤ 5.5 % at every true ρ of [0, 0.6] (bins of 0.1, all lengths together: the 6 % the
  verdicts may cost, less a margin for a population that differs a little from this one), and
- ≤ 6 % for every series length too (the same bins, split by degrees of freedom): a verdict is about one
  series, and a short one must not pay for a long one;
then keeps the p with the most power against a change of 2 noise SD. It prints the choice, the false-alarm
rates and the power next to the uncorrected engine. The benchmark (``bench_statistique.py``, other seeds)
then checks the result.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicateurs.impact import modele  # noqa: E402
from indicateurs.impact.serie import harmonics_for, slope_allowed  # noqa: E402
from puissance_essais import Design, pick_best, pick_cautious, t_ratio  # noqa: E402

SEED = 20_261_130  # this script's own
RHO_BINS = np.round(np.arange(0.0, 0.601, 0.1), 2)
DF_BINS = (0, 16, 21, 27, 33, 1000)
EXPONENTS = (0.0, 1.0, 2.0)
POOLED_LIMIT, CELL_LIMIT = 0.055, 0.06
EFFECT_SD = 2.0


def draw_series(rng, per_design: int):
    """One design of the issue's kind and ``per_design`` noise-and-season columns on it, with their ρ."""
    n_months = int(rng.integers(24, 49))
    deployment = int(rng.integers(12, n_months - 5))
    keep = rng.random(n_months) > 0.10
    keep[deployment - 1] = keep[deployment] = True
    t = np.arange(n_months, dtype=float)
    month = (np.arange(n_months) + int(rng.integers(0, 12))) % 12 + 1
    post = (t >= deployment).astype(float)
    t, post, month = t[keep], post[keep], month[keep]
    rhos = rng.uniform(0.0, 0.8, per_design)
    lag = np.abs(t[:, None] - t[None, :])
    noise = np.column_stack([np.linalg.cholesky(r ** lag) @ rng.standard_normal(len(t)) for r in rhos])
    angle = 2 * np.pi * month[:, None] / 12
    season = rng.uniform(0, 1.5, per_design) * np.sin(angle + rng.uniform(0, 2 * np.pi, per_design)) \
        + rng.uniform(0, 0.6, per_design) * np.sin(2 * angle + rng.uniform(0, 2 * np.pi, per_design))
    return t, post, month, noise + season, rhos


def simulate(n_designs: int, per_design: int = 20, seed: int = SEED) -> dict[str, np.ndarray]:
    """The engine's statistic (cautious ρ, before any inflation) on null series: its estimate, standard
    error, degrees of freedom, REML-best ρ̂ and the true ρ, one row per series."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_designs):
        t, post, month, Y, rhos = draw_series(rng, per_design)
        try:
            design = Design(t, post, month, harmonics_for(t, month), slope_allowed("gaussian", post, Y[:, 0]))
        except (ValueError, np.linalg.LinAlgError):
            continue
        reml, s2, est = design.stats(Y)
        e, se, _ = t_ratio(design, reml, s2, est, pick_cautious(reml, s2, design.v))
        best = design.grid[pick_best(reml)]
        rows.append(np.column_stack([e, se, np.full(len(e), design.df), best, rhos]))
    a = np.vstack(rows)
    return {"estimate": a[:, 0], "se": a[:, 1], "df": a[:, 2], "rho_best": a[:, 3], "rho": a[:, 4]}


def multiplier(rho_best: np.ndarray, df: np.ndarray, a: float, p: float) -> np.ndarray:
    """The engine's rule itself (``modele.inflation``) at a candidate (a, p)."""
    return modele.inflation(rho_best, df, a, p)


class Calibration:
    """Rejection rates of a rule on the simulated series, by cell."""

    def __init__(self, sim: dict[str, np.ndarray]):
        self.sim = sim
        self.quantile = special.stdtrit(sim["df"], 0.975)
        rho_bin = np.digitize(sim["rho"], RHO_BINS) - 1
        df_bin = np.digitize(sim["df"], DF_BINS) - 1
        inside = rho_bin < len(RHO_BINS) - 1
        self.pooled = [inside & (rho_bin == i) for i in range(len(RHO_BINS) - 1)]
        self.cells = [cell & (df_bin == j) for cell in self.pooled for j in range(len(DF_BINS) - 1)]
        self.cells = [cell for cell in self.cells if cell.sum() >= 2000]
        self.power_rows = [np.abs(sim["rho"] - r) < 0.05 for r in (0.0, 0.3, 0.6)]

    def reject(self, m: np.ndarray, shift: float = 0.0) -> np.ndarray:
        return np.abs(self.sim["estimate"] + shift) > m * self.quantile * self.sim["se"]

    def sizes(self, m):
        null = self.reject(m)
        return [float(null[c].mean()) for c in self.pooled], [float(null[c].mean()) for c in self.cells]

    def power(self, m) -> list[float]:
        hit = self.reject(m, EFFECT_SD)
        return [float(hit[r].mean()) for r in self.power_rows]

    def smallest_a(self, p: float) -> float:
        """The smallest a (to 0.01) that meets both limits for exponent p."""
        for a in np.round(np.arange(0.0, 4.0, 0.01), 2):
            pooled, cells = self.sizes(multiplier(self.sim["rho_best"], self.sim["df"], a, p))
            if max(pooled) <= POOLED_LIMIT and max(cells) <= CELL_LIMIT:
                return float(a)
        return math.nan


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=20_000, help="plans de séries simulés (20 séries chacun)")
    args = parser.parse_args(argv)
    started = time.process_time()
    cal = Calibration(simulate(args.plans))
    none = np.ones_like(cal.sim["df"])
    pooled, cells = cal.sizes(none)
    print(f"{len(cal.sim['df'])} séries simulées ; moteur sans correction : fausses alertes par classe de ρ "
          f"{[round(100 * s, 1) for s in pooled]} %, pire classe ρ × longueur {100 * max(cells):.1f} % ; "
          f"puissance à 2 ET (ρ = 0 ; 0,3 ; 0,6) {[round(x, 3) for x in cal.power(none)]}")
    choices = []
    for p in EXPONENTS:
        a = cal.smallest_a(p)
        m = multiplier(cal.sim["rho_best"], cal.sim["df"], a, p)
        pooled, cells = cal.sizes(m)
        power = cal.power(m)
        choices.append((float(np.mean(power)), p, a))
        print(f"p = {p:g} : a = {a:.2f} ; fausses alertes {[round(100 * s, 1) for s in pooled]} %, pire classe "
              f"{100 * max(cells):.1f} % ; puissance {[round(x, 3) for x in power]}")
    _, p, a = max(choices)
    print(f"Retenu : p = {p:g}, a = {a:.2f} ; dans le moteur : p = {modele.RHO_INFLATION_EXPONENT:g}, "
          f"a = {modele.RHO_INFLATION:.2f} ({time.process_time() - started:.0f} s de processeur)")


if __name__ == "__main__":
    main()

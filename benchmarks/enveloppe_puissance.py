"""The most power any test can have when it must estimate the noise: the bound the issue-9 target is judged by.

Run: ``.venv/bin/python benchmarks/enveloppe_puissance.py`` (about an hour of one core: ``--rho R`` for one
true ρ, ``--moyenne-seulement`` for the single-test part) or ``--rapide`` (a few minutes, 20 series).

Why: the target « power at 2 SD ≥ 90 % of the known-noise oracle » compares the engine with a test that is
told σ and ρ. No test on one short series is told them. This script computes, on the very series of
``bench_statistique.py`` (same seeds, same designs, same effects), an upper bound on the power of *every*
test that
- holds its false-positive rate (5 %, or the target's 6 %) at every AR(1) ρ of a stated set, and
- treats trend, season and the shape of the change as unknown, as the engine does: its verdict does not
  move when y is scaled, its sign flipped, or a fitted nuisance added (invariance to y → a·y + X₀b, the
  engine's own design with the headline effect held at 0).

Method (Elliott, Müller & Watson 2015, « Nearly optimal tests when a nuisance parameter is present under
the null hypothesis », Econometrica 83(2)): the data reduce to the direction v = z/‖z‖ of the residuals
z = Q'y off X₀, whose density has a closed form up to a one-dimensional integral. For any weights λ ≥ 0
on the null ρ's, the Neyman–Pearson test φ_λ (reject when f₁(v) > Σ λ_j f₀(v; ρ_j)) gives, for every test
φ of level α at each ρ_j,  power(φ) ≤ power(φ_λ) + Σ λ_j (α − size_j(φ_λ)). The weights are searched
for (the least favourable mixture) on one set of draws; the bound is evaluated on fresh draws, so the
search cannot flatter it. The alternative is the planted change of the bench projected on the engine's
design (so the bound gets no advantage from knowing the ramp's shape) with the true ρ; the oracle is the
bench's own test, a two-sided z-test on the engine's headline weights with σ and ρ known, on that same
projected change (its power computed exactly).

It prints, per true ρ, the oracle's power, the bound for tests valid on [0 ; 0.6] (the bench's range) at
5 % and 6 %, for tests valid only at the three ρ the bench tries (the target read to the letter), and for
a test told the true ρ (σ still unknown: the bench's « ρ connu » line, computed exactly here as a check).
These bounds hold ρ by ρ; one test cannot reach them all. So it also prints the bound on the power of one
test averaged over ρ ∈ {0 ; 0.3 ; 0.6} (alternative: the equal mixture of the three), the power at each ρ of
the Neyman–Pearson test that nearly reaches it, and the engine's power on the same series.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special, stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_statistique import SEED, gaussian_case  # noqa: E402
from indicateurs.impact import modele  # noqa: E402
from indicateurs.impact.serie import harmonics_for, slope_allowed  # noqa: E402

EFFECT_SD = 2.0
RHOS = (0.0, 0.3, 0.6)
WIDE_GRID = tuple(np.round(np.arange(0.0, 0.601, 0.05), 2))
_QUAD = np.linspace(-9.0, 9.0, 73)


# --- the density of the maximal invariant ------------------------------------------------------------

def log_radial_integral(m: int, beta: np.ndarray) -> np.ndarray:
    """log ∫₀^∞ s^(m−1) exp(−s²/2 + β s) ds for each β: the integral left when a gaussian of m dimensions
    is written in polar form (trapezoid on 73 points over ±9 widths around the integrand's mode: the
    integrand is close to a normal curve, on which the trapezoid rule converges geometrically; within
    1e-6 in log for m ≥ 10, and m = n − k + 1 is 13 or more on the bench's series)."""
    beta = np.asarray(beta, dtype=float)
    mode = (beta + np.sqrt(beta * beta + 4.0 * (m - 1))) / 2.0
    width = 1.0 / np.sqrt(1.0 + (m - 1) / (mode * mode))
    s = mode[..., None] + width[..., None] * _QUAD
    positive = s > 0
    safe = np.where(positive, s, 1.0)
    log_f = np.where(positive, (m - 1) * np.log(safe) - safe * safe / 2.0 + beta[..., None] * safe, -np.inf)
    return special.logsumexp(log_f, axis=-1) + np.log(width * (_QUAD[1] - _QUAD[0]))


class Hypothesis:
    """One law of z = Q'y: AR(1) correlation ρ and, for the alternative, a mean ±μ (sign unknown)."""

    def __init__(self, omega: np.ndarray, mu: np.ndarray | None = None):
        self.m = omega.shape[0]
        self.chol = np.linalg.cholesky(omega)
        self.inv = np.linalg.inv(omega)
        self.logdet = 2.0 * float(np.log(np.diag(self.chol)).sum())
        self.mu = mu
        if mu is not None:
            self.w = self.inv @ mu
            self.c = float(mu @ self.w)

    def draw(self, rng, n: int) -> np.ndarray:
        """n directions v = z/‖z‖, z from this law (half of them with −μ)."""
        z = rng.standard_normal((n, self.m)) @ self.chol.T
        if self.mu is not None:
            z += np.where(np.arange(n)[:, None] % 2 == 0, 1.0, -1.0) * self.mu
        return z / np.linalg.norm(z, axis=1, keepdims=True)

    def log_density(self, v: np.ndarray) -> np.ndarray:
        """log density of the direction v on the sphere (a constant shared by all laws left out)."""
        a = ((v @ self.inv) * v).sum(axis=1)
        base = -0.5 * self.logdet - 0.5 * self.m * np.log(a)
        if self.mu is None:
            return base + (self.m / 2.0 - 1.0) * math.log(2.0) + special.gammaln(self.m / 2.0)
        beta = (v @ self.w) / np.sqrt(a)
        both = np.logaddexp(log_radial_integral(self.m, beta), log_radial_integral(self.m, -beta))
        return base - self.c / 2.0 + both - math.log(2.0)


# --- one series: its design, its alternative, its oracle --------------------------------------------------

def ar1_correlation(time: np.ndarray, rho: float) -> np.ndarray:
    return rho ** np.abs(time[:, None] - time[None, :])


class Case:
    """The engine's design for one simulated series, the invariance basis Q and the planted change, with
    the alternative (the change under AR(1) noise at ``rho``) and what the oracle and the engine make of it."""

    def __init__(self, time, post, month, gap, rho: float):
        X, names = modele.design(time, post, month, harmonics_for(time, month),
                                 slope_allowed("gaussian", post, gap))
        self.time, self.post, self.month, self.gap = time, post, month, gap
        self.X, self.names, self.n, self.k = X, names, X.shape[0], X.shape[1]
        c, _ = modele.headline_weights(X, modele.counterfactual_design(X, names), time, post, 0.0)
        row = c @ X  # the headline contrast R: R·β is the headline effect of Xβ, whatever ρ
        null_space = np.linalg.svd(row[None, :])[2][1:].T
        q_full, _ = np.linalg.qr(X @ null_space, mode="complete")
        self.Q = q_full[:, X.shape[1] - 1:]  # one basis for every law of this series
        self.rho = rho
        self.alternative, self.mu, self.noise, self.headline, self.headline_se = self._at(rho)

    def _at(self, rho: float):
        X, sigma = self.X, ar1_correlation(self.time, rho)
        c, _ = modele.headline_weights(X, modele.counterfactual_design(X, self.names), self.time, self.post, rho)
        # the planted change projected on the design (GLS at the true ρ): the bound learns nothing of the
        # ramp's shape that the engine's model could not express. Every test here (oracle, engine, bound)
        # faces this same projected change μ; c·μ is the headline change the oracle's statistic c·y sees.
        s_inv = np.linalg.inv(sigma)
        mu = X @ np.linalg.solve(X.T @ s_inv @ X, X.T @ s_inv @ self.gap)
        alternative = Hypothesis(self.Q.T @ sigma @ self.Q, self.Q.T @ mu)
        return alternative, mu, np.linalg.cholesky(sigma), float(c @ mu), float(math.sqrt(c @ sigma @ c))

    def at(self, rho: float) -> "Case":
        """The same series and basis, the noise (and so the alternative) at another true ρ."""
        other = copy.copy(self)
        other.rho = rho
        other.alternative, other.mu, other.noise, other.headline, other.headline_se = self._at(rho)
        return other

    def engine_power(self, rng, draws: int) -> float:
        """The engine's own rejection rate on the same alternative (simulated, its 5 % two-sided verdict)."""
        hits = 0
        for _ in range(draws):
            y = 10.0 + self.mu + self.noise @ rng.standard_normal(self.n)
            fit = modele.fit_gaussian(y, self.time, self.post, self.month,
                                      harmonics=harmonics_for(self.time, self.month),
                                      slope_change=slope_allowed("gaussian", self.post, y))
            if fit is not None:
                low, high = fit.mean.interval(0.95)
                hits += low > 0 or high < 0
        return hits / draws

    def null(self, rho: float) -> Hypothesis:
        return Hypothesis(self.Q.T @ ar1_correlation(self.time, rho) @ self.Q)

    def oracle_power(self, alpha: float = 0.05) -> float:
        """The bench's oracle: two-sided z-test, σ and ρ known (exact, not simulated)."""
        z, shift = float(stats.norm.ppf(1 - alpha / 2)), self.headline / self.headline_se
        return float(stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift))

    def t_test_power(self, alpha: float) -> float:
        """The best test told ρ but not σ: the two-sided t-test of the GLS estimate (n − k degrees of
        freedom, noncentrality √(μ'Ω⁻¹μ) of the projected change; exact noncentral t): what the bound must
        give when its null set is the true ρ alone. (The engine's headline c·y averages observed, not fitted,
        values after deployment: the same as GLS at ρ = 0, a little less efficient at other ρ.)"""
        df, shift = self.n - self.k, math.sqrt(self.alternative.c)
        q = float(stats.t.ppf(1 - alpha / 2, df))
        return float(stats.nct.sf(q, df, shift) + stats.nct.cdf(-q, df, shift))


class Mixture:
    """Equal parts of several alternatives: the law a test faces when the true ρ may be any of them, so
    that one test is judged on its power averaged over them (a single test cannot reach every pointwise
    bound at once)."""

    def __init__(self, parts: list[Hypothesis]):
        self.parts = parts

    def draw(self, rng, n: int) -> np.ndarray:
        return np.vstack([part.draw(rng, n // len(self.parts)) for part in self.parts])

    def log_density(self, v: np.ndarray) -> np.ndarray:
        logs = np.vstack([part.log_density(v) for part in self.parts])
        return special.logsumexp(logs, axis=0) - math.log(len(self.parts))


# --- the bound ----------------------------------------------------------------------------------------------

def _ratios(alternative, nulls: list[Hypothesis], v: np.ndarray) -> np.ndarray:
    """f₀(v; ρ_j) / f₁(v) for draws v (one column per null ρ): φ_λ rejects where ratios·λ < 1."""
    log_f1 = alternative.log_density(v)
    log_f0 = np.column_stack([h.log_density(v) for h in nulls])
    return np.exp(np.minimum(log_f0 - log_f1[:, None], 700.0))


def least_favourable_weights(null_ratios: list[np.ndarray], alpha: float, steps: int = 400) -> np.ndarray:
    """Weights λ on the null ρ's such that φ_λ holds size α at each of them (Elliott–Müller–Watson's
    iteration: raise the weight of a ρ whose size is over α, lower it otherwise), on the search draws."""
    log_weights = np.zeros(len(null_ratios))
    for i in range(steps):
        weights = np.exp(log_weights)
        sizes = np.array([(r @ weights < 1.0).mean() for r in null_ratios])
        log_weights += 40.0 / (1.0 + i / 40.0) * (sizes - alpha)
    return log_weights


def power_bound(case: Case, null_rhos, alpha: float, rng, draws: int, alternative=None, parts=()):
    """(upper bound on the power of every invariant level-α test at the ρ's of ``null_rhos`` against
    ``alternative`` (default: the case's), power of the Neyman–Pearson test at the least favourable
    weights, and its power against each of ``parts``), all from fresh draws."""
    alternative = alternative or case.alternative
    nulls = [case.null(r) for r in null_rhos]
    weights = np.exp(least_favourable_weights([_ratios(alternative, nulls, h.draw(rng, draws)) for h in nulls],
                                              alpha))

    def rejected(law):
        return float((_ratios(alternative, nulls, law.draw(rng, draws)) @ weights < 1.0).mean())

    sizes = np.array([rejected(h) for h in nulls])
    power = rejected(alternative)
    bound = power + float(weights @ (alpha - sizes))
    return (bound, power, [rejected(part) for part in parts]) if parts else (bound, power)


def cases(rho: float, count: int, seed: int = SEED) -> list[Case]:
    """The first ``count`` series of the bench's 2-SD cell at ``rho`` (same seeds: the same designs)."""
    rng = np.random.default_rng([seed, int(rho * 10), int(EFFECT_SD)])
    out = []
    for _ in range(count):
        twin = copy.deepcopy(rng)
        time_, post, month, y_effect, _ = gaussian_case(rng, rho, EFFECT_SD)
        *_, y_flat, _ = gaussian_case(twin, rho, 0.0)
        out.append(Case(time_, post, month, y_effect - y_flat, rho))
    return out


def run(count: int, draws: int, rhos=RHOS, seed: int = 20261201) -> dict:
    rules = {
        "ρ connu (contrôle)": lambda rho: [rho],
        "ρ ∈ {0 ; 0,3 ; 0,6}": lambda rho: list(RHOS),
        "ρ ∈ [0 ; 0,6]": lambda rho: list(WIDE_GRID),
    }
    out = {}
    for rho in rhos:
        rng = np.random.default_rng([seed, int(rho * 10)])
        chosen = cases(rho, count)
        oracle = np.array([c.oracle_power() for c in chosen])
        row = {"oracle": float(oracle.mean()),
               "moteur": float(np.mean([c.engine_power(rng, draws // 10) for c in chosen])),
               "t exact 5 %": float(np.mean([c.t_test_power(0.05) for c in chosen])),
               "t exact 6 %": float(np.mean([c.t_test_power(0.06) for c in chosen]))}
        for alpha in (0.05, 0.06):
            for name, nulls in rules.items():
                bounds = np.array([power_bound(c, nulls(rho), alpha, rng, draws) for c in chosen])
                ratio = bounds[:, 0].mean() / oracle.mean()
                row[f"{name} à {alpha:.0%}"] = {
                    "borne": float(bounds[:, 0].mean()), "part": float(ratio),
                    # delta method over the series (bound and oracle move together from one series to
                    # the next): the error of the ratio, not of the bound alone
                    "erreur type": float((bounds[:, 0] - ratio * oracle).std(ddof=1)
                                                    / math.sqrt(len(bounds)) / oracle.mean()),
                    "test NP": float(bounds[:, 1].mean())}
        out[rho] = row
    return out


def run_average(count: int, draws: int, seed: int = 20261201) -> dict:
    """One test for every ρ: the bound on power averaged over ρ ∈ {0 ; 0,3 ; 0,6} (each test must hold its
    rate on [0 ; 0,6]), the power at each ρ of the Neyman–Pearson test that nearly reaches it, the
    oracle's and the engine's, on the same series (the designs of the bench's ρ = 0 cell)."""
    rng = np.random.default_rng([seed, 99])
    out = {"oracle": np.zeros(len(RHOS)), "moteur": np.zeros(len(RHOS))}
    for alpha in (0.05, 0.06):
        out[alpha] = {"borne": 0.0, "test NP": np.zeros(len(RHOS))}
    chosen = cases(0.0, count)
    for case in chosen:
        at = [case.at(r) for r in RHOS]
        out["oracle"] += [c.oracle_power() for c in at]
        out["moteur"] += [c.engine_power(rng, draws // 10) for c in at]
        parts = [c.alternative for c in at]
        for alpha in (0.05, 0.06):
            bound, _, each = power_bound(case, list(WIDE_GRID), alpha, rng, draws, Mixture(parts), parts)
            out[alpha]["borne"] += bound
            out[alpha]["test NP"] += each
    for key in ("oracle", "moteur"):
        out[key] = (out[key] / count).tolist()
    for alpha in (0.05, 0.06):
        out[alpha] = {"borne": out[alpha]["borne"] / count, "test NP": (out[alpha]["test NP"] / count).tolist()}
    return out


def print_average(out: dict) -> None:
    oracle = np.array(out["oracle"])
    engine = np.array(out["moteur"])
    print("\nUn seul test pour tous les ρ : puissance moyenne sur ρ = 0 ; 0,3 ; 0,6 (rapportée à celle de l'oracle)")
    print(f"  oracle {[round(100 * float(x), 1) for x in oracle]} % ; moteur "
          f"{[round(float(x), 2) for x in engine / oracle]}"
          f" de l'oracle, moyenne {engine.mean() / oracle.mean():.2f}")
    for alpha in (0.05, 0.06):
        cell = out[alpha]
        np_test = np.array(cell["test NP"])
        print(f"  à {alpha:.0%} sur [0 ; 0,6] : borne de la moyenne {cell['borne'] / oracle.mean():.2f} de l'oracle ;"
              f" test NP qui l'atteint presque {[round(float(x), 2) for x in np_test / oracle]} ; moteur / borne "
              f"{engine.mean() / cell['borne']:.2f}")


def print_table(out: dict) -> None:
    print("Puissance à 2 ET : borne de tout test invariant qui tient son taux de faux positifs, rapportée à")
    print("l'oracle (σ et ρ connus). Borne = puissance maximale ; « test NP » = test qui l'atteint presque.")
    for rho, row in out.items():
        oracle = row["oracle"]
        print(f"\nρ = {rho:.1f} : oracle {100 * oracle:.1f} % ; moteur {100 * row['moteur']:.1f} % = "
              f"{row['moteur'] / oracle:.2f} de l'oracle ; t exact, ρ connu : "
              f"{row['t exact 5 %'] / oracle:.2f} (5 %), {row['t exact 6 %'] / oracle:.2f} (6 %)")
        for key, cell in row.items():
            if isinstance(cell, dict):
                print(f"  {key:<28} borne {100 * cell['borne']:5.1f} % = {cell['part']:.2f} "
                      f"± {cell['erreur type']:.2f} de l'oracle ; test NP {cell['test NP'] / oracle:.2f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=150, help="séries par ρ (défaut 150)")
    parser.add_argument("--tirages", type=int, default=3000, help="tirages par loi et par série")
    parser.add_argument("--rho", type=float, action="append", help="un ρ vrai seulement (répétable)")
    parser.add_argument("--rapide", action="store_true", help="20 séries, 1 500 tirages")
    parser.add_argument("--moyenne-seulement", action="store_true", help="seulement la puissance moyenne sur ρ")
    parser.add_argument("--json", type=Path, help="écrit les chiffres dans ce fichier")
    args = parser.parse_args(argv)
    count, draws = (20, 1500) if args.rapide else (args.series, args.tirages)
    start = time.process_time()
    out = {}
    if not args.moyenne_seulement:
        out = run(count, draws, tuple(args.rho) if args.rho else RHOS)
        print_table(out)
    if not args.rho:
        out["moyenne"] = run_average(count, draws)
        print_average(out["moyenne"])
    print(f"\n{count} séries par ρ, {draws} tirages par loi ; {time.process_time() - start:.0f} s de processeur")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()

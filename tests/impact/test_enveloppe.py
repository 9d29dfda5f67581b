"""The power bound of benchmarks/enveloppe_puissance.py, checked against what theory gives exactly.

The README and the Méthodologie page say the issue's « 90 % of the oracle » is out of reach for any test on
one series; that claim rests on this bound, so the bound's parts are checked against independent
computations: numerical quadrature for the radial integral, and the exact noncentral-t power of the best
test when ρ is known."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special

from benchmarks import enveloppe_puissance as enveloppe


@pytest.mark.parametrize("m", [10, 25, 45])  # m = n − k + 1: 13 to 45 on the bench's series
@pytest.mark.parametrize("beta", [-4.0, 0.0, 2.5, 7.0])
def test_radial_integral_matches_quadrature(m, beta):
    exact, _ = integrate.quad(lambda s: s ** (m - 1) * math.exp(-s * s / 2 + beta * s), 0, np.inf,
                              epsabs=0, epsrel=1e-12)
    assert enveloppe.log_radial_integral(m, np.array([beta]))[0] == pytest.approx(math.log(exact), abs=1e-6)


def test_null_density_uses_the_closed_form_of_the_same_integral():
    m = 17
    closed = (m / 2 - 1) * math.log(2) + special.gammaln(m / 2)
    assert enveloppe.log_radial_integral(m, np.zeros(1))[0] == pytest.approx(closed, abs=1e-9)


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_with_rho_known_the_bound_is_the_exact_power_of_the_t_test(rho):
    """Told ρ, the best invariant test is the two-sided t-test of the GLS estimate on n − k degrees of
    freedom (its power is a noncentral t, no simulation): the simulated bound must land on it."""
    rng = np.random.default_rng(11)
    # series where the check bites: neither a sure miss nor a sure hit
    chosen = [case for case in enveloppe.cases(rho, 12) if 0.15 < case.t_test_power(0.05) < 0.9][:3]
    assert len(chosen) == 3
    for case in chosen:
        bound, power = enveloppe.power_bound(case, [rho], 0.05, rng, 20_000)
        exact = case.t_test_power(0.05)
        assert bound == pytest.approx(exact, abs=0.02)
        assert power == pytest.approx(exact, abs=0.02)


def test_least_favourable_test_holds_its_size_at_every_null_rho_and_costs_power():
    """Not told ρ, the Neyman–Pearson test at the least favourable weights keeps 5 % at every ρ of the set
    on fresh draws, and its bound sits below the known-ρ one: not knowing ρ has a price."""
    rng = np.random.default_rng(12)
    case = enveloppe.cases(0.0, 2)[1]
    nulls = [case.null(r) for r in (0.0, 0.3, 0.6)]
    draws = 8000
    weights = np.exp(enveloppe.least_favourable_weights(
        [enveloppe._ratios(case.alternative, nulls, h.draw(rng, draws)) for h in nulls], 0.05))
    sizes = [(enveloppe._ratios(case.alternative, nulls, h.draw(rng, draws)) @ weights < 1.0).mean() for h in nulls]
    assert max(sizes) <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / draws)
    unknown, _ = enveloppe.power_bound(case, [0.0, 0.3, 0.6], 0.05, rng, draws)
    known, _ = enveloppe.power_bound(case, [0.0], 0.05, rng, draws)
    assert unknown < known - 0.02


def test_densities_are_right_up_to_one_shared_constant():
    """The bound is only valid if every density is exact up to the same constant: then any likelihood ratio
    has mean 1 under the law of its denominator (a wrong determinant or radial term breaks it)."""
    rng = np.random.default_rng(13)
    case = enveloppe.cases(0.3, 1)[0]
    near, far = case.null(0.3), case.null(0.45)
    for numerator, denominator in ((far, near), (near, far), (near, case.alternative), (case.alternative, near)):
        v = denominator.draw(rng, 50_000)
        ratio = np.exp(numerator.log_density(v) - denominator.log_density(v))
        standard_error = ratio.std() / math.sqrt(len(ratio))
        assert standard_error < 0.02
        assert abs(ratio.mean() - 1.0) < 4 * standard_error + 1e-3

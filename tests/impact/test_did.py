"""Staggered DID (Callaway & Sant'Anna) on simulated panels with known group-time effects."""

import numpy as np
import pandas as pd
import pytest

from indicateurs.impact.did import staggered_did


def true_effect(g, t, cohort_effect, growth):
    """Known ATT(g,t): a cohort-specific jump plus a growth per period since deployment."""
    return 0.0 if (g == 0 or t < g) else cohort_effect[g] + growth * (t - g)


def simulate(seed, n_units, n_periods, probabilities, cohort_effect, growth, noise=1.0, missing=0.0):
    """Panel y_it = unit effect + common period effect + true effect + noise; cohorts drawn at random."""
    rng = np.random.default_rng(seed)
    G = rng.choice(list(probabilities), size=n_units, p=list(probabilities.values()))
    alpha = rng.normal(0, 2, n_units)
    period_effect = np.cumsum(rng.normal(0.3, 0.5, n_periods))
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(1, n_periods + 1), n_units)
    g = G[unit]
    effect = np.array([true_effect(gi, ti, cohort_effect, growth) for gi, ti in zip(g, t)])
    y = alpha[unit] + period_effect[t - 1] + effect + rng.normal(0, noise, len(unit))
    df = pd.DataFrame({"id": unit, "t": t, "y": y, "g": g})
    if missing:
        df = df[rng.random(len(df)) >= missing].reset_index(drop=True)
    return df


HETERO = dict(probabilities={0: 0.3, 3: 0.25, 5: 0.25, 7: 0.2}, cohort_effect={3: 1.0, 5: 2.0, 7: 3.0},
              growth=0.5)


def brute_force_att(df, g, t, control):
    """ATT(g,t) as a plain 2×2 difference of mean changes, written independently from the module."""
    periods = sorted(df["t"].unique())
    base = max(p for p in periods if p < g) if t >= g else periods[periods.index(t) - 1]
    wide = df.pivot(index="id", columns="t", values="y")
    change = (wide[t] - wide[base]).dropna()
    cohort = df.groupby("id")["g"].first().loc[change.index]
    treated = change[cohort == g]
    if control == "nevertreated":
        controls = change[cohort == 0]
    else:
        controls = change[(cohort == 0) | ((cohort > t) & (cohort != g))]
    return treated.mean() - controls.mean()


@pytest.mark.parametrize("control", ["notyettreated", "nevertreated"])
def test_group_time_estimates_equal_plain_two_by_two_comparisons(control):
    df = simulate(7, 120, 8, missing=0.03, **HETERO)
    res = staggered_did(df, "y", "id", "t", "g", control=control)
    for row in res.group_time.itertuples():
        assert row.estimate == pytest.approx(brute_force_att(df, row.group, row.time, control), abs=1e-10)


def twfe_estimate(df):
    """Two-way fixed-effects coefficient of the treatment dummy (balanced panel, within transformation)."""
    d = (df["g"] > 0) & (df["t"] >= df["g"])
    def within(v):
        v = pd.Series(v, index=df.index, dtype=float)
        return v - v.groupby(df["id"]).transform("mean") - v.groupby(df["t"]).transform("mean") + v.mean()
    yd, dd = within(df["y"]), within(d)
    return float((yd * dd).sum() / (dd * dd).sum())


def truth_simple(df, probabilities, cohort_effect, growth):
    """aggte "simple" target: post cells weighted by cohort share (the sample shares here)."""
    shares = df.groupby("id")["g"].first().value_counts(normalize=True)
    periods = sorted(df["t"].unique())
    cells = [(g, t) for g in probabilities if g for t in periods[1:] if t >= g]
    weights = np.array([shares[g] for g, _ in cells])
    effects = np.array([true_effect(g, t, cohort_effect, growth) for g, t in cells])
    return float(weights @ effects / weights.sum())


def test_heterogeneous_dynamic_effects_are_recovered_where_twfe_is_biased():
    df = simulate(11, 3000, 8, **HETERO)
    res = staggered_did(df, "y", "id", "t", "g")
    for row in res.group_time.itertuples():
        truth = true_effect(row.group, row.time, HETERO["cohort_effect"], HETERO["growth"])
        if row.post:
            assert abs(row.estimate - truth) < 4 * row.se, row
        else:
            assert abs(row.estimate) < 4 * row.se, row  # placebo: the change between t−1 and t
    target = truth_simple(df, **HETERO)
    assert abs(res.att.estimate - target) < 4 * res.att.se
    for row in res.by_cohort.itertuples():
        periods_after = range(row.group, 9)
        truth = np.mean([true_effect(row.group, t, HETERO["cohort_effect"], HETERO["growth"])
                         for t in periods_after])
        assert abs(row.estimate - truth) < 4 * row.se
    twfe = twfe_estimate(df)
    # the TWFE coefficient misses the same target (by about −0.26 over seeds, sd 0.03)
    assert twfe < target - 0.15
    assert abs(twfe - target) > 4 * res.att.se


def test_event_study_recovers_dynamics_and_placebos_are_zero():
    df = simulate(12, 3000, 8, **HETERO)
    res = staggered_did(df, "y", "id", "t", "g")
    shares = df.groupby("id")["g"].first().value_counts(normalize=True)
    es = res.event_study.set_index("e")
    for e, row in es.iterrows():
        if e < 0:
            assert abs(row["estimate"]) < 4 * row["se"]
            continue
        cohorts = [g for g in (3, 5, 7) if g + e <= 8]
        w = np.array([shares[g] for g in cohorts])
        truth = w @ np.array([HETERO["cohort_effect"][g] + 0.5 * e for g in cohorts]) / w.sum()
        assert abs(row["estimate"] - truth) < 4 * row["se"], (e, row["estimate"], truth)
    assert list(es.index) == list(range(-5, 6))


def test_zero_effect_panel_gives_placebos_and_effects_near_zero():
    params = dict(probabilities={0: 0.4, 3: 0.3, 5: 0.3}, cohort_effect={3: 0.0, 5: 0.0}, growth=0.0)
    df = simulate(13, 1500, 7, **params)
    res = staggered_did(df, "y", "id", "t", "g")
    es = res.event_study
    assert (es["estimate"].abs() < 4 * es["se"]).all()
    pre = es[es["e"] < 0]
    assert abs(pre["estimate"].mean()) < 0.1
    assert abs(res.att.estimate) < 4 * res.att.se


def test_ci_coverage_over_many_small_panels():
    """200 panels of 200 units: the 95% intervals of the overall ATT and of one cell cover the truth."""
    probabilities = {0: 0.4, 3: 0.3, 4: 0.3}
    cohort_effect, growth = {3: 1.0, 4: 2.0}, 0.5
    # population target of aggte "simple" (T = 5): cells (3,3),(3,4),(3,5),(4,4),(4,5), weights P(G = g)
    cells = [(3, 3), (3, 4), (3, 5), (4, 4), (4, 5)]
    w = np.array([probabilities[g] for g, _ in cells])
    target = w @ np.array([true_effect(g, t, cohort_effect, growth) for g, t in cells]) / w.sum()
    hits_att = hits_cell = 0
    seeds = 200
    for seed in range(seeds):
        df = simulate(100 + seed, 200, 5, probabilities, cohort_effect, growth)
        res = staggered_did(df, "y", "id", "t", "g")
        hits_att += res.att.low <= target <= res.att.high
        cell = res.group_time.set_index(["group", "time"]).loc[(3, 4)]
        hits_cell += cell["low"] <= 1.5 <= cell["high"]
    # binomial sd at 95% over 200 seeds ≈ 0.015
    assert 0.90 <= hits_att / seeds <= 0.99, hits_att / seeds
    assert 0.90 <= hits_cell / seeds <= 0.99, hits_cell / seeds


def test_control_groups_differ_as_documented():
    df = simulate(14, 400, 8, **HETERO)
    nyt = staggered_did(df, "y", "id", "t", "g", control="notyettreated").group_time.set_index(["group", "time"])
    nev = staggered_did(df, "y", "id", "t", "g", control="nevertreated").group_time.set_index(["group", "time"])
    counts = df.groupby("id")["g"].first().value_counts()
    assert nev.loc[(3, 3), "n_control"] == counts[0]
    assert nyt.loc[(3, 3), "n_control"] == counts[0] + counts[5] + counts[7]
    assert nyt.loc[(3, 6), "n_control"] == counts[0] + counts[7]
    assert nyt.loc[(5, 7), "n_control"] == counts[0]  # cohort 7 is treated at 7
    assert (nyt["n_treated"] == nev["n_treated"]).all()


def test_without_never_treated_units():
    params = dict(probabilities={3: 0.5, 6: 0.5}, cohort_effect={3: 2.0, 6: 1.0}, growth=0.0)
    df = simulate(15, 1000, 8, **params)
    with pytest.raises(ValueError):
        staggered_did(df, "y", "id", "t", "g", control="nevertreated")
    res = staggered_did(df, "y", "id", "t", "g")
    assert set(res.group_time["group"]) == {3}
    assert res.group_time["time"].max() == 5  # periods from the last cohort's deployment on are dropped
    assert abs(res.att.estimate - 2.0) < 4 * res.att.se
    assert res.notes


def test_monthly_periods_and_dropped_first_period_cohort():
    df = simulate(16, 600, 8, **HETERO)
    months = pd.period_range("2024-01", periods=8, freq="M")
    df["mois"] = months[df["t"] - 1]
    df["deploiement"] = [months[g - 1] if g else pd.NaT for g in df["g"]]
    df["deploiement"] = df["deploiement"].astype("period[M]")
    early = df["id"] < 5
    df.loc[early, "deploiement"] = months[0]  # treated from the first month: dropped as in R
    res = staggered_did(df, "y", "id", "mois", "deploiement")
    assert res.n_units == 595
    assert set(res.by_cohort["group"]) == {months[2], months[4], months[6]}
    assert res.event_study["e"].min() == -5
    assert any("première période" in note for note in res.notes)


def test_cohort_must_be_constant_within_unit():
    df = simulate(17, 50, 5, **HETERO)
    df.loc[0, "g"] = 5 if df.loc[0, "g"] != 5 else 3
    with pytest.raises(ValueError):
        staggered_did(df, "y", "id", "t", "g")


def r_fixture_panel(later_pre_trend=False):
    """The deterministic 48-unit panel of the csdid-stata parity fixtures (generators f002–f008)."""
    rows = []
    for unit in range(1, 49):
        g = 3 if unit <= 16 else (4 if unit <= 32 else 0)
        for t in range(1, 5):
            treat = 0.8 + 0.2 * (t - g) + 0.03 * g if (g > 0 and t >= g) else 0.0
            trend = 0.22 * t if (later_pre_trend and g == 4 and t < 4) else 0.0
            rows.append((unit, t, g, (unit % 7) * 0.11 + t * 0.4 + trend + treat + 0.02 * unit * (t == 4)))
    return pd.DataFrame(rows, columns=["id", "time", "g", "y"])


def test_matches_r_did_aggregations():
    """R did 2.5.1, att_gt(est_method="reg", control_group="nevertreated", base_period="varying",
    bstrap=FALSE) then aggte(): pedrohcgs/csdid-stata tests/fixtures/parity/f003, f004, f006."""
    res = staggered_did(r_fixture_panel(), "y", "id", "time", "g", control="nevertreated")
    assert res.att.estimate == pytest.approx(0.646666666666667, abs=1e-12)
    assert res.att.se == pytest.approx(0.0196064678166903, abs=1e-12)
    group = res.overall.loc["group"]
    assert (group["estimate"], group["se"]) == (pytest.approx(0.635, abs=1e-12),
                                                pytest.approx(0.0224304480561579, abs=1e-12))
    cohorts = res.by_cohort.set_index("group")
    assert cohorts.loc[3, "estimate"] == pytest.approx(0.67, abs=1e-12)
    assert cohorts.loc[3, "se"] == pytest.approx(0.0162980060130066, abs=1e-12)
    assert cohorts.loc[4, "estimate"] == pytest.approx(0.6, abs=1e-12)
    assert cohorts.loc[4, "se"] == pytest.approx(0.0325960120260132, abs=1e-12)
    dynamic = res.overall.loc["dynamic"]
    assert (dynamic["estimate"], dynamic["se"]) == (pytest.approx(0.5975, abs=1e-12),
                                                    pytest.approx(0.0250818971072764, abs=1e-12))
    es = res.event_study.set_index("e")
    assert es.loc[0, "estimate"] == pytest.approx(0.745, abs=1e-12)
    assert es.loc[0, "se"] == pytest.approx(0.0303752572005572, abs=1e-12)
    assert es.loc[1, "estimate"] == pytest.approx(0.45, abs=1e-12)
    assert es.loc[1, "se"] == pytest.approx(0.0325960120260132, abs=1e-12)
    assert es.loc[[-2, -1], "estimate"].abs().max() < 1e-12 and es.loc[[-2, -1], "se"].isna().all()


@pytest.mark.parametrize("control, expected", [
    ("nevertreated", [(3, 2, -1.11022302462516e-16, None), (3, 3, 0.89, None), (3, 4, 0.45, 0.0325960120260132),
                      (4, 2, 0.22, None), (4, 3, 0.22, None), (4, 4, -0.06, 0.0325960120260132)]),
    ("notyettreated", [(3, 2, -0.11, 0.0194454364826301), (3, 3, 0.78, 0.0194454364826301),
                       (3, 4, 0.45, 0.0325960120260132), (4, 2, 0.22, None), (4, 3, 0.22, None),
                       (4, 4, -0.06, 0.0325960120260132)]),
])
def test_matches_r_did_group_time_for_both_control_groups(control, expected):
    """R did 2.5.1 att_gt with a pre-trend in cohort 4: csdid-stata fixture f008 (control-group grid)."""
    gt = staggered_did(r_fixture_panel(later_pre_trend=True), "y", "id", "time", "g", control=control)
    gt = gt.group_time.set_index(["group", "time"])
    assert len(gt) == len(expected)
    for g, t, att, se in expected:
        assert gt.loc[(g, t), "estimate"] == pytest.approx(att, abs=1e-12)
        if se is None:
            assert np.isnan(gt.loc[(g, t), "se"])
        else:
            assert gt.loc[(g, t), "se"] == pytest.approx(se, abs=1e-12)


@pytest.mark.parametrize("control", ["notyettreated", "nevertreated"])
def test_the_wide_panel_entry_gives_what_the_long_form_gives(control):
    """``staggered_did_panel`` (the refresh's entry) on a panel built by hand: the same estimates, cell
    for cell, as ``staggered_did`` on the long form, with missing cells and a unit treated at period 1."""
    from indicateurs.impact.did import staggered_did_panel

    df = simulate(11, 40, 9, missing=0.05, **HETERO)
    df.loc[df["id"] == 0, "g"] = 1  # treated from the first period: dropped by both
    long_form = staggered_did(df, "y", "id", "t", "g", control=control)
    units, periods = sorted(df["id"].unique()), sorted(df["t"].unique())
    Y = np.full((len(units), len(periods)), np.nan)
    Y[df["id"].map({u: i for i, u in enumerate(units)}), df["t"].map({t: i for i, t in enumerate(periods)})] = df["y"]
    cohorts = df.groupby("id")["g"].first().loc[units].to_numpy(dtype=float)
    panel = staggered_did_panel(Y, cohorts, np.array(periods, dtype=float), control=control)
    assert panel.n_units == long_form.n_units == len(units) - 1
    assert panel.notes == long_form.notes and panel.notes
    assert (panel.att.estimate, panel.att.se) == (long_form.att.estimate, long_form.att.se)
    for name in ("group_time", "by_cohort", "event_study"):
        mine, theirs = getattr(panel, name), getattr(long_form, name)
        assert list(mine.columns) == list(theirs.columns)
        for column in mine.columns:
            np.testing.assert_array_equal(mine[column].to_numpy(dtype=float), theirs[column].to_numpy(dtype=float))
    assert panel.pretrend == long_form.pretrend

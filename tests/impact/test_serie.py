"""One parcours × indicateur series end to end: model choice, record, chart, verdicts over many series."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from indicateurs.impact.serie import CHART_COLUMNS, RECORD_KEYS, analyse_series
from indicateurs.impact.verdicts import (DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, NO_CHANGE,
                                         apply_fdr)

MINUS = "\u2212"


def monthly(start, n, values):
    return pd.DataFrame({"mois": pd.period_range(start, periods=n, freq="M"), "valeur": values})


def delay_series(seed, n_before=24, n_after=12, change=-2.0, start="2023-01"):
    rng = np.random.default_rng(seed)
    n = n_before + n_after
    return monthly(start, n, 20 + 0.02 * np.arange(n) + change * (np.arange(n) >= n_before) + rng.normal(0, 0.5, n))


def test_falling_delay_is_an_improvement_with_a_french_sentence():
    res = analyse_series(delay_series(1), deployment_month="2025-01", sens="baisse", unite="jours",
                         libelle="Délai moyen de traitement")
    r = res.record
    assert set(RECORD_KEYS) <= set(r)
    assert r["verdict"] == IMPROVEMENT and r["provisoire"] is False
    assert (r["months_before"], r["months_after"], r["n_obs"]) == (24, 12, 36)
    assert (r["n_before"], r["n_after"]) == (12, 12)
    assert r["family"] == "gaussian" and r["harmonics"] == 2
    assert r["method"] == "série temporelle interrompue (moindres carrés généralisés, erreurs AR(1)), avec saisonnalité"
    assert r["effect_low"] < -2.0 < r["effect_high"]
    assert r["phrase"].startswith(f"Délai moyen de traitement : {MINUS}")
    assert "\u202fj [" in r["phrase"] and r["phrase"].endswith("(janvier 2025), par rapport à la tendance d'avant : amélioration significative")
    assert list(res.chart.columns) == list(CHART_COLUMNS) and len(res.chart) == 36


def test_falling_satisfaction_is_a_degradation():
    res = analyse_series(delay_series(2, change=-3.0).assign(valeur=lambda d: d.valeur + 50),
                         deployment_month="2025-01", sens="hausse", unite="%", libelle="Satisfaction")
    assert res.record["verdict"] == DEGRADATION
    assert res.record["effect_unit"] == "pt"


def test_insufficient_data_before_or_after():
    short_before = analyse_series(delay_series(3, n_before=8, n_after=12, start="2024-05"),
                                  deployment_month="2025-01", sens="baisse", unite="jours", libelle="Délai")
    assert short_before.record["verdict"] == INSUFFICIENT
    assert short_before.record["phrase"] == ("Délai : données insuffisantes pour juger le déploiement "
                                             "(janvier 2025) : 8 mois avant (12 requis), 12 mois après (6 requis)")
    assert short_before.chart["fitted"].isna().all()
    short_after = analyse_series(delay_series(4, n_after=5), deployment_month="2025-01", sens="baisse",
                                 unite="jours", libelle="Délai")
    assert (short_after.record["verdict"], short_after.record["months_after"]) == (INSUFFICIENT, 5)
    assert math.isnan(short_after.record["p_value"])


def test_provisional_between_6_and_11_months_after():
    res = analyse_series(delay_series(5, n_after=8, change=-3.0), deployment_month="2025-01", sens="baisse",
                         unite="jours", libelle="Délai")
    assert res.record["provisoire"] is True and res.record["verdict"] == IMPROVEMENT
    assert res.record["phrase"].endswith("amélioration significative (provisoire : 8 mois de recul, trop tôt pour "
                                         "conclure ; plus petit effet détectable : "
                                         f"{str(round(abs(res.record['detectable']), 1)).replace('.', ',')}\u202fj)")
    assert 0 < abs(res.record["detectable"]) < 3.0  # noise 0.5 j: a change of 3 j is well within reach


def test_end_month_and_missing_months():
    df = delay_series(6, n_before=30, n_after=18)
    df = df.drop(index=[3, 4, 17, 33]).reset_index(drop=True)
    df["mois"] = [date(p.year, p.month, 1) for p in df["mois"]]  # the project's storage format
    res = analyse_series(df, deployment_month=date(2025, 7, 1), sens="baisse", unite="jours", libelle="Délai",
                         end_month="2026-03")
    r = res.record
    assert r["end_month"] == pd.Period("2026-03", "M")
    assert (r["months_before"], r["months_after"]) == (30, 9)
    assert r["n_obs"] == 30 - 3 + 9 - 1  # three holes before, one after (2025-10), cut after 2026-03
    assert r["effect_low"] < -2.0 < r["effect_high"]


def test_quarterly_series_keeps_its_calendar_spacing_and_one_seasonal_pair():
    rng = np.random.default_rng(7)
    months = pd.period_range("2022-03", "2025-12", freq="M")[::3]  # March, June, Sept, Dec
    values = 70 + 4.0 * (months >= pd.Period("2024-09", "M")) + rng.normal(0, 0.8, len(months))
    res = analyse_series(pd.DataFrame({"mois": months, "valeur": values}), deployment_month="2024-09",
                         sens="hausse", unite="%", libelle="Taux de décroché")
    r = res.record
    assert (r["n_obs"], r["harmonics"]) == (16, 1)  # 16 values over 46 months: the main seasonal swing
    assert (r["months_before"], r["months_after"]) == (30, 16)
    assert r["effect_low"] < 4.0 < r["effect_high"] and r["verdict"] == IMPROVEMENT


def test_counts_with_exposure_use_quasi_poisson_and_a_percent_change():
    rng = np.random.default_rng(8)
    n = 36
    exposure = rng.uniform(900, 1100, n)
    mu = exposure * 0.05 * np.exp(math.log(0.8) * (np.arange(n) >= 24))
    df = monthly("2023-01", n, rng.poisson(mu)).assign(exposure=exposure)
    res = analyse_series(df, deployment_month="2025-01", sens="neutre", unite="nombre", libelle="Réclamations")
    r = res.record
    assert r["family"] == "poisson" and r["effect_unit"] == "%"
    assert r["method"].startswith("série temporelle interrompue (quasi-Poisson, rapportée au volume de demandes)")
    # a step of −20 % from January 2025: the mean change since deployment is −20 % (a rate ratio of 0.8)
    assert r["effect_low"] < -20 < r["effect_high"]
    assert r["effect_log"] and r["effect"] == pytest.approx(100 * math.expm1(math.log1p(r["effect"] / 100)))
    assert r["verdict"] in (FALL, NO_CHANGE)
    assert "\u202f% [" in r["phrase"]


def null_batch(seed, size):
    """``size`` indicators with no effect at all: half delays (gaussian), half counts (poisson)."""
    rng = np.random.default_rng(seed)
    records = []
    for k in range(size):
        if k % 2:
            df = monthly("2023-01", 36, 20 + rng.normal(0, 1, 36))
            res = analyse_series(df, deployment_month="2025-01", sens="baisse", unite="jours", libelle=f"D{k}")
        else:
            df = monthly("2023-01", 36, rng.poisson(200, 36))
            res = analyse_series(df, deployment_month="2025-01", sens="hausse", unite="nombre", libelle=f"N{k}")
        records.append(res.record)
    return pd.DataFrame(records)


def test_no_effect_gives_nominal_false_verdicts_and_fewer_after_bh():
    batches = [apply_fdr(null_batch(seed, 20)) for seed in range(25)]
    results = pd.concat(batches, ignore_index=True)
    raw = (results["verdict_unadjusted"] != NO_CHANGE).mean()
    final = results["significant"].mean()
    # 500 null series: per-series 5% level, binomial sd ≈ 0.0097
    assert 0.02 <= raw <= 0.08, raw
    assert final <= raw and final <= 0.05, final
    # any-false-discovery rate per batch (BH under the global null controls it at 5%); 25 batches
    assert sum(batch["significant"].any() for batch in batches) <= 4


def test_enough_months_but_too_few_values_is_insufficient_too():
    df = delay_series(9, n_before=24, n_after=12).iloc[[0, 12, 23, 24, 30, 35]]  # 6 values over 36 months
    res = analyse_series(df, deployment_month="2025-01", sens="baisse", unite="jours", libelle="Délai")
    r = res.record
    assert (r["months_before"], r["months_after"], r["n_obs"]) == (24, 12, 6)
    assert r["insufficient"] and r["verdict"] == INSUFFICIENT
    assert r["phrase"] == ("Délai : données insuffisantes pour juger le déploiement (janvier 2025) : "
                           "6 valeurs observées, trop peu pour le modèle")
    final = apply_fdr(pd.DataFrame([r]))
    assert final.loc[0, "verdict"] == INSUFFICIENT and final.loc[0, "phrase"] == r["phrase"]


def test_values_in_two_calendar_months_only_fit_without_season():
    rng = np.random.default_rng(10)
    # half-yearly values over 18 years: enough for harmonics by count, but cos(2π·2·m/12) is 1 in June and
    # December alike, so the seasonal design is singular and the model goes on without season
    months = [m for m in pd.period_range("2008-01", "2025-12", freq="M") if m.month in (6, 12)]
    values = 50 + 5.0 * np.array([m >= pd.Period("2023-06", "M") for m in months]) + rng.normal(0, 0.5, len(months))
    res = analyse_series(pd.DataFrame({"mois": months, "valeur": values}), deployment_month="2023-06",
                         sens="hausse", unite="%", libelle="Satisfaction")
    r = res.record
    assert r["n_obs"] == 36 and r["harmonics"] == 0
    assert r["effect_low"] < 5.0 < r["effect_high"]

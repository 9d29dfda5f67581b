"""French verdicts: favourable sense, data sufficiency, provisional flag, sentences, BH correction."""

import pandas as pd
import pytest

from indicateurs.impact.verdicts import (DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, NO_CHANGE, RISE,
                                         SIGNAL, apply_fdr, judge, sentence, unit_suffix)

MINUS = "\u2212"
UNIT_SPACE = "\u202f"  # narrow no-break space between a number and its unit


def verdict(low, high, sens, before=24, after=12):
    return judge(low, high, sens=sens, months_before=before, months_after=after)


def test_falling_delay_is_an_improvement():
    assert verdict(-3.0, -1.2, "baisse").label == IMPROVEMENT


def test_falling_satisfaction_is_a_degradation():
    assert verdict(-4.0, -0.5, "hausse").label == DEGRADATION


def test_rising_delay_is_a_degradation_and_rising_satisfaction_an_improvement():
    assert verdict(0.5, 2.0, "baisse").label == DEGRADATION
    assert verdict(0.5, 2.0, "hausse").label == IMPROVEMENT


def test_neutral_sense_says_rise_or_fall():
    assert verdict(0.5, 2.0, "neutre").label == RISE
    assert verdict(-2.0, -0.5, "neutre").label == FALL


def test_interval_crossing_zero_is_no_change():
    v = verdict(-1.0, 0.3, "baisse")
    assert (v.label, v.significant, v.direction) == (NO_CHANGE, False, 0)


def test_insufficient_data():
    assert verdict(-3, -1, "baisse", before=11, after=12).label == INSUFFICIENT
    assert verdict(-3, -1, "baisse", before=12, after=5).label == INSUFFICIENT
    assert verdict(-3, -1, "baisse", before=12, after=6).label == IMPROVEMENT


def test_provisional_from_6_to_11_months_after():
    assert [verdict(-3, -1, "baisse", after=a).provisoire for a in (6, 11, 12, 30)] == [True, True, False, False]


def test_unknown_sense_is_refused():
    with pytest.raises(ValueError):
        verdict(-1, 1, "mieux")


def test_unit_suffixes():
    assert unit_suffix("%") == "pt"  # points de pourcentage
    assert unit_suffix("jours") == "j"
    assert unit_suffix("nombre") == ""
    assert unit_suffix("ratio") == ""
    assert unit_suffix("nombre", relative=True) == "%"


def test_sentence_exact_format():
    text = sentence("Délai moyen de traitement", -2.1, -3.0, -1.2, suffix="j",
                    deployment_month=pd.Period("2025-03", "M"), verdict=IMPROVEMENT)
    assert text == (f"Délai moyen de traitement : {MINUS}2,1{UNIT_SPACE}j [{MINUS}3,0 ; {MINUS}1,2] "
                    "en moyenne depuis le déploiement (mars 2025), par rapport à la tendance d'avant : "
                    "amélioration significative")


def test_sentence_percentage_points_and_rate_change():
    text = sentence("Taux de décroché", 4.25, 1.5, 7.0, suffix=unit_suffix("%"),
                    deployment_month="2024-09", verdict=IMPROVEMENT, notes=["provisoire : 8 mois de recul"])
    assert text == ("Taux de décroché : +4,3\u202fpt [1,5 ; 7,0] en moyenne depuis le déploiement (septembre 2024), "
                    "par rapport à la tendance d'avant : amélioration significative (provisoire : 8 mois de recul)")
    text = sentence("Réclamations", -11.5, -16.1, -6.7, suffix=unit_suffix("nombre", relative=True),
                    deployment_month="2005-01", verdict=FALL)
    assert text.startswith(f"Réclamations : {MINUS}11,5{UNIT_SPACE}% [{MINUS}16,1 ; {MINUS}6,7]")


def rows(entries):
    base = {"sens": "baisse", "effect_unit": "j", "deployment_month": pd.Period("2025-03", "M"),
            "months_before": 24, "months_after": 12}
    return pd.DataFrame([{**base, "libelle": f"Indicateur {i}", "effect": (lo + hi) / 2, "effect_low": lo,
                          "effect_high": hi, "p_value": p, **extra}
                         for i, (lo, hi, p, extra) in enumerate(entries)])


def test_bh_downgrades_a_lone_borderline_result():
    # one p = 0.03 among 9 nulls: BH-adjusted p = 0.3 → no change, with the mention
    entries = [(-2.0, -0.1, 0.03, {})] + [(-1.0, 1.0, 0.5 + i / 100, {}) for i in range(9)]
    out = apply_fdr(rows(entries))
    assert out.loc[0, "p_adjusted"] == pytest.approx(0.3)
    assert out.loc[0, "verdict"] == SIGNAL and out.loc[0, "verdict_unadjusted"] == IMPROVEMENT
    assert bool(out.loc[0, "downgraded_by_fdr"]) and not bool(out.loc[0, "significant"])
    assert out.loc[0, "phrase"].endswith("signal à confirmer (significatif seul, pas après correction pour "
                                         "comparaisons multiples)")


def test_bh_keeps_strong_results_and_never_calls_a_crossing_interval_significant():
    entries = [(-3.0, -1.0, 0.0001, {}), (0.5, 2.0, 0.0002, {}),
               (-0.2, 3.0, 0.0001, {}),  # inconsistent input: tiny p but interval crossing 0
               (-1.0, 1.0, 0.9, {})]
    out = apply_fdr(rows(entries))
    assert list(out["verdict"]) == [IMPROVEMENT, DEGRADATION, NO_CHANGE, NO_CHANGE]
    assert list(out["significant"]) == [True, True, False, False]


def test_bh_leaves_insufficient_rows_out_of_the_family():
    entries = [(-3.0, -1.0, 0.01, {}), (-3.0, -1.0, 0.01, {"months_after": 3}),
               (-1.0, 1.0, float("nan"), {"months_before": 5})]
    out = apply_fdr(rows(entries))
    assert out.loc[0, "p_adjusted"] == pytest.approx(0.01)  # family of one
    assert list(out["verdict"]) == [IMPROVEMENT, INSUFFICIENT, INSUFFICIENT]
    assert out.loc[1, "phrase"] == ("Indicateur 1 : données insuffisantes pour juger le déploiement (mars 2025) : "
                                    "24 mois avant (12 requis), 3 mois après (6 requis)")


def test_bh_marks_provisional_rows():
    out = apply_fdr(rows([(-3.0, -1.0, 0.001, {"months_after": 8})]))
    assert bool(out.loc[0, "provisoire"]) and out.loc[0, "verdict"] == IMPROVEMENT
    assert out.loc[0, "phrase"].endswith("amélioration significative (provisoire : 8 mois de recul, trop tôt "
                                         "pour conclure)")

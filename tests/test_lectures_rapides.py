"""The page reads rewritten for speed return what the old reads returned on the demo base (the old code is
kept verbatim in ``tests/outils/lectures_avant.py``), and the small helpers they rely on."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicateurs import lecture, tableaux
from indicateurs.format_fr import format_quarter
from indicateurs.graphique_miroir import signed_ticks
from indicateurs.lecture_agents import placed_by_verdict
from indicateurs.lignes_affichees import capped, hidden_rows_sentence, wrapped_row_height
from indicateurs.referentiel_store import read_referentiel
from tests.outils import lectures_avant as avant

IMPROVEMENT, NO_CHANGE, DEGRADATION = ("amélioration significative", "pas de changement détectable",
                                       "dégradation significative")
SIGNAL, INSUFFICIENT = "signal à confirmer", "données insuffisantes"


@pytest.fixture
def demo(demo_db):
    ref = read_referentiel(demo_db)
    return demo_db, ref, tableaux.verdict_rows(demo_db, ref)


@pytest.mark.parametrize("direction", [None, "DPE"])
def test_parcours_status_in_one_group_by_equals_the_loop_per_parcours(demo, direction):
    db, ref, verdicts = demo
    new = tableaux.parcours_status(db, ref, verdicts, direction)
    pd.testing.assert_frame_equal(new, avant.parcours_status(db, ref, verdicts, direction))
    assert len(new) == (30 if direction is None else sum(p.direction == "DPE" for p in ref.parcours))


def test_completeness_of_the_last_month_alone_equals_the_whole_history_filtered(demo):
    db, ref, _ = demo
    month, per_direction, missing = avant.completeness_last_month(db, ref)
    new = tableaux.completeness_last_month(db, ref)
    assert new.mois == month
    pd.testing.assert_frame_equal(new.par_direction, per_direction)
    pd.testing.assert_frame_equal(new.manquantes, missing)
    assert new.par_direction["attendues"].sum() > 0


def test_completeness_of_the_last_month_counts_a_value_removed_from_the_base(demo):
    db, ref, _ = demo
    month = tableaux.completeness_last_month(db, ref).mois
    with db.transaction() as con:
        con.execute("DELETE FROM valeurs WHERE parcours = 'DJS-PISCINE' AND indicateur = 'DELAI_TRAITEMENT' "
                    "AND mois = ?", [month])
    new = tableaux.completeness_last_month(db, ref)
    _, per_direction, missing = avant.completeness_last_month(db, ref)
    pd.testing.assert_frame_equal(new.manquantes, missing)
    pd.testing.assert_frame_equal(new.par_direction, per_direction)
    assert ((new.manquantes["parcours"] == "DJS-PISCINE") & (new.manquantes["indicateur"] == "DELAI_TRAITEMENT")).any()


@pytest.mark.parametrize("direction", [None, "DJS"])
def test_mirror_periods_and_verdicts_by_merge_equal_the_lookups_per_row(demo, direction):
    db, ref, verdicts = demo
    values = tableaux.mirror_values(db, ref, direction)
    assert list(values["periode"]) == avant.mirror_periods(values, ref)
    assert set(values["periode"]) == {"avant", "après"}
    gaps = tableaux.mirror_gaps(values, ref)
    mine = verdicts if direction is None else verdicts[verdicts["direction"] == direction]
    expected = avant.mirror_verdicts(gaps, mine, dict(tableaux.mirror_pairs(ref)))
    pd.testing.assert_frame_equal(tableaux.mirror_gaps_with_verdicts(gaps, mine, ref), expected)


def test_engagement_lists_now_name_the_signals_with_no_change_as_they_are_counted(demo):
    db, ref, verdicts = demo
    stored = lecture.verdicts(db)
    for number in (1, 2, 3, 4):
        new = tableaux.engagement_indicators(verdicts, ref, number)
        old = avant.engagement_indicators(verdicts, ref, number)
        same = [c for c in new.columns if c != "parcours_sans_changement"]
        pd.testing.assert_frame_equal(new[same], old[same])
        for row in new.itertuples():
            part = stored[stored["indicateur"] == row.indicateur]
            listed = {name.rstrip("*◐") for name in row.parcours_sans_changement.split(", ") if name}
            assert listed == set(part.loc[part["verdict"].isin([NO_CHANGE, SIGNAL]), "parcours"])
            assert len(listed) == row.pas_de_changement  # what is counted is what is listed
    signals = stored[stored["verdict"] == SIGNAL]
    assert len(signals), "the demo base has signals à confirmer"


def test_count_verdicts_counts_a_signal_with_no_change_everywhere():
    frame = pd.DataFrame({"indicateur": ["A", "A", "A", "B", "B", "B"],
                          "verdict": [IMPROVEMENT, SIGNAL, NO_CHANGE, DEGRADATION, INSUFFICIENT, "hausse significative"],
                          "provisoire": [True, False, None, False, False, True]})
    counts = tableaux.count_verdicts(frame, "indicateur")
    assert counts.loc["A"].to_dict() == {"amelioration": 1, "pas_de_changement": 2, "degradation": 0,
                                         "hausse_ou_baisse": 0, "insuffisant": 0, "provisoires": 1, "total": 3}
    assert counts.loc["B"].to_dict() == {"amelioration": 0, "pas_de_changement": 0, "degradation": 1,
                                         "hausse_ou_baisse": 1, "insuffisant": 1, "provisoires": 1, "total": 3}
    assert tableaux.COUNT_COLUMNS[SIGNAL] == tableaux.COUNT_COLUMNS[NO_CHANGE] == "pas_de_changement"
    assert tableaux.count_verdicts(frame.iloc[0:0], "indicateur").empty


def test_agents_table_reads_deteriorations_first_then_improvements(demo):
    db, ref, verdicts = demo
    agents = tableaux.agents_before_after(verdicts, ref)
    ranks = agents["verdict"].map({DEGRADATION: 0, IMPROVEMENT: 1}).fillna(2)
    assert list(ranks) == sorted(ranks)
    stored = lecture.verdicts(db)
    family = stored[stored["famille"] == "conditions de travail des agents"]
    assert (ranks == 0).sum() == (family["verdict"] == DEGRADATION).sum() > 0
    assert len(agents) == len(family)


def test_quadrant_places_a_side_without_significant_change_on_its_axis(demo):
    _, ref, verdicts = demo
    pairs = tableaux.agents_pairs(verdicts, ref)
    placed = placed_by_verdict(pairs)
    for side in ("usagers", "agents"):
        verdict = pairs[f"verdict_{side}"]
        quiet = verdict.isin([NO_CHANGE, SIGNAL])
        assert (placed.loc[quiet, f"oriente_{side}"] == 0).all()
        assert (placed.loc[quiet, f"oriente_bas_{side}"] == 0).all()
        better = verdict == IMPROVEMENT
        assert (placed.loc[better, f"oriente_{side}"] > 0).all()
        assert (placed.loc[verdict == DEGRADATION, f"oriente_{side}"] < 0).all()
        assert placed.loc[verdict == INSUFFICIENT, f"oriente_{side}"].isna().all()
    corner = placed[placed["quadrant"] == "usagers gagnants, agents perdants"]
    assert ((corner["oriente_usagers"] > 0) & (corner["oriente_agents"] < 0)).all()


def test_small_display_helpers():
    assert format_quarter(date(2023, 6, 1)) == "T2 2023"
    assert format_quarter(date(2024, 12, 1)) == "T4 2024"
    assert format_quarter(date(2025, 1, 1)) == "T1 2025"
    values, labels = signed_ticks(-12.3, 8.1)
    assert 0 in values and labels[values.index(0)] == "0" and "+0" not in labels
    assert min(values) <= -12.3 and max(values) >= 8.1
    assert labels[0].startswith("\u2212") and labels[-1].startswith("+")
    frame = pd.DataFrame({"a": range(1500)})
    shown, hidden = capped(frame, 1000)
    assert len(shown) == 1000 and hidden == 500
    assert hidden_rows_sentence(hidden, 1500) == ("500 lignes masquées sur 1\u202f500 : le tableau complet est dans "
                                                  "les téléchargements ci-dessous.")
    everything, none = capped(frame, 2000)
    assert none == 0 and len(everything) == 1500
    assert wrapped_row_height(pd.DataFrame({"t": ["court"]}), {"t": 40}) is None
    assert wrapped_row_height(pd.DataFrame({"t": ["x" * 100]}), {"t": 40}) >= 3 * 21

"""The reads of the Engagements and Miroir pages rewritten for speed (issue 12) return what the straightforward
reads return on the demo base: one pass for the four engagements instead of one per engagement and per
indicator, and only the mirror indicators' verdicts instead of every stored verdict."""

from __future__ import annotations

import pandas as pd
import pytest

from indicateurs import lecture, lecture_engagements, tableaux
from indicateurs.affichage_verdicts import PROVISIONAL_MARK, verdict_text
from indicateurs.lecture_miroir import mirror_pairs, mirror_verdicts
from indicateurs.referentiel_store import read_referentiel

IMPROVEMENT, NO_CHANGE, DEGRADATION = ("amélioration significative", "pas de changement détectable",
                                       "dégradation significative")
SIGNAL, INSUFFICIENT = "signal à confirmer", "données insuffisantes"


def _lists_one_by_one(verdicts: pd.DataFrame, code: str) -> dict[str, str]:
    """The three lists of one indicator, built row by row in the verdicts' order."""
    part = verdicts[verdicts["indicateur"] == code]
    lists = {"parcours_ameliores": [], "parcours_degrades": [], "parcours_sans_changement": []}
    column = {IMPROVEMENT: "parcours_ameliores", DEGRADATION: "parcours_degrades", NO_CHANGE: "parcours_sans_changement",
              SIGNAL: "parcours_sans_changement"}
    for parcours, verdict, provisional in zip(part["parcours"], part["verdict"], part["provisoire"]):
        if verdict in column:
            name = parcours + (PROVISIONAL_MARK if provisional else "") + ("◐" if verdict == SIGNAL else "")
            lists[column[verdict]].append(name)
    return {key: ", ".join(names) for key, names in lists.items()}


@pytest.mark.parametrize("direction", [None, "DPE"])
def test_the_four_engagements_in_one_pass_equal_the_reads_one_engagement_at_a_time(demo_db, direction):
    db, ref = demo_db, read_referentiel(demo_db)
    verdicts = tableaux.verdict_rows(db, ref, direction=direction)
    overview = lecture_engagements.engagements_overview(db, ref, direction)
    overall = tableaux.did_overall(db, ref)
    pd.testing.assert_frame_equal(overview["did"], overall)
    pd.testing.assert_frame_equal(overview["verdicts"], verdicts)
    pd.testing.assert_frame_equal(overview["comptes"], tableaux.counts_by_group(verdicts))
    stored = lecture.verdicts(db, direction=direction)
    for number in (1, 2, 3, 4):
        part = overview["par_engagement"][number]
        codes = [i.code for i in ref.indicateurs if i.engagement == number]
        indicators = part["indicateurs"]
        assert list(indicators["indicateur"]) == codes
        for row in indicators.itertuples():
            mine = stored[stored["indicateur"] == row.indicateur]
            assert row.amelioration == (mine["verdict"] == IMPROVEMENT).sum()
            assert row.degradation == (mine["verdict"] == DEGRADATION).sum()
            assert row.pas_de_changement == mine["verdict"].isin([NO_CHANGE, SIGNAL]).sum()
            assert row.insuffisant == (mine["verdict"] == INSUFFICIENT).sum()
            lists = _lists_one_by_one(verdicts, row.indicateur)
            assert (row.parcours_ameliores, row.parcours_degrades, row.parcours_sans_changement) == (
                lists["parcours_ameliores"], lists["parcours_degrades"], lists["parcours_sans_changement"])
        pd.testing.assert_frame_equal(indicators, tableaux.engagement_indicators(verdicts, ref, number))
        events = tableaux.event_study(db, ref, codes)
        pd.testing.assert_frame_equal(part["evenements"], events)
        pd.testing.assert_frame_equal(part["points_fragiles"], tableaux.thin_event_points(events))
        expected = tableaux.overall_with_counts(overall[overall["indicateur"].isin(codes)].reset_index(drop=True),
                                                indicators)
        pd.testing.assert_frame_equal(part["did"], expected)
    assert overview["par_engagement"][1]["evenements"]["placebo"].any(), "the demo base has an event study"
    if direction is None:
        assert (stored["verdict"] == SIGNAL).any() and stored["provisoire"].any(), "the demo base has both marks"


def test_engagement_lists_are_empty_for_an_indicator_without_verdicts(demo_db):
    db, ref = demo_db, read_referentiel(demo_db)
    verdicts = tableaux.verdict_rows(db, ref)
    code = next(i.code for i in ref.indicateurs if i.engagement == 2)
    table = lecture_engagements.indicators_by_engagement(verdicts[verdicts["indicateur"] != code], ref)[2]
    row = table.set_index("indicateur").loc[code]
    assert (row["amelioration"], row["pas_de_changement"], row["degradation"], row["insuffisant"]) == (0, 0, 0, 0)
    assert (row["parcours_ameliores"], row["parcours_degrades"], row["parcours_sans_changement"]) == ("", "", "")


@pytest.mark.parametrize("direction", [None, "DJS"])
def test_mirror_verdicts_are_the_stored_verdicts_of_the_mirror_indicators_only(demo_db, direction):
    db, ref = demo_db, read_referentiel(demo_db)
    mine = mirror_verdicts(db, ref, direction)
    codes = {c for pair in mirror_pairs(ref) for c in pair}
    assert set(mine["indicateur"]) == codes
    every = tableaux.verdict_rows(db, ref, direction=direction)
    expected = every[every["indicateur"].isin(codes)]
    assert len(mine) == len(expected)
    written = {(p, i): verdict_text(v, bool(f)) for p, i, v, f in
               zip(expected["parcours"], expected["indicateur"], expected["verdict"], expected["provisoire"])}
    assert dict(zip(zip(mine["parcours"], mine["indicateur"]), mine["verdict_affiche"])) == written
    if direction is None:
        assert any("(provisoire)" in text for text in written.values()), "the demo base has provisional ones"
    values = tableaux.mirror_values(db, ref, direction)
    gaps = tableaux.mirror_gaps(values, ref)
    pd.testing.assert_frame_equal(tableaux.mirror_gaps_with_verdicts(gaps, mine, ref),
                                  tableaux.mirror_gaps_with_verdicts(gaps, every, ref))

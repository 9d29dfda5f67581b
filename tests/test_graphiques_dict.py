"""The charts of Vue d'ensemble, Direction, Parcours, Les 4 engagements, Agents and Miroir, now built as one dict
and validated once (issue 12: their first run was mostly Plotly relayouts), are the same figures as before:
compared with the old builders kept in ``tests/outils/graphiques_avant.py``, on the demo base read as the pages
read it, and on edge cases (no row, one row, missing values)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio
import pytest

from indicateurs import changements, graphiques, tableaux
from indicateurs.graphique_gagnant_gagnant import win_win_by_verdict
from indicateurs.graphique_miroir import mirror_gap_chart
from indicateurs.lecture_agents import placed_by_verdict
from indicateurs.lecture_engagements import engagements_overview
from indicateurs.lecture_miroir import mirror_verdicts
from indicateurs.mois import parse_month_code
from indicateurs.referentiel_store import read_referentiel
from tests.outils import graphiques_avant as avant


def _json(fig) -> dict:
    """The figure as the browser receives it, margins and height left out: the old builders' margins were
    Plotly's to grow after a first draw, the new ones are sized beforehand, the figure a legend row taller
    where a narrow chart's legend needs one more (indicateurs/marges_graphiques.py, tested by
    tests/test_graphiques_marges.py and in chromium by tests/navigateur/test_graphiques_dessin.py)."""
    figure = json.loads(pio.to_json(fig.to_dict(), validate=False))
    figure["layout"].pop("margin", None)
    figure["layout"].pop("height", None)
    return figure


@pytest.fixture(scope="module")
def demo(_demo_template):
    from indicateurs.db import Database

    db = Database(_demo_template)
    return db, read_referentiel(db)


@pytest.mark.parametrize("direction", ["DPE", "DJS", "DRH"])
def test_direction_charts_are_unchanged(demo, direction):
    db, ref = demo
    effects = tableaux.direction_effects(db, ref, direction)
    assert len(effects)  # a real forest, with panels
    assert _json(graphiques.effect_forest(effects, "t")) == _json(avant.effect_forest(effects, "t"))
    verdicts = tableaux.verdict_rows(db, ref)
    status = tableaux.parcours_status(db, ref, verdicts, direction)
    assert _json(graphiques.stacked_counts(status, "code", "t")) == _json(avant.stacked_counts(status, "code", "t"))


def test_overview_charts_are_unchanged(demo):
    db, ref = demo
    counts = tableaux.counts_by_group(tableaux.verdict_rows(db, ref))
    counts = counts[counts["total"] > 0]
    assert _json(graphiques.stacked_counts(counts, "groupe", "t")) == _json(avant.stacked_counts(counts, "groupe", "t"))
    scores = tableaux.direction_scores(db, ref)
    for selected in (None, "DPE"):
        assert _json(graphiques.direction_score_bars(scores, selected)) == _json(avant.direction_score_bars(scores, selected))
    done = tableaux.completeness_last_month(db, ref)
    assert (_json(graphiques.completeness_bars(done.par_direction, done.mois, "DPE"))
            == _json(avant.completeness_bars(done.par_direction, done.mois, "DPE")))


@pytest.mark.parametrize("code", ["DJS-PISCINE", "DPE-ENCOMBRANTS"])
def test_small_multiples_are_unchanged(demo, code):
    db, ref = demo
    values = tableaux.overview_values(db, ref, code)
    verdicts = tableaux.verdict_rows(db, ref, parcours=code)
    deployment = parse_month_code(ref.un_parcours(code).date_deploiement)
    order = changements.changed_first(sorted(set(values["indicateur"])), verdicts)
    new = _json(graphiques.overview_multiples(values, verdicts, deployment, order))
    assert len(new["data"]) == len(order) and len(new["layout"]["shapes"]) == len(order)
    assert new == _json(avant.overview_multiples(values, verdicts, deployment, order))


# --- Les 4 engagements, Agents, Miroir: same figures as the old builders (inputs read as their pages read them)


@pytest.fixture(scope="module")
def events(demo):
    """Each engagement's event study and overall effects, as the 4 engagements page reads them."""
    db, ref = demo
    return [(part["evenements"], part["did"])
            for part in engagements_overview(db, ref)["par_engagement"].values()]


def test_event_studies_are_unchanged(events):
    inputs = [(rows, did) for rows, did in events if len(rows)]
    assert inputs  # real event studies, with subplots
    for rows, did in inputs:
        new = _json(graphiques.event_study_chart(rows, did, "t"))
        labels = rows.groupby("indicateur", sort=False)["libelle_indicateur"].first()
        assert [note["text"].split("<br>")[0] for note in new["layout"]["annotations"]] == list(labels)
        assert len(new["layout"]["shapes"]) == 2 * len(labels)  # the 0 line and the deployment per subplot
        assert new == _json(avant.event_study_chart(rows, did, "t"))


def test_event_study_edge_cases_are_unchanged(events):
    rows, did = next((r, d) for r, d in events if r["indicateur"].nunique() >= 3)
    first = rows["indicateur"].iloc[0]
    gaps = rows.copy()
    gaps.loc[gaps.index[::3], ["estimation", "bas", "haut"]] = float("nan")  # missing estimates
    three = rows[rows["indicateur"].isin(list(dict.fromkeys(rows["indicateur"]))[:3])]  # an empty fourth cell
    cases = [(rows.iloc[:0], did), (rows.iloc[:1], did), (rows.iloc[:1], did.iloc[:0]),
             (rows[rows["indicateur"] == first], did[did["indicateur"] != first]),  # no overall effect: no <sup>
             (three, did), (gaps, did), (rows[~rows["placebo"]], did)]
    for case_rows, case_did in cases:
        new = _json(graphiques.event_study_chart(case_rows, case_did, "t"))
        assert new == _json(avant.event_study_chart(case_rows, case_did, "t"))
    layout = _json(graphiques.event_study_chart(three, did, "t"))["layout"]
    assert "xaxis4" in layout and len(layout["shapes"]) == 2 * 3  # 2 × 2 cells, the last one empty


@pytest.fixture(scope="module")
def agent_pairs(demo):
    """Each agents indicator's pairs and the labels and units the Agents page gives its quadrant."""
    db, ref = demo
    pairs = tableaux.agents_pairs(tableaux.verdict_rows(db, ref), ref)
    return [(pair, ref.indicateur(ref.indicateur(code).lie_a).libelle, ref.indicateur(code).libelle,
             pair["effet_unite_usagers"].iloc[0], pair["effet_unite_agents"].iloc[0])
            for code, pair in pairs.groupby("indicateur_agents", sort=False)]


def test_win_win_quadrants_are_unchanged(agent_pairs):
    assert agent_pairs
    spread = 0
    for pair, *labels in agent_pairs:
        new = _json(win_win_by_verdict(pair, *labels))
        spread += sum(isinstance(t.get("textposition"), list) for t in new["data"])
        assert new == _json(avant.win_win_by_verdict(pair, *labels))
    assert spread  # some labels were spread
    pair, *labels = agent_pairs[0]
    placed = placed_by_verdict(pair)  # the quadrant alone: every point, the ones without coordinates too
    assert _json(graphiques.win_win_quadrant(placed, *labels)) == _json(avant.win_win_quadrant(placed, *labels))


def test_win_win_edge_cases_are_unchanged(agent_pairs):
    pair, *labels = agent_pairs[0]
    holes = pair.copy()  # a side without estimate (données insuffisantes), a missing interval
    holes.loc[holes.index[::3], ["oriente_usagers", "oriente_bas_usagers", "oriente_haut_usagers"]] = float("nan")
    holes.loc[holes.index[1::3], "oriente_haut_agents"] = float("nan")
    assert len(win_win_by_verdict(holes, *labels).data) and holes["oriente_usagers"].isna().any()
    for case in (pair.iloc[:0], pair.iloc[:1], holes, pd.concat([pair.iloc[:1]] * 3)):  # 3 labels on one place
        assert _json(win_win_by_verdict(case, *labels)) == _json(avant.win_win_by_verdict(case, *labels))
    for case in (pair.iloc[:0], holes):  # the quadrant alone draws the points without coordinates too
        assert _json(graphiques.win_win_quadrant(case, *labels)) == _json(avant.win_win_quadrant(case, *labels))


@pytest.fixture(scope="module")
def mirror(demo):
    """The gaps the Miroir page draws and its pairs' titles."""
    db, ref = demo
    values = tableaux.mirror_values(db, ref, None)
    gaps = tableaux.mirror_gaps_with_verdicts(tableaux.mirror_gaps(values, ref), mirror_verdicts(db, ref, None), ref)
    titles = {users: f"Engagement {ref.indicateur(users).engagement} – {ref.indicateur(users).libelle.split(' (')[0]}"
              for users, _agents in tableaux.mirror_pairs(ref)}
    return tableaux.gaps_for_chart(gaps)[0], titles


def test_mirror_charts_are_unchanged(mirror):
    drawn, titles = mirror
    assert len(drawn) and len(titles) >= 2
    new = _json(mirror_gap_chart(drawn, titles))
    assert new["layout"]["xaxis2"]["ticktext"] and len(new["layout"]["shapes"]) == len(titles)
    assert new == _json(avant.mirror_gap_chart(drawn, titles))
    assert _json(graphiques.mirror_dumbbells(drawn, titles)) == _json(avant.mirror_dumbbells(drawn, titles))


def test_mirror_edge_cases_are_unchanged(mirror):
    drawn, titles = mirror
    first = next(iter(titles))
    holes = drawn.copy()
    holes.loc[holes.index[::2], "ecart_avant"] = float("nan")
    for case, names in ((drawn.iloc[:0], titles), (drawn.iloc[:1], titles), (holes, titles),
                        (drawn[drawn["paire"] == first], titles), (drawn, {first: titles[first]}),
                        (drawn[drawn["paire"] != first], {first: titles[first]})):  # no pair drawn
        assert _json(mirror_gap_chart(case, names)) == _json(avant.mirror_gap_chart(case, names))


def test_a_grid_built_once_is_titled_as_make_subplots_titles_it():
    from plotly.subplots import make_subplots

    options = dict(vertical_spacing=0.2, horizontal_spacing=0.08, row_heights=[2, 1])
    for titles in (["a", "", "c<br><sup>d</sup>"], ["e", "f", ""], []):  # the same grid, titled three ways
        layout, refs = graphiques._grid(rows=2, cols=2, subplot_titles=titles, **options)
        fig = make_subplots(rows=2, cols=2, subplot_titles=titles, **options)
        assert layout == graphiques._skeleton(fig)
        assert refs == ((("x", "y"), ("x2", "y2")), (("x3", "y3"), ("x4", "y4")))
        assert [n["text"] for n in layout.get("annotations", [])] == [t for t in titles if t]

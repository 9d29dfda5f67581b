"""The charts of Vue d'ensemble, Direction and Parcours, now built as one dict and validated once (issue 12:
their first run was mostly Plotly relayouts), are the same figures as before: compared with the old
builders kept verbatim in ``tests/outils/graphiques_avant.py``, on the demo base."""

from __future__ import annotations

import json

import plotly.io as pio
import pytest

from indicateurs import changements, graphiques, tableaux
from indicateurs.mois import parse_month_code
from indicateurs.referentiel_store import read_referentiel
from tests.outils import graphiques_avant as avant


def _json(fig) -> dict:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


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
    verdicts = tableaux.verdict_rows(db, ref, direction=direction)
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

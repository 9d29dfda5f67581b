"""Vue d'ensemble and Direction with many parcours (issue 12): what does not fit is paged, the page says how
many items are not on screen, and every one of them is reachable.

The large base is the demo copied in a tmp folder with every parcours repeated 8 times (240 parcours, DPE
16), values, results and scores included, as the bench builds its 100x base. Expected values are read from
that database (``indicateurs.lecture``), never from the page code.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from indicateurs import lecture
from indicateurs.affichage_verdicts import RESULT_COLUMNS
from indicateurs.db import Database
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT
from indicateurs.priorites import marked_first, slices
from tests.outils.pages import open_page

ROOT = Path(__file__).resolve().parents[1]
FACTOR = 8


def _scaled_copy():
    spec = importlib.util.spec_from_file_location("bench_lectures", ROOT / "benchmarks" / "bench_lectures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scaled_copy


@pytest.fixture(scope="module")
def _large_template(_demo_template, tmp_path_factory) -> Path:
    return _scaled_copy()(_demo_template, tmp_path_factory.mktemp("grande") / "x8.duckdb", FACTOR)


@pytest.fixture
def large_db(_large_template, tmp_path) -> Database:
    path = tmp_path / "x8.duckdb"
    shutil.copy(_large_template, path)
    return Database(path)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def _heat_map_rows(at) -> list[str]:
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace.get("type") == "heatmap":
                return list(trace["y"])
    raise AssertionError("no heat map on the page")


# ---------------------------------------------------------------------------------------- pure functions

def test_marked_first_puts_deteriorations_then_improvements_first_keeping_the_given_order_otherwise():
    verdicts = pd.DataFrame({"parcours": ["A", "B", "B", "C", "D", "D", "E"],
                             "verdict": ["pas de changement", IMPROVEMENT, IMPROVEMENT, DEGRADATION,
                                         IMPROVEMENT, DEGRADATION, "pas de changement"]})
    # D: 1 deterioration + 1 improvement; C: 1 deterioration; B: 2 improvements; A and E: nothing, given order.
    assert marked_first(["E", "A", "B", "C", "D"], verdicts) == ["D", "C", "B", "E", "A"]
    assert marked_first(["B", "A"], verdicts.iloc[0:0]) == ["B", "A"]


def test_slices_cover_every_item_once_and_say_how_many_are_hidden():
    assert [(t.debut, t.fin) for t in slices(25, 10)] == [(0, 10), (10, 20), (20, 25)]
    assert slices(25, 10)[2].cachees == 20
    assert slices(1234, 200)[0].libelle("parcours") == "parcours 1 à 200 sur 1\u202f234"
    assert [(t.debut, t.fin, t.cachees) for t in slices(7, 10)] == [(0, 7, 0)]


# ---------------------------------------------------------------------------------------- pages

def test_overview_at_scale_pages_the_parcours_table_and_the_heat_map_most_marked_first(large_db, monkeypatch):
    stored = lecture.verdicts(large_db)
    all_parcours = large_db.query_df("SELECT code FROM parcours")["code"].tolist()
    assert len(all_parcours) == 30 * FACTOR
    at = open_page(large_db, monkeypatch, "pages/vue_ensemble.py", timeout=120)
    text = _texts(at)

    table = next(d.value for d in at.dataframe if "dernier_mois" in d.value.columns)
    assert len(table) == 200
    assert f"{len(all_parcours) - 200} parcours de plus ne sont pas affichés" in text

    shown = _heat_map_rows(at)
    assert len(shown) == 60
    # The map has a row per parcours of the referential, judged or not.
    assert f"{len(all_parcours) - 60} parcours de plus ne sont pas affichés" in text
    # Most marked first: no parcours left off the first page has more deteriorations than one on it.
    worse = stored[stored["verdict"] == DEGRADATION].groupby("parcours").size().reindex(all_parcours, fill_value=0)
    assert worse[shown].min() >= worse.drop(shown).max()
    assert worse[shown].sum() > worse.mean() * 60  # the first page is not an arbitrary sample

    # The rest on demand: the last page of each.
    at.selectbox(key="parcours-page").select_index(1).run()
    at.selectbox(key="carte-page").select_index(len(at.selectbox(key="carte-page").options) - 1).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "dernier_mois" in d.value.columns)
    assert len(table) == len(all_parcours) - 200
    last_page = _heat_map_rows(at)
    assert 0 < len(last_page) <= 60 and not set(last_page) & set(shown)


def test_direction_at_scale_shows_cards_ten_parcours_at_a_time_and_the_rest_on_demand(large_db, monkeypatch):
    codes = large_db.query_df("SELECT code FROM parcours WHERE direction = 'DPE'")["code"].tolist()
    assert len(codes) == 2 * FACTOR
    at = open_page(large_db, monkeypatch, "pages/direction.py", timeout=120, direction="DPE")
    assert len(at.tabs) == 10
    assert f"{len(codes) - 10} parcours de plus ne sont pas affichés" in _texts(at)
    first = {t.label for t in at.tabs}

    at.selectbox(key="cartes-page").select_index(1).run()
    assert not at.exception
    second = {t.label for t in at.tabs}
    assert len(second) == len(codes) - 10 and first | second == set(codes)
    # The results table follows the page: exactly the stored results of the parcours in the tabs.
    stored = lecture.verdicts(large_db, direction="DPE")
    change = RESULT_COLUMNS["changement"]  # only the results tables have this column
    results = next(d.value for d in at.dataframe if change in d.value.columns)
    assert sorted(results["Parcours"].unique()) == sorted(second)
    assert len(results) == int(stored["parcours"].isin(second).sum())

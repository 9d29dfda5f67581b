"""Every page under Streamlit's AppTest, on the demo database and on an empty one."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs.referentiel_store import read_referentiel
from indicateurs.synthese import parcours_table
from indicateurs.mois import parse_month_code

TIMEOUT = 60
APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def app(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("OBSERVATOIRE_DB", str(db.path))
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def test_home_shows_the_30_parcours_on_demo_data(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Parcours suivis"] == "30"
    assert metrics["Pas encore déployés"] == "2"
    assert "Données de démonstration" in at.warning[0].value
    table = at.dataframe[0].value
    assert len(table) == 30
    expected = parcours_table(demo_db, read_referentiel(demo_db), debut=parse_month_code("2023-01"),
                              fin=parse_month_code("2026-10"))
    assert metrics["Valeurs sur la période"] == f"{expected['valeurs'].sum():,}".replace(",", "\u202f")
    piscine = table.set_index("code").loc["DJS-PISCINE"]
    assert piscine["deploiement"] == "mars 2025"


def test_direction_in_the_url_filters_the_home_page(demo_db, monkeypatch):
    at = app(demo_db, monkeypatch)
    at.query_params["direction"] = "DJS"
    at.run()
    assert not at.exception
    assert set(at.dataframe[0].value["code"]) == {"DJS-PISCINE", "DJS-CRENEAU-SPORTIF"}
    assert {m.label: m.value for m in at.metric}["Parcours suivis"] == "2"


def test_empty_database_gets_a_french_empty_state(empty_db, monkeypatch):
    at = app(empty_db, monkeypatch).run()
    assert not at.exception
    assert "Aucune valeur n'est encore enregistrée" in at.info[0].value
    assert not at.warning  # no demo banner: there is no demo data


def test_missing_database_is_created_with_demo_data(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_DB", str(tmp_path / "absente.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert (tmp_path / "absente.duckdb").exists()
    assert {m.label: m.value for m in at.metric}["Parcours suivis"] == "30"

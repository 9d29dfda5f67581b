"""Shared links never lie: an unknown or malformed parameter is named in a French notice, codes ignore case."""

from __future__ import annotations


import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from tests.outils.pages import open_page



@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(db, monkeypatch, page: str, **params) -> AppTest:
    return open_page(db, monkeypatch, page, timeout=120, **params)


def _notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Le lien demande" in w.value]


def test_an_unknown_direction_is_named_and_the_page_says_what_it_shows(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/direction.py", direction="XYZ")
    assert _notices(at) == ["Le lien demande « XYZ » pour « Direction », qui n'existe pas ou n'est pas "
                            "disponible ici : la page montre « Toutes les directions » à la place."]
    assert at.selectbox(key="direction").value == ""


def test_codes_in_links_ignore_case(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/direction.py", direction="dpe")
    assert _notices(at) == []
    assert at.selectbox(key="direction").value == "DPE"
    assert at.query_params["direction"] in ("DPE", ["DPE"])


def test_a_malformed_month_is_named(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/direction.py", direction="DPE", debut="2026-13")
    notices = _notices(at)
    assert len(notices) == 1 and "« 2026\\-13 » pour « Début de la période »" in notices[0]
    assert at.selectbox(key="direction").value == "DPE"

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


def _main_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.main.warning if "Le lien demande" in w.value]


def test_an_unknown_parcours_is_named_in_the_page_with_the_one_shown_instead(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-INCONNU")
    shown = at.selectbox(key="parcours").value
    assert shown != "DJS-INCONNU" and shown.startswith("D")
    [notice] = _main_notices(at)
    assert "« DJS\\-INCONNU » pour « Parcours »" in notice
    assert f"la page montre « {shown.replace('-', chr(92) + '-')} – " in notice  # the code and label shown


def test_a_lowercase_parcours_code_opens_that_parcours_without_a_notice(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/parcours.py", parcours="djs-piscine")
    assert at.selectbox(key="parcours").value == "DJS-PISCINE"
    assert _notices(at) == []


def test_a_parcours_of_another_direction_is_named_and_not_shown(demo_db, monkeypatch):
    at = _page(demo_db, monkeypatch, "pages/parcours.py", direction="DPE", parcours="DJS-PISCINE")
    assert at.selectbox(key="direction").value == "DPE"
    shown = at.selectbox(key="parcours").value
    assert shown.startswith("DPE-")  # a parcours of the direction in the link, never DJS-PISCINE's figures
    [notice] = _main_notices(at)
    assert "« DJS\\-PISCINE » pour « Parcours »" in notice


@pytest.mark.parametrize("page", ["pages/vue_ensemble.py", "pages/completude.py"])
def test_sidebar_filter_notices_are_shown_in_the_page_not_only_in_the_sidebar(demo_db, monkeypatch, page):
    at = _page(demo_db, monkeypatch, page, direction="XYZ", debut="2026-13")
    notices = _main_notices(at)
    assert len(notices) == 2, notices
    assert "« XYZ » pour « Direction »" in notices[0] and "« Toutes les directions »" in notices[0]
    assert "« 2026\\-13 » pour « Début de la période »" in notices[1] and "janv\\. 2023" in notices[1]
    assert [w.value for w in at.sidebar.warning if "Le lien demande" in w.value] == []

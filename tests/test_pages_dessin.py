"""What a page sends the browser to draw (issue 12: drawing Plotly figures was most of a page's time in the
browser): the Parcours page draws its small multiples only once the reader opens them."""

from __future__ import annotations

import json

import pytest
import streamlit as st

from ui.lectures_parcours import GLANCE_KEY
from tests.outils.pages import open_page


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def _titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_parcours_draws_every_indicator_small_chart_only_once_opened(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE")
    received = demo_db.query_df("SELECT COUNT(DISTINCT indicateur) AS n FROM valeurs "
                                "WHERE parcours = 'DJS-PISCINE'")["n"].iloc[0]
    label = f"Voir les {received} indicateurs en petits graphiques, ceux qui ont changé d'abord"
    assert label in [e.label for e in at.expander]
    assert len(_titles(at)) == 1  # the chosen indicator's chart only
    assert "Tous les indicateurs du parcours" in [s.value for s in at.subheader]

    at.session_state[GLANCE_KEY] = True  # the reader opens the expander
    at.run()
    assert not at.exception
    titles = _titles(at)
    assert len(titles) == 2 and titles[1].startswith("Tous les indicateurs du parcours")
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert len([k for k in spec["layout"] if k.startswith("xaxis")]) >= received  # one small chart each
    # its data table and downloads come with it
    table = next(d.value for d in at.dataframe if "Indicateur" in d.value.columns and "Mois" in d.value.columns)
    assert table["Code"].nunique() == received

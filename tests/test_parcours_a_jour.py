"""The Parcours page keeps its reads in shared caches (ui/lectures_parcours.py): an import must show at the next
rerun of an open session, never a stale value (the caches are keyed by the data version)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from indicateurs.valeurs import value_history
from ui.lectures_parcours import GLANCE_KEY
from tests.conftest import END_MONTH
from tests.outils.pages import open_page

FILE_NAME = "DJS_2026-06_corrige.csv"
FILE = "parcours;indicateur;mois;valeur\r\nDJS-PISCINE;DELAI_TRAITEMENT;2026-06;4,2\r\n".encode("utf-8")
SHOWN = "4,2\u202fj"  # 4.2 days as the page writes a value in days


def _table_with(at, column: str):
    return next(e.value for e in at.dataframe if column in e.value.columns)


def test_parcours_shows_an_import_at_the_next_rerun_of_an_open_session(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE",
                   indicateur="DELAI_TRAITEMENT", mois="2026-06")
    at.session_state[GLANCE_KEY] = True  # the small multiples too: their figure and table are cached
    at.run()
    assert not at.exception
    values = _table_with(at, "importe_le")
    assert values.loc[values["mois"] == "juin 2026", "valeur"].iloc[0] != SHOWN
    assert len(_table_with(at, "valeur_avant")) == 1

    verification = check_file(demo_db, FILE_NAME, FILE, last_month=END_MONTH)
    assert verification.ok, verification.erreurs
    import_file(demo_db, verification, Utilisateur("chef.sru@paris.fr", ADMINISTRATEUR))
    at.run()  # the same session, every cache warm from before the import
    assert not at.exception

    values = _table_with(at, "importe_le")
    june = values[values["mois"] == "juin 2026"].iloc[0]
    assert june["valeur"] == SHOWN and june["fichier"] == FILE_NAME
    history = _table_with(at, "valeur_avant")
    assert len(history) == len(value_history(demo_db, "DJS-PISCINE", "DELAI_TRAITEMENT", date(2026, 6, 1))) == 2
    assert history.iloc[-1]["valeur_apres"] == SHOWN and history.iloc[-1]["fichier"] == FILE_NAME
    chart_table = _table_with(at, "Sans la refonte (modèle)")  # the table under the indicator's chart
    assert chart_table.loc[chart_table["Mois"] == "2026-06", "Valeur"].iloc[0] == "4,2"
    glance = _table_with(at, "Unité")  # the table under the small multiples
    row = glance[(glance["Code"] == "DELAI_TRAITEMENT") & (glance["Mois"] == "2026-06")]
    assert row["Valeur"].iloc[0] == "4,2"

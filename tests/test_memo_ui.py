"""Shared UI helpers reuse what they built from the same shared frame (ui/memo.py), never across data versions."""

from __future__ import annotations

import gc
import html

import pandas as pd
import streamlit as st

from indicateurs import tableaux
from indicateurs.affichage_verdicts import format_mean
from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.referentiel_store import read_referentiel
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from tests.conftest import END_MONTH
from tests.outils.pages import open_page
from ui import memo
from ui.details_statistiques import _reader_table
from ui.graphique import _chart_tables

T = tableaux.RESULT_COLUMNS
FILE_NAME = "DJS_2026-06_corrige.csv"
# A delay far above DJS-PISCINE's usual days: the mean since the deployment moves in its first decimal.
FILE = "parcours;indicateur;mois;valeur\r\nDJS-PISCINE;DELAI_TRAITEMENT;2026-06;95\r\n".encode("utf-8")


def test_same_frame_builds_once_per_live_frame_and_options():
    calls = []

    def build(frame, factor):
        calls.append(factor)
        return frame["a"].sum() * factor

    frame = pd.DataFrame({"a": [1, 2]})
    assert memo.same_frame(build, frame, 10) == 30
    assert memo.same_frame(build, frame, 10) == 30
    assert memo.same_frame(build, frame, 2) == 6
    assert calls == [10, 2]
    # An equal but distinct frame is another frame: built again (nothing compares contents).
    assert memo.same_frame(build, pd.DataFrame({"a": [5, 5]}), 10) == 100
    assert calls == [10, 2, 10]


def test_an_entry_goes_with_its_frame_even_for_the_helpers_results():
    gc.collect()
    before = memo.entries()
    frame = pd.DataFrame({"mois": ["2026-06"], "valeur": [4.25], "ok": [True]})
    memo.same_frame(_chart_tables, frame, (("valeur", "Valeur"),), ())
    memo.same_frame(_chart_tables, frame, (), ())
    shown, table = memo.same_frame(_chart_tables, frame, (("valeur", "Valeur"),), ("valeur", "mois"))
    assert list(shown.columns) == ["Valeur", "mois"] and table.iloc[0].tolist() == ["4,25", "2026-06"]
    assert memo.entries() == before + 3
    del frame
    gc.collect()
    assert memo.entries() == before  # the results (renamed frame, screen table) did not keep the frame alive


def test_results_helpers_do_not_keep_their_frame_alive(demo_db):
    verdicts = tableaux.verdict_rows(demo_db, read_referentiel(demo_db), parcours="DJS-PISCINE")
    gc.collect()
    before = memo.entries()
    shown, _, printed = memo.same_frame(_reader_table, verdicts, False)
    assert f"<th>{T['libelle_indicateur']}</th>" in printed and f"<th>{T['parcours']}</th>" not in printed
    assert len(shown) == len(verdicts)
    del verdicts
    gc.collect()
    assert memo.entries() == before


def _reader_row(at, indicator_label: str) -> pd.Series:
    """The indicator's row in the reader's table of results (the one without p-values)."""
    table = next(e.value for e in at.dataframe
                 if T["apres"] in e.value.columns and T["p_ajustee"] not in e.value.columns)
    return table[table[T["libelle_indicateur"]] == indicator_label].iloc[0]


def _statistics_row(at, indicator_label: str) -> pd.Series:
    table = next(e.value for e in at.dataframe if T["p_ajustee"] in e.value.columns)
    return table[table[T["libelle_indicateur"]] == indicator_label].iloc[0]


def test_results_tables_show_an_import_at_the_next_rerun_of_an_open_session(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    ref = read_referentiel(demo_db)
    label = ref.indicateur("DELAI_TRAITEMENT").libelle
    at = open_page(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE", indicateur="DELAI_TRAITEMENT")
    at.run()  # warm: the helpers' results are now held for the page's shared frames
    before = _reader_row(at, label)[T["apres"]]
    assert _statistics_row(at, label)[T["apres"]] == before

    verification = check_file(demo_db, FILE_NAME, FILE, last_month=END_MONTH)
    assert verification.ok, verification.erreurs
    import_file(demo_db, verification, Utilisateur("chef.sru@paris.fr", ADMINISTRATEUR))
    stored = tableaux.verdict_rows(demo_db, read_referentiel(demo_db), parcours="DJS-PISCINE")
    row = stored[stored["indicateur"] == "DELAI_TRAITEMENT"].iloc[0]
    expected = format_mean(row["moyenne_apres"], row["unite"])
    assert expected != before  # the import does move the mean as written

    at.run()  # the same session, every cache warm from before the import
    assert not at.exception
    assert _reader_row(at, label)[T["apres"]] == expected
    assert _statistics_row(at, label)[T["apres"]] == expected
    printed = next(e.proto.body for e in at.get("html") if T["apres"] in e.proto.body)
    assert f"<td>{html.escape(expected)}</td>" in printed  # the printed copy too

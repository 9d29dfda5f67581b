"""ui/contexte.py reads the database, the versions and the referential once per script run: every later call
of the run gets the first answer, and the next run (a widget's, st.rerun's, AppTest's) reads them again, so an
import made meanwhile (CLI, another session) shows at the next rerun of an open session."""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from tests.outils.pages import open_page

NOVEMBER = date(2026, 11, 1)  # one month after the demo data's last one


def _missing(at) -> set[tuple[str, str, str]]:
    table = next(e.value for e in at.dataframe if "libelle_indicateur" in e.value.columns)
    return set(zip(table["parcours"], table["indicateur"], table["mois"]))


def test_completude_shows_an_import_at_the_next_rerun_of_an_open_session(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(demo_db, monkeypatch, "pages/completude.py")
    missing_before = int(at.metric[1].value)
    october = sorted((p, i) for p, i, mois in _missing(at) if mois == "oct. 2026")
    assert october, "the demo data misses some values in October 2026"
    parcours, indicateur = october[0]
    assert "nov. 2026" not in at.selectbox(key="fin").options

    content = (f"parcours;indicateur;mois;valeur\r\n{parcours};{indicateur};2026-10;1\r\n"
               f"{parcours};{indicateur};2026-11;1\r\n").encode("utf-8")
    verification = check_file(demo_db, "complement.csv", content, last_month=NOVEMBER)
    assert verification.ok, verification.erreurs
    import_file(demo_db, verification, Utilisateur("chef.sru@paris.fr", ADMINISTRATEUR))
    at.run()  # the same session, every cache warm from before the import
    assert not at.exception

    assert (parcours, indicateur, "oct. 2026") not in _missing(at)
    assert at.selectbox(key="fin").options[-1] == "nov. 2026"  # the period read again: a new last month
    assert at.selectbox(key="fin").value == "2026-10"  # the reader's chosen end month is kept
    assert int(at.metric[1].value) == missing_before - 1


def _run_keys_script():
    import streamlit as st

    from ui.contexte import _run_key, once_per_run

    keys = st.session_state.setdefault("cles", [])  # kept alive: identities stay distinct
    keys.append(_run_key())
    first = once_per_run("essai", object)
    st.session_state.setdefault("reponses", []).append(first)
    assert once_per_run("essai", object) is first  # asked again in the same run: the same answer
    if len(keys) == 1:
        st.rerun()
    st.button("Relancer", key="relancer")


def test_each_run_has_its_own_key_st_rerun_and_widgets_included():
    at = AppTest.from_function(_run_keys_script)
    at.run()  # a first run, then the run asked by st.rerun
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="relancer").click().run()  # a widget's rerun
    at.run()  # a plain rerun
    assert not at.exception, [e.value for e in at.exception]
    keys, answers = at.session_state["cles"], at.session_state["reponses"]
    assert len(keys) == len(answers) == 4
    assert all(k is not None for k in keys)
    assert len({id(k) for k in keys}) == 4  # a new key on every run
    assert len({id(a) for a in answers}) == 4  # so a new answer on every run

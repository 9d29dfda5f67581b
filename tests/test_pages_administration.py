"""The administration pages under AppTest: Référentiel (preview, save, undo, refusal) and Journal d'audit
(filters, downloads)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs import journal
from indicateurs.referentiel_store import read_referentiel
from tests.conftest import ROOT


@pytest.fixture
def admin_app(demo_db, monkeypatch, administrateur_local):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(demo_db.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception
    return at


def _plain(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def test_referential_page_previews_saves_and_undoes_a_label(admin_app, demo_db, administrateur_local):
    at = admin_app
    at.switch_page("pages/referentiel.py").run()
    assert not at.exception and at.title[0].value == "Référentiel"
    at.selectbox(key="ref_parcours").set_value("DPE-ENCOMBRANTS").run()
    at.radio(key="ref_champ").set_value("libelle").run()
    old = read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle
    at.text_input(key="ref_val_libelle_DPE-ENCOMBRANTS").set_value("**Encombrants** <b>revu</b>").run()
    at.button(key="ref_apercu").click().run()
    assert not at.exception
    assert any(f"« {old} » → « **Encombrants** <b>revu</b> »" in m for m in _plain(at.markdown))
    assert "Aucun verdict ne change." in _plain(at.info)
    at.button(key="ref_enregistrer").click().run()
    assert not at.exception
    assert any("enregistrée" in m for m in _plain(at.success))
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle == "**Encombrants** <b>revu</b>"
    row = journal.read_journal(demo_db, action=journal.REFERENTIEL).iloc[0]
    assert (row["utilisateur"], row["avant"]) == (administrateur_local, old)
    at.button(key="ref_annuler").click().run()
    assert not at.exception
    assert read_referentiel(demo_db).un_parcours("DPE-ENCOMBRANTS").libelle == old


def test_referential_page_refuses_a_bad_month_in_french(admin_app, demo_db):
    at = admin_app
    at.switch_page("pages/referentiel.py").run()
    at.selectbox(key="ref_parcours").set_value("DPE-ENCOMBRANTS").run()
    at.text_input(key="ref_val_date_DPE-ENCOMBRANTS").set_value("mars 2025").run()
    at.button(key="ref_apercu").click().run()
    assert not at.exception
    assert "n'est pas un mois au format AAAA-MM" in _plain(at.error)[0]
    assert journal.read_journal(demo_db, action=journal.REFERENTIEL).empty


def test_journal_page_filters_and_downloads(admin_app, demo_db, administrateur_local):
    at = admin_app
    at.switch_page("pages/journal.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Action"]) == {journal.CONNEXION} and set(table["Par"]) == {administrateur_local}
    at.selectbox(key="journal_action").set_value(journal.IMPORT).run()
    assert "Aucune ligne du journal ne correspond à ces filtres." in _plain(at.info)
    at.selectbox(key="journal_action").set_value("").run()
    at.text_input(key="journal_personne").set_value("personne-d-autre").run()
    assert not at.dataframe
    at.text_input(key="journal_personne").set_value(administrateur_local[:3].upper()).run()
    assert len(at.dataframe[0].value) == 1
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Télécharger en CSV (Excel)", "Télécharger en XLSX"]

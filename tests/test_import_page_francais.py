"""The Import page in French: the journal's counts with a thousands space, no « None » in empty cells, and
its download under the screen's titles."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit as st

from indicateurs.valeurs import list_imports
from tests.outils.pages import open_page


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def test_import_journal_reads_in_french(demo_db, monkeypatch, administrateur_local):
    at = open_page(demo_db, monkeypatch, "pages/import_donnees.py", timeout=120)
    table = at.dataframe[-1].value
    stored = int(list_imports(demo_db)["nb_nouvelles"].iloc[0])
    assert stored >= 1000  # the demo import: a count that needs a thousands separator
    expected = f"{stored:,}".replace(",", "\u202f")
    assert table["nb_nouvelles"].iloc[0] == expected
    cells = table.drop(columns="horodatage").astype(str).to_numpy().ravel().tolist()
    assert "None" not in cells and "nan" not in cells and "<NA>" not in cells
    assert table["message"].iloc[0] == "" and table["annule_import"].iloc[0] == ""
    xlsx = next(b for b in at.get("download_button") if b.proto.label == "Télécharger en XLSX")
    assert xlsx is not None


def test_import_journal_download_has_the_screen_titles(demo_db):
    from indicateurs.export_lecteur import reader_csv_bytes

    raw = list_imports(demo_db)[["id", "nb_nouvelles", "annule_import", "message"]]
    back = pd.read_csv(io.BytesIO(reader_csv_bytes(raw, {"id": "N°", "nb_nouvelles": "Nouvelles",
                                                         "annule_import": "Annule l'import", "message": "Détail"})),
                       sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == ["N°", "Nouvelles", "Annule l'import", "Détail"]
    assert back["Nouvelles"].iloc[0] == str(int(raw["nb_nouvelles"].iloc[0]))  # a number Excel can add up
    assert back["Annule l'import"].iloc[0] == "" and back["Détail"].iloc[0] == ""

"""Downloads speak the reader's language: screen titles, values rounded as displayed, months, « oui/non »,
the unrounded values in a « Données brutes » sheet, and an XLSX with widths, a filter and a frozen header."""

from __future__ import annotations

import io
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indicateurs.export_lecteur import reader_csv_bytes, reader_xlsx_bytes
from indicateurs.referentiel_store import referentiel_csv_texts


@pytest.fixture
def resultats() -> pd.DataFrame:
    """Two stored results as the Parcours page hands them to the download buttons (internal codes)."""
    return pd.DataFrame({
        "parcours": ["DJS-PISCINE", "DVD-STATIONNEMENT"],
        "libelle_indicateur": ["Délai moyen de traitement", "=HYPERLINK(\"http://x\")"],
        "unite": ["jours", "ratio"],
        "deploiement": [date(2025, 3, 1), date(2026, 10, 1)],
        "moyenne_avant": [73.44545454545454, 0.123456],
        "estimate": [-6.6210501320492305, 0.98765],
        "effet_unite": ["j", "ratio"],
        "p_ajustee": [0.8678568426530744, np.nan],
        "score": [0.7155683014115238, 0.8946874400618342],
        "taux": [0.93333333, 1.0],
        "declasse_fdr": [True, False],
        "provisoire": np.array([False, True]),
        "importe_le": pd.to_datetime(["2026-11-30 23:36:55.518663", "2026-12-01 00:05:01.000001"]),
        "commentaire": [None, "révisé"],
    })


def _csv(frame: pd.DataFrame, **titles) -> pd.DataFrame:
    data = reader_csv_bytes(frame, titles or None)
    assert data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def test_the_csv_has_the_screen_titles_and_the_rounded_values(resultats):
    back = _csv(resultats)
    assert list(back.columns) == [
        "Parcours", "Libellé de l'indicateur", "Unité", "Déploiement", "Moyenne des 12 mois avant",
        "Écart moyen depuis le déploiement", "Unité de l'écart", "p corrigée pour comparaisons multiples", "Score",
        "Taux (%)", "Écarté par la correction des comparaisons multiples", "Verdict provisoire", "Importé le",
        "Commentaire"]
    first, second = back.iloc[0], back.iloc[1]
    assert first["Moyenne des 12 mois avant"] == "73,4"          # one decimal for days, as on screen
    assert second["Moyenne des 12 mois avant"] == "0,12"         # two for a ratio
    assert first["Écart moyen depuis le déploiement"] == "-6,6"
    assert second["Écart moyen depuis le déploiement"] == "0,99"
    assert first["p corrigée pour comparaisons multiples"] == "0,868" and second["p corrigée pour comparaisons multiples"] == ""
    assert (first["Score"], second["Score"]) == ("0,72", "0,89")
    assert (first["Taux (%)"], second["Taux (%)"]) == ("93,3", "100")
    assert (first["Déploiement"], second["Déploiement"]) == ("2025-03", "2026-10")
    assert list(back["Écarté par la correction des comparaisons multiples"]) == ["oui", "non"]
    assert list(back["Verdict provisoire"]) == ["non", "oui"]
    assert (first["Importé le"], second["Importé le"]) == ("2026-11-30 23:36:55", "2026-12-01 00:05:01")
    assert (first["Commentaire"], second["Commentaire"]) == ("", "révisé")
    assert second["Libellé de l'indicateur"].startswith("'=")    # formulas stay neutralised
    text = reader_csv_bytes(resultats).decode("utf-8-sig")
    assert "True" not in text and "False" not in text and ".518663" not in text and "None" not in text


def test_a_page_may_give_its_own_titles(resultats):
    back = _csv(resultats[["parcours", "score"]], parcours="Code du parcours")
    assert list(back.columns) == ["Code du parcours", "Score"]


def test_the_xlsx_has_the_displayed_sheet_and_the_raw_sheet(resultats):
    book = openpyxl.load_workbook(io.BytesIO(reader_xlsx_bytes(resultats)))
    assert book.sheetnames == ["Données", "Données brutes"]
    shown, raw = book["Données"], book["Données brutes"]
    header = [c.value for c in shown[1]]
    assert header[:5] == ["Parcours", "Libellé de l'indicateur", "Unité", "Déploiement", "Moyenne des 12 mois avant"]
    assert [c.value for c in raw[1]] == header
    column = {title: index + 1 for index, title in enumerate(header)}
    assert shown.cell(2, column["Moyenne des 12 mois avant"]).value == pytest.approx(73.4, abs=1e-12)
    assert raw.cell(2, column["Moyenne des 12 mois avant"]).value == pytest.approx(73.44545454545454, abs=1e-12)
    assert shown.cell(2, column["Déploiement"]).value == "2025-03"
    assert raw.cell(2, column["Déploiement"]).value == datetime(2025, 3, 1)
    assert shown.cell(2, column["Écarté par la correction des comparaisons multiples"]).value == "oui"
    assert raw.cell(2, column["Importé le"]).value == datetime(2026, 11, 30, 23, 36, 55)
    assert str(shown.cell(3, column["Libellé de l'indicateur"]).value).startswith("'=")
    for sheet in (shown, raw):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == "A1:N3"
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 15)]
        assert all(w and w >= 8 for w in widths)
        assert widths[column["Écarté par la correction des comparaisons multiples"] - 1] > 40  # sized to its title
        assert sheet["A1"].font.bold


def test_the_referential_re_export_neutralises_formulas(demo_db):
    import csv

    from indicateurs import referentiel_edition as edition
    from indicateurs.exporter import restore_formula_text
    from indicateurs.roles import Utilisateur

    hostile = "=cmd|'/c calc'!A1; x;+2"
    edition.apply(demo_db, edition.Modification(edition.LIBELLE, "DJS-PISCINE", hostile),
                  Utilisateur("sru.tests", "administrateur"))
    rows = list(csv.DictReader(io.StringIO(referentiel_csv_texts(demo_db)["parcours"])))
    label = next(r["libelle"] for r in rows if r["code"] == "DJS-PISCINE")
    assert label == "'=cmd|'/c calc'!A1; x;'+2"  # no cell starts with a formula, even cut at « ; »
    assert all(not piece.lstrip().startswith(("=", "+", "-", "@")) for piece in label.split(";"))
    assert restore_formula_text(label) == hostile
    plain = next(r["libelle"] for r in rows if r["code"] == "DVD-STATIONNEMENT")
    assert plain == "Obtenir une carte de stationnement résident"


def test_values_of_a_table_without_a_unit_column_follow_their_indicator():
    values = pd.DataFrame({"indicateur": ["RECLAMATIONS", "DELAI_TRAITEMENT", "VOLUME_DEMANDES", "AUTRE"],
                           "mois": pd.to_datetime(["2026-10-01"] * 4),
                           "valeur": [0.123456, 12.345, 18029.4, 1.23456]})
    units = {"RECLAMATIONS": "ratio", "DELAI_TRAITEMENT": "jours", "VOLUME_DEMANDES": "nombre"}
    back = pd.read_csv(io.BytesIO(reader_csv_bytes(values, units=units)), sep=";", encoding="utf-8-sig", dtype=str)
    assert list(back.columns) == ["Indicateur", "Mois", "Valeur"]
    assert list(back["Valeur"]) == ["0,12", "12,3", "18029", "1,23"]  # ratio 2, days 1, count 0, unknown 2
    assert list(back["Mois"]) == ["2026-10"] * 4


def test_the_neutralised_referential_reads_back_as_it_was_typed(demo_db):
    """Re-exported, then loaded again (what the SRU does to edit it in a spreadsheet): the label is the one typed."""
    from indicateurs import referentiel_edition as edition
    from indicateurs.referentiel import parse_referentiel
    from indicateurs.roles import Utilisateur

    hostile = "=cmd|'/c calc'!A1; x;+2"
    edition.apply(demo_db, edition.Modification(edition.LIBELLE, "DJS-PISCINE", hostile),
                  Utilisateur("sru.tests", "administrateur"))
    again = parse_referentiel(referentiel_csv_texts(demo_db))
    assert again.un_parcours("DJS-PISCINE").libelle == hostile
    assert again.un_parcours("DVD-STATIONNEMENT").libelle == "Obtenir une carte de stationnement résident"

"""Formula neutralisation in every file the project writes."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from indicateurs.exporter import csv_bytes, excel_csv_bytes, neutralise_formula, neutralise_frame, xlsx_bytes


def test_neutralise_formula():
    assert neutralise_formula("=CMD|' /C calc'!A0") == "'=CMD|' /C calc'!A0"
    assert neutralise_formula("+33 1 42 76") == "'+33 1 42 76"
    assert neutralise_formula("-2,5") == "'-2,5"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("\tx") == "'\tx"
    assert neutralise_formula("\rx") == "'\rx"
    assert neutralise_formula("Accueil") == "Accueil"
    assert neutralise_formula("") == ""
    assert neutralise_formula(-2.5) == -2.5
    assert neutralise_formula(None) is None


def test_neutralise_frame_touches_text_cells_only():
    frame = pd.DataFrame({"texte": ["=1+1", "ok", None], "nombre": [-2.5, 3.0, 1.0],
                          "mixte": pd.Series(["-x", 4, None], dtype=object)})
    out = neutralise_frame(frame)
    assert out["texte"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["texte"].iloc[2])
    assert out["nombre"].tolist() == [-2.5, 3.0, 1.0]
    assert out["mixte"].tolist() == ["'-x", 4, None]
    assert frame["texte"].iloc[0] == "=1+1"  # the input is not modified


def test_csv_writer():
    frame = pd.DataFrame({"commentaire": ["=HYPERLINK(\"http://x\")", "a;b"], "valeur": [-2.5, 100.0]})
    text = excel_csv_bytes(frame).decode("utf-8")
    assert text == ('\ufeffcommentaire;valeur\r\n'
                    '"\'=HYPERLINK(""http://x"")";-2,5\r\n'
                    '"a;b";100\r\n')


def test_xlsx_writer():
    frame = pd.DataFrame({"commentaire": ["=1+1", "+2"], "valeur": [-2.5, 7.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"données": frame})))["données"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("commentaire", "valeur"), ("'=1+1", -2.5), ("'+2", 7)]
    assert sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_error_report_download_is_neutralised(db, tmp_path):
    from indicateurs.imports.rapport import problemes_csv, rapport_texte

    from .helpers import check_path, csv

    v = check_path(db, csv(tmp_path, "=HYPERLINK(\"http://x\");TAUX_DECROCHE;2026-09;50;"))
    lines = problemes_csv(v).decode("utf-8-sig").splitlines()
    assert lines[0] == "niveau;fichier;ligne;colonne;valeur;message"
    assert lines[1].startswith('erreur;f.csv;2;parcours;"\'=HYPERLINK(""http://x"")";"Parcours inconnu.')
    assert rapport_texte(v).splitlines()[:3] == [
        "Fichier « f.csv » (CSV UTF-8, séparateur point-virgule, format long) : 1 erreur, 0 avertissement.",
        "Erreurs (le fichier est refusé, rien ne sera importé) :",
        "  - ligne 2, colonne « parcours », valeur « =HYPERLINK(\"http://x\") » : Parcours inconnu. "
        "Aucun code proche. Corrigez le code (ou écrivez le libellé exact) ; la liste figure dans le modèle "
        "de fichier.",
    ]


PAYLOAD = "x;=cmd|' /C calc'!A0;y"


def _cells(text: str, sep: str) -> list[list[str]]:
    import csv as csv_module

    return list(csv_module.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep))


def test_a_formula_behind_the_other_separator_never_reaches_a_cell():
    """The comma file is re-read as French Excel reads it (« ; ») and the French file as a program reads
    it (« , »): no cell of either starts with a formula character."""
    frame = pd.DataFrame({"commentaire": [PAYLOAD, "a,=1+1", "ligne\n@SUM(A1)", "tab\t+2"], "valeur": [1.5, 2, 3, 4]})
    plain = csv_bytes(frame).decode("utf-8")
    french = excel_csv_bytes(frame).decode("utf-8")
    for text in (plain, french):
        for sep in (";", ","):
            for row in _cells(text, sep):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@")), (sep, cell)
    assert _cells(plain, ",")[1] == ["x;'=cmd|' /C calc'!A0;y", "1.5"]
    assert _cells(french, ";")[1] == ["x;'=cmd|' /C calc'!A0;y", "1,5"]
    assert _cells(plain, ",")[3] == ["ligne\n'@SUM(A1)", "3"]


def test_numbers_and_harmless_text_are_left_alone():
    assert neutralise_formula("Accueil, mairie du 15e") == "Accueil, mairie du 15e"
    assert neutralise_formula("a;b") == "a;b"
    frame = pd.DataFrame({"t": ["sans risque"], "n": [-2.5]})
    assert csv_bytes(frame).decode() == "t,n\nsans risque,-2.5\n"

"""Templates for one direction and month: their content, and that they re-import once filled."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from indicateurs.imports.modele import COLUMNS, modele_csv, modele_lignes, modele_xlsx, nom_modele
from indicateurs.imports.pipeline import commit
from indicateurs.referentiel_store import read_referentiel

from .helpers import check_path, stored, write_file


def test_rows_of_a_quarter_month_and_of_another_month(db):
    ref = read_referentiel(db)
    september = modele_lignes(ref, "DPE", date(2026, 9, 1))
    assert list(september.columns) == COLUMNS
    assert len(september) == 42  # 2 parcours × 21 indicators (quarterly ones due in September)
    assert len(modele_lignes(ref, "DPE", date(2026, 10, 1))) == 30  # 2 × 15 monthly indicators
    first = september.iloc[0].tolist()
    assert first == ["DPE-ENCOMBRANTS", "Demander l'enlèvement d'encombrants", "ACCUSE_RECEPTION",
                     "Demandes avec accusé de réception", "%", 0.0, 100.0, "2026-09", "", ""]
    assert nom_modele("DPE", date(2026, 9, 1), "xlsx") == "modele_DPE_2026-09.xlsx"


def test_csv_template_filled_and_imported(db, tmp_path):
    ref = read_referentiel(db)
    content = modele_csv(ref, "DPE", date(2026, 10, 1))
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("parcours;libellé du parcours;indicateur;libellé de l'indicateur;unité;min;max;mois;valeur;"
                        "commentaire")
    assert lines[1] == ("DPE-ENCOMBRANTS;Demander l'enlèvement d'encombrants;ACCUSE_RECEPTION;Demandes avec "
                        "accusé de réception;%;0;100;2026-10;;")
    assert lines[9].endswith(";SATISFACTION_NETTE;Taux net de satisfaction;%;-100;100;2026-10;;")
    filled = [lines[0]]
    for line in lines[1:-1]:
        cells = line.split(";")
        cells[8] = "12,5"  # what someone types in Excel in French
        filled.append(";".join(cells))
    filled[3] = filled[3].removesuffix(";12,5;") + ";;"  # one value left empty: ignored, with a warning
    path = write_file(tmp_path, "modele_DPE_2026-10.csv", ("\r\n".join(filled) + "\r\n").encode("cp1252"))
    v = check_path(db, path)
    assert v.erreurs == []
    assert [p.message for p in v.avertissements] == [
        "1 ligne(s) sans valeur, ignorée(s) (lignes 4). Remplissez la valeur si elle est connue ; sinon ce "
        "mois restera signalé comme manquant."]
    assert commit(db, v, utilisateur="test").nouvelles == 29
    values = stored(db)
    assert len(values) == 29 and {r[3] for r in values} == {12.5} and {r[2] for r in values} == {"2026-10"}
    assert ("DPE-ENCOMBRANTS", "SUIVI_EN_LIGNE", "2026-10", 12.5, None) in values
    assert not any(r[:2] == ("DPE-ENCOMBRANTS", "DELAI_TRAITEMENT") for r in values)  # the empty row 4


def test_xlsx_template_filled_in_excel_and_imported(db, tmp_path):
    ref = read_referentiel(db)
    workbook = openpyxl.load_workbook(io.BytesIO(modele_xlsx(ref, "DJS", date(2026, 9, 1))))
    assert workbook.sheetnames == ["valeurs", "aide"]
    sheet = workbook["valeurs"]
    assert [c.value for c in sheet[1]] == COLUMNS
    assert [c.value for c in sheet[2]] == ["DJS-PISCINE", "Utiliser une piscine", "ACCUSE_RECEPTION",
                                           "Demandes avec accusé de réception", "%", 0, 100, "2026-09", None, None]
    assert sheet.max_row == 43  # header + 2 parcours × 21 indicators
    help_texts = [c.value for row in workbook["aide"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Modèle de saisie des indicateurs – Jeunesse et Sports (DJS) – septembre 2026" in help_texts
    for row in range(2, 44):
        # numbers typed in cells, or typed as text with a decimal comma
        sheet.cell(row=row, column=9).value = 7 if row % 2 else "8,5"
    sheet.cell(row=2, column=10).value = "=pas une formule"
    sheet.cell(row=2, column=10).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    v = check_path(db, write_file(tmp_path, "modele_DJS_2026-09.xlsx", buffer.getvalue()))
    assert v.erreurs == [] and v.avertissements == []
    assert commit(db, v, utilisateur="test").nouvelles == 42
    values = stored(db)
    assert sorted({r[3] for r in values}) == [7.0, 8.5]
    assert ("DJS-PISCINE", "ACCUSE_RECEPTION", "2026-09", 8.5, "=pas une formule") in values
    assert ("DJS-PISCINE", "SUIVI_EN_LIGNE", "2026-09", 7.0, None) in values
    assert sum(1 for r in values if r[3] == 7.0) == 21

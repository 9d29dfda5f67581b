"""Workbooks written with openpyxl (real Excel date cells, numbers stored as text), and hostile ones."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import openpyxl

from indicateurs.imports.pipeline import commit

from .helpers import check_path, stored, where, write_file


def workbook_bytes(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_sheet_date_cells_numbers_as_text(db, tmp_path):
    def build(wb):
        notes = wb.active
        notes.title = "Notes"
        notes["A1"] = "Ce classeur contient les indicateurs de la DPE."
        sheet = wb.create_sheet("Valeurs")
        sheet.append(["Parcours", "Indicateur", "Mois", "Valeur", "Commentaire"])
        sheet.append(["DPE-ENCOMBRANTS", "TAUX_DECROCHE", datetime(2026, 9, 1), 88.5, "Très bien"])
        sheet.append(["DPE-ENCOMBRANTS", "VOLUME_DEMANDES", date(2026, 9, 15), "12 345", None])
        sheet.append(["DPE-ENCOMBRANTS", "DELAI_TRAITEMENT", 46296, "4,75", None])  # serial: 1 Oct 2026
        sheet.append(["DPE-DANSMARUE", "SATISFACTION_NETTE", "2026-10", -7.5, "baisse’"])
        for row in (2, 3):
            sheet.cell(row=row, column=3).number_format = "mmm-yy"
    v = check_path(db, write_file(tmp_path, "dpe.xlsx", workbook_bytes(build)))
    assert v.erreurs == [], [p.message for p in v.erreurs]
    assert v.format == "XLSX, feuille « Valeurs », format long"
    assert commit(db, v, utilisateur="test").nouvelles == 4
    assert stored(db) == [
        ("DPE-DANSMARUE", "SATISFACTION_NETTE", "2026-10", -7.5, "baisse’"),
        ("DPE-ENCOMBRANTS", "DELAI_TRAITEMENT", "2026-10", 4.75, None),
        ("DPE-ENCOMBRANTS", "TAUX_DECROCHE", "2026-09", 88.5, "Très bien"),
        ("DPE-ENCOMBRANTS", "VOLUME_DEMANDES", "2026-09", 12345.0, None),
    ]


def test_errors_name_the_real_sheet_row_and_column_letter(db, tmp_path):
    def build(wb):
        sheet = wb.active
        sheet["A1"] = "Indicateurs du mois"  # a title above the header
        sheet.append([])
        sheet.append([None, "parcours", "indicateur", "mois", "valeur"])  # header in row 3, from column B
        sheet.append([None, "DJS-PISCINE", "TAUX_DECROCHE", datetime(2026, 9, 1), 150])
        sheet.append([None, "DJS-PISCINE", "TAUX_DECROCH", datetime(2026, 9, 1), 50])
    v = check_path(db, write_file(tmp_path, "djs.xlsx", workbook_bytes(build)))
    assert where(v.erreurs) == [
        (4, "valeur (E)", "150"),
        (5, "indicateur (C)", "TAUX_DECROCH"),
    ]
    assert "Code le plus proche : « TAUX_DECROCHE »" in v.erreurs[1].message


def test_formula_looking_text_cells_are_plain_text(db, tmp_path):
    def build(wb):
        sheet = wb.active
        sheet.append(["parcours", "indicateur", "mois", "valeur"])
        sheet.append(["DJS-PISCINE", "TAUX_DECROCHE", "2026-09", 10])
        sheet.append(["=CMD|' /C calc'!A0", "TAUX_DECROCHE", "2026-09", 10])
        sheet.cell(row=3, column=1).data_type = "s"  # stored as a string, as typed after an apostrophe
    v = check_path(db, write_file(tmp_path, "formule.xlsx", workbook_bytes(build)))
    assert where(v.erreurs) == [(3, "parcours (A)", "=CMD|' /C calc'!A0")]
    assert v.erreurs[0].message.startswith("Parcours inconnu.")


def test_xlsx_that_is_not_a_zip(db, tmp_path):
    v = check_path(db, write_file(tmp_path, "faux.xlsx", b"parcours;indicateur;mois;valeur\r\n"))
    assert where(v.erreurs) == [(None, None, None)]
    assert v.erreurs[0].message.startswith("« faux.xlsx » n'est pas un classeur Excel valide")


def test_truncated_xlsx(db, tmp_path):
    content = workbook_bytes(lambda wb: wb.active.append(["parcours", "mois"]))
    v = check_path(db, write_file(tmp_path, "coupe.xlsx", content[: len(content) // 2]))
    assert len(v.erreurs) == 1
    assert "endommagé" in v.erreurs[0].message and "« coupe.xlsx »" in v.erreurs[0].message


def test_zip_bomb_refused_from_the_directory(db, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b" " * 2**20
            for _ in range(310):
                member.write(block)
    content = buffer.getvalue()
    assert len(content) < 2 * 2**20  # tiny on disk, 310 MB once expanded
    v = check_path(db, write_file(tmp_path, "bombe.xlsx", content))
    assert len(v.erreurs) == 1
    assert "Mo une fois décompressé" in v.erreurs[0].message


def test_sparse_giant_sheet_refused_before_opening(db, tmp_path):
    def build(wb):
        wb.active["A1"] = "parcours"
        wb.active["XFD1048576"] = "x"  # would make a dense reader allocate 17 billion cells
    v = check_path(db, write_file(tmp_path, "geant.xlsx", workbook_bytes(build)))
    assert len(v.erreurs) == 1
    assert "feuille démesurée" in v.erreurs[0].message


def test_wide_layout_workbook_with_libelles(db, tmp_path):
    def build(wb):
        sheet = wb.active
        sheet.title = "valeurs"
        sheet.append(["Parcours", "Mois", "Taux de décroché", "Volume de demandes"])
        sheet.append(["DAC-BIBLIOTHEQUE", datetime(2026, 8, 1), "91,5", 2500])
    v = check_path(db, write_file(tmp_path, "large.xlsx", workbook_bytes(build)))
    assert v.ok
    commit(db, v, utilisateur="test")
    assert stored(db) == [
        ("DAC-BIBLIOTHEQUE", "TAUX_DECROCHE", "2026-08", 91.5, None),
        ("DAC-BIBLIOTHEQUE", "VOLUME_DEMANDES", "2026-08", 2500.0, None),
    ]


def test_directory_that_under_declares_a_size_is_refused(db, tmp_path):
    import struct

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * 2_000_000)
    content = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = content.find(signature)
        while start >= 0:
            length = struct.unpack("<H", content[start + name_length_at:start + name_length_at + 2])[0]
            if content[start + name_at:start + name_at + length] == name:
                content[start + size_at:start + size_at + 4] = struct.pack("<I", 1000)  # claims 1 000 bytes
            start = content.find(signature, start + 4)
    v = check_path(db, write_file(tmp_path, "menteur.xlsx", bytes(content)))
    assert [p.message for p in v.erreurs] == [
        "« menteur.xlsx » est un classeur .xlsx endommagé (archive illisible). Ouvrez-le dans Excel et "
        "enregistrez-le à nouveau au format .xlsx."]

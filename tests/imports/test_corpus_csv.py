"""Real-looking CSV files, written to disk as bytes, imported end to end: exact values stored."""

from __future__ import annotations

import pytest

from indicateurs.imports.pipeline import commit

from .helpers import check_path, stored, where, write_file

def import_ok(db, path):
    v = check_path(db, path)
    assert v.erreurs == [], [p.message for p in v.erreurs]
    result = commit(db, v, utilisateur="test")
    assert result.statut == "importé"
    return v, result


def test_excel_french_cp1252_semicolon_decimal_comma_crlf(db, tmp_path):
    text = ("Parcours;Indicateur;Mois;Valeur;Commentaire;;\r\n"
            "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-09;85,5;Accueil rénové, cœur de l’équipe;;\r\n"
            "DDCT-TITRE-IDENTITE;VOLUME_DEMANDES;2026-09;12 345;\"Pic de demandes; vacances\";;\r\n"
            "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-09;3,25;;;\r\n"
            "\r\n;;;;;;\r\n\r\n")
    content = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really Windows-1252: œ and ’ are bytes 0x9C and 0x92
    assert b"\x9c" in content and b"\x92" in content
    v, result = import_ok(db, write_file(tmp_path, "ddct_sept.csv", content))
    assert v.format == "CSV Windows-1252, séparateur point-virgule, format long"
    assert (result.nouvelles, result.revisees, result.inchangees) == (3, 0, 0)
    assert stored(db) == [
        ("DDCT-TITRE-IDENTITE", "TAUX_DECROCHE", "2026-09", 85.5, "Accueil rénové, cœur de l’équipe"),
        ("DDCT-TITRE-IDENTITE", "VOLUME_DEMANDES", "2026-09", 12345.0, "Pic de demandes; vacances"),
        ("DPE-ENCOMBRANTS", "DELAI_TRAITEMENT", "2026-09", 3.25, None),
    ]


def test_utf8_bom_comma_delimiter_decimal_point_lf_nbsp_thousands(db, tmp_path):
    text = ("PARCOURS,indicateur,MOIS,valeur\n"
            "DJS-PISCINE,VOLUME_DEMANDES,10/2026,1\u00a0234.5\n"
            "DJS-PISCINE,TAUX_DECROCHE,10/2026,\"72,25\"\n"
            "DJS-PISCINE,SATISFACTION_NETTE,10/2026,-12.5\n")
    v, _ = import_ok(db, write_file(tmp_path, "djs.csv", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert v.format == "CSV UTF-8 avec BOM, séparateur virgule, format long"
    assert stored(db) == [
        ("DJS-PISCINE", "SATISFACTION_NETTE", "2026-10", -12.5, None),
        ("DJS-PISCINE", "TAUX_DECROCHE", "2026-10", 72.25, None),
        ("DJS-PISCINE", "VOLUME_DEMANDES", "2026-10", 1234.5, None),
    ]


def test_utf8_tab_every_month_format_and_narrow_nbsp(db, tmp_path):
    rows = [
        ("TAUX_DECROCHE", "oct. 2026", "81"),
        ("DELAI_TRAITEMENT", "octobre 2026", "4,5"),
        ("DANS_DELAI_ANNONCE", "01/10/2026", "66.6"),
        ("REORIENTATIONS", "2026-10-01", "12"),
        ("ACCUSE_RECEPTION", "Oct 2026", "90"),
        ("SUIVI_EN_LIGNE", "oct.-26", "55"),
        ("RESOLUTION_PREMIER_CONTACT", "46296", "40"),  # Excel serial number of 1 October 2026
        ("VOLUME_DEMANDES", "2026-10", "1\u202f234\u202f567"),
        ("INCIVILITES", "10/2026", "3"),
    ]
    text = "parcours\tindicateur\tmois\tvaleur\n" + "".join(
        f"DAC-BIBLIOTHEQUE\t{i}\t{m}\t{x}\n" for i, m, x in rows)
    v, _ = import_ok(db, write_file(tmp_path, "dac.tsv", text.encode("utf-8")))
    assert v.format == "CSV UTF-8, séparateur tabulation, format long"
    assert stored(db) == [
        ("DAC-BIBLIOTHEQUE", "ACCUSE_RECEPTION", "2026-10", 90.0, None),
        ("DAC-BIBLIOTHEQUE", "DANS_DELAI_ANNONCE", "2026-10", 66.6, None),
        ("DAC-BIBLIOTHEQUE", "DELAI_TRAITEMENT", "2026-10", 4.5, None),
        ("DAC-BIBLIOTHEQUE", "INCIVILITES", "2026-10", 3.0, None),
        ("DAC-BIBLIOTHEQUE", "REORIENTATIONS", "2026-10", 12.0, None),
        ("DAC-BIBLIOTHEQUE", "RESOLUTION_PREMIER_CONTACT", "2026-10", 40.0, None),
        ("DAC-BIBLIOTHEQUE", "SUIVI_EN_LIGNE", "2026-10", 55.0, None),
        ("DAC-BIBLIOTHEQUE", "TAUX_DECROCHE", "2026-10", 81.0, None),
        ("DAC-BIBLIOTHEQUE", "VOLUME_DEMANDES", "2026-10", 1234567.0, None),
    ]


def test_libelles_instead_of_codes_whatever_case_accents_spaces(db, tmp_path):
    text = ("Parcours ; Indicateur ; Mois ; Valeur\r\n".replace(" ; ", ";")
            + "DEMANDER UN TITRE D’IDENTITE;  taux  de décroché ;2026-08;77\r\n"
            + "ddct-titre-identite;Delai moyen de traitement;2026-08;9\r\n")
    import_ok(db, write_file(tmp_path, "libelles.csv", text.encode("cp1252")))
    assert stored(db) == [
        ("DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT", "2026-08", 9.0, None),
        ("DDCT-TITRE-IDENTITE", "TAUX_DECROCHE", "2026-08", 77.0, None),
    ]


def test_headers_match_whatever_case_accents_spaces_and_extra_columns_ignored(db, tmp_path):
    text = ("Code_Parcours;Libellé du parcours;  INDICATEUR ;Unité;Min;Max;Mois;VALEUR;Commentaires\n"
            "DPE-DANSMARUE;Faire un signalement;TAUX_DECROCHE;%;0;100;2026-07;64;RAS\n")
    v, _ = import_ok(db, write_file(tmp_path, "entetes.csv", text.encode("utf-8")))
    assert v.avertissements == []
    assert stored(db) == [("DPE-DANSMARUE", "TAUX_DECROCHE", "2026-07", 64.0, "RAS")]


def test_wide_layout_codes_and_libelles_as_headers(db, tmp_path):
    text = ("parcours;mois;TAUX_DECROCHE;Délai moyen de traitement;volume_demandes;INFO_CLAIRE_USAGERS;commentaire\r\n"
            "DPE-ENCOMBRANTS;2026-09;80,5;12;1 500;71;Rentrée\r\n"
            "DPE-ENCOMBRANTS;2026-08;79;;1 400;;\r\n"
            "DPE-DANSMARUE;2026-08;;;;;\r\n")
    v, result = import_ok(db, write_file(tmp_path, "large.csv", text.encode("cp1252")))
    assert v.format == "CSV Windows-1252, séparateur point-virgule, format large"
    assert result.nouvelles == 6
    assert stored(db) == [
        ("DPE-ENCOMBRANTS", "DELAI_TRAITEMENT", "2026-09", 12.0, "Rentrée"),
        ("DPE-ENCOMBRANTS", "INFO_CLAIRE_USAGERS", "2026-09", 71.0, "Rentrée"),
        ("DPE-ENCOMBRANTS", "TAUX_DECROCHE", "2026-08", 79.0, None),
        ("DPE-ENCOMBRANTS", "TAUX_DECROCHE", "2026-09", 80.5, "Rentrée"),
        ("DPE-ENCOMBRANTS", "VOLUME_DEMANDES", "2026-08", 1400.0, None),
        ("DPE-ENCOMBRANTS", "VOLUME_DEMANDES", "2026-09", 1500.0, "Rentrée"),
    ]
    # the DANSMARUE row holds no value at all: ignored, with a warning naming its line
    assert where(v.avertissements) == [(4, None, None)]


def test_quoted_multiline_field_keeps_spreadsheet_row_numbers(db, tmp_path):
    text = ("parcours;indicateur;mois;valeur;commentaire\n"
            "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;\"première ligne\nseconde ligne\"\n"
            "DJS-PISCINE;TAUX_DECROCHE;2026-13;50;\n")
    v = check_path(db, write_file(tmp_path, "multi.csv", text.encode("utf-8")))
    # the second data record starts on physical line 4 but is row 3 in a spreadsheet
    assert where(v.erreurs) == [(3, "mois", "2026-13")]


def test_utf16_unicode_text_from_excel(db, tmp_path):
    text = "parcours\tindicateur\tmois\tvaleur\r\nDAC-CONSERVATOIRE\tTAUX_DECROCHE\t2026-06\t61,5\r\n"
    import_ok(db, write_file(tmp_path, "unicode.txt", text.encode("utf-16")))
    assert stored(db) == [("DAC-CONSERVATOIRE", "TAUX_DECROCHE", "2026-06", 61.5, None)]


def test_rows_longer_than_header_use_the_slow_path(db, tmp_path):
    text = ("parcours;indicateur;mois;valeur\n"
            "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;\n"
            "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;7;;;\n")
    import_ok(db, write_file(tmp_path, "ragged.csv", text.encode("utf-8")))
    assert stored(db) == [
        ("DJS-PISCINE", "DELAI_TRAITEMENT", "2026-09", 7.0, None),
        ("DJS-PISCINE", "TAUX_DECROCHE", "2026-09", 50.0, None),
    ]


def test_title_lines_above_the_header_and_excel_sep_hint(db, tmp_path):
    text = ("sep=;\r\n"
            "Indicateurs DDCT;;;\r\n"
            ";;;\r\n"
            "parcours;indicateur;mois;valeur\r\n"
            "DDCT-ETAT-CIVIL;TAUX_DECROCHE;2026-09;abc\r\n")
    v = check_path(db, write_file(tmp_path, "titre.csv", text.encode("cp1252")))
    # Excel hides the « sep=; » line: the title is row 1, the header row 3, the value row 4
    assert where(v.erreurs) == [(4, "valeur", "abc")]


def test_blank_lines_before_the_header_and_dos_end_of_file_mark(db, tmp_path):
    text = b"\r\n\r\nparcours;indicateur;mois;valeur\r\nDJS-PISCINE;TAUX_DECROCHE;2026-09;abc\r\n\x1a"
    v = check_path(db, write_file(tmp_path, "blancs.csv", text))
    assert where(v.erreurs) == [(4, "valeur", "abc")]
    assert v.avertissements == []

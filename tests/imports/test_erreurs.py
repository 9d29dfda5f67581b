"""Every error class, with the exact line, column and value named; a rejected file changes nothing."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from indicateurs.imports import pipeline
from indicateurs.imports.pipeline import check_file, commit
from indicateurs.valeurs import export_values, list_imports

from .helpers import HEADER, LAST_MONTH, check_path, csv, where, write_file

def test_every_row_error_reported_at_once_in_file_order(db, tmp_path):
    path = csv(
        tmp_path,
        "DDCT-TITRE-IDENTITÉE;TAUX_DECROCHE;2026-09;50;",  # 2: unknown parcours (closest suggested)
        "DDCT-TITRE-IDENTITE;TAUX_DECROCH;2026-09;50;",  # 3: unknown indicator
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-13;50;",  # 4: month unreadable
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-11;50;",  # 5: month in the future
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-08;cinquante;",  # 6: value unreadable
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-07;105;",  # 7: percentage above 100
        "DDCT-TITRE-IDENTITE;DELAI_TRAITEMENT;2026-07;-2;",  # 8: negative delay
        "DDCT-TITRE-IDENTITE;INFO_CLAIRE_USAGERS;2026-08;70;",  # 9: quarterly on a non-quarter month
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-06;60;",  # 10: first of a pair
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;2026-06;61;",  # 11: same key, another value
        ";TAUX_DECROCHE;2026-05;61;",  # 12: parcours missing
        "DDCT-TITRE-IDENTITE;TAUX_DECROCHE;;61;",  # 13: month missing
    )
    v = check_path(db, path)
    assert not v.ok and v.nb_erreurs == 11
    assert where(v.erreurs) == [
        (2, "parcours", "DDCT-TITRE-IDENTITÉE"),
        (3, "indicateur", "TAUX_DECROCH"),
        (4, "mois", "2026-13"),
        (5, "mois", "2026-11"),
        (6, "valeur", "cinquante"),
        (7, "valeur", "105"),
        (8, "valeur", "-2"),
        (9, "mois", "2026-08"),
        (11, "valeur", "61"),
        (12, "parcours", ""),
        (13, "mois", ""),
    ]
    messages = [p.message for p in v.erreurs]
    assert messages[0].startswith("Parcours inconnu. Code le plus proche : « DDCT-TITRE-IDENTITE » "
                                  "(Demander un titre d'identité).")
    assert messages[1].startswith("Indicateur inconnu. Code le plus proche : « TAUX_DECROCHE »")
    assert messages[2].startswith("Mois illisible")
    assert messages[3].startswith("Mois futur : novembre 2026") and "octobre 2026" in messages[3]
    assert messages[4].startswith("Valeur illisible")
    assert messages[5] == ("Valeur hors bornes : « Taux de décroché » (%) va de 0 à 100. Un pourcentage "
                           "s'écrit en points, de 0 à 100 (85 pour 85 %). Corrigez la valeur.")
    assert messages[6] == ("Valeur hors bornes : « Délai moyen de traitement » (jours) va de 0 à 365. "
                           "Cette grandeur ne peut pas être négative. Corrigez la valeur.")
    assert messages[7].startswith("L'indicateur « INFO_CLAIRE_USAGERS » est trimestriel")
    assert messages[8].startswith("Doublon : ce parcours, cet indicateur et ce mois figurent déjà ligne 10 "
                                  "avec une autre valeur (60).")
    assert messages[9].startswith("Parcours manquant")
    assert messages[10].startswith("Mois manquant")
    assert v.comparaison is None


def test_rejected_file_leaves_the_store_unchanged_and_is_journaled(db, tmp_path):
    good = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;ok", name="bon.csv")
    assert commit(db, check_path(db, good), utilisateur="test").statut == "importé"
    before = export_values(db)
    bad = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;55;", "DJS-PISCINE;XXX;2026-09;1;", name="mauvais.csv")
    v = check_path(db, bad)
    assert where(v.erreurs) == [(3, "indicateur", "XXX")]
    result = commit(db, v, utilisateur="test")
    assert result.statut == "rejeté"
    assert result.message == ("Fichier « mauvais.csv » refusé : 1 erreur, rien n'a été importé. "
                              "Corrigez le fichier puis déposez-le à nouveau.")
    assert export_values(db).equals(before)
    journal = list_imports(db)
    assert journal["statut"].tolist() == ["rejeté", "importé"]
    assert journal["fichier"].tolist() == ["mauvais.csv", "bon.csv"]
    assert journal["message"].iloc[0].startswith("1 erreur(s) : ligne 3 : Indicateur inconnu.")


@pytest.mark.parametrize("content, start", [
    (b"", "Le fichier « f.csv » est vide."),
    (b"\r\n  \r\n\t\r\n", "Le fichier « f.csv » est vide."),
    (b"\xef\xbb\xbf", "Le fichier « f.csv » est vide :"),
    (b";;;\r\n;;;\r\n", "Le fichier « f.csv » est vide :"),
])
def test_empty_files(db, tmp_path, content, start):
    v = check_path(db, write_file(tmp_path, "f.csv", content))
    assert len(v.erreurs) == 1 and v.erreurs[0].message.startswith(start)


def test_header_without_rows(db, tmp_path):
    v = check_path(db, write_file(tmp_path, "f.csv", b"parcours;indicateur;mois;valeur\r\n\r\n;;;\r\n"))
    assert where(v.erreurs) == [(1, None, None)]
    assert v.erreurs[0].message.startswith("Le fichier n'a qu'une ligne d'en-tête")


def test_header_without_required_columns_says_which(db, tmp_path):
    v = check_path(db, write_file(tmp_path, "f.csv", b"parcours;indic;mois;val\r\nDJS-PISCINE;X;2026-09;1\r\n"))
    assert where(v.erreurs) == [(1, None, "parcours ; indic ; mois ; val")]
    assert v.erreurs[0].message.startswith(
        "En-tête incomplet : colonnes « indicateur », « valeur » introuvables. Le fichier doit commencer")


def test_rows_without_value_only(db, tmp_path):
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;;", "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;;"))
    assert [p.message for p in v.erreurs] == [
        "Le fichier ne contient aucune valeur à importer : toutes les cellules de valeur sont vides. "
        "Remplissez les valeurs puis déposez-le à nouveau."]


def test_wide_layout_unknown_column_with_values(db, tmp_path):
    text = "parcours;mois;TAUX_DECROCHE;TAUX_DECROCHÉS;Notes\r\nDJS-PISCINE;2026-09;50;51;\r\n"
    v = check_path(db, write_file(tmp_path, "large.csv", text.encode("cp1252")))
    # « Notes » is empty below its header: ignored; the misspelt indicator holds values: refused
    assert where(v.erreurs) == [(1, "TAUX_DECROCHÉS", "TAUX_DECROCHÉS")]
    assert "Code le plus proche : « TAUX_DECROCHE »" in v.erreurs[0].message


def test_same_column_twice(db, tmp_path):
    text = "parcours;mois;Mois;indicateur;valeur\r\nDJS-PISCINE;2026-09;2026-09;TAUX_DECROCHE;5\r\n"
    v = check_path(db, write_file(tmp_path, "f.csv", text.encode("utf-8")))
    assert where(v.erreurs) == [(1, "Mois", None)]
    assert v.erreurs[0].message.startswith("La colonne « mois » apparaît plusieurs fois")


@pytest.mark.parametrize("content, what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "est un document PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "est une image PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "est une image JPEG"),
    (gzip.compress(b"parcours;mois", mtime=0), "est une archive gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "est un classeur Excel 97-2003"),
    (b"parcours;indicateur;mois;valeur\r\nDJS\x00;X;2026-09;1\r\n", "contient des octets nuls"),
    (b"<html><body><table><tr><td>parcours</td></tr></table></body></html>", "est une page HTML"),
])
def test_not_a_table(db, tmp_path, content, what):
    v = check_path(db, write_file(tmp_path, "envoi.csv", content))
    assert len(v.erreurs) == 1
    assert v.erreurs[0].message.startswith("« envoi.csv » " + what)


def test_zip_archive_that_is_not_a_workbook(db, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dpe.csv", "parcours;indicateur;mois;valeur\r\n")
    v = check_path(db, write_file(tmp_path, "envoi.zip", buffer.getvalue()))
    assert v.erreurs[0].message.startswith("« envoi.zip » est une archive ZIP, pas un classeur Excel.")


def test_file_over_the_size_limit(db, tmp_path):
    content = (HEADER + "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;" + "x" * (3 * 2**19) + "\r\n").encode()
    v = check_path(db, write_file(tmp_path, "gros.csv", content), max_bytes=2**20)
    assert [p.message for p in v.erreurs] == [
        "Le fichier « gros.csv » fait 1,5 Mo, au-delà de la limite de 1 Mo. Découpez-le (par exemple un "
        "fichier par direction ou par mois) ou retirez les feuilles et colonnes inutiles."]
    assert v.taille == len(content)


def test_default_size_limit_is_20_mb(db):
    content = HEADER.encode() + b"x" * (20 * 2**20)
    v = check_file(db, "enorme.csv", content, last_month=LAST_MONTH)
    assert v.erreurs[0].message.startswith("Le fichier « enorme.csv » fait 20,0 Mo, au-delà de la limite de 20 Mo.")


def test_unexpected_failure_becomes_a_french_error(db, tmp_path, monkeypatch, caplog):
    def broken(name, content):
        raise RuntimeError("boom")
    monkeypatch.setattr(pipeline, "read_table", broken)
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;"))
    assert [p.message for p in v.erreurs] == [
        "Le fichier « f.csv » n'a pas pu être lu (erreur inattendue du logiciel). Enregistrez-le à nouveau "
        "depuis Excel au format .xlsx ou CSV et réessayez ; si le problème persiste, transmettez le fichier "
        "à l'équipe du SRU."]
    assert "Traceback" not in v.erreurs[0].message and "boom" not in v.erreurs[0].message
    assert "boom" in caplog.text  # the traceback goes to the log, for developers


def test_errors_are_capped_with_a_closing_line(db, tmp_path):
    rows = [f"INCONNU-{i};TAUX_DECROCHE;2026-09;50;" for i in range(250)]
    v = check_path(db, csv(tmp_path, *rows))
    assert v.nb_erreurs == 250 and len(v.erreurs) == 201
    assert [p.ligne for p in v.erreurs[:200]] == list(range(2, 202))
    assert v.erreurs[-1].message.startswith("… et 50 autres erreurs non affichées (250 au total).")


def test_unclosed_quote(db, tmp_path):
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;ok",
                           'DJS-PISCINE;TAUX_DECROCHE;2026-08;50;"oups'))
    assert where(v.erreurs) == [(3, None, None)]
    assert v.erreurs[0].message.startswith("Guillemet non refermé")


def test_hostile_shapes_long_line_and_many_columns(db, tmp_path):
    long_comment = "a" * 2_000_000
    v = check_path(db, csv(tmp_path, f"DJS-PISCINE;TAUX_DECROCHE;2026-09;50;{long_comment}"))
    assert v.ok and v.valeurs["commentaire"].iloc[0] == long_comment
    wide = ";".join(["parcours", "indicateur", "mois", "valeur"] + [f"c{i}" for i in range(20_000)])
    v = check_path(db, write_file(tmp_path, "large.csv", (wide + "\r\n").encode()))
    assert len(v.erreurs) == 1 and "plus de 16384 colonnes" in v.erreurs[0].message
    many = ";".join(["parcours", "indicateur", "mois", "valeur"] + [f"c{i}" for i in range(600)])
    v = check_path(db, write_file(tmp_path, "large2.csv", (many + "\r\n" + "x;" * 600 + "\r\n").encode()))
    assert len(v.erreurs) == 1 and v.erreurs[0].message.startswith("Le fichier compte 604 colonnes remplies")


def test_wide_row_errors_once_per_row_for_parcours_and_month(db, tmp_path):
    text = ("parcours;mois;TAUX_DECROCHE;INFO_CLAIRE_USAGERS;SURCHARGE_AGENTS;DELAI_TRAITEMENT\r\n"
            "DJS-PISCIN;2026-08;50;60;70;400\r\n")
    v = check_path(db, write_file(tmp_path, "large.csv", text.encode("utf-8")))
    assert where(v.erreurs) == [
        (2, "parcours", "DJS-PISCIN"),  # once, not once per value
        (2, "mois", "2026-08"),  # INFO_CLAIRE_USAGERS is quarterly
        (2, "mois", "2026-08"),  # SURCHARGE_AGENTS is quarterly
        (2, "DELAI_TRAITEMENT", "400"),
    ]
    assert "« INFO_CLAIRE_USAGERS » est trimestriel" in v.erreurs[1].message
    assert "« SURCHARGE_AGENTS » est trimestriel" in v.erreurs[2].message


def test_database_without_referential(tmp_path):
    from indicateurs.db import open_database

    empty = open_database(tmp_path / "vide.duckdb")
    v = check_path(empty, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;"))
    assert [p.message for p in v.erreurs] == [
        "Le référentiel (parcours et indicateurs) n'est pas encore chargé dans la base : aucun fichier ne peut "
        "être vérifié. Chargez d'abord le référentiel."]

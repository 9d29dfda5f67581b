"""Months outside the observation window are errors with their line: a typed 1026 never moves a series."""

from __future__ import annotations

from datetime import date

import openpyxl

from indicateurs.mois import observation_start
from indicateurs.imports.pipeline import commit

from .helpers import check_path, csv, stored, where, write_file


def test_window_starts_three_years_before_the_first_deployment(monkeypatch):
    monkeypatch.delenv("OBSERVATOIRE_DEBUT_OBSERVATION", raising=False)
    assert observation_start([date(2025, 3, 1), None, date(2025, 1, 1)]) == date(2022, 1, 1)
    assert observation_start([None], today=date(2026, 11, 30)) == date(2023, 1, 1)
    monkeypatch.setenv("OBSERVATOIRE_DEBUT_OBSERVATION", "2019-07")
    assert observation_start([date(2025, 1, 1)]) == date(2019, 7, 1)


def test_a_month_before_the_window_is_an_error_with_its_line(db, tmp_path, monkeypatch):
    monkeypatch.delenv("OBSERVATOIRE_DEBUT_OBSERVATION", raising=False)
    path = csv(tmp_path,
               "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;",
               "DJS-PISCINE;TAUX_DECROCHE;1026-10;51;",
               "DJS-PISCINE;TAUX_DECROCHE;2021-12;52;",
               "DJS-PISCINE;TAUX_DECROCHE;2022-01;53;")
    v = check_path(db, path)
    assert not v.ok and v.nb_erreurs == 2
    assert where(v.erreurs) == [(3, "mois", "1026-10"), (4, "mois", "2021-12")]
    assert v.erreurs[0].message.startswith(
        "Mois hors de la période d'observation : octobre 1026 est avant janvier 2022, premier mois suivi. "
        "Vérifiez l'année")
    result = commit(db, v, utilisateur="test")
    assert result.statut == "rejeté" and stored(db) == []


def test_the_window_can_be_widened_by_the_administrator(db, tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_DEBUT_OBSERVATION", "2015-01")
    path = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2016-05;50;")
    assert check_path(db, path).ok


def test_an_xlsx_with_years_1000_to_1999_is_refused_early_with_the_count(db, tmp_path):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("valeurs")
    sheet.append(["parcours", "indicateur", "mois", "valeur"])
    for k in range(8000):
        sheet.append(["DJS-PISCINE", "TAUX_DECROCHE", f"{1000 + k % 1000}-{k % 12 + 1:02d}", 50])
    path = tmp_path / "vieux.xlsx"
    book.save(path)
    v = check_path(db, write_file(tmp_path, "vieux.xlsx", path.read_bytes()))
    assert not v.ok
    assert v.nb_avertissements == 0
    assert v.nb_erreurs == 8000 + 1  # every row, then the stop: duplicates and bounds are not checked
    assert v.erreurs[0].message.startswith("Vérification arrêtée : plus de 5 000 erreurs (8 000 trouvées")
    assert (v.erreurs[1].ligne, v.erreurs[1].colonne.split(" ")[0]) == (2, "mois")

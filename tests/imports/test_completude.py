"""Complétude: expected and missing values per direction and month, with the documented rule."""

from __future__ import annotations

from datetime import date

from indicateurs.imports.completude import completude, manquantes_csv, start_month
from indicateurs.imports.pipeline import commit

from .helpers import LAST_MONTH, check_path, csv


def row(resume, direction, mois):
    found = resume[(resume["direction"] == direction) & (resume["mois"] == mois)]
    return None if found.empty else found[["attendues", "recues", "manquantes", "taux"]].iloc[0].tolist()


def test_start_month_rule():
    assert start_month("2025-02", None) == date(2023, 2, 1)  # 24 months before deployment
    assert start_month("2025-02", date(2022, 5, 17)) == date(2022, 5, 1)  # earlier stored value wins
    assert start_month("2025-02", date(2024, 1, 1)) == date(2023, 2, 1)
    assert start_month(None, date(2026, 1, 1)) == date(2026, 1, 1)
    assert start_month(None, None) is None


def test_expected_and_missing_per_direction_and_month(db, tmp_path):
    path = csv(tmp_path, "DPE-ENCOMBRANTS;TAUX_DECROCHE;2026-10;50;", "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;5;",
               "DPE-DANSMARUE;TAUX_DECROCHE;2026-10;60;", "DSOL-DOMICILIATION;TAUX_DECROCHE;2026-01;70;")
    assert commit(db, check_path(db, path), utilisateur="test").nouvelles == 4
    c = completude(db, last_month=LAST_MONTH)
    resume = c.resume
    # DPE: ENCOMBRANTS deployed 2025-02 (expected from 2023-02), DANSMARUE 2025-06 (from 2023-06)
    assert row(resume, "DPE", date(2023, 1, 1)) is None
    assert row(resume, "DPE", date(2023, 2, 1)) == [15, 0, 15, 0.0]  # 15 monthly indicators
    assert row(resume, "DPE", date(2023, 3, 1)) == [21, 0, 21, 0.0]  # + 6 quarterly in March
    assert row(resume, "DPE", date(2023, 6, 1)) == [42, 0, 42, 0.0]
    assert row(resume, "DPE", date(2026, 10, 1)) == [30, 3, 27, 0.1]
    assert len(resume[resume["direction"] == "DPE"]) == 45  # February 2023 to October 2026
    # DSOL-DOMICILIATION has no deployment date: expected only from its first stored value (2026-01)
    assert row(resume, "DSOL", date(2026, 1, 1)) == [30, 1, 29, 1 / 30]
    assert row(resume, "DSOL", date(2025, 12, 1)) == [21, 0, 21, 0.0]  # only DSOL-AIDE-SOCIALE
    # DICOM-PARIS-FR is deployed in 2026-12: its 24 « before » months are expected from 2024-12
    assert row(resume, "DICOM", date(2024, 11, 1)) is None
    assert row(resume, "DICOM", date(2024, 12, 1)) == [21, 0, 21, 0.0]
    assert resume["mois"].max() == LAST_MONTH
    missing = c.manquantes
    dpe_october = missing[(missing["direction"] == "DPE") & (missing["mois"] == date(2026, 10, 1))]
    assert len(dpe_october) == 27
    keys = set(zip(dpe_october["parcours"], dpe_october["indicateur"]))
    assert ("DPE-DANSMARUE", "DELAI_TRAITEMENT") in keys
    assert ("DPE-ENCOMBRANTS", "TAUX_DECROCHE") not in keys
    assert ("DPE-ENCOMBRANTS", "INFO_CLAIRE_USAGERS") not in keys  # quarterly: not due in October
    assert list(missing.columns) == ["direction", "parcours", "indicateur", "mois"]


def test_one_direction_and_download(db):
    c = completude(db, last_month=LAST_MONTH, direction="DJS")
    assert set(c.resume["direction"]) == {"DJS"} and set(c.manquantes["direction"]) == {"DJS"}
    text = manquantes_csv(c).decode("utf-8-sig").splitlines()
    assert text[0] == "direction;parcours;indicateur;mois"
    assert text[1] == "DJS;DJS-PISCINE;ACCUEIL_RESPECT_AGENTS;2023-03"  # DJS-PISCINE deployed 2025-03

"""Who may write what, enforced in indicateurs/ and journaled: imports, cancellations, init, sign-ins."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicateurs import journal
from indicateurs.imports.pipeline import check_file
from indicateurs.operations import ActionInterdite, cancel, import_file, initialise, record_sign_in
from indicateurs.roles import ADMINISTRATEUR, LECTEUR, REFERENT, Utilisateur
from indicateurs.setup import DemoRefusee, init_database
from indicateurs.valeurs import export_values, list_imports
from tests.conftest import END_MONTH

ROOT = Path(__file__).resolve().parents[1]
ADMIN = Utilisateur("chef.sru@paris.fr", ADMINISTRATEUR)
DPE = Utilisateur("referent.dpe@paris.fr", REFERENT, ("DPE",))
DPE_BIS = Utilisateur("autre.dpe@paris.fr", REFERENT, ("DPE",))
READER = Utilisateur("membre.codir@paris.fr", LECTEUR)
DPE_FILE = ("parcours;indicateur;mois;valeur\r\n"
            "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;4,5\r\n"
            "DPE-DANSMARUE;DELAI_TRAITEMENT;2026-10;6\r\n").encode("utf-8")
MIXED_FILE = ("parcours;indicateur;mois;valeur\r\n"
              "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;4,5\r\n"
              "DJS-PISCINE;DELAI_TRAITEMENT;2026-10;3\r\n"
              "DPE-DANSMARUE;DELAI_TRAITEMENT;2026-10;6\r\n"
              "DJS-CRENEAU-SPORTIF;DELAI_TRAITEMENT;2026-10;2\r\n").encode("utf-8")


def _check(db, name, content):
    return check_file(db, name, content, last_month=END_MONTH)


def test_a_reader_cannot_import_nor_cancel(demo_db):
    before = export_values(demo_db)
    with pytest.raises(ActionInterdite, match="« lecteur » ne permet pas d'importer"):
        import_file(demo_db, _check(demo_db, "dpe.csv", DPE_FILE), READER)
    with pytest.raises(ActionInterdite, match="ne permet pas d'annuler"):
        cancel(demo_db, 1, READER)
    pd.testing.assert_frame_equal(before, export_values(demo_db))
    assert journal.read_journal(demo_db).empty


def test_a_referent_file_with_another_directions_rows_is_refused_whole_naming_the_lines(demo_db):
    before = export_values(demo_db)
    with pytest.raises(ActionInterdite) as caught:
        import_file(demo_db, _check(demo_db, "mixte.csv", MIXED_FILE), DPE)
    message = str(caught.value)
    assert "refusé en entier" in message and "référent de DPE" in message
    assert "DJS-CRENEAU-SPORTIF, DJS-PISCINE" in message and "ligne(s) 3, 5" in message
    pd.testing.assert_frame_equal(before, export_values(demo_db))


def test_a_referent_imports_and_cancels_its_own_but_not_anothers(demo_db):
    before = export_values(demo_db)
    result = import_file(demo_db, _check(demo_db, "dpe.csv", DPE_FILE), DPE)
    assert result.revisees + result.nouvelles == 2
    with pytest.raises(ActionInterdite, match="un référent n'annule que ses propres imports"):
        cancel(demo_db, result.import_id, DPE_BIS)
    demo_import = int(list_imports(demo_db)["id"].min())
    with pytest.raises(ActionInterdite, match="un référent n'annule que ses propres imports"):
        cancel(demo_db, demo_import, DPE)
    cancel(demo_db, result.import_id, DPE)
    pd.testing.assert_frame_equal(before, export_values(demo_db))


def test_a_referent_cannot_cancel_its_own_import_once_it_left_its_direction(demo_db):
    result = import_file(demo_db, _check(demo_db, "dpe.csv", DPE_FILE), DPE)
    moved = Utilisateur(DPE.identifiant, REFERENT, ("DJS",))
    with pytest.raises(ActionInterdite, match="hors de votre direction"):
        cancel(demo_db, result.import_id, moved)


def test_the_journal_records_every_write_with_the_right_person(demo_db):
    ok = import_file(demo_db, _check(demo_db, "dpe.csv", DPE_FILE), DPE)
    bad = _check(demo_db, "faux.csv", b"parcours;indicateur;mois;valeur\r\nXXX;DELAI_TRAITEMENT;2026-10;1\r\n")
    import_file(demo_db, bad, ADMIN)
    cancel(demo_db, ok.import_id, ADMIN)
    record_sign_in(demo_db, DPE, "oidc")
    record_sign_in(demo_db, READER, "oidc")  # readers' visits are not traced
    rows = journal.read_journal(demo_db).sort_values("id")
    assert rows["action"].tolist() == [journal.IMPORT, journal.IMPORT_REFUSE, journal.ANNULATION, journal.CONNEXION]
    assert rows["utilisateur"].tolist() == [DPE.identifiant, ADMIN.identifiant, ADMIN.identifiant, DPE.identifiant]
    assert rows["role"].tolist() == [REFERENT, ADMINISTRATEUR, ADMINISTRATEUR, REFERENT]
    first = rows.iloc[0]
    import hashlib
    assert (first["fichier"], first["sha256"]) == ("dpe.csv", hashlib.sha256(DPE_FILE).hexdigest())
    assert (first["nb_nouvelles"] + first["nb_revisees"], first["import_id"]) == (2, ok.import_id)
    assert rows.iloc[1]["fichier"] == "faux.csv"
    assert rows.iloc[2]["objet"] == f"import n° {ok.import_id}"
    assert journal.read_journal(demo_db, utilisateur="REFERENT.dpe")["action"].tolist() == [journal.CONNEXION,
                                                                                          journal.IMPORT]
    assert journal.read_journal(demo_db, action=journal.ANNULATION)["utilisateur"].tolist() == [ADMIN.identifiant]


def test_no_code_path_edits_or_deletes_a_journal_row():
    offenders = []
    for path in list((ROOT / "indicateurs").rglob("*.py")) + list((ROOT / "pages").glob("*.py")) + \
            list((ROOT / "ui").glob("*.py")) + [ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"(UPDATE\s+audit\b|DELETE\s+FROM\s+audit\b|DROP\s+TABLE\s+audit\b|TRUNCATE\s+audit\b)",
                     text, re.IGNORECASE):
            offenders.append(path.name)
    assert offenders == []


def test_init_of_an_existing_base_is_an_administrators_act(tmp_path):
    result = initialise(tmp_path / "base.duckdb", ADMIN)
    with pytest.raises(ActionInterdite, match="Seul un administrateur peut initialiser une base existante"):
        initialise(tmp_path / "base.duckdb", READER)
    with pytest.raises(ActionInterdite):
        initialise(tmp_path / "base.duckdb", DPE, with_demo=True, end_month=END_MONTH)
    rows = journal.read_journal(result.db)
    assert rows["action"].tolist() == [journal.INITIALISATION] and rows["utilisateur"].iloc[0] == ADMIN.identifiant
    assert result.db.query_one("SELECT count(*) FROM valeurs")[0] == 0


def test_anyone_may_create_a_new_base_and_is_journaled_as_its_creator(tmp_path):
    """A new user's first command, ``init --demo --db essai.duckdb``, touches no one's data."""
    result = initialise(tmp_path / "essai.duckdb", READER, with_demo=True, end_month=END_MONTH)
    assert result.valeurs_demo > 0
    rows = journal.read_journal(result.db)
    assert rows["action"].tolist() == [journal.INITIALISATION] and rows["utilisateur"].iloc[0] == READER.identifiant


def test_demo_data_never_enters_a_base_with_real_imports_unless_forced(tmp_path):
    db = init_database(tmp_path / "reelle.duckdb", utilisateur="tests").db
    result = import_file(db, _check(db, "dpe.csv", DPE_FILE), ADMIN)
    cancel(db, result.import_id, ADMIN)  # even cancelled, a real import makes the base a real one
    with pytest.raises(DemoRefusee, match="a déjà reçu 1 import\\(s\\) de fichiers réels.*--forcer"):
        initialise(db.path, ADMIN, with_demo=True, end_month=END_MONTH)
    assert len(export_values(db)) == 0
    forced = initialise(db.path, ADMIN, with_demo=True, forcer=True, end_month=END_MONTH)
    assert forced.valeurs_demo > 1000
    assert "forcé par l'administrateur" in journal.read_journal(db, action=journal.INITIALISATION)["details"].iloc[0]


def test_cancelled_demo_stays_out_for_an_attacker_with_a_reader_role(demo_db, tmp_path):
    """The scenario of the issue: the SRU cancelled the demo import on a live base; a reader runs init --demo."""
    demo_import = int(list_imports(demo_db)["id"].min())
    import_file(demo_db, _check(demo_db, "dpe.csv", DPE_FILE), ADMIN)
    cancel(demo_db, demo_import, ADMIN)
    before = export_values(demo_db)
    with pytest.raises(ActionInterdite):
        initialise(demo_db.path, READER, with_demo=True, end_month=END_MONTH)
    with pytest.raises(DemoRefusee):
        initialise(demo_db.path, ADMIN, with_demo=True, end_month=END_MONTH)
    pd.testing.assert_frame_equal(before, export_values(demo_db))


def test_a_changed_habilitations_file_is_journaled_once_with_before_and_after(empty_db, tmp_path):
    from indicateurs.habilitations import parse_habilitations
    from indicateurs.operations import note_habilitations

    path = tmp_path / "habilitations.csv"
    first = parse_habilitations("identite;role;directions\na@paris.fr;lecteur;\n", {"DPE"})
    second = parse_habilitations("identite;role;directions\na@paris.fr;référent;DPE\n", {"DPE"})
    assert note_habilitations(empty_db, first, path) is True
    assert note_habilitations(empty_db, first, path) is False  # unchanged: nothing new
    assert note_habilitations(empty_db, second, path) is True
    rows = journal.read_journal(empty_db, action=journal.HABILITATIONS)
    assert rows["avant"].iloc[0] == "a@paris.fr → lecteur"
    assert rows["apres"].iloc[0] == "a@paris.fr → référent (DPE)"
    assert len(rows) == 2

"""Committing: one transaction, idempotent re-import, killed imports leave nothing, cancel restores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from indicateurs.db import open_database
from indicateurs.imports.pipeline import commit
from indicateurs.valeurs import cancel_import, export_values, list_imports

from .helpers import check_path, csv, stored

ROOT = Path(__file__).resolve().parents[2]


def test_reimporting_the_same_file_is_a_no_op(db, tmp_path):
    path = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;", "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;4;")
    first = commit(db, check_path(db, path), utilisateur="test")
    assert first.statut == "importé" and first.nouvelles == 2
    before, journal = export_values(db), list_imports(db)
    again = check_path(db, path)
    assert again.ok and again.deja_importe == first.import_id
    assert again.avertissements[0].message == (
        f"Ce fichier a déjà été importé (import n° {first.import_id}) : l'importer à nouveau n'enregistrera rien.")
    result = commit(db, again, utilisateur="test")
    assert result.statut == "déjà importé" and result.import_id == first.import_id
    assert result.message == f"Ce fichier a déjà été importé (import n° {first.import_id}) : rien de nouveau."
    assert export_values(db).equals(before)
    assert list_imports(db).equals(journal)


def test_cancel_restores_previous_values_and_allows_reimport(db, tmp_path):
    a = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;avant", name="a.csv")
    b = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;60;après", "DJS-PISCINE;DELAI_TRAITEMENT;2026-09;4;",
            name="b.csv")
    commit(db, check_path(db, a), utilisateur="test")
    second = commit(db, check_path(db, b), utilisateur="test")
    assert (second.nouvelles, second.revisees) == (1, 1)
    assert stored(db) == [("DJS-PISCINE", "DELAI_TRAITEMENT", "2026-09", 4.0, None),
                          ("DJS-PISCINE", "TAUX_DECROCHE", "2026-09", 60.0, "après")]
    cancelled = cancel_import(db, second.import_id, utilisateur="test")
    assert (cancelled.restaurees, cancelled.supprimees, cancelled.conservees) == (1, 1, 0)
    assert stored(db) == [("DJS-PISCINE", "TAUX_DECROCHE", "2026-09", 50.0, "avant")]
    again = check_path(db, b)
    assert again.deja_importe is None  # the cancelled import no longer counts
    assert commit(db, again, utilisateur="test").statut == "importé"
    assert stored(db)[1] == ("DJS-PISCINE", "TAUX_DECROCHE", "2026-09", 60.0, "après")


def test_killed_import_leaves_nothing(db, tmp_path):
    commit(db, check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-08;40;", name="a.csv")),
           utilisateur="test")
    before, journal = export_values(db), list_imports(db)
    path = csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-08;45;", "DJS-PISCINE;TAUX_DECROCHE;2026-09;50;",
               name="b.csv")
    code = textwrap.dedent(f"""
        import time
        from datetime import date
        from pathlib import Path
        from indicateurs.db import open_database
        from indicateurs.imports.pipeline import check_file, commit
        db = open_database({str(db.path)!r})
        v = check_file(db, "b.csv", Path({str(path)!r}).read_bytes(), last_month=date(2026, 10, 1))
        assert v.ok, v.erreurs
        def hook(con, import_id):
            print("EN_COURS", con.execute("SELECT count(*) FROM valeurs").fetchone()[0], flush=True)
            time.sleep(120)
        commit(db, v, utilisateur="test", on_commit=hook)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(60, process.kill)  # never hang the suite
    timer.start()
    try:
        line = process.stdout.readline()
        assert line.split() == ["EN_COURS", "2"], process.stderr.read()  # mid-transaction: new row visible
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        timer.cancel()
    assert process.returncode == -signal.SIGKILL
    reopened = open_database(db.path)  # still opens
    assert export_values(reopened).equals(before)
    assert list_imports(reopened).equals(journal)
    assert reopened.query_one("SELECT count(*) FROM mouvements")[0] == 1


def test_commit_refuses_a_file_with_errors(db, tmp_path):
    v = check_path(db, csv(tmp_path, "DJS-PISCINE;TAUX_DECROCHE;2026-09;500;"))
    result = commit(db, v, utilisateur="test")
    assert result.statut == "rejeté"
    assert export_values(db).empty
    assert list_imports(db)[["id", "statut", "nb_nouvelles"]].values.tolist() == [[result.import_id, "rejeté", 0]]

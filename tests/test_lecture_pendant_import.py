"""A process that keeps reading a base (the app) while another process (the CLI) imports into it.

The reader keeps its connection's database instance open between queries and caches small results by
the file's stat (indicateurs/db.py): here we check that this never blocks the CLI, that the reader never
sees a lock error, and that it sees the imported values on its next read, cached query included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from indicateurs import db as db_module
from indicateurs import journal
from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from indicateurs.valeurs import store_versions

ROOT = Path(__file__).resolve().parents[1]

# One corrected value (the demo has 10.0-ish delays; 4,5 is new) and a comment, as Excel writes it.
CORRECTION = (
    "parcours;indicateur;mois;valeur;commentaire\r\n"
    "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;10/2026;4,5;recalculé\r\n"
).encode("cp1252")

VALUE_SQL = ("SELECT valeur, commentaire FROM valeurs WHERE parcours = 'DPE-ENCOMBRANTS' "
             "AND indicateur = 'DELAI_TRAITEMENT' AND mois = DATE '2026-10-01'")


def _cli(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env.update({"OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.test", "OBSERVATOIRE_HABILITATIONS": "/nulle/part.csv"})
    # Options after the subcommand, as a new user types them.
    return subprocess.run([sys.executable, "-m", "indicateurs", *args, "--db", str(db_path),
                           "--utilisateur", "sru.test"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_cli_imports_while_this_process_reads_and_the_reader_then_sees_the_new_value(demo_db, tmp_path):
    old = time.time() - 3600
    os.utime(demo_db.path, (old, old))  # an hour-old file: small results are cached from the first read
    before_versions = store_versions(demo_db)
    before = demo_db.query_one(VALUE_SQL)
    assert before is not None and before[0] != 4.5
    assert demo_db.query_one(VALUE_SQL) == before  # served again (from the cache) while nothing changed

    errors: list[BaseException] = []
    reads = 0
    stop = threading.Event()

    def keep_reading():
        nonlocal reads
        while not stop.is_set():
            try:
                demo_db.query_one(VALUE_SQL)
                demo_db.query_df("SELECT count(*) AS n FROM valeurs")
                reads += 1
            except BaseException as error:  # any lock error would land here
                errors.append(error)
                return
            time.sleep(0.01)

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        path = tmp_path / "dpe_correction.csv"
        path.write_bytes(CORRECTION)
        result = _cli(demo_db.path, "import", str(path), "--dernier-mois", "2026-10")
    finally:
        stop.set()
        reader.join(timeout=120)
    assert result.returncode == 0, result.stderr
    assert "1 révisée(s)" in result.stdout
    assert errors == []
    assert reads > 0

    assert demo_db.query_one(VALUE_SQL) == (4.5, "recalculé")
    data_after, _ = store_versions(demo_db)
    assert data_after > before_versions[0]
    frame = demo_db.query_df(VALUE_SQL)
    assert frame.values.tolist() == [[4.5, "recalculé"]]


def test_a_held_base_is_handed_over_to_a_waiting_process(demo_db):
    """While this process keeps using the base from several threads, another process that needs it gets it
    (a process whose connections overlap never frees the file unless it gives way when someone waits)."""
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            demo_db.query_one("SELECT count(*) FROM imports WHERE id > ?", [time.monotonic_ns()])

    workers = [threading.Thread(target=busy) for _ in range(4)]  # like several sessions of the app
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.2)
        code = ("import sys, time; from pathlib import Path; from indicateurs.db import Database; "
                "start = time.monotonic(); n = Database(Path(sys.argv[1])).query_one('SELECT count(*) FROM valeurs')[0]; "
                "print(n, time.monotonic() - start)")
        other = subprocess.run([sys.executable, "-c", code, str(demo_db.path)], cwd=ROOT, capture_output=True,
                               text=True, timeout=120)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    assert other.returncode == 0, other.stderr  # no « base occupée » after the 60 s limit
    count, waited = other.stdout.split()
    assert int(count) == demo_db.query_one("SELECT count(*) FROM valeurs")[0] > 0
    assert float(waited) < db_module.LOCK_WAIT_SECONDS


def test_a_refused_file_is_journaled_whole_or_not_at_all(demo_db, monkeypatch):
    """The import journal row and the audit row of a refused file are written in one transaction."""
    verification = check_file(demo_db, "faux.csv", b"parcours;indicateur;mois;valeur\r\nX;Y;2026-10;1\r\n",
                              last_month=pd.Timestamp("2026-10-01").date())
    assert not verification.ok
    count = "SELECT count(*) FROM imports WHERE statut = 'rejeté'"
    audit = "SELECT count(*) FROM audit WHERE action = ?"
    before = (demo_db.query_one(count)[0], demo_db.query_one(audit, [journal.IMPORT_REFUSE])[0])

    def broken(*args, **kwargs):
        raise RuntimeError("panne pendant l'écriture du journal")

    monkeypatch.setattr(journal, "record_import_in", broken)
    with pytest.raises(RuntimeError):
        import_file(demo_db, verification, Utilisateur("sru.test", ADMINISTRATEUR))
    assert (demo_db.query_one(count)[0], demo_db.query_one(audit, [journal.IMPORT_REFUSE])[0]) == before
    monkeypatch.undo()

    result = import_file(demo_db, verification, Utilisateur("sru.test", ADMINISTRATEUR))
    assert result.statut == "rejeté"
    assert (demo_db.query_one(count)[0], demo_db.query_one(audit, [journal.IMPORT_REFUSE])[0]) == \
        (before[0] + 1, before[1] + 1)

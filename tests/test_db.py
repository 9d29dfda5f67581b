"""The store: schema and migrations, provenance, and two processes sharing one database file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicateurs.db import MIGRATIONS, Database, migrate, open_database, resolve_path
from indicateurs.valeurs import cancel_import, export_values, value_history, write_values

ROOT = Path(__file__).resolve().parents[1]

LATEST = max(m[0] for m in MIGRATIONS)


def _versions(path) -> list[int]:
    # Through Database: a raw duckdb.connect with another configuration is refused while this process
    # keeps the file open (see indicateurs/db.py).
    with Database(Path(path)).connect() as con:
        return [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]


def test_new_database_gets_every_migration(tmp_path):
    open_database(tmp_path / "neuve.duckdb")
    assert _versions(tmp_path / "neuve.duckdb") == list(range(1, LATEST + 1))


def test_older_database_upgrades_itself_and_keeps_its_values(tmp_path):
    path = tmp_path / "ancienne.duckdb"
    old = Database(path)
    migrate(old, target=1)
    with old.connect() as con:
        con.execute("INSERT INTO imports (id, type, utilisateur, horodatage, statut) "
                    "VALUES (1, 'fichier', 'ancien', TIMESTAMP '2025-01-05 10:00:00', 'importé')")
        con.execute("INSERT INTO valeurs VALUES ('DJS-PISCINE', 'TAUX_DECROCHE', DATE '2024-12-01', 71.5, NULL, 1)")
    assert _versions(path) == [1]
    open_database(path)
    assert _versions(path) == list(range(1, LATEST + 1))
    with old.connect() as con:
        assert con.execute("SELECT valeur FROM valeurs").fetchall() == [(71.5,)]


def test_a_migration_skipped_by_a_later_one_still_runs(tmp_path):
    """A base that got migration 4 before 3 (two branches landing in either order) still gets 3."""
    path = tmp_path / "trou.duckdb"
    db = Database(path)
    migrate(db, target=2)
    number, description, sql = next(m for m in MIGRATIONS if m[0] == 4)
    with db.connect() as con:
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [number, description])
    assert _versions(path) == [1, 2, 4]
    assert migrate(db) == LATEST
    assert _versions(path) == list(range(1, LATEST + 1))


def test_migrating_twice_changes_nothing(tmp_path):
    db = open_database(tmp_path / "b.duckdb")
    assert migrate(db) == LATEST
    assert _versions(db.path) == list(range(1, LATEST + 1))


def test_path_resolution_order(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_DB", str(tmp_path / "env.duckdb"))
    assert resolve_path(tmp_path / "explicite.duckdb") == tmp_path / "explicite.duckdb"
    assert resolve_path(None) == tmp_path / "env.duckdb"
    monkeypatch.delenv("OBSERVATOIRE_DB")
    assert resolve_path(None) == ROOT / "data" / "observatoire.duckdb"


def _batch(values: list[float], month: str = "2025-01-01") -> pd.DataFrame:
    return pd.DataFrame({
        "parcours": ["DJS-PISCINE", "DAC-BIBLIOTHEQUE"][: len(values)],
        "indicateur": "TAUX_DECROCHE", "mois": pd.to_datetime(month), "valeur": values, "commentaire": None,
    })


def test_every_value_carries_its_provenance(empty_db):
    first = write_values(empty_db, _batch([70.0, 60.0]), utilisateur="alice", fichier="janvier.csv",
                         sha256="aa", taille=10)
    second = write_values(empty_db, _batch([72.5]), utilisateur="bob", fichier="correction.xlsx")
    assert (first.nouvelles, first.revisees) == (2, 0)
    assert (second.nouvelles, second.revisees, second.inchangees) == (0, 1, 0)
    export = export_values(empty_db).set_index("parcours")
    assert export.loc["DJS-PISCINE", ["valeur", "fichier", "utilisateur", "mois"]].tolist() == \
        [72.5, "correction.xlsx", "bob", "2025-01"]
    assert export.loc["DAC-BIBLIOTHEQUE", ["valeur", "fichier", "utilisateur"]].tolist() == \
        [60.0, "janvier.csv", "alice"]
    history = value_history(empty_db, "DJS-PISCINE", "TAUX_DECROCHE", date(2025, 1, 1))
    rows = history[["utilisateur", "fichier", "valeur_avant", "valeur_apres"]].astype(object)
    assert rows.where(rows.notna(), None).values.tolist() == [
        ["alice", "janvier.csv", None, 70.0], ["bob", "correction.xlsx", 70.0, 72.5]]


def test_cancel_restores_previous_values_and_is_journaled(empty_db):
    write_values(empty_db, _batch([70.0, 60.0]), utilisateur="alice", fichier="janvier.csv")
    before = export_values(empty_db)
    revision = write_values(empty_db, _batch([99.0, 61.0]), utilisateur="bob", fichier="faux.csv")
    result = cancel_import(empty_db, revision.import_id, utilisateur="carole")
    assert (result.restaurees, result.supprimees, result.conservees) == (2, 0, 0)
    after = export_values(empty_db)
    pd.testing.assert_frame_equal(before[["parcours", "mois", "valeur", "fichier"]],
                                  after[["parcours", "mois", "valeur", "fichier"]])
    journal = empty_db.query_df("SELECT utilisateur, action FROM journal ORDER BY horodatage")
    assert journal.values.tolist()[-1] == ["carole", "annulation"]


def test_failed_write_leaves_nothing(empty_db):
    write_values(empty_db, _batch([70.0]), utilisateur="alice", fichier="a.csv")
    before = export_values(empty_db)

    def crash(con, import_id):
        raise RuntimeError("panne au milieu de l'écriture")

    with pytest.raises(RuntimeError):
        write_values(empty_db, _batch([10.0, 20.0], "2025-02-01"), utilisateur="x", on_commit=crash)
    pd.testing.assert_frame_equal(before, export_values(empty_db))
    assert empty_db.query_one("SELECT count(*) FROM imports")[0] == 1


READER = textwrap.dedent("""
    import sys, time
    from indicateurs.db import Database
    db = Database(__import__("pathlib").Path(sys.argv[1]))
    deadline = time.monotonic() + float(sys.argv[2])
    reads = 0
    while time.monotonic() < deadline:
        db.query_one("SELECT count(*) FROM valeurs")
        reads += 1
    print(reads)
""")


def test_second_process_reads_while_first_writes(empty_db):
    """The app reads while the CLI imports: neither ever sees a lock error."""
    reader = subprocess.Popen([sys.executable, "-c", READER, str(empty_db.path), "4"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for month in range(1, 13):
        write_values(empty_db, _batch([50.0 + month, 40.0], f"2024-{month:02d}-01"), utilisateur="cli",
                     fichier=f"mois-{month}.csv")
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert int(out) > 0
    assert empty_db.query_one("SELECT count(*) FROM valeurs")[0] == 24

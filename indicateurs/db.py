"""The database: where it is, how to connect, its schema and its numbered migrations.

This is the only module that opens DuckDB. Connections are short-lived: each read or write opens the file,
does its work and closes it, so that no process holds the file between two queries. DuckDB lets only one
process open a file at a time; a second process that finds the file locked (the app reading while the CLI
imports, say) waits briefly and retries, so that no user ever sees a lock error. Within one process,
DuckDB shares one database instance between connections, and each thread gets its own connection.

Writers are serialised: within one process, a write transaction waits for the one in progress on the same
file (two people clicking « Importer » together both succeed, one after the other) instead of failing on
DuckDB's optimistic « Conflict on update ». Between processes, DuckDB's file lock already does it.
"""

from __future__ import annotations

import os
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import duckdb

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "observatoire.duckdb"
ENV_VARIABLE = "OBSERVATOIRE_DB"
LOCK_WAIT_SECONDS = 60.0

T = TypeVar("T")
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    """The lock every write transaction on this file takes in this process (re-entrant for nested helpers)."""
    key = os.path.realpath(path)
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, threading.RLock())


class BaseVerrouillee(Exception):
    """The database stayed locked by another process for longer than we are willing to wait."""


def resolve_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database path: ``--db PATH`` if given, else $OBSERVATOIRE_DB, else data/observatoire.duckdb."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VARIABLE):
        return Path(os.environ[ENV_VARIABLE])
    return DEFAULT_PATH


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text


@dataclass(frozen=True)
class Database:
    """A DuckDB file, opened on demand. Cheap to create; safe to share between threads."""

    path: Path

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one unit of work, closed on exit. Waits while another process holds the file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), config=_CONFIG)
                break
            except duckdb.IOException as error:
                if not _is_lock_error(error) or time.monotonic() > deadline:
                    if _is_lock_error(error):
                        raise BaseVerrouillee(
                            f"La base {self.path} est occupée par un autre programme depuis plus de "
                            f"{LOCK_WAIT_SECONDS:.0f} s. Réessayez dans un instant."
                        ) from error
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.5)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside BEGIN ... COMMIT; any exception rolls everything back.

        Only one write transaction per file runs at a time in this process: the next one waits its turn.
        """
        with _writer_lock(self.path), self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def query_df(self, sql: str, params: list | tuple | None = None):
        """Run a read query and return a pandas DataFrame."""
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def query_one(self, sql: str, params: list | tuple | None = None):
        """Run a read query and return its first row (or None)."""
        with self.connect() as con:
            return con.execute(sql, params or []).fetchone()


def retry_transient(work: Callable[[], T], attempts: int = 3) -> T:
    """Run ``work`` (a whole write transaction), again if DuckDB failed it with a transient catalog error.

    Seen with two imports at once on one server: a transaction that registers a pandas frame may not see
    DuckDB's own ``pandas_scan`` function (« Table Function with name pandas_scan does not exist »). The
    transaction was rolled back, so running it again is safe.
    """
    for attempt in range(attempts):
        try:
            return work()
        except duckdb.CatalogException as error:
            if "pandas_scan" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def open_database(path: str | os.PathLike | None = None) -> Database:
    """Resolve the path, then create or upgrade the schema so the returned database is ready to use."""
    db = Database(resolve_path(path))
    migrate(db)
    return db


# Each migration moves the schema from version N-1 to N. Never edit a released migration: add one.
# They run in number order, and every number not yet recorded in schema_version runs, whatever its place.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "socle : référentiel, valeurs, imports, mouvements, journal", """
        CREATE TABLE directions (code VARCHAR PRIMARY KEY, libelle VARCHAR NOT NULL, type VARCHAR NOT NULL);
        CREATE TABLE parcours (
            code VARCHAR PRIMARY KEY, libelle VARCHAR NOT NULL, direction VARCHAR NOT NULL,
            public VARCHAR NOT NULL, date_deploiement DATE, description VARCHAR, exemple BOOLEAN NOT NULL);
        CREATE TABLE indicateurs (
            code VARCHAR PRIMARY KEY, libelle VARCHAR NOT NULL, definition VARCHAR, unite VARCHAR NOT NULL,
            sens VARCHAR NOT NULL, engagement INTEGER, famille VARCHAR, min DOUBLE NOT NULL,
            max DOUBLE NOT NULL, agregation VARCHAR NOT NULL, denominateur VARCHAR,
            periodicite VARCHAR NOT NULL, miroir VARCHAR, lie_a VARCHAR);
        CREATE TABLE cibles (indicateur VARCHAR NOT NULL, parcours VARCHAR, cible DOUBLE NOT NULL);
        CREATE SEQUENCE import_id_seq START 1;
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY, type VARCHAR NOT NULL, fichier VARCHAR, sha256 VARCHAR,
            taille BIGINT, utilisateur VARCHAR NOT NULL, horodatage TIMESTAMP NOT NULL,
            statut VARCHAR NOT NULL, nb_lignes BIGINT, nb_nouvelles BIGINT, nb_revisees BIGINT,
            nb_inchangees BIGINT, annule_import INTEGER, annule_par INTEGER, message VARCHAR);
        CREATE TABLE valeurs (
            parcours VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, mois DATE NOT NULL,
            valeur DOUBLE NOT NULL, commentaire VARCHAR, import_id INTEGER NOT NULL,
            PRIMARY KEY (parcours, indicateur, mois));
        CREATE TABLE mouvements (
            import_id INTEGER NOT NULL, parcours VARCHAR NOT NULL, indicateur VARCHAR NOT NULL,
            mois DATE NOT NULL, valeur_avant DOUBLE, commentaire_avant VARCHAR, import_avant INTEGER,
            valeur_apres DOUBLE, commentaire_apres VARCHAR);
        CREATE TABLE journal (
            horodatage TIMESTAMP NOT NULL, utilisateur VARCHAR NOT NULL, action VARCHAR NOT NULL,
            objet VARCHAR, details VARCHAR);
        CREATE TABLE meta (cle VARCHAR PRIMARY KEY, valeur VARCHAR);
    """),
    (2, "résultats d'impact : verdicts, séries modélisées, différences de différences, agrégats, scores", """
        CREATE TABLE resultats (
            parcours VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, empreinte VARCHAR NOT NULL,
            methode VARCHAR, deploiement DATE, fin DATE, mois_avant INTEGER, mois_apres INTEGER,
            n_obs INTEGER, n_avant INTEGER, n_apres INTEGER, moyenne_avant DOUBLE, moyenne_apres DOUBLE,
            difference DOUBLE, difference_pct DOUBLE, welch_bas DOUBLE, welch_haut DOUBLE,
            niveau DOUBLE, niveau_bas DOUBLE, niveau_haut DOUBLE, niveau_p DOUBLE,
            pente DOUBLE, pente_bas DOUBLE, pente_haut DOUBLE, pente_p DOUBLE,
            effet DOUBLE, effet_bas DOUBLE, effet_haut DOUBLE, effet_unite VARCHAR, p_valeur DOUBLE,
            insuffisant BOOLEAN, phrase_modele VARCHAR, p_ajustee DOUBLE, significatif BOOLEAN, verdict VARCHAR,
            verdict_brut VARCHAR, declasse_fdr BOOLEAN, provisoire BOOLEAN, phrase VARCHAR,
            verdict_precedent VARCHAR, calcule_le TIMESTAMP);
        CREATE TABLE series_modele (
            parcours VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, mois DATE NOT NULL, valeur DOUBLE,
            ajuste DOUBLE, contrefactuel DOUBLE, contrefactuel_bas DOUBLE, contrefactuel_haut DOUBLE);
        CREATE TABLE resultats_did (
            indicateur VARCHAR NOT NULL, type VARCHAR NOT NULL, cle VARCHAR, estimation DOUBLE,
            erreur_type DOUBLE, bas DOUBLE, haut DOUBLE, p_valeur DOUBLE, n INTEGER);
        CREATE TABLE agregats (
            niveau VARCHAR NOT NULL, groupe VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, effet DOUBLE,
            effet_bas DOUBLE, effet_haut DOUBLE, effet_unite VARCHAR, n_parcours INTEGER, verdict VARCHAR);
        CREATE TABLE scores (niveau VARCHAR NOT NULL, code VARCHAR NOT NULL, score DOUBLE, n INTEGER);
    """),
    (3, "identité et audit : journal d'audit en ajout seul (écritures, connexions, référentiel, habilitations)", """
        CREATE SEQUENCE audit_id_seq START 1;
        CREATE TABLE audit (
            id BIGINT PRIMARY KEY, horodatage TIMESTAMP NOT NULL, utilisateur VARCHAR NOT NULL,
            role VARCHAR, action VARCHAR NOT NULL, objet VARCHAR, details VARCHAR, fichier VARCHAR,
            sha256 VARCHAR, nb_lignes BIGINT, nb_nouvelles BIGINT, nb_revisees BIGINT, nb_inchangees BIGINT,
            import_id INTEGER, champ VARCHAR, avant VARCHAR, apres VARCHAR, annule_modification BIGINT);
    """),
    (4, "moteur d'impact : effet moyen depuis le déploiement, intervalles corrigés par parcours, puissance", """
        ALTER TABLE resultats ADD COLUMN effet_bas_95 DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_haut_95 DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_se DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_ddl DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_log BOOLEAN;
        ALTER TABLE resultats ADD COLUMN niveau_intervalle DOUBLE;
        ALTER TABLE resultats ADD COLUMN taille_famille INTEGER;
        ALTER TABLE resultats ADD COLUMN effet_dernier DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_dernier_bas DOUBLE;
        ALTER TABLE resultats ADD COLUMN effet_dernier_haut DOUBLE;
        ALTER TABLE resultats ADD COLUMN ecart_pente VARCHAR;
        ALTER TABLE resultats ADD COLUMN effet_detectable DOUBLE;
        ALTER TABLE resultats ADD COLUMN rho DOUBLE;
        ALTER TABLE resultats ADD COLUMN dispersion DOUBLE;
        ALTER TABLE agregats ADD COLUMN erreur_type DOUBLE;
        ALTER TABLE agregats ADD COLUMN p_valeur DOUBLE;
        ALTER TABLE agregats ADD COLUMN alerte VARCHAR;
        ALTER TABLE resultats_did ADD COLUMN pre_tendance_p DOUBLE;
        ALTER TABLE resultats_did ADD COLUMN alerte VARCHAR;
    """),
]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database (0 for an empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(db: Database, target: int | None = None) -> int:
    """Apply every pending migration up to ``target`` (default: the latest), each in its own transaction.

    A database written by an older version of the tool upgrades itself here, the first time it is opened.
    Returns the version reached.
    """
    target = max(m[0] for m in MIGRATIONS) if target is None else target
    with _writer_lock(db.path), db.connect() as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, description VARCHAR, applique_le TIMESTAMP)"
        )
        applied = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
        for number, description, sql in sorted(MIGRATIONS, key=lambda m: m[0]):
            if number not in applied and number <= target:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(sql)
                    con.execute("INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)",
                                [number, description])
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
        return current_version(con)

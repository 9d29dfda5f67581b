"""The database: where it is, how to connect, its schema and its numbered migrations.

This is the only module that opens DuckDB. Each unit of work (a read, a write transaction) has its own
connection, closed at the end. Opening a DuckDB file costs 25-45 ms (a database instance is created), so
a process that is using a file keeps one extra idle connection on it, its « anchor »: while the anchor
is open, DuckDB reuses the instance and a connection costs under a millisecond. The anchor is closed as
soon as the process has not used the file for ``IDLE_RELEASE_SECONDS``, and at once when another process
says it is waiting for the file: no process holds the file while idle, and a CLI import never waits
behind a busy app (or the reverse) for more than a query.

DuckDB lets only one process open a file at a time. A process that finds the file locked writes a small
« waiting » marker next to it (``<base>.attente``, its pid inside), then retries with a short backoff; the
holder sees the marker, drops its anchor, and its new work pauses (at most ``YIELD_SECONDS``) until the
connections in use are closed: the file is free and the waiter takes it. Without this pause a busy app
(several sessions whose queries overlap) never closes the file, and the CLI waited up to a minute.
A marker older than ``MARKER_FRESH_SECONDS`` is ignored (its writer is gone). No user sees
a lock error unless the file stays locked for ``LOCK_WAIT_SECONDS``.

Small read results (``query_one``: versions, counts, last import) are cached per file and validated by
the file's stat (inode, size, modification time of the base and of its write-ahead log): any write, from
any process, changes it, so a page rerun with nothing new does not open DuckDB at all, and sees an import
made by the CLI on its next rerun.

Writers are serialised: within one process, a write transaction waits for the one in progress on the same
file (two people clicking « Importer » together both succeed, one after the other) instead of failing on
DuckDB's optimistic « Conflict on update ». Between processes, DuckDB's file lock already does it. After
each commit the write-ahead log is checkpointed into the file, so the file alone is always complete.

A forked child must not use a database its parent had open (DuckDB's instance would be shared without a
lock): worker processes compute, the parent reads and writes.
"""

from __future__ import annotations

import atexit
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


IDLE_RELEASE_SECONDS = 0.3
MARKER_FRESH_SECONDS = 2.0
MARKER_SUFFIX = ".attente"
YIELD_SECONDS = 1.0  # how long new work pauses, at most, while another process waits for the file
RACY_SECONDS = 2.0  # a stat this recent may not yet show a write made in the same clock tick
_CACHE_MAX_ENTRIES = 512


class _Anchor:
    """One process's idle connection on one file, and how it is being used."""

    def __init__(self, connection):
        self.connection = connection
        self.active = 0
        self.last_used = time.monotonic()


# The one background thread of this module: it closes idle anchors. It never logs nor imports, and a
# forked child gets fresh locks (see ``_forget_after_fork``): forking while it runs is safe.
BACKGROUND_THREAD_NAME = "observatoire-base-inactive"
_LOCAL = threading.local()  # depth: connections this thread has open (a nested one must not pause)
_ANCHORS: dict[str, _Anchor] = {}
_ANCHORS_GUARD = threading.Lock()
_REAPER: threading.Thread | None = None
_QUERY_CACHE: dict[tuple, tuple] = {}
_QUERY_CACHE_GUARD = threading.Lock()


def _marker_path(key: str) -> str:
    return key + MARKER_SUFFIX


def _signal_waiting(key: str) -> None:
    """Tell the process holding the file that this one is waiting for it (best effort)."""
    try:
        with open(_marker_path(key), "w", encoding="ascii") as marker:
            marker.write(str(os.getpid()))
    except OSError:
        pass


def _stop_waiting(key: str) -> None:
    """Remove our own marker once we hold the file (another waiter rewrites its own on its next retry)."""
    try:
        with open(_marker_path(key), encoding="ascii") as marker:
            mine = marker.read().strip() == str(os.getpid())
        if mine:
            os.remove(_marker_path(key))
    except (OSError, ValueError):
        pass


def _someone_waits(key: str) -> bool:
    """True when another process has said, in the last seconds, that it is waiting for this file."""
    try:
        stat = os.stat(_marker_path(key))
    except OSError:
        return False
    if time.time() - stat.st_mtime > MARKER_FRESH_SECONDS:
        return False
    try:
        with open(_marker_path(key), encoding="ascii") as marker:
            return marker.read().strip() != str(os.getpid())
    except OSError:
        return False


def _release(key: str) -> None:
    """Close this process's anchor on the file (connections still in use keep working)."""
    with _ANCHORS_GUARD:
        anchor = _ANCHORS.pop(key, None)
    if anchor is not None:
        anchor.connection.close()


_STOPPING = threading.Event()


def _reap_forever() -> None:
    while not _STOPPING.wait(0.05):
        now = time.monotonic()
        with _ANCHORS_GUARD:
            keys = [k for k, a in _ANCHORS.items() if a.active == 0 and now - a.last_used > IDLE_RELEASE_SECONDS]
            keys += [k for k in _ANCHORS if k not in keys and _someone_waits(k)]
        for key in keys:
            _release(key)


def _ensure_reaper() -> None:
    global _REAPER
    if (_REAPER is None or not _REAPER.is_alive()) and not _STOPPING.is_set():
        _REAPER = threading.Thread(target=_reap_forever, name=BACKGROUND_THREAD_NAME, daemon=True)
        _REAPER.start()


def release_all() -> None:
    """Close every anchor of this process now (tests, and before handing a file to another program)."""
    for key in list(_ANCHORS):
        _release(key)


@atexit.register
def _close_at_exit() -> None:
    # Stop the reaper before the interpreter tears threads down: a daemon thread frozen inside DuckDB's
    # close aborts the process (« terminate called ... exception not rethrown »).
    _STOPPING.set()
    if _REAPER is not None:
        _REAPER.join(timeout=2)
    release_all()


def _forget_after_fork() -> None:
    # The child inherits the parent's anchors: keep them referenced (never closed here), but forget them;
    # and fresh locks, in case another thread of the parent held one at the fork.
    global _ANCHORS_GUARD, _QUERY_CACHE_GUARD, _REAPER
    _LEAKED_IN_CHILD.extend(_ANCHORS.values())
    _ANCHORS.clear()
    _QUERY_CACHE.clear()
    _ANCHORS_GUARD, _QUERY_CACHE_GUARD, _REAPER = threading.Lock(), threading.Lock(), None


_LEAKED_IN_CHILD: list = []
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def _file_signature(key: str):
    """Inode, size and modification time of the base and of its write-ahead log; None if too recent to trust."""
    try:
        main = os.stat(key)
    except OSError:
        return None
    try:
        wal = os.stat(key + ".wal")
        wal_part = (wal.st_ino, wal.st_size, wal.st_mtime_ns)
    except OSError:
        wal = None
        wal_part = None
    newest = max(main.st_mtime_ns, wal.st_mtime_ns if wal is not None else 0)
    if time.time_ns() - newest < RACY_SECONDS * 1e9:
        return None
    return (main.st_ino, main.st_size, main.st_mtime_ns, wal_part)


def _forget_cached(key: str) -> None:
    with _QUERY_CACHE_GUARD:
        for cached in [k for k in _QUERY_CACHE if k[0] == key]:
            del _QUERY_CACHE[cached]


@dataclass(frozen=True)
class Database:
    """A DuckDB file, opened on demand. Cheap to create; safe to share between threads."""

    path: Path

    @property
    def _key(self) -> str:
        return os.path.realpath(self.path)

    def _open(self, key: str) -> duckdb.DuckDBPyConnection:
        """A new connection, waiting (and saying so) while another process holds the file."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.02
        waited = False
        while True:
            try:
                con = duckdb.connect(str(self.path), config=_CONFIG)
                break
            except duckdb.IOException as error:
                if not _is_lock_error(error) or time.monotonic() > deadline:
                    if waited:
                        _stop_waiting(key)
                    if _is_lock_error(error):
                        raise BaseVerrouillee(
                            f"La base {self.path} est occupée par un autre programme depuis plus de "
                            f"{LOCK_WAIT_SECONDS:.0f} s. Réessayez dans un instant."
                        ) from error
                    raise
                _signal_waiting(key)
                waited = True
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.1)
        if waited:
            _stop_waiting(key)
        return con

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one unit of work, closed on exit. Waits while another process holds the file,
        and gives way (briefly) when another process waits for it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = self._key
        if getattr(_LOCAL, "depth", 0) == 0 and _someone_waits(key):
            # Another process waits: the file is freed only once every connection of this process is
            # closed, so new work pauses a moment (not when this thread already holds one: it could not help).
            _release(key)
            deadline = time.monotonic() + YIELD_SECONDS
            while _someone_waits(key) and time.monotonic() < deadline:
                time.sleep(0.01)
        con = self._open(key)
        _LOCAL.depth = getattr(_LOCAL, "depth", 0) + 1
        anchor = None
        try:
            if _someone_waits(key):
                _release(key)
            else:
                with _ANCHORS_GUARD:
                    anchor = _ANCHORS.get(key)
                    if anchor is None:
                        # The instance is open (``con``): a second connection to it is cheap.
                        anchor = _ANCHORS[key] = _Anchor(duckdb.connect(str(self.path), config=_CONFIG))
                    anchor.active += 1
                _ensure_reaper()
        except BaseException:
            con.close()
            _LOCAL.depth -= 1
            raise
        try:
            yield con
        finally:
            con.close()
            _LOCAL.depth -= 1
            if anchor is not None:
                with _ANCHORS_GUARD:
                    anchor.active -= 1
                    anchor.last_used = time.monotonic()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection inside BEGIN ... COMMIT; any exception rolls everything back.

        Only one write transaction per file runs at a time in this process: the next one waits its turn.
        After the commit the log is checkpointed into the file (skipped silently if DuckDB cannot now).
        """
        with _writer_lock(self.path), self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            _forget_cached(self._key)
            try:
                con.execute("CHECKPOINT")
            except duckdb.Error:
                pass

    def query_df(self, sql: str, params: list | tuple | None = None):
        """Run a read query and return a pandas DataFrame."""
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def query_one(self, sql: str, params: list | tuple | None = None):
        """Run a read query and return its first row (or None).

        Read-only SQL only: the row is cached until the file changes (see the module docstring).
        """
        key = self._key
        signature = _file_signature(key)
        try:
            cache_key = (key, sql, tuple(params or ()))
            hash(cache_key)
        except TypeError:
            cache_key = None
        if signature is not None and cache_key is not None:
            hit = _QUERY_CACHE.get(cache_key)
            if hit is not None and hit[0] == signature:
                return hit[1]
        with self.connect() as con:
            row = con.execute(sql, params or []).fetchone()
        if signature is not None and cache_key is not None:
            with _QUERY_CACHE_GUARD:
                if len(_QUERY_CACHE) >= _CACHE_MAX_ENTRIES:
                    _QUERY_CACHE.clear()
                _QUERY_CACHE[cache_key] = (signature, row)
        return row


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
                _forget_cached(db._key)
                con.execute("CHECKPOINT")
        return current_version(con)

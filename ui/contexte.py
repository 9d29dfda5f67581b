"""The app's database and user, shared by every page of one process."""

from __future__ import annotations

import weakref
from typing import Callable, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from indicateurs.db import Database, open_database, resolve_path
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel
from indicateurs.roles import Utilisateur
from indicateurs.resultats import refresh_results, results_are_stale
from indicateurs.setup import init_database
from indicateurs.valeurs import store_versions

SYSTEM_USER = "démarrage de l'application"
T = TypeVar("T")


_READY: set[str] = set()  # databases this process has already opened (and brought up to date)


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    # First start on a fresh machine: no database yet, so build the embedded demo one.
    if not resolve_path(path).exists():
        return init_database(path, utilisateur=SYSTEM_USER, with_demo=True).db
    db = open_database(path)
    if results_are_stale(db):  # data written by a process that stopped before updating the results
        refresh_results(db)
    return db


def _opening_message(path: str) -> str:
    """What the first page of a new process says while the database gets ready: what it is really doing."""
    if not resolve_path(path).exists():
        return "Première ouverture : création de la base de démonstration (données fictives)…"
    return "Ouverture de la base ; les résultats sont mis à jour si des données ont changé depuis le dernier calcul…"


# Answers of the current script run, per run: the page, the banner, the filters and the download buttons ask
# for the database, the versions and the referential 5 to 15 times per rerun (3 to 5 ms each time).
# The key is the run's ParallelFragmentCoordinator: Streamlit builds a new one in ScriptRunContext.reset() at the
# start of every run (a widget's rerun, st.rerun, a fragment's run, AppTest's run), so the next run reads the
# versions again and an import (from the CLI or another session) shows at once. Weak keys: the answers go
# with the run.
_THIS_RUN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _run_key() -> object | None:
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "parallel_coordinator", None) if ctx is not None else None


def once_per_run(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` the first time ``name`` is asked for in this script run, its answer afterwards in the run.

    Outside a script run (bare mode, a Streamlit without a per-run object), computed on every call as before.
    """
    key = _run_key()
    if key is None:
        return compute()
    try:
        answers = _THIS_RUN.setdefault(key, {})
    except TypeError:  # a run object that cannot be weakly referenced: no reuse, still correct
        return compute()
    if name not in answers:
        answers[name] = compute()
    return answers[name]


def database() -> Database:
    """The database of this app ($OBSERVATOIRE_DB or data/observatoire.duckdb), created with demo data if absent."""
    return once_per_run("database", _open_database)


def _open_database() -> Database:
    path = str(resolve_path())
    if path in _READY:
        return _database(path)
    with st.spinner(_opening_message(path)):
        db = _database(path)
    _READY.add(path)
    return db


def version() -> str:
    """The version of what pages show: the data version and the results version together.

    Cached reads are keyed on it, so an import (even from the CLI) shows at once, and a page read while
    the results were being recomputed is read again once they are: no session keeps an old verdict.
    """
    data, results = _store_versions()
    return f"{data}.{results}"


def _store_versions() -> tuple[int, int]:
    """The store's (data, results) versions, read once per script run: at the start of the next run, again."""
    return once_per_run("versions", lambda: store_versions(database()))


def results_pending() -> bool:
    """True while the stored results lag behind the stored values (a refresh is under way, or was cut short)."""
    data, results = _store_versions()
    return data != results


# Shared, never copied: cache_data unpickled the whole referential on each call (about 19 per rerun of
# Les 4 engagements). Callers only read it.
@st.cache_resource(show_spinner=False, max_entries=8)
def _referentiel(path: str, version: str) -> Referentiel:
    return read_referentiel(Database(resolve_path(path)))


def referentiel() -> Referentiel:
    """The stored referential, cached until the data changes (read once per script run)."""
    return once_per_run("referentiel", lambda: _referentiel(str(database().path), version()))


def current_user() -> Utilisateur:
    """Who is using the app, in the configured identity mode (see ui/identite.py)."""
    from ui.identite import current_user as identified_user

    return identified_user()

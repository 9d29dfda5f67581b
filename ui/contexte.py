"""The app's database and user, shared by every page of one process."""

from __future__ import annotations

import streamlit as st

from indicateurs.db import Database, open_database, resolve_path
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel
from indicateurs.roles import Utilisateur, local_user
from indicateurs.resultats import refresh_results, results_are_stale
from indicateurs.setup import init_database
from indicateurs.valeurs import data_version

SYSTEM_USER = "démarrage de l'application"


@st.cache_resource(show_spinner="Préparation de la base de démonstration…")
def _database(path: str) -> Database:
    # First start on a fresh machine: no database yet, so build the embedded demo one.
    if not resolve_path(path).exists():
        return init_database(path, utilisateur=SYSTEM_USER, with_demo=True).db
    db = open_database(path)
    if results_are_stale(db):  # data written by a process that stopped before updating the results
        refresh_results(db)
    return db


def database() -> Database:
    """The database of this app ($OBSERVATOIRE_DB or data/observatoire.duckdb), created with demo data if absent."""
    return _database(str(resolve_path()))


def version() -> int:
    """The data version: cached reads are keyed on it, so an import (even from the CLI) shows at once."""
    return data_version(database())


@st.cache_data(show_spinner=False, max_entries=8)
def _referentiel(path: str, data_version: int) -> Referentiel:
    return read_referentiel(Database(resolve_path(path)))


def referentiel() -> Referentiel:
    """The stored referential, cached until the data changes."""
    db = database()
    return _referentiel(str(db.path), version())


def current_user() -> Utilisateur:
    """Who is using the app, in the configured identity mode (see ui/identite.py)."""
    from ui.identite import current_user as identified_user

    return identified_user()

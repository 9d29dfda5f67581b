"""Fixture of the import tests: a ready database (real referential, no value), fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicateurs.db import Database, open_database
from indicateurs.referentiel import load_referentiel
from indicateurs.referentiel_store import save_referentiel


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("imports") / "modele.duckdb"
    db = open_database(path)
    save_referentiel(db, load_referentiel(), utilisateur="test")
    return path


@pytest.fixture
def db(template_db, tmp_path) -> Database:
    """A copy of a database holding the real referential and no value (copying beats rebuilding)."""
    path = tmp_path / "t.duckdb"
    shutil.copy(template_db, path)
    return open_database(path)

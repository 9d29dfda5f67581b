"""Shared fixtures: real DuckDB files in temporary folders, built from the real referential."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from indicateurs.db import Database
from indicateurs.setup import init_database

ROOT = Path(__file__).resolve().parent.parent
END_MONTH = date(2026, 10, 1)  # the demo data's last month in every test: results stay deterministic


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modele") / "demo.duckdb"
    init_database(path, utilisateur="tests", with_demo=True, end_month=END_MONTH)
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path) -> Database:
    """A database with the referential and the demo data up to October 2026 (a fresh copy per test)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_template, path)
    return Database(path)


@pytest.fixture
def empty_db(tmp_path) -> Database:
    """A database with the referential and no value at all."""
    return init_database(tmp_path / "vide.duckdb", utilisateur="tests").db

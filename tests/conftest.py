"""Shared fixtures: real DuckDB files in temporary folders, built from the real referential."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from indicateurs.db import Database
from indicateurs.setup import init_database

ROOT = Path(__file__).resolve().parent.parent
END_MONTH = date(2026, 10, 1)  # the demo data's last month in every test: results stay deterministic
LOCAL_ADMIN = "sru.tests"
# No test may open the developer's data/observatoire.duckdb (or create it, as running a page would): a test, or a
# module it imports while being collected, that does not give its own base fails on this path, which cannot be
# created, instead of reading or writing the real one.
os.environ["OBSERVATOIRE_DB"] = "/dev/null/aucune-base-par-defaut-dans-les-tests/observatoire.duckdb"
IDENTITY_VARIABLES = ("OBSERVATOIRE_IDENTITE", "OBSERVATOIRE_ENTETE", "OBSERVATOIRE_HABILITATIONS",
                      "OBSERVATOIRE_INCONNUS", "OBSERVATOIRE_ADMINISTRATEUR_LOCAL", "OBSERVATOIRE_UTILISATEUR",
                      "OBSERVATOIRE_ROLE", "OBSERVATOIRE_DIRECTION")


@pytest.fixture(autouse=True)
def _no_identity_from_the_environment(monkeypatch, tmp_path_factory):
    """Every test starts with no identity configured (a reader), whatever the developer's shell or
    data/habilitations.csv say; a test that needs a writer says so (``administrateur_local``...)."""
    for name in IDENTITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OBSERVATOIRE_HABILITATIONS", str(tmp_path_factory.getbasetemp() / "aucune-habilitation.csv"))


@pytest.fixture
def administrateur_local(monkeypatch) -> str:
    """The documented local setting naming an administrator (app and CLI): returns the name."""
    monkeypatch.setenv("OBSERVATOIRE_ADMINISTRATEUR_LOCAL", LOCAL_ADMIN)
    monkeypatch.setenv("OBSERVATOIRE_UTILISATEUR", LOCAL_ADMIN)
    return LOCAL_ADMIN


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

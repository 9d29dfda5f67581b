"""Deep links go through app.py: the role decides which pages exist, whatever the URL typed."""

from __future__ import annotations

import shutil

import pytest

from .conftest import running_app, wait_for_app

pytestmark = pytest.mark.navigateur


@pytest.fixture(scope="module")
def reader_server(_demo_template, tmp_path_factory, chromium_path):
    folder = tmp_path_factory.mktemp("lecteur")
    db = folder / "demo.duckdb"
    shutil.copy(_demo_template, db)
    with running_app(db, folder / "streamlit.log") as url:  # no identity configured: a reader
        yield url


def test_reader_deep_link_to_import_does_not_open_it(reader_server, page):
    # The very first request of the server process is the deep link: the hardest case.
    page.goto(reader_server + "/import_donnees")
    wait_for_app(page)
    assert page.get_by_text("Import des fichiers mensuels").count() == 0
    assert page.get_by_text("Connecté : visiteur (sans identification) (lecteur)").count() == 1
    assert page.get_by_text("Identification : locale, lecture seule (aucune identité configurée)").count() == 1
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_text("Votre rôle (lecteur) ne permet pas d'importer des fichiers").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0

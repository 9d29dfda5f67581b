"""Deep links go through app.py: the role decides which pages exist, whatever the URL typed."""

from __future__ import annotations

import pytest

from .conftest import no_exception, open_page, wait_for_app

pytestmark = pytest.mark.navigateur


def test_reader_deep_link_to_import_does_not_open_it(reader_server, page):
    # The very first request of the server process is the deep link: the hardest case.
    open_page(page, reader_server + "/import_donnees")  # no identity configured: a reader
    # that first run reruns itself at once (ui/__init__.py): wait for the page the second run draws
    page.get_by_text("Connecté : visiteur (sans identification) (lecteur)").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("Import des fichiers mensuels").count() == 0
    assert page.get_by_text("Connecté : visiteur (sans identification) (lecteur)").count() == 1
    assert page.get_by_text("Identification : locale, lecture seule (aucune identité configurée)").count() == 1
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_text("Votre rôle (lecteur) ne permet pas d'importer des fichiers").count() == 1
    no_exception(page)

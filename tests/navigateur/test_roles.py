"""Deep links go through app.py: the role decides which pages exist, whatever the URL typed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT, _free_port, wait_for_app

pytestmark = pytest.mark.navigateur


@pytest.fixture(scope="module")
def reader_server(_demo_template, tmp_path_factory, chromium_path):
    folder = tmp_path_factory.mktemp("lecteur")
    db = folder / "demo.duckdb"
    shutil.copy(_demo_template, db)
    port = _free_port()
    env = dict(os.environ, OBSERVATOIRE_DB=str(db), OBSERVATOIRE_UTILISATEUR="membre.codir",
               OBSERVATOIRE_ROLE="lecteur CODIR")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", "--server.address=127.0.0.1",
         f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("le serveur Streamlit n'a pas démarré")
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_reader_deep_link_to_import_does_not_open_it(reader_server, page):
    # The very first request of the server process is the deep link: the hardest case.
    page.goto(reader_server + "/import_donnees")
    wait_for_app(page)
    assert page.get_by_text("Import des fichiers mensuels").count() == 0
    assert page.get_by_text("Connecté : membre.codir (lecteur CODIR)").count() == 1
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0

"""A real app server on a free local port and Debian's headless chromium driven by Playwright."""

from __future__ import annotations

import os
from contextlib import contextmanager
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = ROOT / "artefacts" / "captures"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium est absent de /usr/bin/chromium : .ci/run doit l'installer (apt-get install chromium).")
        pytest.skip("chromium absent : installez-le avec « apt-get install chromium » pour les tests navigateur.")
    return CHROMIUM


@contextmanager
def running_app(db: Path, log: Path, *, port: int | None = None, args: tuple[str, ...] = (), **env_extra: str):
    """``streamlit run app.py`` on ``db`` and a free local port, until the block ends; yields its base URL.

    The identity comes only from ``env_extra`` (no developer variable or data/habilitations.csv leaks in):
    without it, the app is in local mode, read-only.
    """
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env.update({"OBSERVATOIRE_DB": str(db), "OBSERVATOIRE_HABILITATIONS": str(log.parent / "aucune-habilitation.csv"),
                **env_extra})
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none", *args],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("le serveur Streamlit n'a pas démarré : " + log.read_text())
            time.sleep(0.3)
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(_demo_template, tmp_path_factory, chromium_path):
    """The app served on a copy of the demo database, to an administrator named by the documented local
    setting; yields its URL and database."""
    folder = tmp_path_factory.mktemp("serveur")
    db = folder / "demo.duckdb"
    shutil.copy(_demo_template, db)
    with running_app(db, folder / "streamlit.log", OBSERVATOIRE_ADMINISTRATEUR_LOCAL="testeur.navigateur") as url:
        yield {"url": url, "db": db}


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True)
    p = context.new_page()
    yield p
    context.close()


def wait_for_app(page) -> None:
    """Wait until the script run is over and nothing is still loading."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

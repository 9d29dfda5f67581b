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


def wait_for_http(url: str, process: subprocess.Popen, log: Path, failure: str, *,
                  expected: bytes | None = None) -> None:
    """Until ``url`` answers (with the body ``expected`` when given); if ``process`` stops or 60 s pass,
    kill it and fail the test with ``failure`` and its ``log``."""
    deadline = time.monotonic() + 60
    while True:
        try:
            body = urllib.request.urlopen(url, timeout=2).read()
            if expected is None or body == expected:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"{failure} : " + log.read_text())
        time.sleep(0.2)


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
        wait_for_http(f"{url}/_stcore/health", process, log, "le serveur Streamlit n'a pas démarré", expected=b"ok")
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def demo_copy(template: Path, folder: Path) -> Path:
    """A copy of the demo database in ``folder``, for one server to use alone."""
    db = folder / "demo.duckdb"
    shutil.copy(template, db)
    return db


@pytest.fixture(scope="session")
def server(_demo_template, tmp_path_factory, chromium_path):
    """The app served on a copy of the demo database, to an administrator named by the documented local
    setting; yields its URL and database."""
    folder = tmp_path_factory.mktemp("serveur")
    db = demo_copy(_demo_template, folder)
    with running_app(db, folder / "streamlit.log", OBSERVATOIRE_ADMINISTRATEUR_LOCAL="testeur.navigateur") as url:
        yield {"url": url, "db": db}


@pytest.fixture(scope="module")
def reader_server(_demo_template, tmp_path_factory, chromium_path):
    """A fresh server for the module (its first request is the module's first), on a copy of the demo
    database, with no identity configured: every visitor is a reader. Yields its URL."""
    folder = tmp_path_factory.mktemp("lecteur")
    with running_app(demo_copy(_demo_template, folder), folder / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def new_page(browser, width: int = 1400, height: int = 1000, **options):
    """A page in a browser context of its own (French locale, ``width`` × ``height``), closed after the block."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR", **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with new_page(browser, accept_downloads=True) as p:
        yield p


@pytest.fixture
def wide(browser):
    """A page at 1440 × 900, the CODIR's screen."""
    with new_page(browser, 1440, 900) as p:
        yield p


def wait_for_app(page) -> None:
    """Wait until the script run is over and nothing is still loading."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def open_page(page, url: str) -> None:
    """Open ``url`` and wait until the app is done with it."""
    page.goto(url)
    wait_for_app(page)


def no_exception(page, where: str | None = None) -> None:
    """The page shows no Python exception."""
    assert page.locator('[data-testid="stException"]').count() == 0, where


def upload(page, files, until) -> None:
    """Give ``files`` to the page's file uploader, wait for the locator ``until`` (what the page shows
    once it has read them), then until the app is done."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files)
    until.wait_for(timeout=60_000)
    wait_for_app(page)


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

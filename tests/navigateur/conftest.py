"""A real app server on a free local port and Debian's headless chromium driven by Playwright.

Test-only switch ``OBSERVATOIRE_TEST_RETARD_JS=<ms>`` (off when unset or 0): every page the tests open holds
back each Streamlit JS chunk loaded on demand (an element's code: Html, DataFrame, PlotlyChart, Metric...)
by that many ms, as a loaded machine does, so that a test reading the page before an element is drawn
fails every time instead of once in a while in CI. For example
``OBSERVATOIRE_TEST_RETARD_JS=4000 .venv/bin/python -m pytest -p no:xdist tests/navigateur -m navigateur``.
"""

from __future__ import annotations

import importlib.util
import os
import re
from contextlib import contextmanager
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = ROOT / "artefacts" / "captures"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


# In every page, before Streamlit loads: counts the script runs the page sees start and times the last change
# of the app's script state, so a test waits for a condition (a run that started after its action is
# over) rather than for a fixed delay.
RUN_TRACKER = """(() => {
  let started = 0, state = null, changed = performance.now(), mutated = performance.now();
  const busy = (value) => value === 'running' || value === 'rerunRequested';
  const look = (records) => {
    for (const r of records || []) {
      mutated = performance.now();
      // a run that started and ended between two callbacks leaves only its records
      if (r.attributeName === 'data-test-script-state' && busy(r.oldValue) && !busy(state)) {
        started++;
        state = r.oldValue;
      }
    }
    const app = document.querySelector('[data-testid="stApp"]');
    const now = app ? app.getAttribute('data-test-script-state') : null;
    if (now !== state) {
      if (busy(now) && !busy(state)) started++;
      state = now;
      changed = performance.now();
    }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true,
                                                attributeOldValue: true});
  window.__scriptRuns = () => { look(); return {started, state, quiet: performance.now() - changed,
                                                stillness: performance.now() - mutated}; };
})();"""
# Settled: the run started since ``after`` is over and has been for ``quiet`` ms. A very fast run (a page
# served from the caches) can start and end within one React commit and leave no trace in the DOM: then a
# page that has not moved for 3 s after the action counts as settled too.
SETTLED = """([after, quiet, drawn]) => {
  if (!window.__scriptRuns) return false;
  const runs = window.__scriptRuns();
  const seen = runs.started > after
    || (after >= 0 && performance.now() - (window.__actionAt || 0) > 3000 && runs.stillness > 1500);
  // a skeleton stands where an element's code is still loading (tables, charts, download buttons)
  return runs.state === 'notRunning' && seen && runs.quiet >= quiet
    && !(drawn && document.querySelector('[data-testid="stSkeleton"]'));
}"""
STATE = """() => ({runs: window.__scriptRuns ? window.__scriptRuns() : null,
              skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length})"""


# Test-only switch: OBSERVATOIRE_TEST_RETARD_JS=<ms> holds back every Streamlit JS chunk loaded on demand by
# that many ms in every page the tests open (see hold_back_lazy_chunks); unset or 0, nothing is routed.
JS_DELAY_VARIABLE = "OBSERVATOIRE_TEST_RETARD_JS"
STATIC_JS = re.compile(r"/static/js/([^/?#]+\.js)(?:[?#].*)?$")


def js_delay_ms() -> int:
    """The delay asked by OBSERVATOIRE_TEST_RETARD_JS, in ms (0: off)."""
    value = os.environ.get(JS_DELAY_VARIABLE, "").strip()
    if not value:
        return 0
    try:
        return max(0, int(value))
    except ValueError:
        raise pytest.UsageError(f"{JS_DELAY_VARIABLE} doit être un nombre de millisecondes, pas « {value} »")


def eager_chunks() -> set[str]:
    """The JS files Streamlit's index.html loads up front (its entry and the modules it preloads): every other
    file of static/js/ is an element's code, fetched when a page first shows such an element."""
    spec = importlib.util.find_spec("streamlit")  # without importing it
    index = Path(spec.submodule_search_locations[0], "static", "index.html").read_text()
    eager = set(re.findall(r'(?:src|href)="\./static/js/([^"]+\.js)"', index))
    assert any(name.startswith("index.") for name in eager), "index.html de Streamlit sans point d'entrée"
    return eager


def hold_back_lazy_chunks(context) -> None:
    """With OBSERVATOIRE_TEST_RETARD_JS set, delay in ``context`` each lazily loaded Streamlit JS chunk by that
    many ms (the entry and its preloaded modules pass at once); without it, do nothing."""
    delay = js_delay_ms()
    if not delay:
        return
    eager = eager_chunks()

    def handle(route, request) -> None:
        try:
            if STATIC_JS.search(request.url).group(1) not in eager:
                # a sync wait inside a route handler runs in its own greenlet: other requests go on meanwhile
                request.frame.wait_for_timeout(delay)
            route.continue_()
        except PlaywrightError:
            pass  # the page went away meanwhile: nothing left to load

    context.route(STATIC_JS, handle)


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
def server(_demo_template, tmp_path_factory, browser):
    """The app served on a copy of the demo database, to an administrator named by the documented local
    setting; yields its URL and database.

    Its first page is opened here, to the end of its content: the first script run of a server process
    reruns itself (ui/__init__.py), and no test should see the page between the two runs."""
    folder = tmp_path_factory.mktemp("serveur")
    db = demo_copy(_demo_template, folder)
    with running_app(db, folder / "streamlit.log", OBSERVATOIRE_ADMINISTRATEUR_LOCAL="testeur.navigateur") as url:
        with new_page(browser) as page:
            page.goto(url)
            page.get_by_text("Parcours suivis").first.wait_for(timeout=120_000)
            wait_for_app(page)
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
    """A page in a browser context of its own (French locale unless ``locale`` is given, ``width`` × ``height``),
    closed after the block."""
    options.setdefault("locale", "fr-FR")
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(60_000)  # a loaded machine can take tens of seconds to draw a page
    context.add_init_script(script=RUN_TRACKER)
    hold_back_lazy_chunks(context)
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


def wait_for_app(page, after: int | None = None, *, drawn: bool = False) -> None:
    """Wait until the app is done: its script runs are over (with ``after``, the value of ``script_runs``
    taken before an action, until a run started since is over) and have been for 300 ms (the first run of
    a server process reruns itself at once). With ``drawn``, also until no element still waits for its
    code: tables, charts and download buttons show a skeleton for a second or more after the run (much
    longer on a loaded machine), and a check of the tables made then finds none."""
    try:
        page.wait_for_function(SETTLED, arg=[-1 if after is None else after, 300, drawn], polling=100,
                               timeout=120_000 if drawn else 60_000)
    except PlaywrightTimeout:
        pytest.fail(f"l'application n'a pas fini ({page.url}) : {page.evaluate(STATE)}")


def script_runs(page) -> int:
    """How many script runs this document has seen start: take it before an action that reruns the
    script, then give it to ``wait_for_app(page, after=...)`` to wait for that very run."""
    return page.evaluate("() => { window.__actionAt = performance.now(); return window.__scriptRuns().started; }")


def click_and_wait(page, target) -> None:
    """Click ``target`` (a locator) that reruns the script, and wait until that run is over."""
    before = script_runs(page)
    target.click()
    wait_for_app(page, after=before)


def eventually(page, read, ready, seconds: float = 15):
    """``read()`` again every 0.1 s until ``ready`` accepts its value or ``seconds`` pass; returns the last value,
    for the test to assert on (what the browser draws after the script run: charts, translated strings)."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if ready(value) or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def open_page(page, url: str) -> None:
    """Open ``url`` and wait until the app is done with it, every element drawn: a new document fetches each
    element's code again (texts, buttons, tables, charts), and on a loaded machine it can come after the run
    is over; a check made then finds nothing (or nothing wrong)."""
    page.goto(url)
    wait_for_app(page, drawn=True)


def no_exception(page, where: str | None = None) -> None:
    """The page shows no Python exception (the message names the page and quotes the exception)."""
    shown = page.locator('[data-testid="stException"]')
    assert shown.count() == 0, (where, [text[:600] for text in shown.all_inner_texts()])


def upload(page, files, until) -> None:
    """Give ``files`` to the page's file uploader, wait for the locator ``until`` (what the page shows
    once it has read them), then until the app is done and every element drawn (the preview's tables and
    metrics come with their own code)."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(files)
    until.wait_for(timeout=60_000)
    wait_for_app(page, drawn=True)


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

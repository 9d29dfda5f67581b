"""Screenshots of the CODIR dashboards for the README: docs/captures/<page>.png.

    .venv/bin/python scripts/captures.py [--db CHEMIN]

Without --db, builds a demo database (data up to October 2026) in a temporary folder, serves the app on a
free local port with ``streamlit run``, and photographs each page in Debian's chromium (/usr/bin/chromium)
with Playwright, at 1400 px wide and up to 3200 px tall.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "docs" / "captures"
WIDTH, MAX_HEIGHT = 1400, 3200
PAGES = {
    "vue_ensemble": "/",
    "direction": "/direction?direction=DPE",
    "parcours": "/parcours?parcours=DJS-PISCINE&indicateur=DELAI_TRAITEMENT",
    "engagements": "/engagements",
    "agents": "/agents",
    "miroir": "/miroir",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    page.wait_for_timeout(1500)  # charts finish drawing


def capture(url: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 1000}, locale="fr-FR")
        page.goto(url)  # the root first: the first run of the process also warms the caches
        wait_for_app(page)
        for name, path in PAGES.items():
            page.set_viewport_size({"width": WIDTH, "height": 1000})
            page.goto(url + path)
            wait_for_app(page)
            if page.locator('[data-testid="stException"]').count():
                raise SystemExit(f"erreur affichée sur la page {name}")
            height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": WIDTH, "height": min(int(height), MAX_HEIGHT)})
            wait_for_app(page)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(f"{OUT / f'{name}.png'}")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description="Captures d'écran des tableaux de bord pour le README.")
    parser.add_argument("--db", help="base à utiliser (par défaut : une base de démonstration temporaire)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "captures.duckdb"
        if not args.db:
            from indicateurs.setup import init_database

            init_database(path, utilisateur="démonstration", with_demo=True, end_month=date(2026, 10, 1))
        port = free_port()
        env = dict(os.environ, OBSERVATOIRE_DB=str(path), OBSERVATOIRE_UTILISATEUR="sru.demo")
        log = open(Path(folder) / "streamlit.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("le serveur Streamlit n'a pas démarré :\n"
                                     + (Path(folder) / "streamlit.log").read_text())
                time.sleep(0.3)
            capture(url)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""First start of a fresh install, as a user lives it: from launching the server on a folder without a
base to Vue d'ensemble usable in Debian's chromium (demo base created, « En bref » shown, charts drawn).

Prints the time until the server listens, until the page is usable, the same with the base already
built (a cold server only), and a warm reload. Usage: ``.venv/bin/python benchmarks/premier_demarrage.py``.
The project's own base (data/observatoire.duckdb) is never touched: the server runs on a temporary file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from navigateur_outils import CHROMIUM, ROOT, free_port
from playwright.sync_api import sync_playwright


def _visit(db: Path) -> tuple[float, float, float]:
    """Start a server on ``db``; seconds until it listens, until Vue d'ensemble is usable, for a warm reload."""
    port = free_port()
    env = {**os.environ, "OBSERVATOIRE_DB": str(db)}
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
                               f"--server.port={port}", "--browser.gatherUsageStats=false"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        listening = time.perf_counter() - start
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1440, "height": 900})

            def usable() -> None:
                page.wait_for_selector("text=En bref", timeout=180_000)
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=180_000)

            page.goto(f"http://127.0.0.1:{port}/")
            usable()
            ready = time.perf_counter() - start
            page.reload()
            usable()
            warm_start = time.perf_counter()
            page.reload()
            usable()
            warm = time.perf_counter() - warm_start
            browser.close()
        return listening, ready, warm
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "observatoire.duckdb"
        listening, ready, warm = _visit(db)
        print(f"Sans base : serveur à l'écoute en {listening:.1f} s, Vue d'ensemble utilisable en {ready:.1f} s "
              f"(base de démonstration créée) ; rechargement à chaud {warm:.1f} s")
        listening, ready, warm = _visit(db)
        print(f"Base déjà créée : serveur à l'écoute en {listening:.1f} s, Vue d'ensemble utilisable en "
              f"{ready:.1f} s ; rechargement à chaud {warm:.1f} s")


if __name__ == "__main__":
    main()

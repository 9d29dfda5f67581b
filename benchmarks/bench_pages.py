"""Benchmark of the CODIR dashboard pages: the median time of a warm script run of each page.

    python benchmarks/bench_pages.py [--db CHEMIN] [--runs 15]

Without --db, builds a demo database (30 parcours × 21 indicateurs up to October 2026) in a temporary
folder (about 30 s). Each page is run once cold (caches filled), then ``--runs`` times warm under
Streamlit's AppTest; the median and the slowest warm run are printed. AppTest adds its own overhead
(script thread, element tree), so these are upper bounds of what a browser session costs the server.
Exit code 1 when a median exceeds the budget (0.5 s).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET = 0.5
PAGES = [
    ("Vue d'ensemble", "pages/vue_ensemble.py", {}),
    ("Vue d'ensemble, direction DPE", "pages/vue_ensemble.py", {"direction": "DPE"}),
    ("Direction DPE", "pages/direction.py", {"direction": "DPE"}),
    ("Parcours DJS-PISCINE", "pages/parcours.py", {"parcours": "DJS-PISCINE", "indicateur": "DELAI_TRAITEMENT"}),
    ("Les 4 engagements", "pages/engagements.py", {}),
    ("Conditions de travail des agents", "pages/agents.py", {}),
    ("Miroir agents / usagers", "pages/miroir.py", {}),
    ("Méthodologie", "pages/methodologie.py", {}),
    ("Complétude", "pages/completude.py", {}),
]


def bench_page(page: str, params: dict, runs: int) -> tuple[float, float, float]:
    """Cold time, median and slowest of ``runs`` warm runs of one page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page} : exception {at.exception[0].value}")
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        durations.append(time.perf_counter() - start)
    return cold, statistics.median(durations), max(durations)


def main() -> int:
    parser = argparse.ArgumentParser(description="Temps d'exécution des pages des tableaux de bord.")
    parser.add_argument("--db", help="base à utiliser (par défaut : une base de démonstration temporaire)")
    parser.add_argument("--runs", type=int, default=15, help="exécutions chaudes par page (15 par défaut)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.db:
            path = Path(args.db)
        else:
            from indicateurs.setup import init_database

            path = Path(folder) / "bench.duckdb"
            start = time.perf_counter()
            init_database(path, utilisateur="benchmark", with_demo=True, end_month=date(2026, 10, 1))
            print(f"base de démonstration créée en {time.perf_counter() - start:.1f} s")
        os.environ["OBSERVATOIRE_DB"] = str(path)
        import streamlit as st

        logging.disable(logging.WARNING)  # AppTest driven from the main thread warns about Streamlit's bare mode

        print(f"{'page':<36} {'froid':>8} {'médiane chaude':>15} {'max chaud':>10}")
        over = []
        for label, page, params in PAGES:
            st.cache_data.clear()
            st.cache_resource.clear()
            cold, median, slowest = bench_page(page, params, args.runs)
            flag = "" if median <= BUDGET else "  > budget"
            if flag:
                over.append(label)
            print(f"{label:<36} {cold:7.2f}s {median:14.3f}s {slowest:9.3f}s{flag}")
        print(f"budget : {BUDGET} s par exécution chaude (médiane) ; "
              + ("tout est dans le budget." if not over else f"hors budget : {', '.join(over)}."))
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

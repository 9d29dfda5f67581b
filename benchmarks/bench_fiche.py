"""Benchmark of the fiche CODIR: first fiche with the chart renderer cold, the next ones warm, and --toutes.

    python benchmarks/bench_fiche.py [--db CHEMIN] [--mois 2026-10] [--fiches 5]

Without --db, builds a demo database (30 parcours × 21 indicateurs up to October 2026) in a temporary
folder (about 30 s). Prints wall-clock and CPU seconds (CPU of this process; the browser drawing the
charts is another process, so on a busy machine wall time is the figure that counts). Targets:
1.5 s per fiche once warm, 30 s for the 20 fiches of --toutes. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_WARM, TARGET_ALL = 1.5, 30.0
DIRECTIONS = ["DDCT", "DFA", "DJS", "DVD", "DLH", "DRH", "DAC"]  # each drawn once: no chart reused


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="base DuckDB (sinon une base de démonstration temporaire)")
    parser.add_argument("--mois", default="2026-10", help="mois des fiches (AAAA-MM)")
    parser.add_argument("--fiches", type=int, default=5, help="nombre de fiches chaudes mesurées")
    args = parser.parse_args()

    from indicateurs.db import Database
    from indicateurs.fiche.commande import run
    from indicateurs.fiche.construction import build_fiche
    from indicateurs.mois import parse_month_code
    from indicateurs.setup import init_database

    month = parse_month_code(args.mois)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "demo.duckdb"
        if not args.db:
            print("Base de démonstration en construction…", flush=True)
            init_database(path, utilisateur="benchmark", with_demo=True, end_month=date(2026, 10, 1))
        db = Database(path)

        fiche, wall, cpu = timed(lambda: build_fiche(db, "DPE", month))
        print(f"première fiche (DPE, navigateur froid) : {wall:.2f} s ({cpu:.2f} s CPU), {fiche.pages} page(s)"
              + (f" ; avertissements : {fiche.avertissements}" if fiche.avertissements else ""))
        walls, cpus = [], []
        for n in range(args.fiches):
            code = DIRECTIONS[n % len(DIRECTIONS)]
            fiche, wall, cpu = timed(lambda: build_fiche(db, code, month))
            walls.append(wall)
            cpus.append(cpu)
            print(f"  fiche {code} (chaude) : {wall:.2f} s ({cpu:.2f} s CPU), {fiche.pages} page(s)")
        fiche, wall, cpu = timed(lambda: build_fiche(db, None, month))
        print(f"  fiche de la Ville (chaude) : {wall:.2f} s ({cpu:.2f} s CPU), {fiche.pages} page(s)")
        fiche, wall, cpu = timed(lambda: build_fiche(db, "DPE", month))
        print(f"  fiche DPE redemandée (mêmes données, graphiques déjà dessinés) : {wall:.2f} s ({cpu:.2f} s CPU)")
        median = statistics.median(walls)
        print(f"fiche chaude, médiane : {median:.2f} s ({statistics.median(cpus):.2f} s CPU) "
              f"— objectif ≤ {TARGET_WARM} s : {'tenu' if median <= TARGET_WARM else 'dépassé'}")

        out = Path(folder) / "toutes"
        namespace = argparse.Namespace(db=str(path), direction=None, toutes=True, mois=month, out=str(out))
        code, wall, cpu = timed(lambda: run(namespace))
        count = len(list(out.glob("*.pdf")))
        print(f"--toutes : {count} fiches en {wall:.1f} s ({cpu:.1f} s CPU), code de sortie {code} "
              f"— objectif ≤ {TARGET_ALL:.0f} s : {'tenu' if wall <= TARGET_ALL else 'dépassé'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

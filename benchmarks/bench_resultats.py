"""Benchmark of the impact engine: full recompute of every stored result, and an incremental refresh.

    python benchmarks/bench_resultats.py

Builds a demo database (30 parcours × 21 indicateurs up to October 2026) in a temporary folder, then
times: a full recompute (every series refitted, BH, staggered DID for every indicator, aggregates,
scores), the same again in the same process (designs' simulated critical values cached), a refresh with
nothing changed, and a refresh after a one-file import touching one parcours.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicateurs.resultats import refresh_results  # noqa: E402
from indicateurs.setup import init_database  # noqa: E402
from indicateurs.valeurs import write_values  # noqa: E402


def timed(label: str, action, repeat: int = 1) -> None:
    durations, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), _cpu()
        report = action()
        durations.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    print(f"{label:<58} {statistics.median(durations):6.2f} s ({statistics.median(cpu):6.2f} s CPU)   "
          f"({report.series_recalculees} séries refaites sur {report.series_total}, {report.indicateurs_did} "
          "indicateurs en DiD)")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (a process pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _first_start_pieces(folder: Path) -> None:
    """The same first start cut into its steps: schema and referential, demo values generated, written
    (one import), results computed."""
    from indicateurs import demo
    from indicateurs.referentiel import load_referentiel
    from indicateurs.valeurs import TYPE_DEMO

    steps = {}
    start, start_cpu = time.perf_counter(), _cpu()
    db = init_database(folder / "etapes.duckdb", utilisateur="benchmark").db
    steps["schéma et référentiel"] = (time.perf_counter() - start, _cpu() - start_cpu)
    start, start_cpu = time.perf_counter(), _cpu()
    values = demo.generate_demo(load_referentiel(), date(2026, 10, 1))
    steps["valeurs de démonstration générées"] = (time.perf_counter() - start, _cpu() - start_cpu)
    start, start_cpu = time.perf_counter(), _cpu()
    write_values(db, values, utilisateur="benchmark", type=TYPE_DEMO, fichier="démonstration")
    steps["valeurs écrites (un import)"] = (time.perf_counter() - start, _cpu() - start_cpu)
    start, start_cpu = time.perf_counter(), _cpu()
    refresh_results(db)
    steps["résultats calculés"] = (time.perf_counter() - start, _cpu() - start_cpu)
    for label, (wall, cpu) in steps.items():
        print(f"  dont {label:<52} {wall:6.2f} s ({cpu:6.2f} s CPU)")


def big_import_refresh(rows: int) -> None:
    """The refresh that follows bench_import's file of ``rows`` rows, committed into a fresh base."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_import import LAST_MONTH, bench_referentiel, csv_file

    from indicateurs.db import open_database
    from indicateurs.imports.pipeline import check_file, commit
    from indicateurs.referentiel_store import save_referentiel

    print(f"Machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} au départ.")
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "gros.duckdb")
        ref = bench_referentiel()
        save_referentiel(db, ref, utilisateur="benchmark")
        content = csv_file(ref, rows)
        verification = check_file(db, "gros.csv", content, last_month=LAST_MONTH, max_bytes=len(content) + 1)
        if not verification.ok:
            raise SystemExit(verification.erreurs[0].message)
        commit(db, verification, utilisateur="benchmark")
        timed(f"mise à jour après l'import de {rows} lignes", lambda: refresh_results(db))


def main() -> None:
    print(f"Machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} au départ.")
    with tempfile.TemporaryDirectory() as folder:
        start, start_cpu = time.perf_counter(), _cpu()
        db = init_database(Path(folder) / "bench.duckdb", utilisateur="benchmark", with_demo=True,
                           end_month=date(2026, 10, 1)).db
        print(f"{'première mise en route : base de démonstration prête':<58} {time.perf_counter() - start:6.2f} s "
              f"({_cpu() - start_cpu:6.2f} s CPU)   (objectif 10 s)")
        _first_start_pieces(Path(folder))
        timed("recalcul complet (processus déjà chaud)", lambda: refresh_results(db, force=True))
        timed("recalcul complet, deuxième fois", lambda: refresh_results(db, force=True))
        timed("mise à jour sans changement", lambda: refresh_results(db), repeat=3)
        batch = pd.DataFrame({"parcours": "DPE-ENCOMBRANTS", "indicateur": "DELAI_TRAITEMENT",
                              "mois": [date(2026, 10, 1)], "valeur": [3.5], "commentaire": None})
        write_values(db, batch, utilisateur="benchmark", fichier="correction.csv")
        timed("mise à jour après un import d'une valeur", lambda: refresh_results(db))
        _month_import(db, lambda p: p.direction == "DPE")
        timed("mise à jour après novembre d'une direction (DPE)", lambda: refresh_results(db))
        _month_import(db, lambda p: p.direction != "DPE")
        timed("mise à jour après novembre des autres directions", lambda: refresh_results(db))


def _month_import(db, chosen) -> None:
    """Import November 2026 for the ``chosen`` parcours: their October values again, a little higher, as a
    référent's monthly file would bring them."""
    from indicateurs.referentiel_store import read_referentiel

    codes = [p.code for p in read_referentiel(db).parcours if chosen(p)]
    month = db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs WHERE mois = ? AND parcours IN "
                        "(SELECT unnest(?))", [date(2026, 10, 1), codes])
    following = date(2026, 11, 1)
    month["mois"] = following
    month["valeur"] = month["valeur"] * 1.01
    month["commentaire"] = None
    write_values(db, month, utilisateur="benchmark", fichier=f"mois-{following:%Y-%m}.csv")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--gros":
        big_import_refresh(int(sys.argv[2]))
    else:
        main()

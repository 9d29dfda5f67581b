"""The bench of issue 12: pages against their floor, recompute and imports, from 1x to 100x the demo data.

    .venv/bin/python benchmarks/banc.py                      # 1x, 10x, 100x (long: tens of minutes)
    .venv/bin/python benchmarks/banc.py --echelles 1,10      # chosen scales
    .venv/bin/python benchmarks/banc.py --rapide             # 1x only, lighter imports: about a minute
    .venv/bin/python benchmarks/banc.py --json mesures.json  # also keep the figures (compare commits)

The 1x base is the demo (30 parcours × 21 indicateurs up to October 2026), built with the real
generator and the real results refresh (its time is « première ouverture »). A Kx base repeats each
parcours K times under new codes with its values, results and scores (benchmarks/bench_lectures.py):
the pages then read K times the rows a real base of that size holds, without recomputing for minutes.

Each page runs under Streamlit's AppTest in a child process per scale. First every page is visited once,
one after the other, caches kept (a server after its first visitors): its resident memory after each
page and its peak are the server's memory at that scale. Then each page alone (caches emptied): cold (caches empty), first visit (a new session, caches warm), warm (median of
reruns), the bytes of tables and charts sent per rerun, and its floor: the same charts, tables and
texts replayed from memory (benchmarks/plancher_page.py), cold and warm, in the same run.
Then: a full recompute (bench_resultats' refresh, ``--recalcul`` scales), a one-month import (check,
commit, refresh), and a 1M-row import (43 Mo, « ; », decimal comma; bench_import's file) against
DuckDB's bare ``read_csv`` of the same file, each in its own process for its peak memory.

CPU seconds (``time.process_time``: every thread of the process) are the figures to compare: the
machine is often shared. Wall seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCHMARKS)]

END_MONTH = date(2026, 10, 1)
NEXT_MONTH = date(2026, 11, 1)
IMPORT_ROWS = 1_000_000
COLD_RUNS = 3  # a cold run is one sample of a noisy machine: page and floor alike take the median of three


def _cpu() -> float:
    """CPU seconds of this process (every thread) and of its finished children (the recompute's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measured(work) -> tuple[object, float, float]:
    """``work()``'s result, CPU seconds (workers included) and wall seconds."""
    cpu, wall = _cpu(), time.perf_counter()
    result = work()
    return result, _cpu() - cpu, time.perf_counter() - wall


def resident_mib() -> float:
    """Resident memory of this process now, in MiB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (VmHWM: ru_maxrss would count the parent's
    peak, inherited across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- pages (child process, one scale)

def _elements(at) -> list[tuple]:
    """What a page showed, in order: charts (Plotly JSON), tables, metrics and texts, to replay as its floor."""
    found: list[tuple] = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", None)
            if kind == "plotly_chart":
                found.append(("plotly", child.proto.spec))
            elif kind == "dataframe":
                found.append(("dataframe", child.value))
            elif kind == "metric":
                found.append(("metric", child.label, child.value))
            elif kind == "caption":
                found.append(("caption", child.value))
            elif kind in ("markdown", "title", "header", "subheader", "info", "warning", "error", "success"):
                found.append(("markdown", str(getattr(child, "value", ""))))
            elif hasattr(child, "children"):
                walk(child)

    walk(at.main)
    walk(at.sidebar)
    return found


def _bytes_sent(at) -> int:
    """Bytes of the tables (Arrow) and charts (Plotly JSON) of the last run: what dominates a rerun."""
    from bench_lectures import sent_bytes

    return sent_bytes(at)


_SHARED_SCRIPT_CACHE = None


def _share_compiled_scripts() -> None:
    """Give every AppTest run the same ScriptCache: a real server compiles a page once per process, but
    AppTest builds a new cache (and recompiles the page, 10-20 ms) on every run, which the floor's tiny
    script hardly pays."""
    global _SHARED_SCRIPT_CACHE
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    if _SHARED_SCRIPT_CACHE is None:
        _SHARED_SCRIPT_CACHE = ScriptCache()
        app_test.ScriptCache = lambda: _SHARED_SCRIPT_CACHE


def _app_test(script: Path, page: str | None, params: dict):
    from streamlit.testing.v1 import AppTest

    _share_compiled_scripts()

    at = AppTest.from_file(str(script), default_timeout=1800)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at


def _median_runs(at, runs: int) -> tuple[float, float]:
    timings = [measured(at.run)[1:] for _ in range(runs)]
    return statistics.median(c for c, _ in timings), statistics.median(w for _, w in timings)


def server_tour(pages: list) -> dict:
    """Every page visited once, one after the other, caches kept: the server after its first visitors.

    Resident memory after each page, at the end, and the peak of the process so far (imports included).
    """
    after = {}
    for label, page, params in pages:
        at = _app_test(ROOT / "app.py", page, params)
        at.run()
        after[label] = resident_mib()
    return {"apres_chaque_page_mio": after, "fin_mio": resident_mib(), "pic_mio": peak_mib()}


def bench_pages(base: Path, runs: int, folder: Path) -> dict:
    """Every page of bench_pages.PAGES on one base: memory of a server that visited them all (see
    ``server_tour``), then for each page alone: cold, first visit, warm, bytes, floor."""
    import streamlit as st

    from bench_pages import PAGES

    os.environ["OBSERVATOIRE_DB"] = str(base)
    logging.disable(logging.WARNING)
    warm_up = _app_test(ROOT / "app.py", PAGES[0][1], PAGES[0][2])
    warm_up.run()  # imports (Streamlit, Plotly, the statistics stack) are paid here, not by the first page
    st.cache_data.clear()
    st.cache_resource.clear()
    out = {"_memoire_serveur": server_tour(PAGES)}
    for label, page, params in PAGES:
        colds = []
        for _ in range(COLD_RUNS):
            st.cache_data.clear()
            st.cache_resource.clear()
            at = _app_test(ROOT / "app.py", page, params)
            colds.append(measured(at.run)[1:])
        cold_cpu, cold_wall = (statistics.median(c) for c in zip(*colds))
        if at.exception:
            out[label] = {"erreur": str(at.exception[0].value)[:300]}
            continue
        visit = _app_test(ROOT / "app.py", page, params)
        _, first_cpu, first_wall = measured(visit.run)
        warm_cpu, warm_wall = _median_runs(visit, runs)
        sent = _bytes_sent(visit)
        replay = folder / "plancher.pickle"
        replay.write_bytes(pickle.dumps(_elements(visit)))
        os.environ["BANC_PLANCHER"] = str(replay)
        floor_colds = []
        for _ in range(COLD_RUNS):
            floor = _app_test(BENCHMARKS / "plancher_page.py", None, {})
            floor_colds.append(measured(floor.run)[1:])
        floor_cold_cpu, floor_cold_wall = (statistics.median(c) for c in zip(*floor_colds))
        floor_warm_cpu, floor_warm_wall = _median_runs(floor, runs)
        out[label] = {
            "froid_cpu": cold_cpu, "froid_mur": cold_wall, "premiere_visite_cpu": first_cpu,
            "premiere_visite_mur": first_wall, "chaud_cpu": warm_cpu, "chaud_mur": warm_wall,
            "plancher_froid_cpu": floor_cold_cpu, "plancher_froid_mur": floor_cold_wall,
            "plancher_chaud_cpu": floor_warm_cpu, "plancher_chaud_mur": floor_warm_wall,
            "octets": sent,
        }
    out["_memoire_pic_mio"] = peak_mib()
    return out


# ---------------------------------------------------------------- imports (child processes)

def bench_big_import(csv_path: Path, folder: Path) -> dict:
    """Check, commit, then refresh the results of the 1M-row file in a fresh base holding bench_import's referential."""
    from bench_import import LAST_MONTH, bench_referentiel

    from indicateurs.db import open_database
    from indicateurs.imports.pipeline import check_file, commit
    from indicateurs.referentiel_store import save_referentiel
    from indicateurs.resultats import refresh_results

    db = open_database(folder / "import.duckdb")
    save_referentiel(db, bench_referentiel(), utilisateur="banc")
    content = csv_path.read_bytes()
    start = peak_mib()
    verification, check_cpu, check_wall = measured(
        lambda: check_file(db, csv_path.name, content, last_month=LAST_MONTH, max_bytes=len(content) + 1))
    if not verification.ok:
        return {"erreur": verification.erreurs[0].message}
    result, commit_cpu, commit_wall = measured(lambda: commit(db, verification, utilisateur="banc"))
    written_peak = peak_mib()
    # What an import does next (CLI and page alike): the results of every series it touched.
    report, refresh_cpu, refresh_wall = measured(lambda: refresh_results(db))
    return {"verification_cpu": check_cpu, "verification_mur": check_wall, "ecriture_cpu": commit_cpu,
            "ecriture_mur": commit_wall, "lignes": result.nouvelles, "memoire_depart_mio": start,
            "memoire_pic_mio": written_peak, "mise_a_jour_cpu": refresh_cpu, "mise_a_jour_mur": refresh_wall,
            "series_refaites": report.series_recalculees, "memoire_pic_mise_a_jour_mio": peak_mib()}


def bench_read_csv_floor(csv_path: Path) -> dict:
    """DuckDB's bare read_csv of the same file: into a DuckDB table, into a pandas frame, and into a table on disk
    under the values' primary key (the durable write an import cannot avoid)."""
    import duckdb

    start = peak_mib()
    con = duckdb.connect()
    sql = f"SELECT * FROM read_csv('{csv_path}', sep=';', decimal_separator=',', header=true)"
    _, table_cpu, table_wall = measured(lambda: con.execute(f"CREATE TABLE t AS {sql}"))
    frame, df_cpu, df_wall = measured(lambda: con.execute(sql).df())
    con.close()
    # The same rows made durable the way the import must: a table on disk under the values' primary key,
    # committed. What DuckDB alone costs for the write the import does (without its checks and journal).
    disk = duckdb.connect(str(csv_path.with_suffix(".plancher.duckdb")))

    def durable() -> None:
        disk.execute("CREATE TABLE valeurs (parcours VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, "
                     "mois DATE NOT NULL, valeur DOUBLE NOT NULL, commentaire VARCHAR, "
                     "PRIMARY KEY (parcours, indicateur, mois))")
        disk.execute(f"INSERT INTO valeurs SELECT parcours, indicateur, CAST(mois || '-01' AS DATE), valeur, "
                     f"commentaire FROM ({sql})")
        disk.close()

    _, disk_cpu, disk_wall = measured(durable)
    return {"table_cpu": table_cpu, "table_mur": table_wall, "pandas_cpu": df_cpu, "pandas_mur": df_wall,
            "disque_cle_cpu": disk_cpu, "disque_cle_mur": disk_wall,
            "lignes": len(frame), "memoire_depart_mio": start, "memoire_pic_mio": peak_mib()}


def _child(mode: str, argument: Path, folder: Path, runs: int) -> dict:
    """Run one measurement in a fresh Python process (its own caches and peak memory); return its figures."""
    output = folder / f"{mode}-{argument.stem}.json"
    command = [sys.executable, str(Path(__file__).resolve()), f"--_{mode}", str(argument), "--_sortie", str(output),
               "--runs", str(runs)]
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(output.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- parent: bases, recompute, one-month import

def build_bases(scales: list[int], folder: Path) -> tuple[dict[int, Path], dict]:
    """The 1x demo base (generator + refresh, timed) and its Kx copies."""
    from indicateurs.setup import init_database

    demo = folder / "x1.duckdb"
    _, cpu, wall = measured(lambda: init_database(demo, utilisateur="banc", with_demo=True, end_month=END_MONTH))
    bases = {1: demo}
    built = {"premiere_ouverture_cpu": cpu, "premiere_ouverture_mur": wall}
    for factor in scales:
        if factor != 1:
            from bench_lectures import scaled_copy

            _, cpu, wall = measured(lambda: scaled_copy(demo, folder / f"x{factor}.duckdb", factor))
            bases[factor] = folder / f"x{factor}.duckdb"
            built[f"copie_x{factor}_mur"] = wall
    return bases, built


def _release_all() -> None:
    """Close this process's idle connections before copying a base (older commits have none to close)."""
    from indicateurs import db

    getattr(db, "release_all", lambda: None)()


def bench_recompute(base: Path, folder: Path) -> dict:
    """A full recompute of every stored result on a copy of the base."""
    from indicateurs.db import Database
    from indicateurs.resultats import refresh_results

    _release_all()  # the copy must not race a checkpoint of the source
    copy = folder / f"recalcul-{base.name}"
    shutil.copy(base, copy)
    report, cpu, wall = measured(lambda: refresh_results(Database(copy), force=True))
    return {"cpu": cpu, "mur": wall, "series": report.series_total}


def bench_month_import(base: Path, folder: Path) -> dict:
    """One more month (November 2026) for every parcours, as a file: check, commit, refresh."""
    import pandas as pd

    from indicateurs.db import Database
    from indicateurs.demo import generate_demo
    from indicateurs.imports.pipeline import check_file, commit
    from indicateurs.referentiel_store import read_referentiel
    from indicateurs.resultats import refresh_results

    _release_all()
    copy = folder / f"mois-{base.name}"
    shutil.copy(base, copy)
    db = Database(copy)
    values = generate_demo(read_referentiel(db), NEXT_MONTH)
    month = values[pd.to_datetime(values["mois"]) == pd.Timestamp(NEXT_MONTH)].copy()
    month["mois"] = "2026-11"
    month["valeur"] = month["valeur"].map(lambda v: f"{v:.2f}".replace(".", ","))
    content = month.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")
    verification, check_cpu, check_wall = measured(
        lambda: check_file(db, "novembre.csv", content, last_month=NEXT_MONTH))
    if not verification.ok:
        return {"erreur": verification.erreurs[0].message}
    _, commit_cpu, commit_wall = measured(lambda: commit(db, verification, utilisateur="banc"))
    report, refresh_cpu, refresh_wall = measured(lambda: refresh_results(db))
    return {"lignes": len(month), "verification_cpu": check_cpu, "verification_mur": check_wall,
            "ecriture_cpu": commit_cpu, "ecriture_mur": commit_wall, "mise_a_jour_cpu": refresh_cpu,
            "mise_a_jour_mur": refresh_wall, "series_refaites": report.series_recalculees}


# ---------------------------------------------------------------- the table

def _row(label: str, cpu: float | None, wall: float | None, floor: float | None = None, extra: str = "") -> str:
    ratio = f"{cpu / floor:6.1f}x" if cpu is not None and floor else "       "
    cpu_text = f"{cpu:8.3f}" if cpu is not None else "        "
    wall_text = f"{wall:8.3f}" if wall is not None else "        "
    floor_text = f"{floor:8.3f}" if floor is not None else "        "
    return f"{label:<52} {cpu_text} {wall_text} {floor_text} {ratio}  {extra}"


def print_table(results: dict) -> None:
    print()
    print(f"{'mesure':<52} {'CPU s':>8} {'mur s':>8} {'plancher':>8} {'rapport':>7}  remarque")
    print("-" * 100)
    built = results["bases"]
    print(_row("première ouverture : base de démonstration prête", built["premiere_ouverture_cpu"],
               built["premiere_ouverture_mur"]))
    for scale, pages in results["pages"].items():
        print(f"-- pages à {scale} (pic mémoire du processus : {pages['_memoire_pic_mio']:.0f} Mio)")
        if "_memoire_serveur" in pages:
            server = pages["_memoire_serveur"]
            print(f"   toutes les pages visitées, caches gardés : {server['fin_mio']:.0f} Mio résidents à la fin, "
                  f"pic {server['pic_mio']:.0f} Mio")
        for label, m in pages.items():
            if label.startswith("_"):
                continue
            if "erreur" in m:
                print(f"{label:<52} erreur : {m['erreur']}")
                continue
            mib = f"{m['octets'] / 2**20:.2f} Mio par exécution"
            print(_row(f"{label} : froid", m["froid_cpu"], m["froid_mur"], m["plancher_froid_cpu"]))
            print(_row(f"{label} : première visite", m["premiere_visite_cpu"], m["premiere_visite_mur"],
                       m["plancher_froid_cpu"]))
            print(_row(f"{label} : chaud", m["chaud_cpu"], m["chaud_mur"], m["plancher_chaud_cpu"], mib))
    for scale, m in results.get("recalcul", {}).items():
        print(_row(f"recalcul complet à {scale} ({m['series']} séries)", m["cpu"], m["mur"]))
    if "import_mois" in results:
        m = results["import_mois"]
        if "erreur" in m:
            print(f"import d'un mois : erreur : {m['erreur']}")
        else:
            print(_row(f"import d'un mois ({m['lignes']} valeurs) : vérification", m["verification_cpu"],
                       m["verification_mur"]))
            print(_row("import d'un mois : écriture", m["ecriture_cpu"], m["ecriture_mur"]))
            print(_row("import d'un mois : mise à jour des résultats", m["mise_a_jour_cpu"], m["mise_a_jour_mur"],
                       extra=f"{m['series_refaites']} séries refaites"))
    if "import_gros" in results:
        m, floor = results["import_gros"], results["read_csv"]
        if "erreur" in m:
            print(f"gros import : erreur : {m['erreur']}")
        else:
            total_cpu = m["verification_cpu"] + m["ecriture_cpu"]
            total_wall = m["verification_mur"] + m["ecriture_mur"]
            n = f"{m['lignes']:,}".replace(",", " ")
            print(_row(f"import de {n} lignes : vérification + écriture", total_cpu, total_wall,
                       floor["pandas_cpu"], "plancher : read_csv de DuckDB vers pandas"))
            print(_row("  même import contre read_csv vers une table DuckDB", total_cpu, total_wall,
                       floor["table_cpu"]))
            if "disque_cle_cpu" in floor:
                print(_row("  contre read_csv vers table disque + clé primaire", total_cpu,
                           total_wall, floor["disque_cle_cpu"]))
            print(_row("  dont vérification", m["verification_cpu"], m["verification_mur"]))
            print(_row("  dont écriture", m["ecriture_cpu"], m["ecriture_mur"]))
            if "mise_a_jour_cpu" in m:
                print(_row("  puis mise à jour des résultats", m["mise_a_jour_cpu"], m["mise_a_jour_mur"],
                           extra=f"{m['series_refaites']} séries refaites, pic {m['memoire_pic_mise_a_jour_mio']:.0f} Mio"))
            print(f"{'  pic mémoire (Mio)':<52} {m['memoire_pic_mio']:8.0f} {'':8} {floor['memoire_pic_mio']:8.0f} "
                  f"{m['memoire_pic_mio'] / floor['memoire_pic_mio']:6.1f}x  plancher : processus du read_csv")


def machine() -> dict:
    """What the figures were measured on: cores, memory, load."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"coeurs": os.cpu_count(), "memoire_gio": round(memory, 1), "charge_1_5_15": os.getloadavg(),
            "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc de mesure : pages, recalcul et imports, de 1 à 100 fois "
                                                 "les données de démonstration.")
    parser.add_argument("--echelles", default="1,10,100", help="facteurs séparés par des virgules (1,10,100)")
    parser.add_argument("--recalcul", default="1,10", help="échelles du recalcul complet (1,10 ; « 0 » : aucun)")
    parser.add_argument("--runs", type=int, default=3, help="exécutions chaudes par page (3)")
    parser.add_argument("--lignes", type=int, default=IMPORT_ROWS, help="lignes du gros import (1 000 000)")
    parser.add_argument("--rapide", action="store_true",
                        help="1x seulement, 2 exécutions chaudes, gros import de 100 000 lignes, sans recalcul complet")
    parser.add_argument("--json", metavar="FICHIER", help="écrire aussi toutes les mesures en JSON")
    for internal in ("_pages", "_import", "_read_csv", "_sortie"):
        parser.add_argument(f"--{internal}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._sortie:  # a child process: one measurement, written as JSON
        with tempfile.TemporaryDirectory() as tmp:
            if args._pages:
                figures = bench_pages(Path(args._pages), args.runs, Path(tmp))
            elif args._import:
                figures = bench_big_import(Path(args._import), Path(tmp))
            else:
                figures = bench_read_csv_floor(Path(args._read_csv))
        Path(args._sortie).write_text(json.dumps(figures), encoding="utf-8")
        return 0

    if args.rapide:
        args.echelles, args.recalcul, args.runs, args.lignes = "1", "0", 2, 100_000
    scales = sorted({int(s) for s in args.echelles.split(",")} | {1})
    recompute = [int(s) for s in args.recalcul.split(",") if int(s) in scales]
    results: dict = {"machine": machine(), "commit": _commit()}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="banc-") as tmp:
        folder = Path(tmp)
        print(f"Bases : {', '.join(f'{s}x' for s in scales)} …", flush=True)
        bases, results["bases"] = build_bases(scales, folder)
        results["pages"] = {}
        for scale in scales:
            print(f"Pages à {scale}x …", flush=True)
            results["pages"][f"{scale}x"] = _child("pages", bases[scale], folder, args.runs)
            _save(results, args.json)
        results["recalcul"] = {}
        for scale in recompute:
            print(f"Recalcul complet à {scale}x …", flush=True)
            results["recalcul"][f"{scale}x"] = bench_recompute(bases[scale], folder)
            _save(results, args.json)
        print("Import d'un mois …", flush=True)
        results["import_mois"] = bench_month_import(bases[1], folder)
        print(f"Import de {args.lignes} lignes …", flush=True)
        from bench_import import bench_referentiel, csv_file

        big = folder / f"import_{args.lignes}.csv"
        big.write_bytes(csv_file(bench_referentiel(), args.lignes))
        results["read_csv"] = _child("read_csv", big, folder, args.runs)
        results["import_gros"] = _child("import", big, folder, args.runs)
        results["import_gros"]["taille_mo"] = big.stat().st_size / 2**20
    results["duree_mur"] = time.perf_counter() - started
    m = results["machine"]
    print(f"\nMachine : {m['coeurs']} cœurs, {m['memoire_gio']} Gio, charge {m['charge_1_5_15'][0]:.1f} au départ ; "
          f"commit {results['commit']} ; durée du banc {results['duree_mur']:.0f} s.")
    print_table(results)
    results["machine"]["charge_fin"] = os.getloadavg()
    if args.json:
        _save(results, args.json)
        print(f"\nMesures écrites dans {args.json}")
    return 0


def _save(results: dict, path: str | None) -> None:
    """Write the figures so far (a long run cut short keeps what it measured)."""
    if path:
        Path(path).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())

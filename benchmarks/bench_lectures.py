"""Benchmark of the page reads of the reading pages (issue 12), in CPU seconds, at 1x, 10x and 100x the demo.

    python benchmarks/bench_lectures.py [--echelles 1 10 100] [--pages] [--racine CHEMIN] [--json FICHIER]

Builds the demo base (30 parcours) and copies of it with 10x and 100x the parcours (each parcours copied
with its values, results and score under a new code: the reads only reshape stored tables, so a copy
loads them like a real parcours would). For each scale it prints:

- the CPU time of each rewritten read against the old one kept in ``tests/outils/lectures_avant.py``
  (``parcours_status``, ``completeness_last_month``, the Miroir's verdicts, ``engagement_indicators``);
- with ``--pages``, each reading page under Streamlit's AppTest: cold run (caches empty) and median warm
  run in CPU seconds, and the bytes of the tables and charts the run sends (Arrow tables + Plotly JSON).
  ``--racine`` runs the pages of another checkout (e.g. an export of an older commit) on the same bases,
  to compare before and after.

CPU seconds (``time.process_time``) are printed because the machine is shared; wall seconds beside them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["pages/engagements.py", "pages/agents.py", "pages/miroir.py", "pages/methodologie.py",
         "pages/completude.py"]


def scaled_copy(source: Path, target: Path, factor: int) -> Path:
    """A copy of the demo base where every parcours also exists ``factor - 1`` more times (code « -Kn »)."""
    from indicateurs.db import Database

    shutil.copy(source, target)
    db = Database(target)
    with db.transaction() as con:
        for k in range(1, factor):
            suffix = f"-K{k}"
            con.execute("INSERT INTO parcours SELECT code || ?, libelle || ?, direction, public, date_deploiement, "
                        "description, exemple FROM parcours WHERE code NOT LIKE '%-K%'", [suffix, f" ({k})"])
            con.execute("INSERT INTO valeurs SELECT parcours || ?, indicateur, mois, valeur, commentaire, import_id "
                        "FROM valeurs WHERE parcours NOT LIKE '%-K%'", [suffix])
            con.execute("INSERT INTO resultats SELECT * REPLACE (parcours || ? AS parcours) FROM resultats "
                        "WHERE parcours NOT LIKE '%-K%'", [suffix])
            con.execute("INSERT INTO scores SELECT * REPLACE (code || ? AS code) FROM scores "
                        "WHERE niveau = 'parcours' AND code NOT LIKE '%-K%'", [suffix])
    return target


def cpu(work) -> tuple[object, float, float]:
    """The result of ``work()``, its CPU seconds and wall seconds."""
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    result = work()
    return result, time.process_time() - start_cpu, time.perf_counter() - start_wall


def bench_reads(path: Path) -> dict:
    """CPU seconds of each rewritten read and of the old one, on one base."""
    from indicateurs import tableaux
    from indicateurs.db import Database
    from indicateurs.referentiel_store import read_referentiel
    from tests.outils import lectures_avant as avant

    db = Database(path)
    ref = read_referentiel(db)
    verdicts = tableaux.verdict_rows(db, ref)
    pairs = dict(tableaux.mirror_pairs(ref))
    values = tableaux.mirror_values(db, ref)
    gaps = tableaux.mirror_gaps(values, ref)
    cases = {
        "parcours_status": (lambda: avant.parcours_status(db, ref, verdicts),
                            lambda: tableaux.parcours_status(db, ref, verdicts)),
        "completeness_last_month": (lambda: avant.completeness_last_month(db, ref),
                                    lambda: tableaux.completeness_last_month(db, ref)),
        "miroir : verdicts des deux volets": (lambda: avant.mirror_verdicts(gaps, verdicts, pairs),
                                              lambda: tableaux.mirror_gaps_with_verdicts(gaps, verdicts, ref)),
        "engagement_indicators (x4)": (
            lambda: [avant.engagement_indicators(verdicts, ref, n) for n in (1, 2, 3, 4)],
            lambda: [tableaux.engagement_indicators(verdicts, ref, n) for n in (1, 2, 3, 4)]),
    }
    out = {}
    for name, (old, new) in cases.items():
        _, old_cpu, old_wall = cpu(old)
        _, new_cpu, new_wall = cpu(new)
        out[name] = {"avant_cpu": old_cpu, "apres_cpu": new_cpu, "avant_mur": old_wall, "apres_mur": new_wall}
    return out


def sent_bytes(at) -> int:
    """Bytes of the tables (Arrow) and charts (Plotly JSON) of one AppTest run: what dominates a rerun."""
    size = sum(len(e.proto.arrow_data.data) if e.proto.HasField("arrow_data") else len(e.proto.data)
               for e in at.dataframe)
    return size + sum(len(c.proto.spec) for c in at.get("plotly_chart"))


def bench_pages(root: Path, path: Path, runs: int) -> dict:
    """Cold and median warm CPU seconds, and bytes sent, of each reading page on one base."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["OBSERVATOIRE_DB"] = str(path)
    out = {}
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(root / "app.py"), default_timeout=600)
        at.switch_page(page)
        _, cold_cpu, cold_wall = cpu(at.run)
        if at.exception:
            out[page] = {"erreur": str(at.exception[0].value)[:200]}
            continue
        warm = [cpu(at.run)[1:] for _ in range(runs)]
        out[page] = {"froid_cpu": cold_cpu, "froid_mur": cold_wall,
                     "chaud_cpu": statistics.median(c for c, _ in warm),
                     "chaud_mur": statistics.median(w for _, w in warm), "octets": sent_bytes(at)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Temps des lectures des pages de lecture, de 1 à 100 fois les données.")
    parser.add_argument("--echelles", type=int, nargs="+", default=[1, 10, 100], help="facteurs (1 10 100)")
    parser.add_argument("--pages", action="store_true", help="mesurer aussi les pages sous AppTest")
    parser.add_argument("--runs", type=int, default=3, help="exécutions chaudes par page (3)")
    parser.add_argument("--racine", help="dossier d'une autre version de l'application pour les pages")
    parser.add_argument("--base", help="base de démonstration déjà construite (sinon construite ici)")
    parser.add_argument("--json", help="fichier où écrire les mesures")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    root = Path(args.racine).resolve() if args.racine else ROOT
    if args.racine:
        sys.path.insert(0, str(root))  # the other checkout's modules for its pages
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(args.base) if args.base else Path(folder) / "demo.duckdb"
        if not args.base:
            from indicateurs.setup import init_database

            init_database(demo, utilisateur="benchmark", with_demo=True, end_month=date(2026, 10, 1))
        for factor in args.echelles:
            path = demo if factor == 1 else scaled_copy(demo, Path(folder) / f"x{factor}.duckdb", factor)
            entry = {} if args.racine else {"lectures": bench_reads(path)}
            print(f"\n== {factor}x ({30 * factor} parcours) ==")
            for name, m in entry.get("lectures", {}).items():
                print(f"{name:<36} avant {m['avant_cpu']:7.3f} s CPU   après {m['apres_cpu']:7.3f} s CPU   "
                      f"(mur {m['avant_mur']:.3f} → {m['apres_mur']:.3f} s)")
            if args.pages:
                entry["pages"] = bench_pages(root, path, args.runs)
                for page, m in entry["pages"].items():
                    if "erreur" in m:
                        print(f"{page:<28} erreur : {m['erreur']}")
                        continue
                    print(f"{page:<28} froid {m['froid_cpu']:6.2f} s CPU ({m['froid_mur']:.2f} s mur)   chaud "
                          f"{m['chaud_cpu']:6.3f} s CPU ({m['chaud_mur']:.3f} s mur)   {m['octets'] / 2**20:6.2f} Mio")
            results[f"{factor}x"] = entry
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

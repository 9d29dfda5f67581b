"""Benchmark of the import pipeline: long-format CSV files of 10 k, 100 k and 1 M rows.

    python benchmarks/bench_import.py            # 10 k, 100 k, 1 M
    python benchmarks/bench_import.py 10000      # chosen sizes

The real referential has 30 parcours × 21 indicators: a million distinct parcours × indicateur × mois
keys would need about 130 years of months. The benchmark therefore saves a temporary referential in a
temporary database: the real directions and indicators, but 1 000 synthetic parcours (« BENCH-P0001 » …),
and uses the 15 monthly indicators over the 67 months from April 2021 to October 2026
(1 000 × 15 × 67 = 1 005 000 keys). Files are written as Excel in French does: UTF-8 with BOM, « ; »,
decimal comma, CRLF. Each size is checked (check_file) then committed (commit) into a fresh database,
and the two are timed separately; then the same file is checked again against the filled database (every
value found unchanged). The 1 M file is larger than the 20 MB default limit, so the limit is raised for
the benchmark.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicateurs.db import open_database  # noqa: E402
from indicateurs.imports.pipeline import check_file, commit  # noqa: E402
from indicateurs.mois import month_code, month_range  # noqa: E402
from indicateurs.referentiel import DEFAULT_DIR, parse_referentiel  # noqa: E402
from indicateurs.referentiel_store import save_referentiel  # noqa: E402

N_PARCOURS = 1000
FIRST_MONTH, LAST_MONTH = date(2021, 4, 1), date(2026, 10, 1)
SIZES = (10_000, 100_000, 1_000_000)


def bench_referentiel():
    """The real referential with 1 000 synthetic parcours spread over the real directions."""
    texts = {name: (DEFAULT_DIR / f"{name}.csv").read_text(encoding="utf-8-sig")
             for name in ("directions", "indicateurs", "cibles")}
    directions = pd.read_csv(DEFAULT_DIR / "directions.csv", dtype=str)["code"].tolist()
    rows = ["code,libelle,direction,public,date_deploiement,description,exemple"]
    rows += [f"BENCH-P{i:04d},Parcours de test {i},{directions[i % len(directions)]},usagers,2024-01,,oui"
             for i in range(1, N_PARCOURS + 1)]
    texts["parcours"] = "\n".join(rows) + "\n"
    texts["cibles"] = texts["cibles"].splitlines()[0] + "\n" + "\n".join(
        line for line in texts["cibles"].splitlines()[1:] if line.split(",")[1] == "")
    return parse_referentiel(texts)


def csv_file(ref, n: int) -> bytes:
    """A long-format CSV of n distinct keys, values inside each indicator's bounds."""
    monthly = [i for i in ref.indicateurs if i.periodicite == "mensuelle"]
    months = np.array([month_code(m) for m in month_range(FIRST_MONTH, LAST_MONTH)], dtype=object)
    parcours = np.array([p.code for p in ref.parcours], dtype=object)
    codes = np.array([i.code for i in monthly], dtype=object)
    high = np.array([min(i.max, 100.0) for i in monthly])
    k = np.arange(n)
    ind = k % len(monthly)
    par = (k // len(monthly)) % len(parcours)
    mon = k // (len(monthly) * len(parcours))
    rng = np.random.default_rng(42)
    values = np.round(rng.random(n) * high[ind], 2)
    frame = pd.DataFrame({"parcours": parcours[par], "indicateur": codes[ind], "mois": months[mon],
                          "valeur": pd.Series(values).map(lambda x: f"{x:.2f}".replace(".", ",")),
                          "commentaire": ""})
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def main(sizes=SIZES) -> None:
    ref = bench_referentiel()
    print(f"Référentiel de test : {len(ref.parcours)} parcours, {len(ref.indicateurs)} indicateurs.")
    for n in sizes:
        content = csv_file(ref, n)
        with tempfile.TemporaryDirectory() as tmp:
            db = open_database(Path(tmp) / "bench.duckdb")
            save_referentiel(db, ref, utilisateur="bench")
            start = time.perf_counter()
            verification = check_file(db, f"bench_{n}.csv", content, last_month=LAST_MONTH,
                                      max_bytes=len(content) + 1)
            checked = time.perf_counter()
            if not verification.ok:
                print("\n".join(p.message for p in verification.erreurs[:5]))
                raise SystemExit(f"le fichier de {n} lignes est refusé")
            result = commit(db, verification, utilisateur="bench")
            committed = time.perf_counter()
            stored = db.query_one("SELECT count(*) FROM valeurs")[0]
            again = check_file(db, f"bench_{n}.csv", content, last_month=LAST_MONTH, max_bytes=len(content) + 1)
            rechecked = time.perf_counter()
            assert again.deja_importe == result.import_id and again.comparaison.inchangees == n
        print(f"{n:>9} lignes ({len(content) / 2**20:5.1f} Mo) : vérification {checked - start:6.2f} s, "
              f"écriture {committed - checked:6.2f} s, total {committed - start:6.2f} s "
              f"({stored} valeurs enregistrées) ; revérification sur la base remplie "
              f"{rechecked - committed:6.2f} s")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)

"""Writes the stored results of the demo base, as computed by the engine at a given git commit, to
``reference_<table>.parquet`` (one file per results table).

Why: the speed work on the refresh must not change a single stored number. The reference is produced by
the code *before* that work, run from a temporary git worktree, so the comparison in
``tests/impact/test_resultats_identiques.py`` is against the old code, not against itself.

    .venv/bin/python tests/impact/donnees/generer_reference.py 2fd7248 inflation-2fd7248.patch bornes-2fd7248.patch

A deliberate change of the engine's rules (not of its speed) is applied to the old code as a patch of a
few lines, written for the old code, so the reference keeps coming from the straightforward old engine:
``inflation-2fd7248.patch`` widens the standard errors when ρ is estimated, ``bornes-2fd7248.patch`` never
writes a bound that is not 0 as « 0,0 » in the sentences (both issue 9).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
TABLES = ("resultats", "series_modele", "resultats_did", "agregats", "scores")

DUMP = """
import sys
from datetime import date
from pathlib import Path
sys.path.insert(0, {worktree!r})
from indicateurs.setup import init_database
db = init_database(Path({folder!r}) / "demo.duckdb", utilisateur="reference", with_demo=True,
                   end_month=date(2026, 10, 1)).db
for table in {tables!r}:
    db.query_df(f"SELECT * FROM {{table}}").to_parquet(Path({out!r}) / f"reference_{{table}}.parquet", index=False)
"""


def main(commit: str, patches: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        worktree = str(Path(folder) / "arbre")
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", worktree, commit], check=True)
        try:
            for patch in patches:
                subprocess.run(["git", "-C", worktree, "apply", str(HERE / patch)], check=True)
            code = DUMP.format(worktree=worktree, folder=folder, tables=TABLES, out=str(HERE))
            subprocess.run([sys.executable, "-c", code], check=True, cwd=worktree)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", worktree], check=True)
    print(f"Résultats de référence du commit {commit} {' + '.join(patches)} écrits dans {HERE}.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "HEAD", sys.argv[2:])

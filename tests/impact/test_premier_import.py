"""The first real import on a base created without demo data never stops on the results refresh.

Issue 13, item 1: a count without its volume, a two-month series, a quarterly survey... each family of
indicator, imported first on an empty base, must commit and leave results up to date (no stale verdicts).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.resultats import results_are_stale
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from indicateurs.setup import init_database

ROOT = Path(__file__).resolve().parents[2]
LAST = date(2026, 10, 1)
PARCOURS = "DDCT-TITRE-IDENTITE"  # deployed 2025-01
OTHER = "DPE-ENCOMBRANTS"  # deployed 2025-02


def _months(first: str, last: str, step: int = 1) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += step
        while m > 12:
            y, m = y + 1, m - 12
    return out


def _lines(parcours, indicateur, months, values) -> list[str]:
    return [f"{parcours};{indicateur};{mois};{str(v).replace('.', ',')}" for mois, v in zip(months, values)]


def _csv(lines: list[str]) -> bytes:
    return ("parcours;indicateur;mois;valeur\n" + "\n".join(lines) + "\n").encode("utf-8")


def _two_months() -> list[str]:
    months = ["2026-08", "2026-09"]
    return (_lines(PARCOURS, "ACCUSE_RECEPTION", months, [80, 82])
            + _lines(PARCOURS, "DELAI_TRAITEMENT", months, [12, 11])
            + _lines(PARCOURS, "INCIVILITES", months, [3, 4]))


def _long_series() -> list[str]:
    rng = np.random.default_rng(7)
    months = _months("2023-06", "2026-09")
    n = len(months)
    quarters = _months("2023-06", "2026-09", step=3)
    return (_lines(PARCOURS, "ACCUSE_RECEPTION", months, np.round(70 + rng.normal(0, 2, n), 1))
            + _lines(PARCOURS, "DELAI_TRAITEMENT", months, np.round(20 + rng.normal(0, 1, n), 1))
            # a count with its volume (rates per request) ...
            + _lines(PARCOURS, "INCIVILITES", months, rng.poisson(3, n))
            + _lines(PARCOURS, "VOLUME_DEMANDES", months, rng.poisson(900, n))
            # ... and a count without any volume, with no event at all after deployment
            + _lines(OTHER, "INCIVILITES", months, [2] * 20 + [0] * (n - 20))
            # a quarterly survey
            + _lines(PARCOURS, "SURCHARGE_AGENTS", quarters, np.round(40 + rng.normal(0, 3, len(quarters)), 1)))


def _short_and_odd() -> list[str]:
    # One value only, a count of zeros with a volume of zeros, a constant percentage.
    months = _months("2024-01", "2026-09")
    return (_lines(PARCOURS, "DANS_DELAI_ANNONCE", ["2026-09"], [50])
            + _lines(OTHER, "INCIVILITES", months, [0] * len(months))
            + _lines(OTHER, "VOLUME_DEMANDES", months, [0] * len(months))
            + _lines(PARCOURS, "TAUX_DECROCHE", months, [75] * len(months)))


@pytest.mark.parametrize("lines", [_two_months, _long_series, _short_and_odd])
def test_first_import_on_an_empty_base_refreshes_results(tmp_path, lines):
    db = init_database(tmp_path / "vide.duckdb", utilisateur="tests").db
    content = _csv(lines())
    verification = check_file(db, "premier.csv", content, last_month=LAST)
    assert verification.ok, verification
    result = import_file(db, verification, Utilisateur("sru", ADMINISTRATEUR))
    assert result.nouvelles == len(content.decode().splitlines()) - 1
    assert not results_are_stale(db)
    stored = db.query_df("SELECT parcours, indicateur, verdict, effet FROM resultats")
    imported = {tuple(line.split(";")[:2]) for line in content.decode().splitlines()[1:]}
    assert {(p, i) for p, i in zip(stored["parcours"], stored["indicateur"])} == imported
    assert stored["verdict"].notna().all()
    if lines is _long_series:
        # Enough months on both sides: the long gaussian series get a real verdict, not « insuffisantes ».
        delay = stored[stored["indicateur"] == "DELAI_TRAITEMENT"].iloc[0]
        assert delay["verdict"] != "données insuffisantes" and np.isfinite(delay["effet"])


def test_first_import_through_the_cli_exits_zero(tmp_path):
    path = tmp_path / "vide.duckdb"
    init_database(path, utilisateur="tests")
    source = tmp_path / "premier.csv"
    source.write_bytes(_csv(_two_months()))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OBSERVATOIRE_ROLE": ADMINISTRATEUR,
           "OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.tests", "OBSERVATOIRE_UTILISATEUR": "sru.tests"}
    result = subprocess.run([sys.executable, "-m", "indicateurs", "--db", str(path), "import",
                             "--dernier-mois", "2026-10", str(source)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    from indicateurs.db import Database
    db = Database(path)
    assert not results_are_stale(db)
    assert db.query_one("SELECT count(*) FROM resultats")[0] == 3

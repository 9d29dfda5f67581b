"""The command line as a user runs it: a real process, real files, exit codes and French output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


ADMIN = {"OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.tests", "OBSERVATOIRE_UTILISATEUR": "sru.tests"}


def run(*args: str, db: Path | None = None, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI as the SRU's administrator (named by the documented local setting) unless ``env_extra`` says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env["OBSERVATOIRE_HABILITATIONS"] = "/nonexistent/habilitations.csv"  # no developer file leaks in
    env.update(ADMIN if env_extra is None else env_extra)
    command = [sys.executable, "-m", "indicateurs"] + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    result = run("init", "--demo", "--fin", "2026-10", db=db)
    assert result.returncode == 0, result.stderr
    assert "Base prête" in result.stdout
    return db


def test_every_subcommand_has_french_help():
    for command in ([], ["init"], ["referentiel"], ["export"]):
        result = run(*command, "--help")
        assert result.returncode == 0
        assert result.stdout.startswith("utilisation : python -m indicateurs")
        assert "afficher cette aide et quitter" in result.stdout


def test_usage_errors_exit_2_in_french():
    missing = run("export")
    assert missing.returncode == 2
    assert "arguments obligatoires manquants : --format, --out" in missing.stderr
    unknown = run("inconnue")
    assert unknown.returncode == 2 and "choix invalide" in unknown.stderr
    bad_month = run("init", "--fin", "2026-13")
    assert bad_month.returncode == 2 and "n'est pas un mois AAAA-MM" in bad_month.stderr


def test_invalid_referential_exits_1(tmp_path):
    folder = tmp_path / "ref"
    shutil.copytree(ROOT / "data" / "referentiel", folder)
    (folder / "parcours.csv").write_text("code,libelle\nX,Y\n", encoding="utf-8")
    result = run("init", "--referentiel", str(folder), db=tmp_path / "x.duckdb")
    assert result.returncode == 1
    assert "parcours.csv, ligne 1 : colonne(s) manquante(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_referentiel_json_shape(demo_file):
    result = run("referentiel", "--format", "json", db=demo_file)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert len(data["directions"]) == 19 and len(data["parcours"]) == 30
    assert len(data["indicateurs"]) >= 16
    piscine = next(p for p in data["parcours"] if p["code"] == "DJS-PISCINE")
    assert piscine["direction"] == "DJS" and piscine["date_deploiement"] == "2025-03"
    assert next(p for p in data["parcours"] if p["code"] == "DSOL-DOMICILIATION")["date_deploiement"] is None
    delai = next(i for i in data["indicateurs"] if i["code"] == "DELAI_TRAITEMENT")
    assert (delai["unite"], delai["sens"], delai["engagement"], delai["min"], delai["max"]) == \
        ("jours", "baisse", 2, 0, 365)


def test_referentiel_csv(demo_file):
    result = run("referentiel", "--format", "csv", db=demo_file)
    assert result.returncode == 0
    assert "# parcours\ncode,libelle,direction,public,date_deploiement" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_long_format_with_provenance(demo_file, tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    result = run("export", "--format", fmt, "--out", str(out), db=demo_file)
    assert result.returncode == 0, result.stderr
    readers = {"csv": pd.read_csv, "parquet": pd.read_parquet, "xlsx": lambda p: pd.read_excel(p, engine="openpyxl")}
    frame = readers[fmt](out)
    assert list(frame.columns[:4]) == ["parcours", "indicateur", "mois", "valeur"]
    assert {"import_id", "fichier", "utilisateur", "importe_le"} <= set(frame.columns)
    assert frame["mois"].astype(str).str.fullmatch(r"\d{4}-\d{2}").all()
    assert frame["mois"].max() == "2026-10"
    assert len(frame) > 15000


def test_init_twice_keeps_demo_data_once(demo_file):
    result = run("init", "--demo", "--fin", "2026-10", db=demo_file)
    assert result.returncode == 0
    assert "Données de démonstration déjà présentes." in result.stdout

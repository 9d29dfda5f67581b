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


def run(*args: str, db: Path | None = None, env_extra: dict | None = None,
        db_after: bool = False) -> subprocess.CompletedProcess:
    """The CLI as the SRU's administrator (named by the documented local setting) unless ``env_extra`` says.
    ``--db`` goes before the subcommand, or after it with ``db_after``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env["OBSERVATOIRE_HABILITATIONS"] = "/nonexistent/habilitations.csv"  # no developer file leaks in
    env.update(ADMIN if env_extra is None else env_extra)
    option = ["--db", str(db)] if db else []
    command = [sys.executable, "-m", "indicateurs"] + ([] if db_after else option) + list(args) + \
        (option if db_after else [])
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    result = run("init", "--demo", "--fin", "2026-10", db=db, db_after=True)  # as a new user types it
    assert result.returncode == 0, result.stderr
    assert f"Base prête : {db}" in result.stdout
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
    readers = {"csv": lambda p: pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig"),  # French Excel
               "parquet": pd.read_parquet, "xlsx": lambda p: pd.read_excel(p, engine="openpyxl")}
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


def test_csv_export_defaults_to_french_excel_with_a_plain_option(demo_file, tmp_path):
    excel, plain = tmp_path / "excel.csv", tmp_path / "standard.csv"
    assert run("export", "--format", "csv", "--out", str(excel), db=demo_file).returncode == 0
    assert run("export", "--format", "csv", "--csv", "standard", "--out", str(plain), db=demo_file).returncode == 0
    raw = excel.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("parcours;indicateur;mois;valeur;")
    stored = pd.read_csv(plain)
    value = stored.iloc[0]["valeur"]
    assert first.split(";")[3] == f"{value}".replace(".", ",")
    assert plain.read_text(encoding="utf-8").splitlines()[0].startswith("parcours,indicateur,mois,valeur,")


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_blank_user_names_are_usage_errors(demo_file, blank):
    result = run("--utilisateur", blank, "imports", db=demo_file)
    assert result.returncode == 2
    assert "le nom d'utilisateur ne peut pas être vide" in result.stderr


def test_help_says_who_acts_and_where_roles_come_from(tmp_path):
    result = run("--help")
    assert "Identité (ligne de commande) : compte « sru.tests » (ou --utilisateur), rôle : administrateur." in \
        result.stdout
    assert "administrateur local (OBSERVATOIRE_ADMINISTRATEUR_LOCAL) : sru.tests" in result.stdout
    anonymous = run("--help", env_extra={"OBSERVATOIRE_UTILISATEUR": "jdupont"})
    assert "compte « jdupont » (ou --utilisateur), rôle : lecteur." in anonymous.stdout


def test_without_identity_no_command_writes(demo_file, tmp_path):
    """A deployed configuration with no identity: the CLI is a reader for whoever runs it."""
    db = tmp_path / "copie.duckdb"
    shutil.copy(demo_file, db)
    data = tmp_path / "dpe.csv"
    data.write_text("parcours;indicateur;mois;valeur\nDPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;4,5\n", encoding="utf-8")
    nobody = {"OBSERVATOIRE_UTILISATEUR": "quelqu.un"}
    before = db.read_bytes()
    for command in (("import", str(data), "--dernier-mois", "2026-10"), ("annuler", "1"), ("init",),
                    ("init", "--demo", "--forcer")):
        result = run(*command, db=db, env_extra=nobody)
        assert result.returncode == 1, command
        assert "rôle « lecteur »" in result.stderr or "votre rôle : lecteur" in result.stderr, result.stderr
    assert run("imports", db=db, env_extra=nobody).returncode == 0  # reading stays open
    from indicateurs.db import Database
    from indicateurs.valeurs import list_imports
    assert list_imports(Database(db))["type"].tolist() == ["démonstration"]
    assert len(before) > 0


def test_referential_re_export_loads_again(demo_file, tmp_path):
    from indicateurs.referentiel import load_referentiel

    result = run("referentiel", "--exporter", str(tmp_path / "ref"), db=demo_file)
    assert result.returncode == 0, result.stderr
    assert load_referentiel(tmp_path / "ref") == load_referentiel()


def test_fiche_is_a_cli_command_with_french_usage_errors(demo_file):
    assert "fiche" in run("--help").stdout
    bad_month = run("fiche", "--direction", "DPE", "--mois", "2026-13", db=demo_file)
    assert bad_month.returncode == 2 and "2026-13" in bad_month.stderr and "Traceback" not in bad_month.stderr
    unknown = run("fiche", "--direction", "XYZ", "--mois", "2026-10", db=demo_file)
    assert unknown.returncode == 2 and "XYZ" in unknown.stderr and "Traceback" not in unknown.stderr


def test_global_options_go_before_or_after_the_subcommand():
    from indicateurs.cli import build_parser

    parser = build_parser()
    after = parser.parse_args(["init", "--demo", "--db", "a.duckdb", "--utilisateur", "marie.dupont"])
    assert (after.commande, after.demo, after.db, after.utilisateur) == ("init", True, "a.duckdb", "marie.dupont")
    before = parser.parse_args(["--db", "b.duckdb", "--utilisateur", "paul", "imports"])
    assert (before.commande, before.db, before.utilisateur) == ("imports", "b.duckdb", "paul")
    neither = parser.parse_args(["imports"])
    assert (neither.db, neither.utilisateur) == (None, None)
    both = parser.parse_args(["--db", "avant.duckdb", "export", "--format", "csv", "--out", "x.csv",
                              "--db", "apres.duckdb"])
    assert both.db == "apres.duckdb"
    fiche = parser.parse_args(["fiche", "--toutes", "--db", "c.duckdb"])
    assert fiche.db == "c.duckdb"


def test_the_import_size_limit_is_an_option_of_the_cli(tmp_path):
    big = tmp_path / "gros.csv"
    big.write_bytes(b"parcours;indicateur;mois;valeur\r\n" + b"DPE-ENCOMBRANTS;TAUX_DECROCHE;2026-10;1\r\n" * 30_000)
    assert big.stat().st_size > 2**20
    refused = run("import", str(big), "--dry-run", "--taille-max", "1", db=tmp_path / "vide.duckdb", db_after=True)
    assert refused.returncode == 1, refused.stderr
    assert "au-delà de la limite de 1 Mo" in refused.stdout and "--taille-max" in refused.stdout



def test_the_size_limit_option_is_checked_and_documented(capsys):
    from indicateurs.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["import", "f.csv", "--taille-max", "80"]).taille_max == 80
    assert parser.parse_args(["import", "f.csv"]).taille_max == 500
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["import", "f.csv", "--taille-max", "zéro"])
    assert refused.value.code == 2
    assert "« zéro » n'est pas une taille en Mo" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "--help"])
    assert "--taille-max MO" in capsys.readouterr().out

"""The monthly import as the SRU does it: from the command line and from the Import page, on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs.lecture import verdicts
from indicateurs.mois import last_complete_month
from indicateurs.valeurs import export_values, list_imports

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

# Two corrected values for October 2026 and one new comment, as a direction's Excel writes it:
# Windows-1252, semicolons, decimal comma, CRLF.
CORRECTION = (
    "parcours;indicateur;mois;valeur;commentaire\r\n"
    "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;10/2026;4,5;délai recalculé après contrôle\r\n"
    "DPE-ENCOMBRANTS;TAUX_DECROCHE;octobre 2026;91,0;\r\n"
).encode("cp1252")

REJECTED = (
    "parcours;indicateur;mois;valeur\r\n"
    "DPE-ENCOMBRANT;DELAI_TRAITEMENT;2026-10;4,5\r\n"
    "DPE-ENCOMBRANTS;TAUX_DECROCHE;2026-10;120\r\n"
).encode("utf-8")


def cli(db, *args: str) -> subprocess.CompletedProcess:
    """The CLI as « sru.test », named administrator by the documented local setting."""
    env = {k: v for k, v in os.environ.items() if k != "OBSERVATOIRE_DB"}
    env["OBSERVATOIRE_ADMINISTRATEUR_LOCAL"] = "sru.test"
    return subprocess.run([sys.executable, "-m", "indicateurs", "--db", str(db.path), "--utilisateur", "sru.test",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _value(db, parcours, indicateur, mois="2026-10"):
    export = export_values(db)
    row = export[(export["parcours"] == parcours) & (export["indicateur"] == indicateur) & (export["mois"] == mois)]
    return row.iloc[0]


def test_cli_rejects_a_wrong_file_and_stores_nothing(demo_db, tmp_path):
    path = tmp_path / "dpe_octobre.csv"
    path.write_bytes(REJECTED)
    before = export_values(demo_db)
    result = cli(demo_db, "import", str(path), "--json", "--dernier-mois", "2026-10")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert [(p["fichier"], p["ligne"], p["colonne"], p["valeur"]) for p in problems] == [
        ("dpe_octobre.csv", 2, "parcours", "DPE-ENCOMBRANT"), ("dpe_octobre.csv", 3, "valeur", "120")]
    assert "DPE-ENCOMBRANTS" in problems[0]["message"]  # the closest code is suggested
    pd.testing.assert_frame_equal(before, export_values(demo_db))
    assert list_imports(demo_db)["statut"].iloc[0] == "rejeté"


def test_cli_dry_run_then_import_then_reimport_then_cancel(demo_db, tmp_path):
    path = tmp_path / "dpe_correction.csv"
    path.write_bytes(CORRECTION)
    old_delay = _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")["valeur"]

    dry = cli(demo_db, "import", str(path), "--dry-run", "--dernier-mois", "2026-10")
    assert dry.returncode == 0, dry.stderr
    assert "0 nouvelle(s), 2 révisée(s) et 0 inchangée(s)" in dry.stdout
    assert "rien n'a été écrit" in dry.stdout
    assert _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")["valeur"] == old_delay

    done = cli(demo_db, "import", str(path), "--dernier-mois", "2026-10")
    assert done.returncode == 0, done.stderr
    stored = _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")
    assert (stored["valeur"], stored["commentaire"], stored["fichier"], stored["utilisateur"]) == \
        (4.5, "délai recalculé après contrôle", "dpe_correction.csv", "sru.test")
    assert _value(demo_db, "DPE-ENCOMBRANTS", "TAUX_DECROCHE")["valeur"] == 91.0
    import_id = int(list_imports(demo_db)["id"].iloc[0])

    again = cli(demo_db, "import", str(path), "--dernier-mois", "2026-10")
    assert again.returncode == 0
    assert "déjà été importé" in again.stdout

    journal = cli(demo_db, "imports")
    assert journal.returncode == 0 and "dpe_correction.csv" in journal.stdout

    cancelled = cli(demo_db, "annuler", str(import_id))
    assert cancelled.returncode == 0, cancelled.stderr
    assert "2 valeur(s) restaurée(s)" in cancelled.stdout
    assert _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")["valeur"] == old_delay
    twice = cli(demo_db, "annuler", str(import_id))
    assert twice.returncode == 1 and "déjà annulé" in twice.stderr


def test_cli_template_and_completeness(demo_db, tmp_path):
    out = tmp_path / "modele.xlsx"
    result = cli(demo_db, "modele", "--direction", "DPE", "--mois", "2026-09", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    template = pd.read_excel(out, sheet_name="valeurs", engine="openpyxl")
    # Two DPE parcours × (15 monthly + 6 quarterly indicators, September being a quarter month)
    assert len(template) == 2 * 21
    unknown = cli(demo_db, "modele", "--direction", "XXX", "--mois", "2026-09", "--out", str(out))
    assert unknown.returncode == 2
    missing = tmp_path / "manquantes.csv"
    completeness = cli(demo_db, "completude", "--direction", "DVD", "--out", str(missing))
    assert completeness.returncode == 0, completeness.stderr
    assert completeness.stdout.startswith("direction,mois,attendues,recues,manquantes,taux")
    # The demo data leaves out DVD-DEMENAGEMENT for September and October 2026.
    assert "DVD-DEMENAGEMENT" in missing.read_bytes().decode("utf-8-sig")


def test_missing_file_is_a_usage_error(demo_db):
    result = cli(demo_db, "import", "/nulle/part.csv")
    assert result.returncode == 2
    assert "Fichier introuvable" in result.stderr


@pytest.fixture
def page(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(demo_db.path))
    monkeypatch.setenv("OBSERVATOIRE_ADMINISTRATEUR_LOCAL", "agent.sru")
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("pages/import_donnees.py").run()
    assert not at.exception
    return at


def test_import_page_checks_previews_and_imports(page, demo_db):
    at = page
    at.get("file_uploader")[0].set_value(("dpe_correction.csv", CORRECTION, "text/csv")).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Valeurs nouvelles"], metrics["Valeurs révisées"], metrics["Valeurs inchangées"]) == ("0", "2", "0")
    before = verdicts(demo_db, parcours="DPE-ENCOMBRANTS")
    at.button(key="confirmer").click().run()
    assert not at.exception
    shown = [s.value.replace("\\", "") for s in at.success]  # messages are escaped: shown as text
    assert any("Import n°" in s and "2 révisée(s)" in s for s in shown), shown
    stored = _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")
    assert (stored["valeur"], stored["utilisateur"]) == (4.5, "agent.sru")
    after = verdicts(demo_db, parcours="DPE-ENCOMBRANTS")
    # The results were refreshed for the series the import touched.
    delay_before = before.set_index("indicateur").loc["DELAI_TRAITEMENT", "estimate"]
    delay_after = after.set_index("indicateur").loc["DELAI_TRAITEMENT", "estimate"]
    assert delay_after != delay_before


def test_import_page_shows_errors_with_lines(page, demo_db):
    at = page
    before = export_values(demo_db)
    at.get("file_uploader")[0].set_value(("dpe_faux.csv", REJECTED, "text/csv")).run()
    assert not at.exception
    assert "2 erreur(s)" in at.error[0].value
    problems = at.dataframe[0].value
    assert problems["Ligne"].tolist() == [2, 3]
    assert problems["Colonne"].tolist() == ["parcours", "valeur"]
    assert not [b for b in at.button if b.key == "confirmer"]
    pd.testing.assert_frame_equal(before, export_values(demo_db))


def test_without_identity_the_app_is_read_only_and_has_no_import_page(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(demo_db.path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert "import_donnees" not in {link.proto.page for link in at.sidebar.get("page_link")}
    at.switch_page("pages/import_donnees.py").run()  # the page's address, typed by hand
    assert not at.exception and not at.get("file_uploader")
    assert "ne permet pas d'importer" in at.error[0].value
    at.switch_page("pages/completude.py").run()
    assert not at.exception and at.title[0].value == "Complétude des envois"


def _open(db, monkeypatch, script: str) -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(db.path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page(script).run()
    assert not at.exception
    return at


def test_import_page_on_an_empty_database(empty_db, monkeypatch, administrateur_local):
    at = _open(empty_db, monkeypatch, "pages/import_donnees.py")
    assert any("Aucun import pour l'instant." in info.value for info in at.info)


def test_completeness_on_an_empty_database_lists_everything_as_missing(empty_db, monkeypatch):
    at = _open(empty_db, monkeypatch, "pages/completude.py")
    metrics = {m.label: m.value for m in at.metric}
    # The last complete month: 29 parcours owe values (all but DSOL-DOMICILIATION, never planned and never
    # sent), each its 15 monthly indicators, plus the 6 quarterly ones on a quarter month; all missing.
    expected = str(29 * (21 if last_complete_month().month % 3 == 0 else 15))
    assert (metrics["Valeurs attendues"], metrics["Valeurs manquantes"]) == (expected, expected)
    assert metrics["Directions incomplètes"] == "19"


def _cli_as(db, env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "indicateurs", "--db", str(db.path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_cli_applies_the_role_and_records_the_user(demo_db, tmp_path):
    path = tmp_path / "dpe_correction.csv"
    path.write_bytes(CORRECTION)
    rights = tmp_path / "habilitations.csv"
    rights.write_text("identite;role;directions\nreferent.dpe;référent;DPE\nautre.dpe;référent;DPE\n"
                      "referent.djs;référent;DJS\nmembre.codir;lecteur;\n", encoding="utf-8")
    as_ = lambda name: {"OBSERVATOIRE_HABILITATIONS": str(rights), "OBSERVATOIRE_UTILISATEUR": name}  # noqa: E731
    before = export_values(demo_db)
    reader = _cli_as(demo_db, as_("membre.codir"), "import", str(path), "--dernier-mois", "2026-10")
    assert reader.returncode == 1 and "ne permet pas d'importer" in reader.stderr
    nobody = _cli_as(demo_db, as_("inconnu.total"), "import", str(path), "--dernier-mois", "2026-10")
    assert nobody.returncode == 1 and "« lecteur » ne permet pas d'importer" in nobody.stderr
    other = _cli_as(demo_db, as_("referent.djs"), "import", str(path), "--dernier-mois", "2026-10")
    assert other.returncode == 1 and "référent de DJS" in other.stderr
    assert "DPE-ENCOMBRANTS" in other.stderr and "ligne(s) 2, 3" in other.stderr
    pd.testing.assert_frame_equal(before, export_values(demo_db))
    own = _cli_as(demo_db, as_("referent.dpe"), "import", str(path), "--dernier-mois", "2026-10")
    assert own.returncode == 0, own.stderr
    assert _value(demo_db, "DPE-ENCOMBRANTS", "DELAI_TRAITEMENT")["utilisateur"] == "referent.dpe"
    import_id = str(int(list_imports(demo_db)["id"].iloc[0]))
    colleague = _cli_as(demo_db, as_("autre.dpe"), "annuler", import_id)
    assert colleague.returncode == 1 and "un référent n'annule que ses propres imports" in colleague.stderr
    mine = _cli_as(demo_db, as_("referent.dpe"), "annuler", import_id)
    assert mine.returncode == 0, mine.stderr
    pd.testing.assert_frame_equal(before, export_values(demo_db))


def test_cli_on_a_file_that_is_not_a_database(tmp_path):
    fake = tmp_path / "image.duckdb"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = subprocess.run([sys.executable, "-m", "indicateurs", "--db", str(fake), "imports"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "illisible" in result.stderr and "Traceback" not in result.stderr


def test_a_file_over_the_limit_gets_a_french_message_not_streamlits(page):
    """The widget accepts more than the real limit, so that the page itself says it, in French."""
    at = page
    assert at.get("file_uploader")[0].proto.max_upload_size_mb > 20
    too_big = b"parcours;indicateur;mois;valeur\r\n" + b"DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;4,5\r\n" * 480_000
    at.get("file_uploader")[0].set_value(("gros.csv", too_big, "text/csv")).run()
    assert not at.exception
    message = at.dataframe[0].value["Message"].iloc[0]
    assert "au-delà de la limite de 20 Mo" in message and "Découpez-le" in message


def test_an_unexpected_failure_while_importing_is_said_in_french_without_a_traceback(page, demo_db, monkeypatch):
    import indicateurs.operations

    def failing(*args, **kwargs):
        raise RuntimeError("panne simulée du moteur")

    monkeypatch.setattr(indicateurs.operations, "import_file", failing)
    at = page
    at.get("file_uploader")[0].set_value(("dpe_correction.csv", CORRECTION, "text/csv")).run()
    at.button(key="confirmer").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("L'opération n'a pas pu aller au bout (erreur inattendue du logiciel).") for e in errors)
    assert not any("panne simulée" in e or "Traceback" in e for e in errors)

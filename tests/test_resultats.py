"""Stored results: computed when data changes, only for what changed, read by pages and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicateurs.agregation import aggregate_monthly, combine_effects
from indicateurs.lecture import verdicts
from indicateurs.referentiel import load_referentiel
from indicateurs.resultats import refresh_results, results_are_stale
from indicateurs.score import indicator_ratio
from indicateurs.valeurs import cancel_import, write_values

ROOT = Path(__file__).resolve().parents[1]


def _row(db, parcours, indicateur):
    table = verdicts(db, parcours=parcours)
    return table[table["indicateur"] == indicateur].iloc[0]


def test_every_deployed_series_has_a_stored_verdict(demo_db):
    table = verdicts(demo_db)
    # DSOL-DOMICILIATION is not planned and DICOM-PARIS-FR comes in December 2026: nothing to judge yet.
    deployed = {p.code for p in load_referentiel().parcours
                if p.date_deploiement and p.date_deploiement <= "2026-10"}
    assert len(deployed) == 28
    assert set(table["parcours"]) == deployed
    assert len(table) == 28 * 21
    assert not results_are_stale(demo_db)


def test_a_falling_delay_is_an_improvement_and_the_sentence_says_it(demo_db):
    row = _row(demo_db, "DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT")
    assert row["estimate"] < 0 and row["high"] < 0
    assert row["verdict"] == "amélioration significative"
    assert row["phrase"].startswith("Délai moyen de traitement : −")
    assert ("en moyenne depuis le déploiement (janvier 2025), par rapport à la tendance d'avant : "
            "amélioration significative") in row["phrase"]


def test_parcours_without_effect_gets_no_significant_verdict(demo_db):
    table = verdicts(demo_db, parcours="DAC-BIBLIOTHEQUE")
    assert set(table["verdict"]) == {"pas de changement détectable"}


def test_deterioration_is_reported(demo_db):
    table = verdicts(demo_db, parcours="DVD-STATIONNEMENT")
    assert (table["verdict"] == "dégradation significative").any()


def test_insufficient_and_provisional_paths(demo_db):
    vaccination = verdicts(demo_db, parcours="DSP-VACCINATION")  # deployed October 2026: one month after
    assert set(vaccination["verdict"]) == {"données insuffisantes"}
    creneau = verdicts(demo_db, parcours="DJS-CRENEAU-SPORTIF")  # April 2026: seven months after
    judged = creneau[creneau["verdict"] != "données insuffisantes"]
    assert len(judged) > 0 and judged["provisoire"].all()


def test_an_import_changes_only_the_results_it_touches(demo_db):
    before = verdicts(demo_db).set_index(["parcours", "indicateur"])
    fingerprints = demo_db.query_df("SELECT parcours, indicateur, empreinte FROM resultats").set_index(
        ["parcours", "indicateur"])["empreinte"]
    # Every month since the deployment (January 2025) revised to a much longer delay: the verdict must move.
    months = pd.date_range("2025-01-01", "2026-10-01", freq="MS")
    batch = pd.DataFrame({"parcours": "DDCT-TITRE-IDENTITE", "indicateur": "DELAI_TRAITEMENT", "mois": months,
                          "valeur": 60.0, "commentaire": None})
    written = write_values(demo_db, batch, utilisateur="tests", fichier="retards.csv")
    assert results_are_stale(demo_db)
    report = refresh_results(demo_db)
    assert report.series_recalculees == 1
    after = verdicts(demo_db).set_index(["parcours", "indicateur"])
    key = ("DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT")
    assert after.loc[key, "estimate"] > before.loc[key, "estimate"]
    assert after.loc[key, "verdict"] != "amélioration significative"
    new_fingerprints = demo_db.query_df("SELECT parcours, indicateur, empreinte FROM resultats").set_index(
        ["parcours", "indicateur"])["empreinte"]
    changed = new_fingerprints[new_fingerprints != fingerprints.reindex(new_fingerprints.index)]
    assert list(changed.index) == [key]
    # Cancelling the import brings the first result back exactly.
    cancel_import(demo_db, written.import_id, utilisateur="tests")
    refresh_results(demo_db)
    restored = verdicts(demo_db).set_index(["parcours", "indicateur"])
    assert restored.loc[key, "estimate"] == pytest.approx(before.loc[key, "estimate"], rel=1e-12)
    assert restored.loc[key, "verdict"] == before.loc[key, "verdict"]


def test_ratio_of_sums_never_a_plain_mean_of_percentages():
    ref = load_referentiel()
    values = pd.DataFrame({
        "parcours": ["DFA-MARCHE", "DFA-PAIEMENT-FOURNISSEUR", "DFA-MARCHE", "DFA-PAIEMENT-FOURNISSEUR"],
        "indicateur": ["TAUX_DECROCHE", "TAUX_DECROCHE", "VOLUME_DEMANDES", "VOLUME_DEMANDES"],
        "mois": [date(2026, 1, 1)] * 4, "valeur": [90.0, 50.0, 60.0, 30000.0]})
    result = aggregate_monthly(values, ref, "direction").set_index("indicateur")
    # (90 × 60 + 50 × 30 000) / 30 060 = 50.0798...; the plain mean would say 70.
    assert result.loc["TAUX_DECROCHE", "valeur"] == pytest.approx(1_505_400 / 30_060)
    assert result.loc["VOLUME_DEMANDES", "valeur"] == 30_060
    by_engagement = aggregate_monthly(values, ref, "engagement")
    assert by_engagement["groupe"].tolist() == ["3"]


def test_combined_effect_weighted_by_volume():
    # The series' own standard errors are combined (never read back from intervals with 1.96).
    effects = pd.DataFrame({"effect": [10.0, 0.0], "se": [1.0, 1.0], "df": [20.0, 20.0], "poids": [1.0, 3.0]})
    combined = combine_effects(effects)
    assert combined["effect"] == pytest.approx(2.5)
    assert combined["se"] == pytest.approx(np.sqrt(1 + 9) / 4)
    # Welch–Satterthwaite: (Σ a)² / Σ a²/df with a = (w·se)² = 1/16, 9/16 → 100/82 × 20
    assert combined["df"] == pytest.approx((10 / 16) ** 2 / ((1 / 16) ** 2 / 20 + (9 / 16) ** 2 / 20))
    from scipy import stats
    q = stats.t.ppf(0.975, combined["df"])
    assert combined["high"] - combined["effect"] == pytest.approx(q * np.sqrt(10) / 4)


def test_cityscore_ratios():
    assert indicator_ratio(60, 75, "hausse") == pytest.approx(0.8)
    assert indicator_ratio(30, 15, "baisse") == pytest.approx(0.5)
    assert indicator_ratio(100, 50, "hausse") == 1.25
    assert indicator_ratio(-10, 40, "hausse") == 0.0
    assert np.isnan(indicator_ratio(5, 5, "neutre"))


def test_cli_impact_prints_the_verdicts(demo_db):
    env = {k: v for k, v in os.environ.items() if k != "OBSERVATOIRE_DB"}
    command = [sys.executable, "-m", "indicateurs", "--db", str(demo_db.path), "impact",
               "--parcours", "DDCT-TITRE-IDENTITE", "--format", "json"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 21
    assert set(rows[0]) == {"parcours", "indicateur", "méthode", "estimate", "low", "high", "verdict", "phrase"}
    delay = next(r for r in rows if r["indicateur"] == "DELAI_TRAITEMENT")
    stored = _row(demo_db, "DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT")
    assert (delay["estimate"], delay["verdict"]) == (stored["estimate"], stored["verdict"])
    csv_out = subprocess.run(command[:-2] + ["--format", "csv"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert csv_out.stdout.startswith("parcours,indicateur,méthode,estimate,low,high,verdict,phrase\n")
    bad = subprocess.run(command[:-4] + ["--direction", "XYZ"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "inconnu" in bad.stderr


def test_a_monthly_import_leaves_the_results_a_full_recompute_would(demo_db):
    """After one direction's month, the incremental refresh (its parcours judged again, the others kept
    as stored) stores exactly what recomputing everything stores."""
    from indicateurs.referentiel_store import read_referentiel

    codes = [p.code for p in read_referentiel(demo_db).parcours if p.direction == "DPE"]
    month = demo_db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs WHERE mois = DATE '2026-10-01' "
                             "AND parcours IN (SELECT unnest(?))", [codes])
    month["mois"] = date(2026, 11, 1)
    month["valeur"] = month["valeur"] * 1.3  # enough to move some verdicts
    month["commentaire"] = None
    write_values(demo_db, month, utilisateur="tests", fichier="novembre.csv")
    report = refresh_results(demo_db)
    assert 0 < report.series_recalculees < report.series_total
    columns = "* EXCLUDE (calcule_le)"
    incremental = demo_db.query_df(f"SELECT {columns} FROM resultats ORDER BY parcours, indicateur")
    refresh_results(demo_db, force=True)
    full = demo_db.query_df(f"SELECT {columns} FROM resultats ORDER BY parcours, indicateur")
    assert len(full) == len(incremental) > 500
    pd.testing.assert_frame_equal(incremental, full, check_dtype=False)


def test_a_base_computed_by_older_engine_rules_is_recomputed_when_opened(demo_db):
    """After an update of the engine's rules, a base opened by the app (or the CLI) must not keep showing
    verdicts the old rules made: they are refitted on opening, though no value changed."""
    from indicateurs.resultats import ENGINE_VERSION
    from indicateurs.setup import init_database

    key = ("DDCT-TITRE-IDENTITE", "DELAI_TRAITEMENT")
    with demo_db.transaction() as con:  # a base as the previous release left it
        con.execute("DELETE FROM meta WHERE cle = 'version_moteur'")
        con.execute("UPDATE resultats SET verdict = 'verdict des anciennes règles', empreinte = 'ancienne' "
                    "WHERE parcours = ? AND indicateur = ?", list(key))
    assert results_are_stale(demo_db)
    db = init_database(demo_db.path, utilisateur="tests", with_demo=True).db
    assert not results_are_stale(db)
    assert _row(db, *key)["verdict"] != "verdict des anciennes règles"
    assert db.query_one("SELECT valeur FROM meta WHERE cle = 'version_moteur'") == (str(ENGINE_VERSION),)

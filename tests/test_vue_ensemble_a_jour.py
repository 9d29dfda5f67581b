"""Vue d'ensemble keeps what it writes in shared caches (ui/lectures_vue_ensemble.py) and reuses the paper
copies of its tables (ui/impression.py, ``ui.memo``): new values and their results must show at the next rerun
of an open session, in every part built from those caches (figures, tables on screen and on paper, charts'
data and text alternatives, the whole map's download), never a stale one (the caches are keyed by the data
version). Expected values are read from the database, not from the page's code."""

from __future__ import annotations

import html
import importlib.util
import json
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from indicateurs.format_fr import format_number
from indicateurs.impact.verdicts import IMPROVEMENT, NO_CHANGE
from indicateurs.referentiel import ENGAGEMENTS
from indicateurs.resultats import refresh_results
from indicateurs.valeurs import write_values
from tests.outils.pages import open_page
from ui import telechargements

PAGE = "pages/vue_ensemble.py"
LAST_MONTH = date(2026, 10, 1)  # the demo's last month: the completeness chart's month
ROOT = Path(__file__).resolve().parents[1]


def _series_without_change(db) -> pd.Series:
    """A percentage series « pas de changement » of an indicator of one engagement only (not of the mirror
    survey, which also counts in a family): +35 points after the deployment make it an improvement."""
    return db.query_df(
        "SELECT r.parcours, r.indicateur, r.deploiement, i.libelle, i.engagement FROM resultats r "
        "JOIN indicateurs i ON i.code = r.indicateur WHERE r.verdict = ? AND i.unite = '%' AND i.sens = 'hausse' "
        "AND r.moyenne_avant < 60 AND i.engagement IS NOT NULL AND i.miroir IS NULL "
        "ORDER BY r.parcours, r.indicateur", [NO_CHANGE]).iloc[0]


def _missing_last_month(db) -> pd.Series:
    """A monthly series with a value in September 2026 but none in October, the last month, and its direction."""
    return db.query_df(
        "SELECT v.parcours, v.indicateur, v.valeur, p.direction FROM valeurs v "
        "JOIN indicateurs i ON i.code = v.indicateur JOIN parcours p ON p.code = v.parcours "
        "WHERE v.mois = ? AND i.periodicite = 'mensuelle' AND NOT EXISTS (SELECT 1 FROM valeurs w "
        "WHERE w.parcours = v.parcours AND w.indicateur = v.indicateur AND w.mois = ?) "
        "ORDER BY v.parcours, v.indicateur", [date(2026, 9, 1), LAST_MONTH]).iloc[0]


def _since_deployment(db, series: pd.Series) -> pd.DataFrame:
    """The series' stored values since its deployment, as ``write_values`` takes them."""
    post = db.query_df("SELECT parcours, indicateur, mois, valeur, NULL AS commentaire FROM valeurs "
                       "WHERE parcours = ? AND indicateur = ? AND mois >= ? ORDER BY mois",
                       [series["parcours"], series["indicateur"], series["deploiement"]])
    post["mois"] = pd.to_datetime(post["mois"]).dt.date
    return post


def _raised(db, series: pd.Series) -> pd.DataFrame:
    """The series' values since its deployment, 35 points higher (100 at most)."""
    post = _since_deployment(db, series)
    return post.assign(valeur=(post["valeur"] + 35).clip(upper=100))


def _stored(db, series: pd.Series, gap: pd.Series) -> dict:
    """What the database holds of what the page shows."""
    one = db.query_one
    return {
        "valeurs": one("SELECT count(*) FROM valeurs")[0],
        "valeurs_parcours": one("SELECT count(*) FROM valeurs WHERE parcours = ?", [gap["parcours"]])[0],
        "verdict": one("SELECT verdict FROM resultats WHERE parcours = ? AND indicateur = ?",
                       [series["parcours"], series["indicateur"]])[0],
        "ameliorations": one("SELECT count(*) FROM resultats r JOIN indicateurs i ON i.code = r.indicateur "
                             "WHERE i.engagement = ? AND r.verdict = ?", [int(series["engagement"]), IMPROVEMENT])[0],
        "carte_ameliorations": one("SELECT count(*) FROM resultats WHERE verdict = ?", [IMPROVEMENT])[0],
        "changes": one("SELECT count(*) FROM resultats WHERE verdict_precedent IS NOT NULL "
                       "AND verdict_precedent <> verdict")[0],
        "recues": one("SELECT count(*) FROM valeurs v JOIN parcours p ON p.code = v.parcours "
                      "WHERE p.direction = ? AND v.mois = ?", [gap["direction"], LAST_MONTH])[0],
    }


def _table(at, column: str) -> pd.DataFrame | None:
    return next((e.value for e in at.dataframe if column in e.value.columns), None)


def _printed(at, key: str) -> str:
    """The paper copy of the table ``key``: the st.html in the page's container « imprimable-<key> »."""
    def found(node):
        if node.type != "html" and getattr(getattr(node, "proto", None), "id", "").endswith(f"-imprimable-{key}"):
            return node
        return next((f for f in map(found, getattr(node, "children", {}).values()) if f is not None), None)

    container = found(at._tree)
    return next(e.proto.body for e in container.children.values() if e.type == "html")


def _shown(at, series: pd.Series, gap: pd.Series) -> dict:
    """What the page shows of the parcours and series the test changes."""
    metrics = {m.label: m.value for m in at.metric}
    parcours = _table(at, "dernier_mois").set_index("code")
    counts = _table(at, "Règle d'or ou famille").set_index("Règle d'or ou famille")
    grid = _table(at, "Libellé de l'indicateur")
    cell = grid[(grid["Parcours"] == series["parcours"]) & (grid["Indicateur"] == series["indicateur"])]
    completeness = _table(at, "Valeurs reçues").set_index("Direction")
    changes = _table(at, "maintenant")
    bars = next(t for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]
                if "attendues" in t.get("hovertemplate", ""))
    return {
        "valeurs": metrics["Valeurs sur la période"],
        "valeurs_parcours": parcours.loc[gap["parcours"], "valeurs"],
        "ameliorations": counts.loc[f"Engagement {int(series['engagement'])} – {ENGAGEMENTS[series['engagement']]}",
                                    "▲ amélioration significative"],
        "carte_alt": at.get("plotly_chart")[1].proto.alt,
        "verdict": cell["Verdict"].tolist(),
        "recues": completeness.loc[gap["direction"], "Valeurs reçues"],
        "completude_graphique": [t for y, t in zip(bars["y"], bars["text"]) if gap["direction"] in y],
        "changements": None if changes is None else changes.set_index(["parcours", "libelle_indicateur"]),
        "texte": "\n".join(c.value for c in at.caption),
    }


def test_overview_shows_new_values_and_results_at_the_next_rerun_of_an_open_session(demo_db, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    series, gap = _series_without_change(demo_db), _missing_last_month(demo_db)
    at = open_page(demo_db, monkeypatch, PAGE, timeout=120)
    at.run()  # warm: the shared helpers now hold what they built from the page's cached frames
    stored, before = _stored(demo_db, series, gap), _shown(at, series, gap)
    assert before["valeurs"] == format_number(stored["valeurs"], 0)
    assert before["valeurs_parcours"] == format_number(stored["valeurs_parcours"], 0)
    assert before["ameliorations"] == stored["ameliorations"]
    assert f"{stored['carte_ameliorations']} {IMPROVEMENT}" in before["carte_alt"]
    assert stored["verdict"] == NO_CHANGE and NO_CHANGE in before["verdict"][0]
    assert before["recues"] == stored["recues"]
    assert before["changements"] is None and stored["changes"] == 0

    # One value where October was missing, and the series raised since its deployment: one import.
    added = pd.DataFrame({"parcours": [gap["parcours"]], "indicateur": [gap["indicateur"]], "mois": [LAST_MONTH],
                          "valeur": [gap["valeur"]]})
    write_values(demo_db, pd.concat([added.assign(commentaire=None), _raised(demo_db, series)]),
                 utilisateur="tests", fichier="octobre-et-hausse.csv")
    refresh_results(demo_db)
    new = _stored(demo_db, series, gap)
    assert new["valeurs"] == stored["valeurs"] + 1 and new["recues"] == stored["recues"] + 1
    assert new["verdict"] == IMPROVEMENT and new["ameliorations"] > stored["ameliorations"] and new["changes"] > 0

    at.run()  # the same session, every cache warm from before the import
    assert not at.exception
    after = _shown(at, series, gap)
    assert after["valeurs"] == format_number(new["valeurs"], 0)
    assert after["valeurs_parcours"] == format_number(new["valeurs_parcours"], 0)
    row = (f"<td>{html.escape(gap['parcours'])}</td>", f"<td>{format_number(new['valeurs_parcours'], 0)}</td>")
    printed = next(r for r in _printed(at, "parcours").split("<tr>") if row[0] in r)
    assert row[1] in printed  # the paper copy of the parcours table too
    assert after["ameliorations"] == new["ameliorations"]
    assert f"{new['carte_ameliorations']} {IMPROVEMENT}" in after["carte_alt"]
    assert IMPROVEMENT in after["verdict"][0]
    assert after["recues"] == new["recues"]
    assert f"({stored['recues']}/" in before["completude_graphique"][0]
    assert f"({new['recues']}/" in after["completude_graphique"][0]
    # The verdict that moved, on screen, on paper and counted above the table.
    moved = after["changements"].loc[(series["parcours"], series["libelle"])]
    assert NO_CHANGE in moved["avant"] and IMPROVEMENT in moved["maintenant"]
    assert f"{new['changes']} verdict(s) ont changé" in after["texte"]
    assert f"<td>{html.escape(series['libelle'])}</td>" in _printed(at, "changements")


def _verdict_moves(db, series: pd.Series) -> tuple[str, str, int]:
    """The series' previous and current verdicts as stored, and how many verdicts changed in all."""
    previous, current = db.query_one("SELECT verdict_precedent, verdict FROM resultats WHERE parcours = ? "
                                     "AND indicateur = ?", [series["parcours"], series["indicateur"]])
    moved = db.query_one("SELECT count(*) FROM resultats WHERE verdict_precedent <> verdict")[0]
    return previous, current, moved


def test_the_changed_verdicts_table_follows_a_verdict_that_moves_back(demo_db, monkeypatch):
    """The same number of changed verdicts before and after (the table's page is the same), other words."""
    st.cache_data.clear()
    st.cache_resource.clear()
    series = _series_without_change(demo_db)
    original = _since_deployment(demo_db, series)
    write_values(demo_db, _raised(demo_db, series), utilisateur="tests", fichier="hausse.csv")
    refresh_results(demo_db)
    assert _verdict_moves(demo_db, series) == (NO_CHANGE, IMPROVEMENT, 1)
    at = open_page(demo_db, monkeypatch, PAGE, timeout=120)
    at.run()
    row = _table(at, "maintenant").set_index(["parcours", "libelle_indicateur"]).loc[
        (series["parcours"], series["libelle"])]
    assert NO_CHANGE in row["avant"] and IMPROVEMENT in row["maintenant"]

    write_values(demo_db, original, utilisateur="tests", fichier="retour.csv")
    refresh_results(demo_db)
    assert _verdict_moves(demo_db, series) == (IMPROVEMENT, NO_CHANGE, 1)
    at.run()
    assert not at.exception
    row = _table(at, "maintenant").set_index(["parcours", "libelle_indicateur"]).loc[
        (series["parcours"], series["libelle"])]
    assert IMPROVEMENT in row["avant"] and NO_CHANGE in row["maintenant"]
    printed = next(r for r in _printed(at, "changements").split("<tr>") if html.escape(series["libelle"]) in r)
    assert printed.index(IMPROVEMENT) < printed.index(NO_CHANGE)  # « Verdict précédent » comes first on paper


# --- the whole map's download, offered when the map spans several pages ------------------------------------

def _scaled_copy(source: Path, target: Path, factor: int) -> Path:
    spec = importlib.util.spec_from_file_location("bench_lectures", ROOT / "benchmarks" / "bench_lectures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.scaled_copy(source, target, factor)


def _downloads(monkeypatch) -> dict:
    """The tables the page hands to its download buttons, by file name, from the next run on (the files
    themselves are built only when clicked)."""
    handed: dict = {}
    original = telechargements.download_buttons

    def recorded(frame, name, *args, **kwargs):
        handed[name] = frame
        return original(frame, name, *args, **kwargs)

    monkeypatch.setattr(telechargements, "download_buttons", recorded)
    return handed


def test_the_whole_map_download_shows_new_results_at_the_next_rerun(_demo_template, tmp_path, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    db = _database(_scaled_copy(_demo_template, tmp_path / "x3.duckdb", 3))
    series = _series_without_change(db)
    handed = _downloads(monkeypatch)
    at = open_page(db, monkeypatch, PAGE, timeout=120)
    assert any(c.value.startswith("Toute la carte (90 parcours") for c in at.caption)
    at.run()

    def verdict(frame):
        return frame[(frame["Parcours"] == series["parcours"]) & (frame["Indicateur"] == series["indicateur"])
                     ]["Verdict"].tolist()

    assert NO_CHANGE in verdict(handed["carte-des-verdicts"])[0]
    write_values(db, _raised(db, series), utilisateur="tests", fichier="hausse.csv")
    refresh_results(db)
    assert db.query_one("SELECT verdict FROM resultats WHERE parcours = ? AND indicateur = ?",
                        [series["parcours"], series["indicateur"]])[0] == IMPROVEMENT
    at.run()
    assert not at.exception
    assert IMPROVEMENT in verdict(handed["carte-des-verdicts"])[0]


def _database(path: Path):
    from indicateurs.db import Database

    return Database(path)

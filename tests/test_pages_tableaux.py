"""The CODIR dashboards under AppTest: what they show equals what the engine stored.

Expected values are read from the database (``indicateurs.lecture``, the stored values and movements) and
formatted with ``indicateurs.format_fr``; they never come from the page code under test.
"""

from __future__ import annotations

import base64
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs import lecture, tableaux
from indicateurs.format_fr import format_interval, format_number, format_signed, format_value, with_unit
from indicateurs.referentiel import ENGAGEMENTS
from indicateurs.referentiel_store import read_referentiel
from indicateurs.valeurs import value_history, write_values
from ui.texte import litteral
from tests.outils.onglets import each_tab
from tests.outils.pages import open_page

TIMEOUT = 60
PAGES = ["pages/vue_ensemble.py", "pages/direction.py", "pages/parcours.py", "pages/engagements.py",
         "pages/agents.py", "pages/miroir.py", "pages/methodologie.py"]
IMPROVEMENT, NO_CHANGE, DEGRADATION = ("amélioration significative", "pas de changement détectable",
                                       "dégradation significative")
INSUFFICIENT = "données insuffisantes"
SIGNAL = "signal à confirmer"


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run(db, monkeypatch, page: str, **params) -> AppTest:
    """Run one page of the app on ``db`` with URL parameters; fail on any exception."""
    return open_page(db, monkeypatch, page, timeout=TIMEOUT, **params)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")


def frames_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    return [e.value for e in at.dataframe if column in e.value.columns]


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def array(value) -> np.ndarray:
    """A Plotly 7 array from a figure's JSON: plain list or typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            data = data.reshape([int(n) for n in str(value["shape"]).split(",")])
        return data
    return np.asarray(value, dtype=object)


def texts(at: AppTest) -> str:
    """Every markdown and caption of the page, as one text."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def change(estimate, low, high, suffix: str) -> str:
    return f"{with_unit(format_signed(estimate), suffix or '')} {format_interval(low, high)}"


# --- every page, demo and empty database ---------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_database_with_a_french_empty_state(empty_db, monkeypatch, page):
    at = run(empty_db, monkeypatch, page)
    if page != "pages/methodologie.py":
        assert at.info, "an empty state is expected"
        assert all("Traceback" not in i.value for i in at.info)
    assert not at.warning  # no demo banner without demo data


# --- vue d'ensemble -----------------------------------------------------------------------------------------

def test_overview_counts_per_engagement_and_family_equal_the_stored_verdicts(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py")
    stored = lecture.verdicts(demo_db)
    shown = frame_with(at, "Règle d'or ou famille").set_index("Règle d'or ou famille")
    for number, name in ENGAGEMENTS.items():
        part = stored[stored["engagement"] == number]
        row = shown.loc[f"Engagement {number} – {name}"]
        assert row["▲ amélioration significative"] == (part["verdict"] == IMPROVEMENT).sum()
        # « signal à confirmer » is not significant: counted with « pas de changement détectable »
        assert row["● pas de changement détectable"] == part["verdict"].isin([NO_CHANGE, SIGNAL]).sum()
        assert row["▼ dégradation significative"] == (part["verdict"] == DEGRADATION).sum()
        assert row["○ données insuffisantes"] == (part["verdict"] == INSUFFICIENT).sum()
        assert row["dont provisoires (6 à 11 mois de recul)"] == part["provisoire"].astype(bool).sum()
    agents = stored[stored["famille"] == "conditions de travail des agents"]
    assert shown.loc["Conditions de travail des agents", "Séries"] == len(agents)
    metrics = {m.label: m.value for m in at.metric}
    judged = stored[stored["verdict"] != INSUFFICIENT]
    assert metrics["Avec un verdict"] == str(judged["parcours"].nunique())
    assert metrics["▲ Avec au moins une amélioration"] == str(
        stored.loc[stored["verdict"] == IMPROVEMENT, "parcours"].nunique())
    assert metrics["▼ Avec au moins une dégradation"] == str(
        stored.loc[stored["verdict"] == DEGRADATION, "parcours"].nunique())
    # the existing parcours table stays the first table of the page
    assert len(at.dataframe[0].value) == 30


def test_heat_map_shows_each_stored_verdict_as_a_symbol_with_a_legend(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py")
    heatmap = next(c for c in charts(at) if any(t.get("type") == "heatmap" for t in spec(c)["data"]))
    figure = spec(heatmap)
    trace = next(t for t in figure["data"] if t["type"] == "heatmap")
    symbols = pd.DataFrame(array(trace["text"]).tolist(), index=trace["y"], columns=trace["x"])
    labels = {i.code: i.libelle for i in read_referentiel(demo_db).indicateurs}
    expected = {IMPROVEMENT: "▲", NO_CHANGE: "●", DEGRADATION: "▼", INSUFFICIENT: "○"}
    stored = lecture.verdicts(demo_db)
    for row in stored.itertuples():
        if row.verdict not in expected:
            continue
        mark = expected[row.verdict] + ("*" if row.provisoire and row.verdict != INSUFFICIENT else "")
        assert symbols.loc[row.parcours, labels[row.indicateur]] == mark, (row.parcours, row.indicateur)
    assert set(symbols.loc["DSOL-DOMICILIATION"]) == {"–"}  # never deployed: no result
    legend = [t["name"] for t in figure["data"] if t.get("showlegend")]
    assert any(name.startswith("▲ amélioration significative") for name in legend)
    assert any(name.startswith("○ données insuffisantes") for name in legend)
    # French chart config, PNG from the toolbar, and a text alternative
    config = json.loads(heatmap.proto.config)
    assert config["locale"] == "fr" and config["locales"]["fr"]["format"]["shortMonths"][0] == "janv."
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "carte-des-verdicts", "scale": 2}
    assert figure["layout"]["separators"] == ",\u202f"
    assert heatmap.proto.alt.startswith("Carte des verdicts de 30 parcours")


def test_overview_scores_and_completeness_equal_the_stored_data(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py")
    scores = frame_with(at, "Score (affiché)").set_index("Direction")
    stored = lecture.stored_scores(demo_db, "direction").set_index("code")
    assert len(scores) == len(stored) == 19
    for code, row in stored.iterrows():
        assert scores.loc[code, "Score (affiché)"] == format_number(row["score"], 2)
        assert scores.loc[code, "Parcours notés"] == row["n"]
    assert "score = moyenne" in texts(at)

    # Completeness of October 2026, counted here from the stored values and the referential.
    ref = read_referentiel(demo_db)
    october = date(2026, 10, 1)
    monthly = [i.code for i in ref.indicateurs if i.periodicite == "mensuelle"]
    received = demo_db.query_df("SELECT parcours, count(*) AS n FROM valeurs WHERE mois = ? AND indicateur IN "
                                "(SELECT unnest(?)) GROUP BY parcours", [october, monthly]).set_index("parcours")["n"]
    shown = frame_with(at, "Valeurs attendues").set_index("Direction")
    for d in ref.directions:
        mine = [p.code for p in ref.parcours if p.direction == d.code]
        assert shown.loc[d.code, "Valeurs attendues"] == len(mine) * len(monthly)
        assert shown.loc[d.code, "Valeurs reçues"] == sum(int(received.get(p, 0)) for p in mine)
    assert "oct. 2026" in texts(at)


def test_overview_lists_the_verdicts_that_changed_at_the_last_update(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py")
    assert any("Aucun verdict n'a changé" in i.value for i in at.info)
    demo_db.query_df("UPDATE resultats SET verdict_precedent = 'pas de changement détectable' "
                     "WHERE parcours = 'DJS-PISCINE' AND indicateur = 'DELAI_TRAITEMENT' RETURNING 1")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py")
    changed = frame_with(at, "maintenant")  # columns as stored; their French labels are display-only
    stored = lecture.verdicts(demo_db, parcours="DJS-PISCINE").set_index("indicateur").loc["DELAI_TRAITEMENT"]
    assert len(changed) == 1
    row = changed.iloc[0]
    assert row["parcours"] == "DJS-PISCINE"
    assert row["avant"] == "● pas de changement détectable"
    assert stored["verdict"] in row["maintenant"]
    assert row["phrase"] == stored["phrase"]


def test_direction_in_the_url_limits_the_heat_map(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/vue_ensemble.py", direction="DPE")
    heatmap = next(c for c in charts(at) if any(t.get("type") == "heatmap" for t in spec(c)["data"]))
    trace = next(t for t in spec(heatmap)["data"] if t["type"] == "heatmap")
    assert list(trace["y"]) == ["DPE-ENCOMBRANTS", "DPE-DANSMARUE"]


# --- direction ---------------------------------------------------------------------------------------------

def test_direction_cards_show_the_stored_means_changes_and_sentences(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/direction.py", direction="DPE")
    assert at.query_params["direction"] == ["DPE"] or at.query_params["direction"] == "DPE"
    assert at.header[0].value == "DPE – Propreté et Eau"
    page_text = texts(at)
    stored = lecture.verdicts(demo_db, direction="DPE")
    assert set(stored["parcours"]) == {"DPE-ENCOMBRANTS", "DPE-DANSMARUE"}
    helps = {m.proto.help for m in at.markdown}
    sentences = set(frame_with(at, "En une phrase")["En une phrase"])
    for row in stored.itertuples():
        # the sentence is the card title's tooltip and in the results table, not again under the card's numbers
        assert row.phrase in sentences
        if row.verdict == INSUFFICIENT:
            assert litteral(row.phrase) in page_text
            continue
        assert row.phrase in helps
        decimals = 1 if row.unite == "nombre" else None
        assert f"Moyenne des 12 mois avant : **{format_value(row.moyenne_avant, row.unite, decimals)}**" in page_text
        assert f"Moyenne depuis le déploiement : **{format_value(row.moyenne_apres, row.unite, decimals)}**" in page_text
        assert f"Changement estimé : **{change(row.estimate, row.low, row.high, row.effet_unite)}**" in page_text
    metrics = {m.label: m.value for m in at.metric}
    score = lecture.stored_scores(demo_db, "direction").set_index("code").loc["DPE", "score"]
    assert metrics["Score"] == format_number(score, 2)
    assert metrics["▲ Améliorations significatives"] == str((stored["verdict"] == IMPROVEMENT).sum())
    results = frame_with(at, "Écart moyen depuis le déploiement [intervalle du verdict]")
    assert list(results["Verdict"].str.split(" ", n=1).str[1].str.replace(" (provisoire)", "")) == list(stored["verdict"])


def test_direction_page_without_a_direction_asks_for_one_and_lists_them(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/direction.py")
    assert "Choisissez une direction" in at.info[0].value
    overview = frame_with(at, "deployes")
    assert len(overview) == 19
    stored = lecture.verdicts(demo_db)
    assert overview["amelioration"].sum() == (stored["verdict"] == IMPROVEMENT).sum()


def test_direction_with_a_parcours_not_yet_deployed_gets_an_empty_state(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/direction.py", direction="DICOM")
    assert any("pas encore déployé" in i.value for i in at.info)


# --- parcours ----------------------------------------------------------------------------------------------

def test_parcours_chart_draws_the_stored_series_counterfactual_and_deployment(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE", indicateur="DELAI_TRAITEMENT")
    assert at.header[0].value == "Utiliser une piscine"
    model = lecture.model_series(demo_db, "DJS-PISCINE", "DELAI_TRAITEMENT")
    figure = spec(charts(at)[0])
    by_name = {t.get("name"): t for t in figure["data"]}
    values = by_name["valeur mensuelle"]
    assert np.allclose(array(values["y"]).astype(float), model["valeur"].to_numpy())
    after = model[pd.to_datetime(model["mois"]) >= "2025-03-01"]
    counterfactual = by_name["sans la refonte (contrefactuel du modèle)"]
    assert np.allclose(array(counterfactual["y"]).astype(float), after["contrefactuel"].to_numpy())
    band = by_name["intervalle à 95 % du contrefactuel"]
    assert np.allclose(array(band["y"]).astype(float), after["contrefactuel_bas"].to_numpy())
    baseline = next(t for t in figure["data"] if str(t.get("name", "")).startswith("moyenne des 12 mois avant"))
    before = model[(pd.to_datetime(model["mois"]) >= "2024-03-01") & (pd.to_datetime(model["mois"]) < "2025-03-01")]
    assert np.isclose(array(baseline["y"]).astype(float)[0], before["valeur"].mean())
    assert any(s.get("x0", "").startswith("2025-03-01") for s in figure["layout"]["shapes"])
    annotations = [a["text"] for a in figure["layout"]["annotations"]]
    assert "déploiement (mars 2025)" in annotations
    assert any("cible : 15,0\u202fj" in a for a in annotations) or any(
        str(t.get("name", "")).startswith("cible : 15,0") for t in figure["data"])
    assert figure["layout"]["xaxis"]["tickformat"] == "%b %Y"
    stored = lecture.verdicts(demo_db, parcours="DJS-PISCINE").set_index("indicateur").loc["DELAI_TRAITEMENT"]
    assert stored["phrase"] in texts(at)
    shown = frame_with(at, "Sans la refonte (modèle)")
    # The table under the chart is written in French, rounded as on screen (a day to 0,1).
    french = shown["Valeur"].str.replace("\u202f", "").str.replace(",", ".").replace("", np.nan).astype(float)
    assert np.allclose(french.to_numpy(), model["valeur"].to_numpy(), atol=0.05 + 1e-9, equal_nan=True)
    assert shown["Valeur"].str.contains(",").any() and not shown["Valeur"].str.contains(r"\.").any()


def test_parcours_says_what_the_number_is_the_last_month_and_the_detectable_change(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE", indicateur="DELAI_TRAITEMENT")
    row = demo_db.query_df("SELECT effet, effet_bas, effet_haut, effet_dernier, effet_dernier_bas, effet_dernier_haut, "
                           "mois_apres FROM resultats WHERE parcours = 'DJS-PISCINE' "
                           "AND indicateur = 'DELAI_TRAITEMENT'").iloc[0]
    text = texts(at)
    assert (f"Écart moyen depuis le déploiement (mars 2025, {int(row['mois_apres'])} mois) par rapport à la tendance "
            f"d'avant prolongée : {change(row['effet'], row['effet_bas'], row['effet_haut'], 'j')}") in text
    assert ("Écart au dernier mois (oct. 2026) : "
            f"{change(row['effet_dernier'], row['effet_dernier_bas'], row['effet_dernier_haut'], 'j')}") in text
    # a provisional verdict says it is too early and gives the smallest detectable change
    at = run(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-CRENEAU-SPORTIF", indicateur="ACCUSE_RECEPTION")
    assert "Trop tôt pour conclure. Plus petit écart que ces données auraient détecté" in texts(at)


def test_parcours_shows_the_history_of_a_revised_value(demo_db, monkeypatch):
    write_values(demo_db, pd.DataFrame({"parcours": ["DJS-PISCINE"], "indicateur": ["DELAI_TRAITEMENT"],
                                        "mois": [date(2026, 6, 1)], "valeur": [4.2], "commentaire": ["corrigé"]}),
                 utilisateur="référent DJS", fichier="DJS_2026-06_corrige.csv")
    at = run(demo_db, monkeypatch, "pages/parcours.py", parcours="DJS-PISCINE", indicateur="DELAI_TRAITEMENT",
             mois="2026-06")
    history = frame_with(at, "valeur_avant")
    stored = value_history(demo_db, "DJS-PISCINE", "DELAI_TRAITEMENT", date(2026, 6, 1))
    assert len(history) == len(stored) == 2
    last, first = history.iloc[-1], stored.iloc[0]
    assert last["utilisateur"] == "référent DJS" and last["fichier"] == "DJS_2026-06_corrige.csv"
    assert last["valeur_avant"] == format_value(first["valeur_apres"], "jours")
    assert last["valeur_apres"] == format_value(4.2, "jours")
    assert last["operation"] == "révision" and last["commentaire_apres"] == "corrigé"
    values = frame_with(at, "importe_le")
    assert values.loc[values["mois"] == "juin 2026", "valeur"].iloc[0] == "4,2\u202fj"


@pytest.mark.parametrize("code", ["DICOM-PARIS-FR", "DSOL-DOMICILIATION"])
def test_parcours_not_yet_deployed_gets_an_empty_state_and_its_values(demo_db, monkeypatch, code):
    at = run(demo_db, monkeypatch, "pages/parcours.py", parcours=code)
    assert at.header[0].value == litteral(read_referentiel(demo_db).un_parcours(code).libelle)
    assert any("pas encore déployé" in i.value for i in at.info)
    assert len(frame_with(at, "importe_le")) > 0


# --- engagements --------------------------------------------------------------------------------------------

def test_engagements_show_the_stored_counts_and_difference_in_differences(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/engagements.py")
    stored = lecture.verdicts(demo_db)
    did = lecture.did_results(demo_db)
    ref = read_referentiel(demo_db)
    suffix = {"%": "pt", "jours": "j"}
    overall, counts, listed, shown_charts = [], [], [], []
    for _, at in each_tab(at, "engagement"):  # only the open tab is drawn: each one opened as a reader does
        overall += frames_with(at, "lecture")
        counts += [f for f in frames_with(at, "▲ Améliorations") if "Code" in f.columns]
        listed += frames_with(at, "parcours_ameliores")
        shown_charts += charts(at)
    overall_tables = pd.concat(overall).set_index("libelle_indicateur")
    count_tables = pd.concat(counts).set_index("Code")
    lists = pd.concat(listed).set_index("libelle_indicateur")
    for ind in ref.indicateurs:
        if ind.engagement is None:
            continue
        part = stored[stored["indicateur"] == ind.code]
        assert count_tables.loc[ind.code, "▲ Améliorations"] == (part["verdict"] == IMPROVEMENT).sum()
        assert count_tables.loc[ind.code, "▼ Dégradations"] == (part["verdict"] == DEGRADATION).sum()
        improved = part.loc[part["verdict"] == IMPROVEMENT, "parcours"]
        assert set(filter(None, lists.loc[ind.libelle, "parcours_ameliores"].replace("*", "").split(", "))) == set(improved)
        overall = did[(did["indicateur"] == ind.code) & (did["type"] == "global")].iloc[0]
        corrected = tableaux.did_overall(demo_db, ref).set_index("indicateur").loc[ind.code]
        assert corrected["bas_corrige"] <= overall["bas"] and corrected["haut_corrige"] >= overall["haut"]
        assert overall_tables.loc[ind.libelle, "effet"] == change(
            overall["estimation"], corrected["bas_corrige"], corrected["haut_corrige"], suffix.get(ind.unite, ""))
        significant = "significative" in overall_tables.loc[ind.libelle, "lecture"]
        assert significant == (corrected["bas_corrige"] > 0 or corrected["haut_corrige"] < 0)
    # event study of engagement 2: the stored periods and estimates, placebo periods apart
    events = did[(did["type"] == "evenement") & (did["indicateur"] == "DELAI_TRAITEMENT")]
    study = next(c for c in shown_charts if "Engagement 2 : effet" in spec(c)["layout"]["title"]["text"])
    traces = [t for t in spec(study)["data"] if t.get("xaxis", "x") == "x"]
    x = np.concatenate([array(t["x"]).astype(int) for t in traces])
    y = np.concatenate([array(t["y"]).astype(float) for t in traces])
    expected = events.assign(e=events["cle"].astype(int)).set_index("e")["estimation"]
    assert sorted(x) == sorted(expected.index)
    assert np.allclose([expected[e] for e in x], y)
    assert any(str(t["name"]).startswith("avant le déploiement (test placebo") for t in traces)



def chart_titles(at: AppTest) -> list[str]:
    return [spec(c)["layout"]["title"]["text"] for c in charts(at)]


def test_engagements_send_only_the_open_tab(demo_db, monkeypatch):
    """The reader sees one engagement at a time: the hidden tabs' headers and charts are not sent to the browser
    (each one costs it as much as a shown one); opening a tab sends it, and no longer the one left."""
    at = run(demo_db, monkeypatch, "pages/engagements.py")
    first, third = f"Engagement 1 – {ENGAGEMENTS[1]}", f"Engagement 3 – {ENGAGEMENTS[3]}"
    assert [t.label for t in at.tabs] == [f"{n}. {name}" for n, name in ENGAGEMENTS.items()]
    assert [h.value for h in at.header] == [first]
    assert at.session_state["engagement"] == f"1. {ENGAGEMENTS[1]}"  # the first tab is open on arrival
    titles = chart_titles(at)
    assert "Engagement 1 : verdicts par indicateur" in titles
    assert not any(t.startswith(("Engagement 2", "Engagement 3", "Engagement 4")) for t in titles), titles
    assert [e.label for e in at.expander].count("Détails statistiques") == 1

    at.session_state["engagement"] = f"3. {ENGAGEMENTS[3]}"  # what a click on the third tab sets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.header] == [third]
    titles = chart_titles(at)
    assert "Engagement 3 : verdicts par indicateur" in titles
    assert "Engagement 3 : effet selon le temps écoulé depuis le déploiement" in titles
    assert not any(t.startswith("Engagement 1") for t in titles), titles
    # the summary above the tabs stays, whichever tab is open
    assert "Verdicts des séries de chaque règle d'or" in titles

# --- agents -------------------------------------------------------------------------------------------------

def _side(verdict: str) -> int | None:
    return {IMPROVEMENT: 1, DEGRADATION: -1, NO_CHANGE: 0, SIGNAL: 0}.get(verdict)


def test_agents_situations_come_from_the_two_stored_verdicts(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/agents.py")
    ref = read_referentiel(demo_db)
    stored = lecture.verdicts(demo_db).set_index(["parcours", "indicateur"])["verdict"]
    summary = frame_with(at, "situation").set_index("situation")
    names = {(1, 1): "gagnant-gagnant", (1, 0): "usagers gagnants, agents inchangés",
             (0, 1): "agents gagnants, usagers inchangés", (0, 0): "pas de changement détectable des deux côtés",
             (1, -1): "usagers gagnants, agents perdants", (-1, 1): "agents gagnants, usagers perdants",
             (-1, 0): "usagers perdants, agents inchangés", (0, -1): "agents perdants, usagers inchangés",
             (-1, -1): "perdant-perdant"}
    pairs = [(i, ref.indicateur(i.lie_a)) for i in ref.indicateurs if i.lie_a]
    assert len(pairs) == 4
    for agents, users in pairs:
        column = f"{agents.libelle} ↔ {users.libelle}"
        expected: dict[str, int] = {}
        for p in ref.parcours:
            if (p.code, agents.code) not in stored.index or (p.code, users.code) not in stored.index:
                continue
            a, u = _side(stored[(p.code, agents.code)]), _side(stored[(p.code, users.code)])
            label = "données insuffisantes d'un côté au moins" if a is None or u is None else names[(u, a)]
            expected[label] = expected.get(label, 0) + 1
        shown = {k: int(v) for k, v in summary[column].items() if v}
        assert shown == expected, column
    before_after = frame_with(at, "Mois de recul")
    agents_rows = lecture.verdicts(demo_db)
    agents_rows = agents_rows[agents_rows["famille"] == "conditions de travail des agents"]
    assert len(before_after) == len(agents_rows)


# --- miroir -------------------------------------------------------------------------------------------------

def test_mirror_gap_before_and_after_comes_from_the_stored_quarterly_answers(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/miroir.py")
    values = demo_db.query_df("""
        SELECT u.mois, a.valeur - u.valeur AS ecart FROM valeurs u
        JOIN valeurs a ON a.parcours = u.parcours AND a.mois = u.mois AND a.indicateur = 'INFO_CLAIRE_AGENTS'
        WHERE u.parcours = 'DJS-PISCINE' AND u.indicateur = 'INFO_CLAIRE_USAGERS'
    """)
    values["mois"] = pd.to_datetime(values["mois"])
    before = values.loc[values["mois"] < "2025-03-01", "ecart"].mean()
    after = values.loc[values["mois"] >= "2025-03-01", "ecart"].mean()
    table = frame_with(at, "ecart_avant")
    row = table[(table["parcours"] == "DJS-PISCINE") & table["paire"].str.startswith("Engagement 1")].iloc[0]
    assert row["ecart_avant"] == f"{format_number(before, 1, signed=True)}\u202fpt"
    assert row["ecart_apres"] == f"{format_number(after, 1, signed=True)}\u202fpt"
    assert row["evolution"] == f"{format_number(after - before, 1, signed=True)}\u202fpt"
    stored = lecture.verdicts(demo_db, parcours="DJS-PISCINE").set_index("indicateur")
    assert stored.loc["INFO_CLAIRE_USAGERS", "verdict"] in row["verdict_usagers"]
    assert [s.value for s in at.subheader][:2] == ["Engagement 1 – Information jugée claire et à jour",
                                                    "Engagement 4 – Accueil respectueux"]


# --- méthodologie -------------------------------------------------------------------------------------------

def test_methodology_defines_every_indicator_and_the_score(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "pages/methodologie.py")
    ref = read_referentiel(demo_db)
    definitions = frame_with(at, "periodicite")
    assert list(definitions["code"]) == [i.code for i in ref.indicateurs]
    assert list(definitions["definition"]) == [i.definition for i in ref.indicateurs]
    text = texts(at)
    for words in ("Benjamini–Hochberg", "erreurs AR(1)", "Benjamini et Yekutieli", "signal à confirmer", "quasi-Poisson", "Callaway et Sant'Anna", "50,1 %",
                  "provisoire", "score = moyenne"):
        assert words in text, words
    assert len(frame_with(at, "terme")) >= 20

"""Issue 11 on the secondary reading pages, under AppTest on the demo base: what a CODIR member reads.

Expected values come from the stored tables (``resultats``, ``resultats_did``, ``valeurs``, ``indicateurs``,
``parcours``) read in the test, never from the page code under test.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np

import pandas as pd
import pytest
import streamlit as st

from indicateurs import lecture
from tests.outils.onglets import each_tab
from tests.outils.pages import open_page

IMPROVEMENT, NO_CHANGE, DEGRADATION = ("amélioration significative", "pas de changement détectable",
                                       "dégradation significative")
SIGNAL = "signal à confirmer"
JUDGED = (IMPROVEMENT, NO_CHANGE, DEGRADATION, SIGNAL)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def plain(markdown: str) -> str:
    """Markdown as read: the escapes of the page's text helper removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at) -> str:
    return plain("\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]))


def numbers(value) -> list[float]:
    """A Plotly array from a figure's JSON: plain list or typed array {dtype, bdata}."""
    if isinstance(value, dict) and "bdata" in value:
        return [float(v) for v in np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))]
    return [float(v) for v in value]


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_engagements_read_the_average_with_the_parcours_and_explain_the_statistics(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/engagements.py")
    stored = lecture.verdicts(demo_db)
    # only the open tab is drawn: each engagement opened as a reader does, what they read gathered
    read, expanders, notes, tables = [], [], [], []
    for _, at in each_tab(at, "engagement"):
        read.append(texts(at))
        expanders += [e.label for e in at.expander]
        notes += [c.value for c in at.caption if "verdict provisoire" in c.value]
        tables += [e.value for e in at.dataframe if "parcours_sans_changement" in e.value.columns]
    text = "\n".join(read)
    # « Information jugée claire (agents) »: improves in 0 parcours, its average is ▲: said in words.
    part = stored[stored["indicateur"] == "INFO_CLAIRE_AGENTS"]
    assert (part["verdict"] == IMPROVEMENT).sum() == 0
    judged = part["verdict"].isin(JUDGED).sum()
    did = demo_db.query_df("SELECT * FROM resultats_did WHERE type = 'global' AND indicateur = 'INFO_CLAIRE_AGENTS'")
    assert did["bas"].iloc[0] > 0  # the stored overall effect is clearly positive
    sentence = next(line for line in text.splitlines() if line.startswith("- **Information jugée claire et à jour (agents)** : En moyenne"))
    assert f"aucun des {judged} parcours jugés ne montre seul une amélioration significative" in sentence
    assert "tendance d'ensemble" in sentence
    # the provisional footnote is a sentence, not a Markdown bullet
    assert notes and all(n.startswith("\\* : verdict provisoire") for n in notes)
    # jargon explained in a « Détails statistiques » expander
    assert expanders.count("Détails statistiques") == 4
    for words in ("Callaway et Sant'Anna", "IC 95 %", "intervalle de confiance", "test placebo",
                  "Pourquoi une moyenne peut s'améliorer quand aucun parcours ne s'améliore seul"):
        assert words in text, words
    # every event-study point after deployment resting on fewer than 5 parcours is named with its count
    events = demo_db.query_df("SELECT r.indicateur, i.libelle, CAST(r.cle AS INTEGER) AS periode, r.n, i.periodicite "
                              "FROM resultats_did r JOIN indicateurs i ON i.code = r.indicateur "
                              "WHERE r.type = 'evenement' AND i.engagement IS NOT NULL")
    thin = events[(events["periode"] >= 0) & (events["n"] < 5)]
    assert len(thin) and (thin["n"] == 1).any()
    for r in thin.itertuples():
        step = "mois" if r.periodicite != "trimestrielle" else ("trimestre" if r.periode == 1 else "trimestres")
        line = next(x for x in text.splitlines() if x.startswith(f"- {r.libelle} : "))
        assert f"{r.periode} {step} après ({r.n} parcours)" in line, (r.libelle, r.periode)
    # the « sans changement » lists name the signals à confirmer they count
    lists = pd.concat(tables)
    row = lists.set_index("libelle_indicateur").loc["Information jugée claire et à jour (agents)"]
    names = {n.rstrip("*◐") for n in row["parcours_sans_changement"].split(", ")}
    assert names == set(part.loc[part["verdict"].isin([NO_CHANGE, SIGNAL]), "parcours"])


def test_agents_page_puts_deteriorations_first_and_places_points_by_verdict(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/agents.py")
    stored = lecture.verdicts(demo_db)
    agents = stored[stored["famille"] == "conditions de travail des agents"]
    labels = dict(demo_db.query_df("SELECT code, libelle FROM parcours").itertuples(index=False))
    worse = agents[agents["verdict"] == DEGRADATION]
    better = agents[agents["verdict"] == IMPROVEMENT]
    assert len(worse) and len(better)
    headings = [m.value for m in at.markdown]
    first = headings.index(next(h for h in headings if h.startswith("**▼ Là où le travail des agents")))
    assert f"({len(worse)})" in headings[first]
    assert headings[first + 2].startswith("**▲ Là où il s'est amélioré**") and f"({len(better)})" in headings[first + 2]
    worse_list = plain(headings[first + 1])
    for r in worse.itertuples():
        assert f"{labels[r.parcours]} ({r.parcours})" in worse_list
    assert worse_list.count("\n- ") + 1 == len(worse)
    # the full table: deteriorations first, then improvements, then the rest
    table = next(e.value for e in at.dataframe if "Mois de recul" in e.value.columns)
    assert len(table) == len(agents)
    rank = table["Verdict"].map(lambda v: 0 if v.startswith("▼") else (1 if v.startswith("▲") else 2))
    assert list(rank) == sorted(rank) and (rank == 0).sum() == len(worse)
    # the scatter: every point of a situation with a change is labelled; « no change » points at the centre
    quadrants = [s for s in specs(at) if "face à" in s["layout"]["title"]["text"]]
    assert len(quadrants) == 4
    for spec in quadrants:
        for trace in spec["data"]:
            if trace.get("x") is None:
                continue
            xs, ys = numbers(trace["x"]), numbers(trace["y"])
            if trace.get("name") == "pas de changement détectable des deux côtés":
                assert set(xs) == {0.0} and set(ys) == {0.0}
            elif trace.get("name") == "usagers gagnants, agents perdants":
                assert all(x > 0 for x in xs) and all(y < 0 for y in ys)
            if trace.get("name") not in (None, "pas de changement détectable des deux côtés",
                                         "données insuffisantes d'un côté au moins"):
                assert "text" in trace["mode"] and len(trace["text"]) == len(xs)


def test_mirror_shows_quarters_and_no_plus_zero_tick(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/miroir.py")
    answers = next(e.value for e in at.dataframe if "periode" in e.value.columns and "usagers" in e.value.columns)
    months = demo_db.query_df("SELECT DISTINCT mois FROM valeurs WHERE indicateur = 'INFO_CLAIRE_USAGERS'")["mois"]
    expected = {f"T{(m.month - 1) // 3 + 1} {m.year}" for m in pd.to_datetime(months)}
    assert set(answers["mois"]) <= expected and len(set(answers["mois"])) > 4
    assert not answers["mois"].str.contains("-").any()
    chart = next(s for s in specs(at) if "Écart de perception" in s["layout"]["title"]["text"])
    ticks = [t for name, axis in chart["layout"].items() if name.startswith("xaxis") for t in axis["ticktext"]]
    assert "0" in ticks and "+0" not in ticks


def test_methodology_gives_every_definition_and_glossary_entry_in_full(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/methodologie.py")
    text = texts(at)
    definitions = demo_db.query_df("SELECT libelle, definition FROM indicateurs")
    assert len(definitions) == 21
    for r in definitions.itertuples():
        assert f"**{r.libelle}**" in text and r.definition in text, r.libelle
    glossary = next(e.value for e in at.dataframe if "terme" in e.value.columns)
    assert len(glossary) >= 20
    for term, meaning in glossary.itertuples(index=False):
        assert f"- **{term}** : {meaning}" in text, term


def test_completeness_lists_missing_values_by_label_with_the_code_beside(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/completude.py")
    element = next(e for e in at.dataframe if "libelle_indicateur" in e.value.columns)
    table = element.value
    labels = dict(demo_db.query_df("SELECT code, libelle FROM indicateurs").itertuples(index=False))
    parcours = dict(demo_db.query_df("SELECT code, libelle FROM parcours").itertuples(index=False))
    assert len(table) > 0
    assert (table["libelle_indicateur"] == table["indicateur"].map(labels)).all()
    assert (table["libelle_parcours"] == table["parcours"].map(parcours)).all()
    order = list(element.proto.column_order)
    assert order.index("libelle_indicateur") < order.index("indicateur")  # the label first, the code beside
    assert "Agents déclarant une surcharge" in set(table["libelle_indicateur"])  # the demo's SURCHARGE_AGENTS

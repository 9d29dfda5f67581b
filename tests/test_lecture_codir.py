"""Lecture CODIR (issue 11): the answer first on Vue d'ensemble and Direction, Parcours opening on what
changed, statistical detail behind an expander, one colour and one symbol per verdict in every chart.

Expected values come from SQL on the ``resultats`` table of the demo base, never from
``indicateurs.changements`` (the code under test).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import streamlit as st

from indicateurs import graphiques, tableaux
from indicateurs.changements import indicator_groups
from indicateurs.format_fr import format_interval, format_signed, with_unit
from indicateurs.referentiel_store import read_referentiel
from tests.outils.pages import open_page

IMPROVEMENT, NO_CHANGE, DEGRADATION = ("amélioration significative", "pas de changement détectable",
                                       "dégradation significative")
AGENTS_FAMILY = "conditions de travail des agents"
MARKS = {"▼": DEGRADATION, "▲": IMPROVEMENT}
BULLET = re.compile(r"^- ([▼▲]) \*\*(.+?)\*\* \((.+?)\) : (.+)$")
ITEM = re.compile(r"^(.+) \*\*(.+?)\*\*( \(provisoire\))?$")


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def _sql(db, statement, params=()):
    with db.transaction() as con:
        con.execute(statement, list(params))


def stored_changes(db, direction: str | None) -> pd.DataFrame:
    """Every significant series (neutral volume excluded) with its side, straight from SQL."""
    rows = db.query_df("""
        SELECT r.parcours, r.indicateur, r.verdict, r.effet, r.effet_unite, i.famille
        FROM resultats r JOIN parcours p ON p.code = r.parcours JOIN indicateurs i ON i.code = r.indicateur
        WHERE r.verdict IN (?, ?) AND i.sens <> 'neutre' AND (? IS NULL OR p.direction = ?)
    """, [IMPROVEMENT, DEGRADATION, direction, direction])
    rows["cote"] = ["Agents" if f == AGENTS_FAMILY else "Usagers" for f in rows["famille"]]
    return rows


def unescape(text: str) -> str:
    """Markdown text as the reader sees it (``ui.texte.litteral`` backslash-escapes punctuation)."""
    return re.sub(r"\\(.)", r"\1", text)


def read_column(column, labels: dict[str, str]) -> tuple[list[tuple], list[tuple], str | None]:
    """(shown, rest, « et N autres » line) of one column of the answer: tuples (mark, parcours, indicator,
    effect, provisional), in the order read."""
    def parse(markdown: str) -> list[tuple]:
        out = []
        for line in markdown.splitlines():
            bullet = BULLET.match(line)
            assert bullet, line
            mark, _label, code, items = bullet.groups()
            for item in items.split(" · "):
                name, effect, provisional = ITEM.match(unescape(item)).groups()
                out.append((mark, unescape(code), labels[name], unescape(effect), bool(provisional)))
        return out

    lists = [m.value for m in column.markdown if m.value.startswith("- ")]
    shown = parse(lists[0]) if lists else []
    rest = [r for e in column.expander for r in parse(e.markdown[0].value)]
    announce = next((unescape(m.value) for m in column.markdown if m.value.startswith("*et ")), None)
    return shown, rest, announce


def answer_columns(at) -> dict[str, object]:
    return {c.subheader[0].value: c for c in at.columns if len(c.subheader) and c.subheader[0].value in
            ("Usagers", "Agents")}


@pytest.mark.parametrize("page, direction", [("pages/vue_ensemble.py", None), ("pages/direction.py", "DFA"),
                                             ("pages/vue_ensemble.py", "DVD")])
def test_the_answer_lists_exactly_the_stored_significant_changes_deteriorations_first(demo_db, monkeypatch, page,
                                                                                       direction):
    at = open_page(demo_db, monkeypatch, page, **({"direction": direction} if direction else {}))
    labels = dict(demo_db.query_df("SELECT libelle, code FROM indicateurs").itertuples(index=False, name=None))
    expected = stored_changes(demo_db, direction)
    assert len(expected), "the demo base has significant changes here"
    columns = answer_columns(at)
    assert list(columns) == ["Usagers", "Agents"]
    for side, column in columns.items():
        shown, rest, announce = read_column(column, labels)
        mine = expected[expected["cote"] == side]
        got = shown + rest
        assert {(MARKS[m], p, i) for m, p, i, _e, _pr in got} == set(zip(mine["verdict"], mine["parcours"],
                                                                          mine["indicateur"])), side
        assert len(got) == len(mine)  # each change named once
        for part in (shown, rest):  # deteriorations first, on screen and in the rest
            marks = [m for m, *_ in part]
            assert marks == sorted(marks, key=lambda m: m != "▼"), side
        effects = {(p, i): with_unit(format_signed(e), u or "") for p, i, e, u in
                   zip(mine["parcours"], mine["indicateur"], mine["effet"], mine["effet_unite"])}
        assert all(effects[(p, i)] == e for _m, p, i, e, _pr in got)
        # capped lists say how many are left, and the expander holds exactly those; a parcours's changes of
        # one kind are never split between the two, and up to 10 deteriorations are all in view
        if rest:
            assert announce.startswith(f"*et {len(rest)} autre")
        else:
            assert announce is None
        assert not {(m, p) for m, p, *_ in shown} & {(m, p) for m, p, *_ in rest}
        worse = (mine["verdict"] == DEGRADATION).sum()
        if worse <= 10:
            assert sum(m == "▼" for m, *_ in shown) == worse


def test_the_win_win_check_names_each_parcours_where_users_and_agents_moved_apart(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/vue_ensemble.py")
    rows = stored_changes(demo_db, None)
    apart = set()
    for code, part in rows.groupby("parcours"):
        sides = set(zip(part["cote"], part["verdict"]))
        if {("Usagers", IMPROVEMENT), ("Agents", DEGRADATION)} <= sides or \
                {("Agents", IMPROVEMENT), ("Usagers", DEGRADATION)} <= sides:
            apart.add(code)
    assert apart, "the demo base plants users winning while agents lose"
    check = next(unescape(m.value) for m in at.markdown if unescape(m.value).startswith("**Gagnant-gagnant ?"))
    assert f"Non pour {len(apart)} parcours" in check
    sentences = next(m.value for m in at.markdown if m.value.startswith("- ") and "y gagnent" in m.value)
    named = {unescape(line[2:]).split(" (")[0] for line in sentences.splitlines()}
    assert named == apart


def test_nothing_changed_and_nothing_deployed_are_said_in_french(demo_db, monkeypatch):
    _sql(demo_db, "UPDATE resultats SET verdict = ? WHERE parcours LIKE 'DPE-%' AND verdict IN (?, ?)",
         [NO_CHANGE, IMPROVEMENT, DEGRADATION])
    at = open_page(demo_db, monkeypatch, "pages/direction.py", direction="DPE")
    columns = answer_columns(at)
    for side, column in columns.items():
        texts = [m.value for m in column.markdown]
        assert f"Aucune amélioration ni dégradation significative pour les {side.lower()}." in texts
        assert not column.expander
    assert any(unescape(m.value).startswith("**Gagnant-gagnant ? Aucun parcours") for m in at.markdown)
    at = open_page(demo_db, monkeypatch, "pages/direction.py", direction="DICOM")  # nothing deployed
    assert any("Aucun parcours déployé n'a encore de verdict" in i.value for i in at.info)
    assert not answer_columns(at)


def test_direction_cards_give_each_number_once(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/direction.py", direction="DPE")
    cards = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    stored = demo_db.query_df("SELECT effet, effet_bas, effet_haut, effet_unite FROM resultats r JOIN parcours p "
                              "ON p.code = r.parcours WHERE p.direction = 'DPE' AND NOT insuffisant")
    for row in stored.itertuples():
        change = f"{with_unit(format_signed(row.effet), row.effet_unite or '')} {format_interval(row.effet_bas, row.effet_haut)}"
        assert cards.count(change) == 1, change  # in its card, not again in a sentence under it


def test_parcours_opens_on_a_changed_indicator_with_statistics_behind_an_expander(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "pages/parcours.py", parcours="DVD-STATIONNEMENT")
    worse = set(demo_db.query_df("SELECT indicateur FROM resultats WHERE parcours = 'DVD-STATIONNEMENT' "
                                 "AND verdict = ?", [DEGRADATION])["indicateur"])
    assert worse, "the demo's DVD-STATIONNEMENT has deteriorations"
    assert at.selectbox(key="indicateur").value in worse
    # the reader's material before the data team's
    subheaders = [s.value for s in at.subheader]
    assert subheaders.index("Tous les indicateurs du parcours") < subheaders.index("Les valeurs reçues et leur provenance")
    # p-values and method names only inside « Détails statistiques »
    details = next(e for e in at.expander if e.label == "Détails statistiques")
    assert "p ajustée (BH)" in details.dataframe[0].value.columns
    assert "Benjamini et Hochberg" in details.markdown[0].value
    with_p = [d for d in at.dataframe if "p ajustée (BH)" in d.value.columns or "Méthode" in d.value.columns]
    assert len(with_p) == 1
    outside = "\n".join([m.value for m in at.markdown if m.value != details.markdown[0].value]
                        + [c.value for c in at.caption])
    for jargon in ("p ajustée", "Newey", "placebo", "moindres carrés"):
        assert jargon not in outside


# --- figures: counts on every segment, one colour and one symbol per verdict ----------------------------------

def _segments(fig) -> dict[str, dict[str, str]]:
    """Per bar label, every text standing for a segment: inside the segment or just after its bar."""
    out: dict[str, list[str]] = {}
    for trace in fig.data:
        for label, text in zip(trace.y, trace.text):
            out.setdefault(label, []).append(text)
    for note in fig.layout.annotations:
        out.setdefault(note.y, []).extend(note.text.split(" · "))
    return out


def test_every_bar_segment_carries_its_symbol_and_count(demo_db):
    verdicts = tableaux.verdict_rows(demo_db, read_referentiel(demo_db))
    counts = verdicts.assign(groupe=verdicts["indicateur"]).pivot_table(
        index="groupe", columns="verdict", values="parcours", aggfunc="count", fill_value=0)
    frame = pd.DataFrame({"groupe": counts.index,
                          "amelioration": counts.get(IMPROVEMENT, 0), "degradation": counts.get(DEGRADATION, 0),
                          "pas_de_changement": counts.get(NO_CHANGE, 0),
                          "insuffisant": counts.get("données insuffisantes", 0)}).reset_index(drop=True)
    fig = graphiques.stacked_counts(frame, "groupe", "test")
    texts = _segments(fig)
    symbols = {"amelioration": "▲", "degradation": "▼", "pas_de_changement": "●", "insuffisant": "○"}
    small = 0
    for row in frame.itertuples():
        for column, symbol in symbols.items():
            n = int(getattr(row, column))
            if n:
                assert f"{symbol} {n}" in texts[row.groupe], (row.groupe, column)
                small += f"{symbol} {n}" not in [t for tr in fig.data for lab, t in zip(tr.y, tr.text)
                                                 if lab == row.groupe]
    assert small, "some segments are too narrow for their text: it goes after the bar"
    for trace in fig.data:
        assert not (trace.marker.pattern and trace.marker.pattern.shape), "no hatching: one look per verdict"


def test_one_colour_and_one_symbol_per_verdict_in_every_chart(demo_db):
    ref = read_referentiel(demo_db)
    verdicts = tableaux.verdict_rows(demo_db, ref)
    bars = graphiques.stacked_counts(tableaux.counts_by_group(verdicts).query("total > 0"), "groupe", "test")
    bar_colour = {t.name.split(" ")[0]: t.marker.color for t in bars.data}
    heat = graphiques.verdict_heatmap(tableaux.verdict_grid(verdicts, ref), indicator_groups(ref))
    legend_colour = {t.name.split(" ")[0]: t.marker.color for t in heat.data if t.type == "scatter"}
    scale = heat.data[0].colorscale
    k = len(graphiques.CATEGORIES)
    cell_colour = {}
    for n, (_key, _verdict, label) in enumerate(graphiques.CATEGORIES):
        cell_colour[label.split(" ")[0]] = scale[2 * n][1]
    effects = pd.DataFrame({"libelle_indicateur": ["a", "b"], "effet": [1.0, -1.0], "effet_bas": [0.5, -2.0],
                            "effet_haut": [2.0, -0.5], "effet_unite": ["pt", "pt"],
                            "verdict": [IMPROVEMENT, DEGRADATION]})
    forest = graphiques.effect_forest(effects, "test")
    forest_colour = {t.name.split(" ")[0]: t.marker.color for t in forest.data}
    for mark in ("▲", "▼"):
        colours = {bar_colour[mark], legend_colour[mark], cell_colour[mark], forest_colour[mark]}
        assert len(colours) == 1, (mark, colours)
    assert bar_colour["●"] == cell_colour["●"] and bar_colour["○"] == cell_colour["○"]
    assert len({bar_colour[m] for m in ("▲", "▼", "●")}) == 3 and len(scale) == 2 * k
    # the cell symbols are the verdicts' symbols
    cells = {s.rstrip("*") for row in heat.data[0].text for s in row}
    assert {"▲", "▼", "●", "○", "–"} <= cells


def test_heat_map_columns_are_grouped_users_agents_volume(demo_db):
    ref = read_referentiel(demo_db)
    verdicts = tableaux.verdict_rows(demo_db, ref, direction="DPE")
    fig = graphiques.verdict_heatmap(tableaux.verdict_grid(verdicts, ref, "DPE"), indicator_groups(ref))
    families = dict(demo_db.query_df("SELECT libelle, famille FROM indicateurs").itertuples(index=False, name=None))
    sens = dict(demo_db.query_df("SELECT libelle, sens FROM indicateurs").itertuples(index=False, name=None))
    sides = ["Agents" if families[x] == AGENTS_FAMILY else "Activité" if sens[x] == "neutre" else "Usagers"
             for x in fig.data[0].x]
    # each side's columns side by side, users first
    assert sides == sorted(sides, key=["Usagers", "Agents", "Activité"].index)
    headers = [a.text for a in fig.layout.annotations]
    assert {"<b>Usagers</b>", "<b>Agents</b>", "Règle d'or 1", "Règle d'or 4", "Satisfaction"} <= set(headers)
    assert list(fig.data[0].y) == ["DPE-ENCOMBRANTS", "DPE-DANSMARUE"]


def test_small_multiples_write_numbers_the_french_way(demo_db):
    ref = read_referentiel(demo_db)
    values = tableaux.overview_values(demo_db, ref, "DVD-STATIONNEMENT")
    verdicts = tableaux.verdict_rows(demo_db, ref, parcours="DVD-STATIONNEMENT")
    fig = graphiques.overview_multiples(values, verdicts, None, [i.code for i in ref.indicateurs])
    axes = [fig.layout[name] for name in fig.layout if name.startswith("yaxis")]
    assert len(axes) >= 21
    for axis in axes:  # an explicit d3 format with grouped thousands, never Plotly's SI « 35k »
        assert axis.tickformat and axis.tickformat.startswith(",") and not axis.tickformat.endswith("s")
    assert fig.layout.separators == ",\u202f"

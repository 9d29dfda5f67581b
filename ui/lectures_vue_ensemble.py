"""The Vue d'ensemble page's reads and what it writes from them, built once per data version and shared,
read-only, by every session.

Decorated here rather than in pages/vue_ensemble.py because Streamlit re-executes a page on every rerun and each
``st.cache_resource`` decorator in it then hashes its function's source again (see ui/lectures_parcours.py).
Everything a warm rerun used to rebuild (the tables on screen, the charts' tables and text alternatives) is
built here once, so that the page hands the same frames to ``show_chart`` and ``printable_dataframe`` from one
rerun to the next and ``ui.memo`` reuses what they build from them (issue 12). Keyed by the data version
(``ui.contexte.version``) like every page cache: an import shows at once.

Shared, read-only, never copied (``st.cache_data`` pickled the 63k-row frames of 100 times the demo on every
cold run and unpickled them on every rerun): the page modifies nothing these return.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from indicateurs import changements, graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number, format_percent
from indicateurs.priorites import marked_first
from indicateurs.synthese import key_figures, parcours_table

# The verdict map's data table, as the reader reads it under the map and downloads it.
MAP_COLUMNS = ["parcours", "libelle_parcours", "indicateur", "libelle_indicateur", "verdict_affiche", "phrase"]
MAP_TITLES = {"parcours": "Parcours", "libelle_parcours": "Libellé du parcours", "indicateur": "Indicateur",
              "libelle_indicateur": "Libellé de l'indicateur", "verdict_affiche": "Verdict", "phrase": "En une phrase"}
# The changed verdicts on screen and on paper (the page shows the first four, the sentence is on paper).
CHANGE_COLUMNS = ["parcours", "libelle_indicateur", "avant", "maintenant", "phrase"]


@st.cache_resource(show_spinner=False, max_entries=32)
def period_data(path: str, data_version: str, debut, fin, direction: str | None, _ref) -> dict:
    """The period's key figures (« chiffres ») and its table of parcours (« parcours », downloaded whole)."""
    db = Database(Path(path))
    table = parcours_table(db, _ref, debut=debut, fin=fin, direction=direction)
    return {"chiffres": key_figures(db, _ref, debut=debut, fin=fin, direction=direction, table=table),
            "parcours": table}


@st.cache_resource(show_spinner=False, max_entries=32)
def parcours_rows(path: str, data_version: str, debut, fin, direction: str | None, start: int, end: int,
                  _period: dict) -> pd.DataFrame:
    """The parcours ``start`` to ``end`` of ``period_data`` as the table on screen writes them: months and
    numbers in French, « aucune valeur », « exemple »."""
    shown = _period["parcours"].iloc[start:end]
    return shown.assign(
        deploiement=shown["deploiement"].map(format_month),
        dernier_mois=shown["dernier_mois"].map(lambda d: format_month(d) if d else "aucune valeur"),
        valeurs=shown["valeurs"].map(lambda n: format_number(n, 0)),
        exemple=shown["exemple"].map({True: "exemple", False: ""}),
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def verdict_data(path: str, data_version: str, direction: str | None, _ref) -> dict:
    """The direction's verdicts, whatever the period: the figures, « En bref », the counts per group, the map's
    rows and order (most marked first) and the verdicts that changed. Not the verdict rows themselves (43 MiB
    at 3,000 parcours, kept per direction): only what the page shows."""
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    status = tableaux.parcours_status(db, _ref, verdicts, direction)
    moved = tableaux.verdict_changes(db, _ref, direction)
    answer = changements.what_changed(db, _ref, direction=direction, verdicts=verdicts, moved=moved)
    grid = tableaux.verdict_grid(verdicts, _ref, direction)
    in_order = grid.drop_duplicates("parcours").sort_values("ordre_parcours")["parcours"].tolist()
    return {"ordre_carte": marked_first(in_order, grid), "sans_verdict": verdicts.empty,
            "chiffres": tableaux.verdict_figures(status),
            "comptes": tableaux.counts_by_group(verdicts), "grille": grid,
            "changements": moved, "telechargement_changements": moved.drop(columns=["avant", "maintenant"]),
            "en_bref": changements.in_brief(answer),
            "groupes": changements.indicator_groups(_ref)}


@st.cache_resource(show_spinner=False, max_entries=32)
def counts_chart(path: str, data_version: str, direction: str | None, _data: dict) -> dict:
    """The verdicts per golden rule and family: the figure, its text alternative and its data table (the
    groups with at least one series)."""
    counts = _data["comptes"][_data["comptes"]["total"] > 0]
    return {"figure": graphiques.stacked_counts(counts, "groupe", "Nombre de séries par verdict"),
            "donnees": counts.drop(columns="type"),
            "alt": "Barres empilées des verdicts par règle d'or et par famille : " + " ; ".join(
                f"{r.groupe} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
                f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in counts.itertuples())}


def _map_rows(data: dict, start: int, end: int) -> pd.DataFrame:
    """The verdict map's rows for parcours ``start`` to ``end`` of the « most marked first » order (all of
    them when they fit on one page)."""
    grid = data["grille"]
    if end - start >= len(data["ordre_carte"]):
        return grid
    return grid[grid["parcours"].isin(data["ordre_carte"][start:end])]


@st.cache_resource(show_spinner=False, max_entries=32)
def map_page(path: str, data_version: str, direction: str | None, start: int, end: int, _data: dict) -> dict:
    """The verdict map of parcours ``start`` to ``end``: its figure, its rows (« lignes », every column: the
    chart's table keeps ``MAP_COLUMNS``) and its text alternative."""
    grid = _map_rows(_data, start, end)
    counts = grid["verdict"].value_counts()
    return {"figure": graphiques.verdict_heatmap(grid, _data["groupes"]), "lignes": grid,
            "alt": f"Carte des verdicts de {grid['parcours'].nunique()} parcours sur {grid['indicateur'].nunique()} "
                   "indicateurs : " + ", ".join(f"{n} {v}" for v, n in counts.items()) + "."}


@st.cache_resource(show_spinner=False, max_entries=8)
def whole_map(path: str, data_version: str, direction: str | None, _data: dict) -> dict:
    """The whole map when it spans several pages: its download and the words of the caption above it."""
    grid = _data["grille"]
    return {"telechargement": grid[MAP_COLUMNS].rename(columns=MAP_TITLES),
            "legende": f"Toute la carte ({format_number(grid['parcours'].nunique(), 0)} parcours, "
                       f"{format_number(len(grid), 0)} lignes) :"}


@st.cache_resource(show_spinner=False, max_entries=32)
def change_rows(path: str, data_version: str, direction: str | None, start: int, end: int,
                _data: dict) -> pd.DataFrame:
    """The changed verdicts ``start`` to ``end``, with the columns of the table on screen and on paper."""
    return _data["changements"].iloc[start:end][CHANGE_COLUMNS]


@st.cache_resource(show_spinner=False, max_entries=8)
def direction_data(path: str, data_version: str, _ref) -> dict:
    """Every direction at once: the scores and the last month's completeness, each with the table under its
    chart (the stored number and the number as written) and its text alternative."""
    db = Database(Path(path))
    scores = tableaux.direction_scores(db, _ref)
    completude = tableaux.completeness_last_month(db, _ref)
    found = {"scores": scores, "completude": completude,
             "donnees_scores": scores.assign(score_affiche=scores["score"].map(lambda s: format_number(s, 2))),
             "alt_scores": "Score par direction, du meilleur au moins bon : " + ", ".join(
                 f"{r.direction} {format_number(r.score, 2)}" for r in scores.itertuples()) + "."}
    if completude.mois is not None:
        frame = completude.par_direction
        found |= {"donnees_completude": frame.assign(taux_affiche=frame["taux"].map(format_percent)),
                  "alt_completude": f"Complétude de {format_month(completude.mois)} par direction : " + ", ".join(
                      f"{r.direction} {format_percent(r.taux)}" for r in frame.itertuples()) + "."}
    return found


@st.cache_resource(show_spinner=False, max_entries=32)
def direction_charts(path: str, data_version: str, direction: str | None, _data: dict) -> dict:
    """The two charts per direction, the chosen direction highlighted: « scores » and « completude » (each
    absent when there is nothing to draw)."""
    figures = {}
    if not _data["scores"].empty:
        figures["scores"] = graphiques.direction_score_bars(_data["scores"], direction)
    completude = _data["completude"]
    if completude.mois is not None and not completude.par_direction.empty:
        figures["completude"] = graphiques.completeness_bars(completude.par_direction, completude.mois, direction)
    return figures

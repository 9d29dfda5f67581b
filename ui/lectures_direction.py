"""The Direction page's reads and what it writes from them, built once per data version and shared, read-only,
by every session.

Decorated here rather than in pages/direction.py because Streamlit re-executes a page on every rerun and each
``st.cache_resource`` decorator in it then hashes its function's source again (see ui/lectures_parcours.py).
Everything a warm rerun used to rebuild (the chart's table and text alternative, the cards' texts, the table
of the parcours on screen, the results of the page of tabs) is built here once, so that the page keeps the
same frames from one rerun to the next and ``ui.memo`` can reuse what the shared helpers build from them
(issue 12). Keyed by the data version (``ui.contexte.version``) like every page cache: an import shows at once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from indicateurs import changements, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number
from indicateurs.graphiques import effect_forest, stacked_counts
from indicateurs.priorites import marked_first
from ui.texte import litteral

CHART_PARCOURS = 30  # bars of the verdicts chart (beyond, the most marked ones)
# The verdicts chart's data table, as the reader reads it under the chart.
COUNTS_KEPT = ["code", "libelle", "amelioration", "pas_de_changement", "degradation", "insuffisant"]
# The results' download: every stored column a reader can use.
RESULT_COLUMNS = ["parcours", "indicateur", "libelle_indicateur", "verdict", "provisoire", "moyenne_avant",
                  "moyenne_apres", "estimate", "low", "high", "effet_unite", "mois_avant", "mois_apres", "p_valeur",
                  "p_ajustee", "methode", "phrase"]


@st.cache_resource(show_spinner=False, max_entries=8)
def all_directions(path: str, data_version: str, _ref) -> dict:
    """Every direction at once: the overview (downloaded) and its table as shown, the score written in French
    next to the name and « déployés / parcours »."""
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref)
    status = tableaux.parcours_status(db, _ref, verdicts)
    overview = tableaux.direction_overview(status, tableaux.direction_scores(db, _ref), _ref)
    shown = overview.assign(score=overview["score"].map(lambda s: format_number(s, 2)),
                            deployes=[f"{d} / {n}" for d, n in zip(overview["deployes"], overview["parcours"])])
    return {"apercu": overview, "affiche": shown[["direction", "libelle", "score", "deployes", "degradation",
                                                   "amelioration", "pas_de_changement", "insuffisant"]]}


@st.cache_resource(show_spinner=False, max_entries=32)
def direction_data(path: str, data_version: str, direction: str, _ref) -> dict:
    """One direction: its stored results, its parcours with their status, their order (most marked first),
    the aggregated effects, the score, « En bref », the figures of its metrics and the results' download."""
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, direction=direction)
    scores = tableaux.direction_scores(db, _ref)
    score = scores.loc[scores["direction"] == direction, "score"]
    answer = changements.what_changed(db, _ref, direction=direction, verdicts=verdicts)
    parcours = tableaux.parcours_status(db, _ref, verdicts, direction)
    score = float(score.iloc[0]) if len(score) else None
    deployed = int((parcours["statut"] == "déployé").sum())
    return {"verdicts": verdicts, "parcours": parcours, "ordre": marked_first(parcours["code"].tolist(), verdicts),
            "effets": tableaux.direction_effects(db, _ref, direction), "score": score,
            "en_bref": changements.in_brief(answer), "deployes": deployed,
            "chiffres": [format_number(len(parcours), 0), format_number(deployed, 0),
                         format_number(score, 2) if score is not None else "–",
                         format_number(int(parcours["amelioration"].sum()), 0),
                         format_number(int(parcours["degradation"].sum()), 0)],
            "telechargement_resultats": verdicts[RESULT_COLUMNS] if len(verdicts) else None}


@st.cache_resource(show_spinner=False, max_entries=32)
def parcours_table(path: str, data_version: str, direction: str, debut: int, fin: int, _data: dict) -> pd.DataFrame:
    """The parcours ``debut`` to ``fin`` as the table on screen writes them: month and score in French, the
    status without its month (in « Déploiement »)."""
    shown = _data["parcours"].iloc[debut:fin]
    shown = shown.assign(deploiement=shown["deploiement"].map(format_month),
                         score=shown["score"].map(lambda s: format_number(s, 2)))
    return shown.drop(columns=["direction", "provisoires"]).assign(statut=[s.split(" (")[0] for s in shown["statut"]])


def _judged(data: dict) -> tuple[pd.DataFrame, int]:
    """The deployed parcours of the verdicts chart: all of them, or the CHART_PARCOURS most marked (the
    most significant deteriorations, then improvements) when there are more, and how many are left out."""
    judged = data["parcours"][data["parcours"]["statut"] == "déployé"]
    if len(judged) <= CHART_PARCOURS:
        return judged, 0
    deployed = set(judged["code"])
    first = [c for c in data["ordre"] if c in deployed][:CHART_PARCOURS]
    return judged.set_index("code").loc[first].reset_index(), len(judged) - CHART_PARCOURS


@st.cache_resource(show_spinner=False, max_entries=32)
def charts(path: str, data_version: str, direction: str, _data: dict) -> dict:
    """The direction's two charts, each with its text alternative and its data: « comptes » (the verdicts per
    deployed parcours, with how many parcours it leaves out) and « effets » (the aggregated effects)."""
    found = {}
    judged, hidden = _judged(_data)
    if len(judged):
        found["comptes"] = {
            "figure": stacked_counts(judged, "code", f"Verdicts des parcours de la direction {direction}"),
            "donnees": judged, "caches": hidden,
            "alt": "Verdicts par parcours de la direction : " + " ; ".join(
                f"{r.code} : {r.amelioration} amélioration(s), {r.pas_de_changement} sans changement, "
                f"{r.degradation} dégradation(s), {r.insuffisant} insuffisant(s)" for r in judged.itertuples())}
    effects = _data["effets"]
    if len(effects):
        found["effets"] = {
            "figure": effect_forest(effects, f"Effet de la refonte, direction {direction} (pondéré par le volume)"),
            "donnees": effects,
            "alt": f"Effets agrégés de la direction {direction} : " + " ; ".join(
                f"{r.libelle_indicateur} : {tableaux.change_text(r.effet, r.effet_bas, r.effet_haut, r.effet_unite)}, "
                f"{r.verdict}" for r in effects.itertuples()) + "."}
    return found


def _card(row) -> dict:
    """One indicator's before/after card as written: title (the stored sentence as its tooltip), verdict, then
    the means and the change, or the sentence alone when the data are insufficient."""
    card = {"titre": f"**{litteral(row.libelle_indicateur)}**", "aide": row.phrase or None,
            "verdict": tableaux.verdict_badge(row.verdict, row.provisoire)}
    if row.verdict == tableaux.INSUFFICIENT:
        return card | {"insuffisant": litteral(row.phrase)}
    return card | {"texte": (
        f"{card['verdict']}\n\n"
        f"Moyenne des 12 mois avant : **{tableaux.format_mean(row.moyenne_avant, row.unite)}**  \n"
        f"Moyenne depuis le déploiement : **{tableaux.format_mean(row.moyenne_apres, row.unite)}** "
        f"({row.mois_apres} mois)\n\n"
        f"Changement estimé : **{tableaux.change_text(row.estimate, row.low, row.high, row.effet_unite)}**")}


@st.cache_resource(show_spinner=False, max_entries=32)
def tabs_page(path: str, data_version: str, direction: str, debut: int | None, fin: int | None,
              _data: dict) -> dict:
    """The parcours in tabs (all of them, or ``debut`` to ``fin`` of the most marked first): for each, its
    header line and its cards (deteriorations first, then improvements; None when not yet judged), and the
    results of these parcours for the table below."""
    parcours, verdicts = _data["parcours"], _data["verdicts"]
    in_tabs = parcours
    if debut is not None:
        in_tabs = parcours.set_index("code", drop=False).loc[_data["ordre"]].iloc[debut:fin].reset_index(drop=True)
    tabs = []
    for p in in_tabs.itertuples():
        mine = verdicts[verdicts["parcours"] == p.code]
        cards = None
        if p.statut == "déployé" and not mine.empty:
            mine = mine.assign(rang=mine["verdict"].map(changements.verdict_rank)).sort_values("rang", kind="stable")
            cards = [_card(row) for row in mine.itertuples()]
        tabs.append({"code": p.code, "cartes": cards,
                     "entete": f"**{litteral(p.libelle)}** · déploiement : "
                               f"{format_month(p.deploiement) if p.deploiement else 'non planifié'} · {p.statut}"})
    on_page = verdicts if len(in_tabs) == len(parcours) else verdicts[verdicts["parcours"].isin(in_tabs["code"])]
    return {"onglets": tabs, "resultats": on_page}

"""The Parcours page's reads, built once per data version and shared, read-only, by every session.

They live in a module rather than in pages/parcours.py because Streamlit re-executes a page on every rerun, and
each ``st.cache_resource`` decorator in it then hashes its function's source code again (tokenizing it: about
4 ms a rerun for these functions, issue 12); decorated here, they are hashed once per process. Keyed by the
data version (``ui.contexte.version``) like every page cache: an import shows at once.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from indicateurs import changements, graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_value
from indicateurs.mois import month_code, parse_month_code

# The key of the expander holding every indicator's small chart (drawn once opened). Here rather than in the
# page, so tests can name it without importing the page, which would run it.
GLANCE_KEY = "petits-graphiques"


# Shared, read-only, never copied (cache_data unpickled the parcours' frames on every rerun): the page modifies
# nothing these return. Everything a rerun would otherwise redo (periods, orders, tables written for the reader)
# is built here once, so a warm rerun only sends what it shows (issue 12).
@st.cache_resource(show_spinner=False, max_entries=32)
def parcours_data(path: str, data_version: str, code: str, _ref) -> dict:
    """One parcours, whatever the period: its stored results, values, changes, deployment status, the order
    of its indicators (those that changed first), the verdict counts and the results' tables."""
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, parcours=code)
    changed = changements.significant_changes(verdicts, _ref)
    values = tableaux.stored_values(db, code)
    received = set(values["indicateur"])
    # The indicators that changed come first (deteriorations, then improvements): the page opens on one of them.
    order = changements.changed_first([i.code for i in _ref.indicateurs if i.code in received], verdicts)
    judged = set(verdicts["indicateur"])
    return {"verdicts": verdicts, "valeurs": values,
            "changements": [changements.change_line(r) for r in changed.itertuples()],
            "apercu": tableaux.overview_values(db, _ref, code),
            "statut": tableaux.deployment_status(_ref.un_parcours(code).date_deploiement, tableaux.last_data_month(db)),
            "ordre": order, "symboles": dict(zip(verdicts["indicateur"], verdicts["symbole"])),
            "comptes": verdicts["verdict"].map(tableaux.COUNT_COLUMNS).value_counts().to_dict(),
            "resultats": verdicts.set_index("indicateur").loc[[c for c in order if c in judged]].reset_index(),
            "telechargement_resultats": verdicts.drop(columns=["symbole", "verdict_affiche"])}


@st.cache_resource(show_spinner=False, max_entries=32)
def period_data(path: str, data_version: str, code: str, debut, fin, _data: dict) -> dict:
    """The parcours' values and overview inside the period, and the values' download."""
    values = tableaux.months_of(_data["valeurs"], debut, fin)
    overview = tableaux.months_of(_data["apercu"], debut, fin)
    return {"valeurs": values, "telechargement_valeurs": values.assign(mois=values["mois"].map(month_code)),
            "apercu": overview, "nombre_apercu": overview["indicateur"].nunique()}


@st.cache_resource(show_spinner=False, max_entries=64)
def _series(path: str, data_version: str, code: str, indicateur: str, _ref) -> tableaux.SerieIndicateur:
    return tableaux.indicator_series(Database(Path(path)), _ref, code, indicateur)


@st.cache_resource(show_spinner=False, max_entries=64)
def indicator_data(path: str, data_version: str, code: str, indicateur: str, debut, fin, _ref, _data: dict,
               _period: dict) -> dict:
    """One indicator over the period: its chart, the chart's text alternative and data, its values with their
    provenance as written on screen, and the months of its values (oldest first)."""
    serie = _series(path, data_version, code, indicateur, _ref)
    p, ind = _ref.un_parcours(code), _ref.indicateur(indicateur)
    points = tableaux.months_of(serie.points, debut, fin)
    view = {"serie": serie, "points": points}
    if not points.empty:
        parts = [f"{ind.libelle}, {p.code}, de {format_month(points['mois'].min())} à "
                 f"{format_month(points['mois'].max())} : {len(points)} valeurs, la dernière "
                 f"{format_value(points['valeur'].iloc[-1], ind.unite)}"]
        if p.date_deploiement:
            parts.append(f"déploiement en {format_month(parse_month_code(p.date_deploiement))}")
        if serie.moyenne_reference is not None:
            parts.append(f"moyenne des 12 mois avant {format_value(serie.moyenne_reference, ind.unite)}")
        if serie.cible is not None:
            parts.append(f"cible {format_value(serie.cible, ind.unite)}")
        if serie.phrase:
            parts.append(serie.phrase)
        view |= {"figure": graphiques.series_chart(serie, debut, fin), "alt": " ; ".join(parts) + ".",
                 "donnees": points.assign(mois=points["mois"].map(month_code))}
    values = _period["valeurs"]
    mine = values[values["indicateur"] == indicateur]
    view["provenance"] = mine.assign(
        mois=mine["mois"].map(format_month), commentaire=mine["commentaire"].fillna(""),
        valeur=mine["valeur"].map(lambda v: format_value(v, ind.unite)),
        importe_le=mine["importe_le"].map(lambda t: f"{t:%d/%m/%Y %H:%M}")).drop(columns="indicateur")
    all_values = _data["valeurs"]
    view["mois"] = [month_code(m) for m in all_values.loc[all_values["indicateur"] == indicateur, "mois"]]
    return view


@st.cache_resource(show_spinner=False, max_entries=64)
def value_history(path: str, data_version: str, code: str, indicateur: str, mois, unite: str) -> dict:
    """One value's revisions, raw (the download) and as written on screen."""
    history = tableaux.revision_history(Database(Path(path)), code, indicateur, mois)
    return {"brut": history, "affiche": history.assign(
        horodatage=history["horodatage"].map(lambda t: f"{t:%d/%m/%Y %H:%M}"),
        valeur_avant=history["valeur_avant"].map(lambda v: format_value(v, unite) if v == v else "(aucune)"),
        valeur_apres=history["valeur_apres"].map(lambda v: format_value(v, unite) if v == v else "(supprimée)"),
        commentaire_apres=history["commentaire_apres"].fillna(""))}


@st.cache_resource(show_spinner=False, max_entries=32)
def overview_figure(path: str, data_version: str, code: str, debut, fin, _data: dict, _period: dict,
                     _deployment) -> tuple:
    """The small multiples and their data table: built only once the reader opens their expander."""
    overview = _period["apercu"]
    figure = graphiques.overview_multiples(overview, _data["verdicts"], _deployment, list(_data["ordre"]))
    table = overview.assign(mois=overview["mois"].map(month_code))[
        ["indicateur", "libelle_indicateur", "mois", "valeur", "unite"]]
    return figure, table

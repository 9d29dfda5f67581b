"""Parcours: each indicator's monthly series around the deployment, down to any value and its history."""

from pathlib import Path

import streamlit as st

from indicateurs import changements, graphiques, tableaux
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number, format_value
from indicateurs.mois import month_code, parse_month_code
from ui.contexte import database, referentiel, version
from ui.details_statistiques import show_reader_results, statistical_details
from ui.graphique import show_chart
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters, url_selectbox
from ui.texte import litteral

GLANCE_KEY = "petits-graphiques"  # the expander of every indicator's small chart (drawn once opened)


@st.cache_data(show_spinner=False, max_entries=32)
def _parcours(path: str, data_version: int, code: str, _ref) -> dict:
    db = Database(Path(path))
    verdicts = tableaux.verdict_rows(db, _ref, parcours=code)
    changed = changements.significant_changes(verdicts, _ref)
    return {"verdicts": verdicts, "valeurs": tableaux.stored_values(db, code),
            "changements": [changements.change_line(r) for r in changed.itertuples()],
            "apercu": tableaux.overview_values(db, _ref, code),
            "statut": tableaux.deployment_status(_ref.un_parcours(code).date_deploiement, tableaux.last_data_month(db))}


@st.cache_data(show_spinner=False, max_entries=64)
def _series(path: str, data_version: int, code: str, indicateur: str, _ref) -> tableaux.SerieIndicateur:
    return tableaux.indicator_series(Database(Path(path)), _ref, code, indicateur)


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, data_version: int, code: str, indicateur: str, mois):
    return tableaux.revision_history(Database(Path(path)), code, indicateur, mois)


@st.cache_resource(show_spinner=False, max_entries=64)
def _series_figure(path: str, data_version: int, code: str, indicateur: str, debut, fin, _serie):
    return graphiques.series_chart(_serie, debut, fin)


@st.cache_resource(show_spinner=False, max_entries=32)
def _overview_figure(path: str, data_version: int, code: str, debut, fin, _data: dict, _order: tuple, _deployment):
    values = tableaux.months_of(_data["apercu"], debut, fin)
    return graphiques.overview_multiples(values, _data["verdicts"], _deployment, list(_order))


st.title("Parcours")
st.caption("Chaque indicateur d'un parcours, mois par mois, autour de son déploiement ; jusqu'à l'historique de "
           "chaque valeur.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()
choices = [p for p in ref.parcours if not direction or p.direction == direction]
if not choices:
    empty_state("Aucun parcours dans le référentiel pour cette direction.")
    st.stop()

labels = {p.code: f"{p.code} – {p.libelle}" for p in ref.parcours}
default = next((p.code for p in choices if p.date_deploiement), choices[0].code)
code = url_selectbox("Parcours", [p.code for p in choices], key="parcours", default=default,
                     format_func=lambda c: labels[c])
p = ref.un_parcours(code)
db = database()
path, data_version = str(db.path), version()
data = _parcours(path, data_version, code, ref)
deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None

st.header(litteral(p.libelle))
st.markdown(f"**{p.code}** · direction {p.direction} · public : {p.public} · déploiement : "
            f"**{format_month(deployment)}** · {data['statut']}")
if p.description:
    st.caption(litteral(p.description))

if data["valeurs"].empty:
    empty_state("Aucune valeur n'a encore été reçue pour ce parcours. Elles apparaîtront ici après le premier "
                "import du fichier mensuel de la direction.")
    st.stop()

verdicts = data["verdicts"]
if data["statut"] != "déployé" or verdicts.empty:
    empty_state("Ce parcours n'est pas encore déployé : pas encore de comparaison avant / après ni de verdict. "
                "Ses valeurs reçues sont affichées ci-dessous ; le verdict viendra après au moins 6 mois de recul.")
else:
    counts = verdicts["verdict"].map(tableaux.COUNT_COLUMNS).value_counts()
    cols = st.columns(4)
    cols[0].metric("▲ Améliorations significatives", format_number(int(counts.get("amelioration", 0)), 0))
    cols[1].metric("● Pas de changement détectable", format_number(int(counts.get("pas_de_changement", 0)), 0))
    cols[2].metric("▼ Dégradations significatives", format_number(int(counts.get("degradation", 0)), 0))
    cols[3].metric("○ Données insuffisantes", format_number(int(counts.get("insuffisant", 0)), 0))
    if data["changements"]:
        st.markdown("**Ce qui a changé depuis le déploiement** : " + " · ".join(
            f"{litteral(c.symbole)} {litteral(c.libelle_indicateur)} **{c.effet}**"
            + (" (provisoire)" if c.provisoire else "") for c in data["changements"]))
    else:
        st.markdown("**Ce qui a changé depuis le déploiement** : aucun changement significatif détecté.")

# --- the reader's part: what changed, indicator by indicator, then every indicator at a glance -------------
received = set(data["valeurs"]["indicateur"])
# The indicators that changed come first (deteriorations, then improvements): the page opens on one of them.
order = changements.changed_first([i.code for i in ref.indicateurs if i.code in received], verdicts)
symbols = dict(zip(verdicts["indicateur"], verdicts["symbole"]))
st.caption("Dans la liste des indicateurs, ceux qui ont changé viennent en premier, les dégradations d'abord.")
indicateur = url_selectbox("Indicateur", order, key="indicateur", default=order[0],
                           format_func=lambda c: f"{symbols.get(c, '–')} {ref.indicateur(c).libelle}")
ind = ref.indicateur(indicateur)
serie = _series(path, data_version, code, indicateur, ref)
st.subheader(litteral(ind.libelle))
st.caption(f"{ind.definition} Unité : {ind.unite} ; "
           + {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable",
              "neutre": "ni bon ni mauvais"}[ind.sens] + f" ; périodicité {ind.periodicite}.")
if serie.phrase:
    st.markdown(tableaux.verdict_badge(serie.verdict, serie.provisoire) + "  \n" + serie.phrase)
if serie.details:
    st.markdown("\n".join(f"- {line}" for line in serie.details))

points = tableaux.months_of(serie.points, debut, fin)
if points.empty:
    empty_state("Aucune valeur de cet indicateur sur la période choisie à gauche.")
else:
    fig = _series_figure(path, data_version, code, indicateur, debut, fin, serie)
    parts = [f"{ind.libelle}, {p.code}, de {format_month(points['mois'].min())} à {format_month(points['mois'].max())} : "
             f"{len(points)} valeurs, la dernière {format_value(points['valeur'].iloc[-1], ind.unite)}"]
    if deployment is not None:
        parts.append(f"déploiement en {format_month(deployment)}")
    if serie.moyenne_reference is not None:
        parts.append(f"moyenne des 12 mois avant {format_value(serie.moyenne_reference, ind.unite)}")
    if serie.cible is not None:
        parts.append(f"cible {format_value(serie.cible, ind.unite)}")
    if serie.phrase:
        parts.append(serie.phrase)
    show_chart(fig, alt=" ; ".join(parts) + ".", name=f"{p.code}-{indicateur}", key="serie",
               data=points.assign(mois=points["mois"].map(month_code)),
               columns={"mois": "Mois", "valeur": "Valeur", "contrefactuel": "Sans la refonte (modèle)",
                        "contrefactuel_bas": "Borne basse (95 %)", "contrefactuel_haut": "Borne haute (95 %)"})
    st.caption("Trait noir : valeurs reçues. Tirets bleus et bande bleue : ce que la tendance d'avant laissait "
               "attendre sans la refonte (contrefactuel du modèle) et son intervalle à 95 %. Pointillés orange : "
               "moyenne des 12 mois avant le déploiement. Trait mixte violet : la cible.")

st.subheader("Tous les indicateurs du parcours")
overview = tableaux.months_of(data["apercu"], debut, fin)
if not overview.empty:
    # One figure of a small chart per indicator (21 on most parcours): drawing it was most of the browser's time
    # on this page (issue 12). It sits below the chosen indicator's chart, so it is drawn when the reader opens
    # it (the expander reruns the page and says whether it is open); it stays open while the reader moves on.
    count = overview["indicateur"].nunique()
    glance = st.expander(f"Voir les {count} indicateurs en petits graphiques, ceux qui ont changé d'abord",
                         icon=":material/monitoring:", key=GLANCE_KEY, on_change="rerun")
    with glance:
        if glance.open:
            fig = _overview_figure(path, data_version, code, debut, fin, data, tuple(order), deployment)
            alt = (f"Petits graphiques des {count} indicateurs du parcours {p.code}, ceux qui ont changé d'abord, "
                   "chacun avec le symbole de son verdict et le mois de déploiement.")
            show_chart(fig, alt=alt, name=f"{p.code}-indicateurs", key="apercu",
                       data=overview.assign(mois=overview["mois"].map(month_code))[
                           ["indicateur", "libelle_indicateur", "mois", "valeur", "unite"]],
                       columns={"indicateur": "Code", "libelle_indicateur": "Indicateur", "mois": "Mois",
                                "valeur": "Valeur", "unite": "Unité"})
if not verdicts.empty:
    in_order = verdicts.set_index("indicateur").loc[[c for c in order if c in set(verdicts["indicateur"])]]
    show_reader_results(in_order.reset_index(), key="resultats-parcours", with_parcours=False)
    download_buttons(verdicts.drop(columns=["symbole", "verdict_affiche"]), f"resultats-{p.code}", key="resultats")
    statistical_details(verdicts)

# --- for the data team (SRU): where each value comes from and how it was revised -----------------------------
st.header("Provenance des valeurs")
st.caption("Pour le service des données : chaque valeur reçue, le fichier et l'import d'où elle vient, et "
           "l'historique de ses révisions.")
st.subheader("Les valeurs reçues et leur provenance")
values = tableaux.months_of(data["valeurs"], debut, fin)
mine = values[values["indicateur"] == indicateur]
st.dataframe(mine.assign(mois=mine["mois"].map(format_month), commentaire=mine["commentaire"].fillna(""),
                         valeur=mine["valeur"].map(lambda v: format_value(v, ind.unite)),
                         importe_le=mine["importe_le"].map(lambda t: f"{t:%d/%m/%Y %H:%M}"))
             .drop(columns="indicateur"),
             hide_index=True, width="stretch", column_config={
                 "mois": "Mois", "valeur": "Valeur", "commentaire": "Commentaire", "import_id": "Import n°",
                 "type_import": "Type", "fichier": "Fichier", "utilisateur": "Importé par",
                 "importe_le": "Importé le"})
st.caption("Les téléchargements contiennent toutes les valeurs du parcours sur la période, tous indicateurs.")
download_buttons(values.assign(mois=values["mois"].map(month_code)), f"valeurs-{p.code}", key="valeurs")

st.subheader("Historique d'une valeur")
months = [month_code(m) for m in data["valeurs"].loc[data["valeurs"]["indicateur"] == indicateur, "mois"]]
month = url_selectbox("Mois", months[::-1], key="mois", default=months[-1],
                      format_func=lambda m: format_month(parse_month_code(m)))
history = _history(path, data_version, code, indicateur, parse_month_code(month))
if history.empty:
    empty_state("Cette valeur n'a aucun historique enregistré.")
else:
    st.caption(f"Chaque écriture de la valeur de {format_month(parse_month_code(month))} : qui, quand, depuis quel "
               "fichier, et la valeur qu'elle a remplacée.")
    st.dataframe(history.assign(
        horodatage=history["horodatage"].map(lambda t: f"{t:%d/%m/%Y %H:%M}"),
        valeur_avant=history["valeur_avant"].map(lambda v: format_value(v, ind.unite) if v == v else "(aucune)"),
        valeur_apres=history["valeur_apres"].map(lambda v: format_value(v, ind.unite) if v == v else "(supprimée)"),
        commentaire_apres=history["commentaire_apres"].fillna("")),
        hide_index=True, width="stretch", column_config={
            "horodatage": "Quand", "utilisateur": "Qui", "type": "Type d'import", "fichier": "Fichier",
            "import_id": "Import n°", "valeur_avant": "Ancienne valeur", "valeur_apres": "Nouvelle valeur",
            "commentaire_apres": "Commentaire", "operation": "Opération"})
    download_buttons(history, f"historique-{p.code}-{indicateur}-{month}", key="historique")

"""Parcours: each indicator's monthly series around the deployment, down to any value and its history."""

import streamlit as st

from indicateurs import tableaux
from indicateurs.format_fr import format_month, format_number
from indicateurs.mois import parse_month_code
from ui.contexte import database, referentiel, version
from ui.details_statistiques import show_reader_results, statistical_details
from ui.graphique import show_chart
from ui.lectures_parcours import (GLANCE_KEY, indicator_data, overview_figure, parcours_data, period_data,
                                  value_history)
from ui.telechargements import download_buttons
from ui.mise_en_page import banner, empty_state, sidebar_filters, url_selectbox
from ui.texte import litteral

PROVENANCE_COLUMNS = {"mois": "Mois", "valeur": "Valeur", "commentaire": "Commentaire", "import_id": "Import n°",
                      "type_import": "Type", "fichier": "Fichier", "utilisateur": "Importé par",
                      "importe_le": "Importé le"}
HISTORY_COLUMNS = {"horodatage": "Quand", "utilisateur": "Qui", "type": "Type d'import", "fichier": "Fichier",
                   "import_id": "Import n°", "valeur_avant": "Ancienne valeur", "valeur_apres": "Nouvelle valeur",
                   "commentaire_apres": "Commentaire", "operation": "Opération"}

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
data = parcours_data(path, data_version, code, ref)
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
    counts = data["comptes"]
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
order, symbols = data["ordre"], data["symboles"]
st.caption("Dans la liste des indicateurs, ceux qui ont changé viennent en premier, les dégradations d'abord.")
indicateur = url_selectbox("Indicateur", order, key="indicateur", default=order[0],
                           format_func=lambda c: f"{symbols.get(c, '–')} {ref.indicateur(c).libelle}")
ind = ref.indicateur(indicateur)
period = period_data(path, data_version, code, debut, fin, data)
view = indicator_data(path, data_version, code, indicateur, debut, fin, ref, data, period)
serie = view["serie"]
st.subheader(litteral(ind.libelle))
st.caption(f"{ind.definition} Unité : {ind.unite} ; "
           + {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable",
              "neutre": "ni bon ni mauvais"}[ind.sens] + f" ; périodicité {ind.periodicite}.")
if serie.phrase:
    st.markdown(tableaux.verdict_badge(serie.verdict, serie.provisoire) + "  \n" + serie.phrase)
if serie.details:
    st.markdown("\n".join(f"- {line}" for line in serie.details))

if view["points"].empty:
    empty_state("Aucune valeur de cet indicateur sur la période choisie à gauche.")
else:
    show_chart(view["figure"], alt=view["alt"], name=f"{p.code}-{indicateur}", key="serie", data=view["donnees"],
               columns={"mois": "Mois", "valeur": "Valeur", "contrefactuel": "Sans la refonte (modèle)",
                        "contrefactuel_bas": "Borne basse (95 %)", "contrefactuel_haut": "Borne haute (95 %)"})
    st.caption("Trait noir : valeurs reçues. Tirets bleus et bande bleue : ce que la tendance d'avant laissait "
               "attendre sans la refonte (contrefactuel du modèle) et son intervalle à 95 %. Pointillés orange : "
               "moyenne des 12 mois avant le déploiement. Trait mixte violet : la cible.")

st.subheader("Tous les indicateurs du parcours")
if not period["apercu"].empty:
    # One figure of a small chart per indicator (21 on most parcours): drawing it was most of the browser's time
    # on this page (issue 12). It sits below the chosen indicator's chart, so it is drawn when the reader opens
    # it (the expander reruns the page and says whether it is open); it stays open while the reader moves on.
    count = period["nombre_apercu"]
    glance = st.expander(f"Voir les {count} indicateurs en petits graphiques, ceux qui ont changé d'abord",
                         icon=":material/monitoring:", key=GLANCE_KEY, on_change="rerun")
    with glance:
        if glance.open:
            fig, table = overview_figure(path, data_version, code, debut, fin, data, period, deployment)
            alt = (f"Petits graphiques des {count} indicateurs du parcours {p.code}, ceux qui ont changé d'abord, "
                   "chacun avec le symbole de son verdict et le mois de déploiement.")
            show_chart(fig, alt=alt, name=f"{p.code}-indicateurs", key="apercu", data=table,
                       columns={"indicateur": "Code", "libelle_indicateur": "Indicateur", "mois": "Mois",
                                "valeur": "Valeur", "unite": "Unité"})
if not verdicts.empty:
    show_reader_results(data["resultats"], key="resultats-parcours", with_parcours=False)
    download_buttons(data["telechargement_resultats"], f"resultats-{p.code}", key="resultats")
    statistical_details(verdicts)

# --- for the data team (SRU): where each value comes from and how it was revised -----------------------------
st.header("Provenance des valeurs")
st.caption("Pour le service des données : chaque valeur reçue, le fichier et l'import d'où elle vient, et "
           "l'historique de ses révisions.")
st.subheader("Les valeurs reçues et leur provenance")
st.dataframe(view["provenance"], hide_index=True, width="stretch", column_config=PROVENANCE_COLUMNS)
st.caption("Les téléchargements contiennent toutes les valeurs du parcours sur la période, tous indicateurs.")
download_buttons(period["telechargement_valeurs"], f"valeurs-{p.code}", key="valeurs")

st.subheader("Historique d'une valeur")
months = view["mois"]
month = url_selectbox("Mois", months[::-1], key="mois", default=months[-1],
                      format_func=lambda m: format_month(parse_month_code(m)))
history = value_history(path, data_version, code, indicateur, parse_month_code(month), ind.unite)
if history["brut"].empty:
    empty_state("Cette valeur n'a aucun historique enregistré.")
else:
    st.caption(f"Chaque écriture de la valeur de {format_month(parse_month_code(month))} : qui, quand, depuis quel "
               "fichier, et la valeur qu'elle a remplacée.")
    st.dataframe(history["affiche"], hide_index=True, width="stretch", column_config=HISTORY_COLUMNS)
    download_buttons(history["brut"], f"historique-{p.code}-{indicateur}-{month}", key="historique")

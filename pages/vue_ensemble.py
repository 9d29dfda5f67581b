"""Vue d'ensemble: the 30 parcours at a glance, for the period and direction chosen in the sidebar."""

import streamlit as st

from indicateurs.format_fr import format_month, format_number
from indicateurs.synthese import key_figures, parcours_table
from ui.contexte import database, referentiel
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.telechargements import download_buttons

st.title("Observatoire des parcours usagers")
st.caption("Ce qu'a changé la refonte des parcours, pour les usagers et pour les agents, "
           "au regard des quatre règles d'or de la relation usager.")
banner()
debut, fin, direction = sidebar_filters()
ref = referentiel()

if not ref.parcours:
    empty_state("Le référentiel n'est pas encore chargé. Lancez `python -m indicateurs init` "
                "pour créer la base à partir des fichiers de data/referentiel/.")
    st.stop()
if debut is None:
    empty_state("Aucune valeur n'est encore enregistrée. Importez les fichiers mensuels des directions "
                "depuis la page « Import » pour voir apparaître les parcours ici.")
    st.stop()

chiffres = key_figures(database(), ref, debut=debut, fin=fin, direction=direction)
st.subheader(f"Période : {format_month(debut)} – {format_month(fin)}"
             + (f" · direction {direction}" if direction else " · toutes les directions"))
cols = st.columns(5)
cols[0].metric("Parcours suivis", format_number(chiffres.parcours, 0))
cols[1].metric("Parcours déployés", format_number(chiffres.deployes, 0))
cols[2].metric("Observés depuis 12 mois ou plus", format_number(chiffres.observes_12_mois, 0))
cols[3].metric("Pas encore déployés", format_number(chiffres.non_deployes, 0))
cols[4].metric("Valeurs sur la période", format_number(chiffres.valeurs, 0))
st.caption(f"Dernier mois reçu : {format_month(chiffres.dernier_mois)}.")

table = parcours_table(database(), ref, debut=debut, fin=fin, direction=direction)
if table.empty:
    empty_state("Cette direction n'a pas de parcours dans le référentiel.")
    st.stop()
st.subheader("Les parcours")
shown = table.assign(
    deploiement=table["deploiement"].map(format_month),
    dernier_mois=table["dernier_mois"].map(lambda d: format_month(d) if d else "aucune valeur"),
    valeurs=table["valeurs"].map(lambda n: format_number(n, 0)),
    exemple=table["exemple"].map({True: "exemple", False: ""}),
)
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_config={
        "code": "Code", "libelle": "Parcours", "direction": "Direction", "public": "Public",
        "deploiement": "Déploiement", "statut": "Statut", "mois_observes": "Mois observés",
        "valeurs": "Valeurs", "dernier_mois": "Dernier mois reçu", "exemple": "Parcours d'exemple",
    },
)
download_buttons(table, "parcours", key="parcours")

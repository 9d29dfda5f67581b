"""Complétude: for each direction and month, what was expected and what is missing — whom to remind."""

import streamlit as st

from indicateurs.format_fr import format_month, format_number
from indicateurs.lecture_completude import completeness_of_period
from indicateurs.lignes_affichees import hidden_rows_sentence
from ui.contexte import database, referentiel, version
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.telechargements import download_buttons

st.title("Complétude des envois")
st.caption("Pour chaque direction et chaque mois : les valeurs attendues (indicateurs mensuels chaque mois, "
           "trimestriels en mars, juin, septembre et décembre) et celles qui manquent.")
banner()
debut, fin, direction = sidebar_filters()


# Shared, read-only, never copied (cache_data would unpickle the missing values on each rerun). Counted by
# DuckDB for the period and direction shown: one entry holds the counts and that period's missing values.
@st.cache_resource(show_spinner=False, max_entries=4)
def _completude(path: str, data_version: int, debut, fin, direction: str | None):
    return completeness_of_period(database(), debut, fin, direction)


if not referentiel().parcours:
    empty_state("Le référentiel n'est pas chargé : lancez `python -m indicateurs init`.")
    st.stop()
result = _completude(str(database().path), version(), debut, fin, direction)
if result.mois is None:
    empty_state("Rien n'est encore attendu : aucune valeur n'est enregistrée et aucun parcours n'est déployé."
                if debut is None else "Aucune valeur n'était attendue sur cette période.")
    st.stop()
st.subheader(f"Dernier mois : {format_month(result.mois, long=True)}")
cols = st.columns(3)
cols[0].metric("Valeurs attendues", format_number(result.attendues, 0))
cols[1].metric("Valeurs manquantes", format_number(result.manquantes, 0))
cols[2].metric("Directions incomplètes", format_number(result.directions_incompletes, 0))

st.subheader("Taux de complétude par direction et par mois")
st.dataframe(result.grille, width="stretch",
             column_config={"direction": st.column_config.TextColumn("Direction", width=80),
                            **{m: st.column_config.TextColumn(m, width=72) for m in result.grille.columns}})
download_buttons(result.resume, "completude", key="completude")

st.subheader("Valeurs manquantes")
if result.liste.empty:
    st.success("Aucune valeur manquante sur la période.")
else:
    st.dataframe(result.a_l_ecran, hide_index=True, width="stretch",
                 column_order=["direction", "libelle_parcours", "libelle_indicateur", "mois", "indicateur",
                               "parcours"],
                 column_config={
                     "direction": st.column_config.TextColumn("Direction", width=75),
                     "libelle_parcours": st.column_config.TextColumn("Parcours", width=240),
                     "libelle_indicateur": st.column_config.TextColumn("Valeur manquante", width=260),
                     "mois": st.column_config.TextColumn("Mois", width=80),
                     "indicateur": st.column_config.TextColumn("Code de l'indicateur", width=160),
                     "parcours": st.column_config.TextColumn("Code du parcours", width=150)})
    if len(result.liste) > len(result.a_l_ecran):
        st.caption(hidden_rows_sentence(len(result.liste) - len(result.a_l_ecran), len(result.liste)))
    download_buttons(result.liste, "valeurs_manquantes", key="manquantes")

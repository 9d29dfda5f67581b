"""Complétude: for each direction and month, what was expected and what is missing — whom to remind."""

import pandas as pd
import streamlit as st

from indicateurs import tableaux
from indicateurs.format_fr import format_month, format_number, format_percent
from indicateurs.lignes_affichees import capped, hidden_rows_sentence
from indicateurs.imports.completude import completude
from indicateurs.mois import month_code
from ui.contexte import database, referentiel, version
from ui.mise_en_page import banner, empty_state, sidebar_filters
from ui.telechargements import download_buttons

st.title("Complétude des envois")
st.caption("Pour chaque direction et chaque mois : les valeurs attendues (indicateurs mensuels chaque mois, "
           "trimestriels en mars, juin, septembre et décembre) et celles qui manquent.")
banner()
debut, fin, direction = sidebar_filters()


# Shared, read-only, never copied (cache_data unpickled every missing value on each rerun); few entries: at
# 100 times the demo one entry for all directions holds hundreds of thousands of missing values.
@st.cache_resource(show_spinner=False, max_entries=4)
def _completude(path: str, data_version: int, direction: str | None):
    return completude(database(), direction=direction)


if not referentiel().parcours:
    empty_state("Le référentiel n'est pas chargé : lancez `python -m indicateurs init`.")
    st.stop()
result = _completude(str(database().path), version(), direction)
resume = result.resume
if resume.empty:
    empty_state("Rien n'est encore attendu : aucune valeur n'est enregistrée et aucun parcours n'est déployé.")
    st.stop()
if debut is not None:
    resume = resume[(resume["mois"] >= debut) & (resume["mois"] <= fin)]
last = resume["mois"].max()
latest = resume[resume["mois"] == last]
st.subheader(f"Dernier mois : {format_month(last, long=True)}")
cols = st.columns(3)
cols[0].metric("Valeurs attendues", format_number(latest["attendues"].sum(), 0))
cols[1].metric("Valeurs manquantes", format_number(latest["manquantes"].sum(), 0))
cols[2].metric("Directions incomplètes", format_number(int((latest["manquantes"] > 0).sum()), 0))

st.subheader("Taux de complétude par direction et par mois")
recent = resume[resume["mois"] >= sorted(resume["mois"].unique())[-min(12, resume["mois"].nunique())]]
grid = recent.pivot_table(index="direction", columns="mois", values="taux", aggfunc="first")
grid.columns = [format_month(m) for m in grid.columns]
st.dataframe(grid.map(lambda t: "–" if pd.isna(t) else format_percent(t, 0)), width="stretch",
             column_config={"direction": st.column_config.TextColumn("Direction", width=80),
                            **{m: st.column_config.TextColumn(m, width=72) for m in grid.columns}})
table = resume.assign(mois=[month_code(m) for m in resume["mois"]])
download_buttons(table, "completude", key="completude")

st.subheader("Valeurs manquantes")
missing = result.manquantes
if debut is not None:
    missing = missing[(missing["mois"] >= debut) & (missing["mois"] <= fin)]
if missing.empty:
    st.success("Aucune valeur manquante sur la période.")
else:
    ref = referentiel()
    labelled = tableaux.missing_with_labels(missing, ref)
    first, hidden = capped(labelled)
    st.dataframe(first.assign(mois=[format_month(m) for m in first["mois"]]), hide_index=True, width="stretch",
                 column_order=["direction", "libelle_parcours", "libelle_indicateur", "mois", "indicateur",
                               "parcours"],
                 column_config={
                     "direction": st.column_config.TextColumn("Direction", width=75),
                     "libelle_parcours": st.column_config.TextColumn("Parcours", width=240),
                     "libelle_indicateur": st.column_config.TextColumn("Valeur manquante", width=260),
                     "mois": st.column_config.TextColumn("Mois", width=80),
                     "indicateur": st.column_config.TextColumn("Code de l'indicateur", width=160),
                     "parcours": st.column_config.TextColumn("Code du parcours", width=150)})
    if hidden:
        st.caption(hidden_rows_sentence(hidden, len(labelled)))
    download_buttons(labelled.assign(mois=[month_code(m) for m in labelled["mois"]]), "valeurs_manquantes",
                     key="manquantes")

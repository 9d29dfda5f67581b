"""Observatoire des parcours usagers: the entry point. It only routes: identity, role, navigation."""

import streamlit as st

from ui.identite import identity_gate

st.set_page_config(page_title="Observatoire des parcours usagers", page_icon=":material/account_balance:", layout="wide")

user = identity_gate()  # the sign-in screen (and a stop) when nobody is identified yet

tableaux = [
    st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True),
    st.Page("pages/direction.py", title="Direction", icon=":material/apartment:"),
    st.Page("pages/parcours.py", title="Parcours", icon=":material/timeline:"),
    st.Page("pages/engagements.py", title="Les 4 engagements", icon=":material/verified:"),
    st.Page("pages/agents.py", title="Conditions de travail des agents", icon=":material/groups:"),
    st.Page("pages/miroir.py", title="Miroir agents / usagers", icon=":material/compare_arrows:"),
    st.Page("pages/methodologie.py", title="Méthodologie", icon=":material/menu_book:"),
]
donnees = [st.Page("pages/completude.py", title="Complétude", icon=":material/fact_check:")]
if user.peut_importer():
    donnees.insert(0, st.Page("pages/import_donnees.py", title="Import", icon=":material/upload_file:"))
pages = {"Tableaux de bord": tableaux, "Données": donnees}
if user.est_administrateur():
    pages["Administration"] = [
        st.Page("pages/journal.py", title="Journal d'audit", icon=":material/history:"),
        st.Page("pages/referentiel.py", title="Référentiel", icon=":material/edit_note:"),
    ]

st.navigation(pages).run()

"""Observatoire des parcours usagers: the entry point. It only routes: identity, role, navigation."""

import streamlit as st

from ui.contexte import current_user

st.set_page_config(page_title="Observatoire des parcours usagers", page_icon=":material/account_balance:", layout="wide")

user = current_user()

tableaux = [
    st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True),
]
pages = {"Tableaux de bord": tableaux}

st.sidebar.caption(f"Connecté : {user.identifiant} ({user.role})")
st.navigation(pages).run()

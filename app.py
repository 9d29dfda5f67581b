"""Observatoire des parcours usagers: the entry point. It only routes: identity, role, navigation."""

import streamlit as st

from ui.attente import waiting
from ui.francais import install as install_french

st.set_page_config(page_title="Observatoire des parcours usagers", page_icon=":material/account_balance:", layout="wide")

install_french()  # Streamlit's own words in French and lang="fr", on every screen (see ui/francais.py)
with waiting():  # « Calcul de la page en cours… » from the first second, heavy imports included
    from ui.identite import identity_gate
    from ui.navigation import run_navigation

    user = identity_gate()  # the sign-in screen (and a stop) when nobody is identified yet
    run_navigation(user)  # every page is registered; the menu lists only the user's, the others refuse in French

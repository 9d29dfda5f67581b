"""Observatoire des parcours usagers: the domain library (referential, store, imports, impact, charts, CLI).

Nothing here imports Streamlit: the app's pages are thin views over these modules.
"""

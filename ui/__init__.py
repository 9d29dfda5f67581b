"""Streamlit pieces shared by the pages: the database handle, cached reads, filters, banners, downloads.

Routing guard. Streamlit (1.67) switches to its legacy multipage mode whenever a folder named ``pages``
sits next to the entry script: a deep link such as ``/import_donnees`` then runs the page directly,
bypassing app.py — its navigation, the identity and the role checks. The project keeps its views in
``pages/`` as designed, so the first script run of the process turns that legacy mode off and reruns:
from then on every run goes through app.py and ``st.navigation``. tests/navigateur/test_roles.py checks
that a reader who opens ``/import_donnees`` does not get the Import page.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

"""A French word while a page computes: « Calcul de la page en cours… » at the top of the page.

``waiting()`` wraps the whole run in app.py, from before the heavy imports (the first run of a process
spends seconds importing pandas, DuckDB and Plotly with nothing on screen), through the identity and
the page itself. Streamlit shows the spinner after half a second, so a quick page never flashes it.
When a page ends with ``st.stop()``, Streamlit drops the spinner's removal: ``WAITING_STYLE`` hides it
anyway once the run is over. Imports only streamlit, so that it can come first.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

WAITING = "Calcul de la page en cours…"
WAITING_KEY = "calcul-en-cours"
WAITING_STYLE = (f'<style>[data-test-script-state="notRunning"] .st-key-{WAITING_KEY} {{ display: none; }}'
                 "</style>")


@contextmanager
def waiting():
    """Show « Calcul de la page en cours… » while the block runs (after half a second)."""
    st.html(WAITING_STYLE)
    with st.container(key=WAITING_KEY).spinner(WAITING):
        yield

"""A long list shown one page at a time (issue 12): nothing appears when everything fits; otherwise a
caption says how many items are not on screen and a « Page » chooser reaches them. At 100 times the demo
data a page that drew every parcours sent tens of megabytes per rerun."""

from __future__ import annotations

import streamlit as st

from indicateurs.format_fr import format_number
from indicateurs.priorites import Tranche, slices


def page_choice(total: int, size: int, *, key: str, nom: str, reste: str = "") -> Tranche:
    """The page of ``size`` items to show out of ``total``; when they do not all fit, a caption « N parcours
    de plus ne sont pas affichés … » (``reste`` says where else they are, e.g. « ; tous sont dans les
    téléchargements ») and a select box « Afficher : parcours 1 à 30 sur 300 » (``nom``: the plural noun)."""
    pages = slices(total, size)
    if len(pages) == 1:
        return pages[0]
    chosen = st.selectbox(f"Afficher ({len(pages)} pages)", pages, format_func=lambda t: t.libelle(nom),
                          key=f"{key}-page")
    st.caption(f"{format_number(chosen.cachees, 0)} {nom} de plus ne sont pas affichés ici : choisissez une "
               f"autre page ci-dessus{reste}.")
    return chosen

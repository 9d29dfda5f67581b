"""The « Fiche CODIR » button of Vue d'ensemble and Direction: a month to pick, the PDF built on click.

The fiche (``indicateurs.fiche``) prints the stored results, like the page it is downloaded from. It is
built only when the button is clicked (about a second once the chart renderer is warm) and clicking
does not rerun the page.
"""

from __future__ import annotations

import streamlit as st

from indicateurs.format_fr import format_month
from indicateurs.mois import last_complete_month, month_code, month_range, parse_month_code
from indicateurs.synthese import data_period
from ui.contexte import database


def _pdf(direction: str | None, mois_code: str) -> bytes:
    from indicateurs.fiche import build_fiche

    return build_fiche(database(), direction, parse_month_code(mois_code)).pdf


def fiche_button(direction: str | None, key: str) -> None:
    """A month selector (default: the last complete month) and the download button of the fiche CODIR of
    ``direction`` (None: the whole City)."""
    from indicateurs.fiche import file_name

    first, _last = data_period(database())
    default = last_complete_month()
    months = [month_code(m) for m in reversed(month_range(first, default))] if first and first <= default else []
    if not months:
        months = [month_code(default)]
    who = f"de la direction {direction}" if direction else "de la Ville (toutes les directions)"
    with st.container(key=f"fiche-codir-{key}", horizontal=True, vertical_alignment="bottom"):
        mois = st.selectbox("Mois de la fiche CODIR", months, key=f"{key}-mois-fiche", width=220,
                            format_func=lambda code: format_month(parse_month_code(code), long=True))
        st.download_button(
            "Fiche CODIR (PDF)", data=lambda: _pdf(direction, mois),
            file_name=file_name(direction, parse_month_code(mois)),
            mime="application/pdf", key=f"{key}-fiche", icon=":material/picture_as_pdf:", on_click="ignore",
            help=f"La fiche CODIR {who} pour le mois choisi : chiffres clés, ce qui a changé pour les usagers et "
                 "pour les agents, graphiques avant / après, complétude, verdicts qui ont changé ; A4, "
                 f"{'4' if direction is None else '2'} pages au plus. Construite au clic.")

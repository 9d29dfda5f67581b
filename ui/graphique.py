"""Showing a Plotly chart the same way on every page: in French, with a text alternative, its data
table underneath (downloadable) and a PNG download from the camera of the chart's toolbar.

Also ``table_downloads``: the same two buttons as ``ui.telechargements.download_buttons`` (CSV for Excel
in French, XLSX, built by ``indicateurs.exporter``), but the files are built only when clicked. Building
an XLSX costs about 30 ms per table with openpyxl; done on every run for every table and chart, it was
most of a page's time.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicateurs.export_lecteur import reader_frame
from indicateurs.format_fr import format_number
from ui.memo import same_frame
from ui.telechargements import download_buttons

# Streamlit's Plotly bundles no French locale: it is passed inline, with the toolbar's words.
FRENCH_LOCALE = {
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": "\u202f",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
    },
    "dictionary": {
        "Autoscale": "Échelle automatique",
        "Box Select": "Sélection rectangulaire",
        "Compare data on hover": "Comparer les données au survol",
        "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour isoler une série",
        "Double-click to zoom back out": "Double-cliquez pour dézoomer",
        "Download plot": "Télécharger le graphique",
        "Download plot as a PNG": "Télécharger le graphique en PNG",
        "Download plot as a png": "Télécharger le graphique en PNG",
        "Lasso Select": "Sélection au lasso",
        "Pan": "Déplacer",
        "Produced with Plotly.js": "Réalisé avec Plotly.js",
        "Reset": "Réinitialiser",
        "Reset axes": "Réinitialiser les axes",
        "Reset view": "Réinitialiser la vue",
        "Reset views": "Réinitialiser les vues",
        "Show closest data on hover": "Afficher la donnée la plus proche au survol",
        "Snapshot succeeded": "Capture réussie",
        "Sorry, there was a problem downloading your image!": "Désolé, le téléchargement de l'image a échoué.",
        "Taking snapshot - this may take a few seconds": "Capture en cours, quelques secondes…",
        "Toggle Spike Lines": "Afficher ou masquer les lignes de repère",
        "Toggle show closest data on hover": "Afficher ou masquer la donnée la plus proche au survol",
        "Zoom": "Zoom",
        "Zoom in": "Zoom avant",
        "Zoom out": "Zoom arrière",
    },
}


def chart_config(file_name: str) -> dict:
    """The Plotly configuration: French locale, no logo, and a PNG named after the chart from the camera.

    The toolbar shows on mouse hover; ui/francais.py takes its buttons out of the Tab order (a keyboard
    reaches the chart's data and downloads through « Données du graphique »)."""
    return {
        "locale": "fr",
        "locales": {"fr": FRENCH_LOCALE},
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
    }


def show_chart(fig: go.Figure, *, alt: str, data: pd.DataFrame, name: str, key: str,
               columns: dict[str, str] | None = None, keep: list[str] | None = None, downloads: bool = True) -> None:
    """Draw ``fig`` with its text alternative ``alt``, then « Données du graphique »: ``data`` as a table
    (only its columns ``keep`` if given, renamed for the reader with ``columns``) and its CSV / XLSX downloads
    named ``name``.

    What is built from ``data`` is reused while the page passes the same frame (``ui.memo``): pass a page's
    cached frame itself, with ``keep``, rather than a selection made anew on every rerun."""
    st.plotly_chart(fig, config=chart_config(name), alt=alt, key=f"{key}-graphique", width="stretch")
    with st.expander("Données du graphique", icon=":material/table:"):
        shown, table = same_frame(_chart_tables, data, tuple(columns.items()) if columns else (),
                                  tuple(keep) if keep else ())
        st.dataframe(table, hide_index=True, width="stretch")
        if downloads:
            download_buttons(data if shown is None else shown, name, key=key)


def _chart_tables(data: pd.DataFrame, columns: tuple[tuple[str, str], ...],
                  keep: tuple[str, ...]) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """A chart's data as downloaded (``data`` selected and renamed; None when it is ``data`` itself: the result
    must not hold ``data``) and its ``screen_table``, about 5 ms of a rerun when built every time."""
    shown = data[list(keep)] if keep else None
    if columns:
        shown = (data if shown is None else shown).rename(columns=dict(columns))
    return shown, screen_table(data if shown is None else shown)


def _written(value: float) -> str:
    """A number already rounded for the reader, written in French with the digits it has (« 0,27 », « 18 029 »)."""
    if pd.isna(value):
        return ""
    digits = repr(float(value)).partition(".")[2]
    decimals = 0 if digits in ("", "0") or "e" in digits else min(len(digits), 6)
    return format_number(value, decimals)


def screen_table(data: pd.DataFrame) -> pd.DataFrame:
    """A chart's data as the reader reads it on screen: the same rounding, months and « oui / non » as its
    download, numbers in French (Streamlit's grid would write « 0.2679 »)."""
    table = reader_frame(data)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column].dtype):
            table[column] = table[column].map(_written).astype(object)
    return table

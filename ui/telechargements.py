"""Download buttons under every table: CSV for Excel in French, and XLSX, as the reader sees the table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs.export_lecteur import reader_csv_bytes, reader_xlsx_bytes


def _units() -> dict[str, str]:
    """Each indicator's unit (rounds the values of a table that names its indicators but not their unit)."""
    from ui.contexte import referentiel

    try:
        return {i.code: i.unite for i in referentiel().indicateurs}
    except Exception:  # no database yet: the values keep two decimals
        return {}


def download_buttons(frame: pd.DataFrame, name: str, key: str, columns: dict[str, str] | None = None) -> None:
    """« Télécharger en CSV (Excel) » (UTF-8 BOM, ``;``, decimal comma) and « Télécharger en XLSX ».

    Both hold the table as displayed (``indicateurs.export_lecteur``): the screen's column titles (``columns``
    maps a column to its title where the page's words differ from ``export_lecteur.TITLES``), values rounded
    as on screen, months « 2026-10 », « oui » / « non »; the XLSX keeps every digit in a second sheet,
    « Données brutes ». The files are built only when clicked (an XLSX costs tens of milliseconds, too much
    on every run), and clicking does not rerun the page.
    """
    units = _units()
    left, right = st.columns(2)
    left.download_button("Télécharger en CSV (Excel)", lambda: reader_csv_bytes(frame, columns, units),
                         file_name=f"{name}.csv", mime="text/csv", key=f"{key}-csv", icon=":material/download:",
                         on_click="ignore")
    right.download_button("Télécharger en XLSX", lambda: reader_xlsx_bytes(frame, columns, units), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", icon=":material/download:", on_click="ignore")

"""Download buttons under every table: CSV for Excel in French, and XLSX."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs.exporter import excel_csv_bytes, xlsx_bytes


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """« Télécharger en CSV (Excel) » (UTF-8 BOM, ``;``, decimal comma) and « Télécharger en XLSX ».

    The files are built only when clicked (an XLSX costs tens of milliseconds, too much on every run),
    and clicking does not rerun the page.
    """
    left, right = st.columns(2)
    left.download_button("Télécharger en CSV (Excel)", lambda: excel_csv_bytes(frame), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}-csv", icon=":material/download:", on_click="ignore")
    right.download_button("Télécharger en XLSX", lambda: xlsx_bytes(frame), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", icon=":material/download:", on_click="ignore")

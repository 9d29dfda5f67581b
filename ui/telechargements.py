"""Download buttons under every table: CSV for Excel in French, and XLSX."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicateurs.exporter import excel_csv_bytes, xlsx_bytes


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """Two buttons: « CSV (Excel) » (UTF-8 BOM, ``;``, decimal comma) and « XLSX »."""
    left, right = st.columns(2)
    left.download_button("Télécharger en CSV (Excel)", excel_csv_bytes(frame), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}-csv", icon=":material/download:")
    right.download_button("Télécharger en XLSX", xlsx_bytes(frame), file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", icon=":material/download:")

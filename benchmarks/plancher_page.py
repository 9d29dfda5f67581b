"""The « floor » of a page, run by benchmarks/banc.py under Streamlit's AppTest: the same charts, tables and
texts the page showed, replayed from data already in memory (a pickle named by $BANC_PLANCHER). No
database, no computation: what is left is what Streamlit itself costs to send them."""

from __future__ import annotations

import json
import os
import pickle

import streamlit as st

with open(os.environ["BANC_PLANCHER"], "rb") as source:
    elements = pickle.load(source)

for kind, *content in elements:
    if kind == "plotly":
        st.plotly_chart(json.loads(content[0]), config={"displayModeBar": False})
    elif kind == "dataframe":
        st.dataframe(content[0])
    elif kind == "metric":
        st.metric(content[0], content[1])
    elif kind == "caption":
        st.caption(content[0])
    else:
        st.markdown(content[0])

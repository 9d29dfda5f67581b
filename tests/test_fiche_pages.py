"""The « Fiche CODIR » button on Vue d'ensemble and Direction, and the print copies of their tables (AppTest)."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs.format_fr import format_month
from indicateurs.mois import last_complete_month, month_code
from tests.outils.pages import open_page

TIMEOUT = 90


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def run(db, monkeypatch, page: str, **params) -> AppTest:
    return open_page(db, monkeypatch, f"pages/{page}", timeout=TIMEOUT, **params)


def buttons(at: AppTest) -> dict:
    return {b.proto.label: b for b in at.get("download_button")}


def printed_tables(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="tableau-impression"' in h.proto.body]


@pytest.mark.parametrize("page, params, who", [
    ("vue_ensemble.py", {}, "de la Ville (toutes les directions)"),
    ("vue_ensemble.py", {"direction": "DJS"}, "de la direction DJS"),
    ("direction.py", {"direction": "DFA"}, "de la direction DFA"),
    ("direction.py", {}, "de la Ville (toutes les directions)"),
])
def test_the_fiche_button_names_the_direction_and_the_last_complete_month(demo_db, monkeypatch, page, params, who):
    at = run(demo_db, monkeypatch, page, **params)
    month = next(s for s in at.selectbox if s.key and s.key.endswith("-mois-fiche"))
    assert month.label == "Mois de la fiche CODIR"
    assert month.value == month_code(last_complete_month())
    assert month.options[0] == format_month(last_complete_month(), long=True)
    assert month.options[-1] == "janvier 2023"  # the demo data's first month
    button = buttons(at)["Fiche CODIR (PDF)"]
    assert button.proto.help.startswith(f"La fiche CODIR {who} pour le mois choisi")
    assert button.proto.deferred_file_id  # built only when clicked
    assert button.proto.ignore_rerun  # and clicking does not rerun the page


def test_print_copies_hold_every_row(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch, "vue_ensemble.py")
    copies = printed_tables(at)
    assert copies, "the parcours table has a copy for paper"
    parcours = demo_db.query_df("SELECT code FROM parcours")["code"]
    assert all(f"<td>{code}</td>" in copies[0] for code in parcours)
    assert "<th>Dernier mois reçu</th>" in copies[0]
    styles = [h.proto.body for h in at.get("html") if "@media print" in h.proto.body]
    assert len(styles) == 1 and '[data-testid="stSidebar"]' in styles[0]

    at = run(demo_db, monkeypatch, "direction.py", direction="DFA")
    copies = printed_tables(at)
    results = demo_db.query_df("SELECT r.parcours, r.indicateur FROM resultats r JOIN parcours p ON p.code = r.parcours "
                               "WHERE p.direction = 'DFA'")
    table = next(c for c in copies if "<th>En une phrase</th>" in c)
    assert table.count("<tr>") == len(results) + 1  # header + every stored result of the direction


def test_the_fiche_and_the_direction_page_give_the_same_counts(demo_db, monkeypatch, tmp_path):
    import re
    import subprocess

    from indicateurs.fiche import build_fiche

    at = run(demo_db, monkeypatch, "direction.py", direction="DFA")
    metrics = {m.label: m.value for m in at.metric}
    path = tmp_path / "dfa.pdf"
    path.write_bytes(build_fiche(demo_db, "DFA", date(2026, 10, 1)).pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
                    .stdout.decode().split())
    rows = {side: [int(n) for n in numbers] for side, *numbers in
            re.findall(r"(Usagers|Agents) (\d+) (\d+) (\d+) (\d+)", text)}
    # columns: judged, ▼ deteriorations, ▲ improvements, ● no detectable change
    assert rows["Usagers"][2] + rows["Agents"][2] == int(metrics["▲ Améliorations significatives"])
    assert rows["Usagers"][1] + rows["Agents"][1] == int(metrics["▼ Dégradations significatives"])
    assert metrics["Score"] in text

"""Hostile strings (``<script>``, ``**gras**``, ``=1+1``, ``../../etc``) round-trip as plain text through
the import, the journal, the pages and the downloads; a file name never becomes a path on disk."""

from __future__ import annotations

import io
import os
import re

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs import journal
from indicateurs.exporter import excel_csv_bytes, xlsx_bytes
from indicateurs.imports.pipeline import check_file
from indicateurs.operations import import_file
from indicateurs.roles import ADMINISTRATEUR, Utilisateur
from indicateurs.valeurs import export_values
from tests.conftest import END_MONTH, ROOT
from ui.texte import WORD_JOINER, litteral, nom_de_fichier

HOSTILE = ["<script>alert(1)</script>", "**gras**", "=1+1", "../../etc/passwd", ":red[rouge] $x^2$",
           "![p](https://evil.example/p.png) [lien](https://evil.example)", "`code` _it_ # titre", "a\\*b"]
FILE_NAME = "../../etc/**gras** <script>.csv"
USER = Utilisateur("<b>chef</b> =1+1", ADMINISTRATEUR)


def _unescape(text: str) -> str:
    """What CommonMark shows for ``litteral``'s output: backslash-escaped punctuation as itself."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_litteral_escapes_every_markdown_sign_and_shows_the_same_text(text):
    escaped = litteral(text)
    assert _unescape(escaped) == text
    # Every ASCII punctuation sign is escaped: nothing is left for Markdown, directives or LaTeX to read.
    assert not re.search(r"(?<!\\)[*_`\[\]()!<>$:#=]", escaped.replace("\\\\", ""))


def test_download_names_never_become_paths():
    for text in HOSTILE + [FILE_NAME, "..", "", "/etc/passwd"]:
        name = nom_de_fichier(text)
        assert "/" not in name and "\\" not in name and not name.startswith(".") and name


@pytest.fixture
def hostile_import(demo_db, tmp_path, monkeypatch):
    """A file with hostile comments and a hostile name, imported by an administrator with a hostile name,
    from a working folder two levels down (so that ``../../etc`` would land in tmp_path if used as a path)."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    rows = "".join(f'DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-{m:02d};{m},5;"{c.replace(chr(34), chr(34) * 2)}"\r\n'
                   for m, c in zip(range(3, 11), HOSTILE))
    content = ("parcours;indicateur;mois;valeur;commentaire\r\n" + rows).encode("utf-8")
    verification = check_file(demo_db, FILE_NAME, content, last_month=END_MONTH)
    assert verification.ok, verification.erreurs
    import_file(demo_db, verification, USER)
    return demo_db, tmp_path


def test_hostile_strings_are_stored_and_exported_as_plain_text(hostile_import):
    db, tmp_path = hostile_import
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "etc").exists()
    assert os.listdir(tmp_path / "a" / "b") == []
    stored = export_values(db)
    mine = stored[stored["fichier"] == FILE_NAME].sort_values("mois")
    assert mine["commentaire"].tolist() == HOSTILE
    assert set(mine["utilisateur"]) == {USER.identifiant}
    # French Excel CSV: every string back as written, except formulas, which get their apostrophe.
    back = pd.read_csv(io.BytesIO(excel_csv_bytes(mine)), sep=";", decimal=",", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    expected = ["'=1+1" if c == "=1+1" else c for c in HOSTILE]
    assert back["commentaire"].tolist() == expected
    assert set(back["utilisateur"]) == {USER.identifiant}
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(mine))).active
    header = [c.value for c in sheet[1]]
    column = header.index("commentaire")
    assert [row[column].value for row in sheet.iter_rows(min_row=2)] == expected
    entry = journal.read_journal(db, action=journal.IMPORT).iloc[0]
    assert (entry["fichier"], entry["utilisateur"]) == (FILE_NAME, USER.identifiant)


def test_hostile_names_show_as_text_on_the_import_and_journal_pages(hostile_import, monkeypatch):
    db, _ = hostile_import
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("OBSERVATOIRE_DB", str(db.path))
    monkeypatch.setenv("OBSERVATOIRE_ADMINISTRATEUR_LOCAL", "sru.tests")
    monkeypatch.chdir(ROOT)  # .streamlit/config.toml: listening on 127.0.0.1, so a local administrator is allowed
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/import_donnees.py").run()
    name = "**gras** ![p](https://evil.example/p.png) [lien](https://evil.example).csv"
    at.get("file_uploader")[0].set_value((name, b"parcours;indicateur;mois;valeur\r\n", "text/csv")).run()
    assert not at.exception
    assert [_unescape(s.value) for s in at.subheader][0] == f"Vérification de « {name} »"
    assert "![p](" not in at.subheader[0].value and "**gras**" not in at.subheader[0].value
    journal_table = at.dataframe[-1].value
    assert FILE_NAME in set(journal_table["fichier"])  # tables show cells as text, untouched
    at.switch_page("pages/journal.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert FILE_NAME in set(table["Fichier"]) and USER.identifiant in set(table["Par"])


def test_chart_labels_are_escaped_so_plotly_renders_no_html():
    from indicateurs.graphiques import plain

    assert plain('<a href="https://evil.example">lien</a> & <b>gras</b>') == (
        '&lt;a href="https://evil.example"&gt;lien&lt;/a&gt; &amp; &lt;b&gt;gras&lt;/b&gt;')
    assert plain("Taux d'accueil « conforme »") == "Taux d'accueil « conforme »"


def test_litteral_keeps_french_no_break_spaces_and_puts_lines_together():
    """« 7,8 pt » and « 18 029 » must not break across lines; a line break in a label must not start a list."""
    assert litteral("−7,8\u202fpt et 18\u202f029 avant\u00a0:") == "−7\\,8\u202fpt et 18\u202f029 avant\u00a0\\:"
    assert litteral("deux\r\n  lignes\tici") == "deux lignes ici"

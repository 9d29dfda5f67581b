"""The French override (ui/francais.py) is put in the page by app.py, its script survives Streamlit's HTML
cleaning, and its translations are French."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.outils.pages import APP
from ui import francais


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def _scripts(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "__observatoireFrancais" in h.proto.body]


def test_the_override_is_installed_once_by_app_py(demo_db, monkeypatch):
    # The home page, through app.py (a page opened with switch_page under AppTest runs alone, without app.py,
    # in Streamlit's legacy pages/ mode: the refusal screens are checked in chromium, test_francais there).
    monkeypatch.setenv("OBSERVATOIRE_DB", str(demo_db.path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    scripts = _scripts(at)
    assert len(scripts) == 1
    assert "document.documentElement.lang = \"fr\"" in scripts[0]
    assert '"Show/hide columns": "Afficher ou masquer des colonnes"' in scripts[0]


def test_the_script_holds_nothing_shaped_like_a_tag():
    # DOMPurify (Streamlit's cleaning of st.html) drops a script whose text holds « <x », « </ » or « <! ».
    body = francais.script().strip().removeprefix("<script>").removesuffix("</script>")
    assert re.search(r"<[/\w!]", body) is None
    assert body.count("<script") == 0


def test_a_comment_with_a_tag_would_be_refused(monkeypatch):
    monkeypatch.setattr(francais, "SCRIPT", francais.SCRIPT.replace("(() => {", "(() => { // <b>", 1))
    with pytest.raises(ValueError):
        francais.script()


def test_translations_are_french_and_leave_no_english_behind():
    english = {"Show", "Download", "Search", "Fullscreen", "Skip", "results", "Drag", "Browse", "Upload",
               "found", "Running", "Choose", "Collapse", "Link", "Help", "file", "files"}
    for source, french in francais.TEXTS.items():
        assert french != source or source in ("Format",), source
        assert not (set(re.findall(r"\w+", french)) & english), (source, french)

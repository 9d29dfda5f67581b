"""The app's identity under AppTest: OIDC users of every role (``at.user``), an unknown person, the
gateway header present, absent and spoofed, a server with no identity, a half-configured server."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicateurs import journal

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "secret-de-test",
        "client_id": "observatoire", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
RIGHTS = "identite;role;directions\nreferent.dpe@paris.fr;référent;DPE\ngroupe:sru-admins;administrateur;\n"


@pytest.fixture
def rights(tmp_path, monkeypatch, demo_db):
    st.cache_data.clear()
    st.cache_resource.clear()
    path = tmp_path / "habilitations.csv"
    path.write_text(RIGHTS, encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_HABILITATIONS", str(path))
    monkeypatch.setenv("OBSERVATOIRE_DB", str(demo_db.path))
    return path


def _text(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def oidc_app(user: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    return at.run()


def _pages(at) -> set[str]:
    """The pages of the menu among those that depend on the role (and Complétude, open to all)."""
    links = {link.proto.page for link in at.sidebar.get("page_link")}
    return links & {"import_donnees", "journal", "referentiel", "completude"}


def test_signed_out_visitor_gets_the_french_sign_in_screen_and_no_page(rights):
    at = oidc_app({"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Se connecter"]
    assert "Connectez-vous avec votre compte de la Ville" in at.markdown[0].value
    assert _pages(at) == set()


def test_reader_referent_and_administrator_each_get_their_own_navigation(rights, demo_db):
    reader = oidc_app({"is_logged_in": True, "email": "inconnu@paris.fr", "groups": ["codir"]})
    assert not reader.exception
    assert "Connecté : inconnu@paris.fr (lecteur)" in _text(reader.sidebar.caption)
    assert _pages(reader) == {"completude"}
    referent = oidc_app({"is_logged_in": True, "email": "referent.dpe@paris.fr"})
    assert "Connecté : referent.dpe@paris.fr (référent (DPE))" in _text(referent.sidebar.caption)
    assert _pages(referent) == {"completude", "import_donnees"}
    admin = oidc_app({"is_logged_in": True, "email": "chef@paris.fr", "groups": ["sru-admins", "autre"]})
    assert "Connecté : chef@paris.fr (administrateur)" in _text(admin.sidebar.caption)
    assert _pages(admin) == {"completude", "import_donnees", "journal", "referentiel"}
    assert [b.label for b in admin.sidebar.button] == ["Se déconnecter"]
    # Writers' sign-ins are journaled once per session, readers' not.
    admin.run()
    signed = journal.read_journal(demo_db, action=journal.CONNEXION)
    assert sorted(signed["utilisateur"]) == ["chef@paris.fr", "referent.dpe@paris.fr"]


def test_administration_pages_open_for_an_administrator(rights):
    at = oidc_app({"is_logged_in": True, "email": "chef@paris.fr", "groups": ["sru-admins"]})
    at.switch_page("pages/journal.py").run()
    assert not at.exception and at.title[0].value == "Journal d'audit"
    assert "chef@paris.fr" in set(at.dataframe[0].value["Par"])
    at.switch_page("pages/referentiel.py").run()
    assert not at.exception and at.title[0].value == "Référentiel"


def test_unknown_people_can_be_refused_by_a_setting(rights, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_INCONNUS", "refuser")
    at = oidc_app({"is_logged_in": True, "email": "inconnu@paris.fr"})
    assert not at.exception
    assert "Votre compte « inconnu@paris.fr » n'a pas accès" in _text(at.error)[0]
    assert _pages(at) == set()


@pytest.mark.parametrize("script, refusal", [
    ("pages/import_donnees.py", "Votre rôle (lecteur) ne permet pas d'importer des fichiers"),
    ("pages/journal.py", "Le journal d'audit est réservé aux administrateurs ; votre rôle : lecteur."),
    ("pages/referentiel.py", "La modification du référentiel est réservée aux administrateurs ; votre rôle : lecteur."),
])
def test_a_page_reached_by_its_address_refuses_a_reader_in_french(rights, script, refusal):
    at = oidc_app({"is_logged_in": True, "email": "inconnu@paris.fr"})
    at.switch_page(script).run()  # what opening /import_donnees (…) in the browser does
    assert not at.exception
    errors = _text(at.error)
    assert len(errors) == 1 and errors[0].startswith(refusal), errors
    assert not at.title and not at.get("file_uploader") and not at.dataframe and not at.button


@pytest.mark.parametrize("script", ["pages/import_donnees.py", "pages/journal.py", "pages/referentiel.py"])
def test_a_page_run_on_its_own_refuses_a_reader_in_french(rights, script):
    at = AppTest.from_file(str(ROOT / script), default_timeout=120).run()  # no identity: a reader
    assert not at.exception
    assert "votre rôle" in at.error[0].value.lower() or "Votre rôle" in at.error[0].value
    assert not at.get("file_uploader") and not at.dataframe


def _gateway(monkeypatch, header: str | None, **env) -> AppTest:
    import ui.identite

    seen = []

    def fake(name):
        seen.append(name)
        return header if name.lower() == "x-utilisateur-ville" else None

    monkeypatch.setattr(ui.identite, "request_header", fake)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.seen_headers = seen
    return at


def test_gateway_header_present_gives_the_person_its_role(rights, monkeypatch):
    at = _gateway(monkeypatch, "referent.dpe@paris.fr", OBSERVATOIRE_IDENTITE="passerelle",
                  OBSERVATOIRE_ENTETE="X-Utilisateur-Ville")
    assert not at.exception
    assert "Connecté : referent.dpe@paris.fr (référent (DPE))" in _text(at.sidebar.caption)
    assert "Identification : passerelle d'authentification de la Ville (en-tête X-Utilisateur-Ville)" in \
        _text(at.sidebar.caption)
    assert _pages(at) == {"completude", "import_donnees"}


def test_gateway_header_absent_lets_nobody_in(rights, monkeypatch):
    at = _gateway(monkeypatch, None, OBSERVATOIRE_IDENTITE="passerelle", OBSERVATOIRE_ENTETE="X-Utilisateur-Ville")
    assert not at.exception
    assert "n'a transmis aucune identité" in at.error[0].value
    assert _pages(at) == set()


def test_a_spoofed_header_is_not_honoured_unless_the_gateway_mode_is_chosen(rights, monkeypatch):
    # Local mode (no identity configured): the header is not even read; the visitor stays a reader.
    local = _gateway(monkeypatch, "referent.dpe@paris.fr", OBSERVATOIRE_ENTETE="X-Utilisateur-Ville")
    assert local.seen_headers == []
    assert "Connecté : visiteur (sans identification) (lecteur)" in _text(local.sidebar.caption)
    assert _pages(local) == {"completude"}
    # OIDC mode: a header sent by the browser does not sign anyone in.
    import ui.identite
    monkeypatch.setattr(ui.identite, "request_header", lambda name: "chef@paris.fr")
    at = oidc_app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Se connecter"] and _pages(at) == set()


def test_a_local_administrator_is_named_explicitly(rights, monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_ADMINISTRATEUR_LOCAL", "sru.poste")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "Connecté : sru.poste (administrateur)" in _text(at.sidebar.caption)
    assert "Identification : locale, administrateur local : sru.poste" in _text(at.sidebar.caption)
    assert _pages(at) == {"completude", "import_donnees", "journal", "referentiel"}


def test_a_half_configured_server_does_not_start(rights, monkeypatch):
    rights.write_text("identite;role;directions\nx@paris.fr;chef;\nreferent@paris.fr;référent;\n", encoding="utf-8")
    at = oidc_app({"is_logged_in": True, "email": "x@paris.fr"})
    assert not at.exception
    assert "ne peut pas démarrer" in at.error[0].value
    text = at.markdown[0].value.replace("\\", "")
    assert "habilitations.csv, ligne 2 : rôle « chef » inconnu" in text
    assert "habilitations.csv, ligne 3 : un référent doit avoir au moins une direction" in text
    assert _pages(at) == set()

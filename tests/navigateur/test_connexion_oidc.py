"""End to end with a real OpenID Connect provider (oidc-provider-mock) and Debian's chromium: a reader,
a référent of DPE and an administrator sign in, each sees its own navigation and may do only its own writes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import (demo_copy, eventually, free_port, no_exception, open_page, running_app, upload,
                       wait_for_app, wait_for_http)

# xdist_group: with « pytest --dist loadgroup », the module's provider and server start once, on one worker.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("oidc")]

USERS = [
    {"sub": "lecteur@paris.fr", "email": "lecteur@paris.fr", "groups": ["codir"]},
    {"sub": "referent.dpe@paris.fr", "email": "referent.dpe@paris.fr", "groups": []},
    {"sub": "chef.sru@paris.fr", "email": "chef.sru@paris.fr", "groups": ["sru-admins"]},
]
HABILITATIONS = "identite;role;directions\nreferent.dpe@paris.fr;référent;DPE\ngroupe:sru-admins;administrateur;\n"
MIXED_FILE = (
    "parcours;indicateur;mois;valeur\r\n"
    "DPE-ENCOMBRANTS;DELAI_TRAITEMENT;2026-10;4,5\r\n"
    "DJS-PISCINE;TAUX_DECROCHE;2026-10;80\r\n"
    "DJS-PISCINE;DELAI_TRAITEMENT;2026-10;3\r\n"
).encode("utf-8")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """oidc-provider-mock on a free local port, with the three people predefined; yields its URL."""
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    command = [sys.executable, "-W", "ignore", "-m", "oidc_provider_mock", "-p", str(port)]
    for user in USERS:
        command += ["--user-claims", json.dumps(user)]
    log = folder / "oidc.log"
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/.well-known/openid-configuration", process, log,
                  "le fournisseur OIDC de test n'a pas démarré")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def oidc_server(provider, _demo_template, tmp_path_factory, chromium_path):
    """The app in oidc mode: a secrets.toml in a temporary folder (the repository's .streamlit/ is left
    alone), the habilitations file, a copy of the demo database."""
    folder = tmp_path_factory.mktemp("serveur-oidc")
    db = demo_copy(_demo_template, folder)
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "un-secret-de-test-seulement"\n'
        'client_id = "observatoire"\n'
        'client_secret = "secret-de-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    rights = folder / "habilitations.csv"
    rights.write_text(HABILITATIONS, encoding="utf-8")
    with running_app(db, folder / "streamlit.log", port=port, args=(f"--secrets.files={secrets}",),
                     OBSERVATOIRE_HABILITATIONS=str(rights)) as url:
        yield {"url": url, "db": db}


def _sign_in(page, url: str, who: str) -> None:
    open_page(page, url)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name=who).click()
    page.wait_for_url(url + "/**", timeout=60_000)
    page.get_by_text(f"Connecté : {who}").wait_for(timeout=60_000)
    wait_for_app(page)


def _nav(page, *, drawn: bool = True) -> set[str]:
    """The navigation's page names; with ``drawn``, once the menu is drawn (the sign-in caption can show first)."""
    links = page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
    if drawn:
        links.first.wait_for(timeout=60_000)
    wait_for_app(page)
    return {links.nth(i).inner_text().strip().split("\n")[-1].strip() for i in range(links.count())}  # past the icon


def test_reader_sees_the_dashboards_only_and_cannot_reach_import(oidc_server, provider, page):
    url = oidc_server["url"]
    open_page(page, url)
    # the first run of a server process reruns itself: wait for the page it draws
    page.get_by_text("Connectez-vous avec votre compte de la Ville").first.wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("Connectez-vous avec votre compte de la Ville").count() == 1
    assert _nav(page, drawn=False) == set()  # no menu before signing in
    _sign_in(page, url, "lecteur@paris.fr")
    assert page.get_by_text("Connecté : lecteur@paris.fr (lecteur)").count() == 1
    nav = _nav(page)
    assert "Vue d'ensemble" in nav and "Complétude" in nav
    assert not nav & {"Import", "Journal d'audit", "Référentiel"}
    for path, refusal in (("/import_donnees", "ne permet pas d'importer"),
                          ("/journal", "Le journal d'audit est réservé aux administrateurs"),
                          ("/referentiel", "La modification du référentiel est réservée aux administrateurs")):
        open_page(page, url + path)
        assert page.get_by_text(refusal).count() == 1, path
        assert page.get_by_text("Import des fichiers mensuels").count() == 0, path
        assert page.locator('[data-testid="stFileUploader"]').count() == 0, path
        assert page.get_by_role("heading", name="Journal d'audit").count() == 0, path
        assert page.get_by_role("heading", name="Référentiel").count() == 0, path
        no_exception(page, path)
    page.get_by_role("button", name="Se déconnecter").click()
    # the app clears its cookie and sends the browser to the provider's end of session: wait until it is there
    page.wait_for_url(f"{provider}/oauth2/end_session**")
    # signed out: the browser no longer holds Streamlit's identity cookie (it may be cut in parts)
    cookies = eventually(page, lambda: [c["name"] for c in page.context.cookies()
                                        if c["name"].startswith("_streamlit_user")], lambda names: not names, 30)
    assert cookies == []
    open_page(page, url)
    assert page.get_by_role("button", name="Se connecter").count() == 1
    assert page.get_by_text("Connecté : lecteur@paris.fr").count() == 0


def test_referent_imports_only_its_direction_and_cancels_only_its_own(oidc_server, page, tmp_path):
    url = oidc_server["url"]
    _sign_in(page, url, "referent.dpe@paris.fr")
    assert page.get_by_text("Connecté : referent.dpe@paris.fr (référent (DPE))").count() == 1
    nav = _nav(page)
    assert "Import" in nav and not nav & {"Journal d'audit", "Référentiel"}
    open_page(page, url + "/import_donnees")
    path = tmp_path / "dpe_et_djs.csv"
    path.write_bytes(MIXED_FILE)
    upload(page, str(path), page.get_by_role("button", name="Importer ce fichier"))
    page.get_by_role("button", name="Importer ce fichier").click()
    refusal = page.get_by_text("refusé en entier")
    refusal.wait_for(timeout=60_000)
    text = refusal.inner_text()
    assert "DJS-PISCINE" in text and "ligne(s) 3, 4" in text
    # Nothing of the file was stored, and only the demo import (not the référent's) is in the journal:
    # the référent has nothing of its own to cancel, so no cancel control is offered.
    assert page.get_by_text("Annuler un import").count() == 0
    no_exception(page)


def test_administrator_sees_administration_and_the_journal(oidc_server, page):
    url = oidc_server["url"]
    _sign_in(page, url, "chef.sru@paris.fr")
    assert page.get_by_text("Connecté : chef.sru@paris.fr (administrateur)").count() == 1
    nav = _nav(page)
    assert {"Import", "Journal d'audit", "Référentiel"} <= nav
    open_page(page, url + "/journal")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=30_000)
    # The sign-ins of the two writers of this module are journaled (the reader's is not).
    assert page.get_by_text("ligne(s).").count() == 1
    no_exception(page)

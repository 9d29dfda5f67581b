"""Identity by configuration: the habilitations file, the modes, who is who (no Streamlit here)."""

from __future__ import annotations

import pytest

from indicateurs.habilitations import HabilitationsInvalides, parse_habilitations
from indicateurs.identite import (LOCALE, OIDC, PASSERELLE, ConfigurationInvalide, cli_user, load_configuration,
                                  local_app_user, signed_in_user)
from indicateurs.roles import ADMINISTRATEUR, LECTEUR, REFERENT, Utilisateur

DIRECTIONS = {"DPE", "DJS", "DVD", "DSOL"}
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x", "client_id": "id",
        "client_secret": "s", "server_metadata_url": "http://idp/.well-known/openid-configuration"}
GOOD = ("identite;role;directions;commentaire\n"
        "Referent.DPE@paris.fr;référent;DPE DVD;deux directions\n"
        "double@paris.fr;referent;DJS;\n"
        "groupe:codir;lecteur;;\n"
        "groupe:sru-admins;Administrateur;;\n"
        "groupe:dsol-referents;référent;DSOL;\n")


def rights(tmp_path, text=GOOD):
    path = tmp_path / "habilitations.csv"
    path.write_text(text, encoding="utf-8")
    return {"OBSERVATOIRE_HABILITATIONS": str(path)}


def test_habilitations_give_roles_by_email_and_by_group():
    h = parse_habilitations(GOOD, DIRECTIONS)
    assert h.resolve("referent.dpe@PARIS.fr") == Utilisateur("referent.dpe@PARIS.fr", REFERENT, ("DPE", "DVD"))
    assert h.resolve("quelqu.un@paris.fr", ["sru-admins"]).role == ADMINISTRATEUR
    assert h.resolve("quelqu.un@paris.fr", ["codir"]).role == LECTEUR
    # A person and its groups: the highest role wins; a référent gets the directions of all its lines.
    assert h.resolve("double@paris.fr", ["dsol-referents"]) == Utilisateur("double@paris.fr", REFERENT, ("DJS", "DSOL"))
    assert h.resolve("double@paris.fr", ["sru-admins"]).role == ADMINISTRATEUR
    assert h.resolve("inconnu@paris.fr", ["autre"]) is None


def test_bad_lines_are_all_reported_in_french_with_their_numbers():
    text = ("identite,role,directions\n"
            "a@paris.fr,lecteur,\n"
            ",lecteur,\n"
            "b@paris.fr,chef,\n"
            "c@paris.fr,référent,\n"
            "d@paris.fr,référent,DPE XXX\n"
            "A@paris.fr,administrateur,\n")
    with pytest.raises(HabilitationsInvalides) as caught:
        parse_habilitations(text, DIRECTIONS)
    errors = caught.value.erreurs
    assert errors == [
        "habilitations.csv, ligne 3 : colonne « identite » vide : indiquez une adresse e-mail, un compte ou groupe:NOM.",
        "habilitations.csv, ligne 4 : rôle « chef » inconnu ; rôles possibles : lecteur, référent, administrateur.",
        "habilitations.csv, ligne 5 : un référent doit avoir au moins une direction (colonne « directions »).",
        "habilitations.csv, ligne 6 : direction(s) inconnue(s) : XXX ; codes possibles : DJS, DPE, DSOL, DVD.",
        "habilitations.csv, ligne 7 : « A@paris.fr » figure déjà ligne 2 ; gardez une seule ligne par identité.",
    ]


def test_missing_column_names_line_1():
    with pytest.raises(HabilitationsInvalides, match="ligne 1 : colonne\\(s\\) manquante\\(s\\) role"):
        parse_habilitations("identite;directions\na@paris.fr;\n", DIRECTIONS)


def test_mode_is_chosen_by_configuration(tmp_path):
    env = rights(tmp_path)
    assert load_configuration(env, None, directions=DIRECTIONS).mode == LOCALE
    assert load_configuration(env, AUTH, directions=DIRECTIONS).mode == OIDC
    gateway = load_configuration({**env, "OBSERVATOIRE_IDENTITE": "passerelle", "OBSERVATOIRE_ENTETE": "X-Remote-User"},
                                 None, directions=DIRECTIONS, server_address="127.0.0.1")
    assert (gateway.mode, gateway.entete) == (PASSERELLE, "X-Remote-User")
    assert "X-Remote-User" in gateway.description()
    assert load_configuration(env, None, directions=DIRECTIONS).description() == \
        "locale, lecture seule (aucune identité configurée)"


@pytest.mark.parametrize("env, auth, expected", [
    ({"OBSERVATOIRE_IDENTITE": "oidc"}, None, "demande une section [auth]"),
    ({}, {**AUTH, "client_secret": ""}, "client_secret manquante"),
    ({}, {k: v for k, v in AUTH.items() if k != "cookie_secret"}, "« cookie_secret » manquante"),
    ({"OBSERVATOIRE_IDENTITE": "passerelle"}, AUTH, "ne se combine pas avec une section [auth]"),
    ({"OBSERVATOIRE_IDENTITE": "passerelle", "OBSERVATOIRE_ENTETE": "X User"}, None, "nom d'en-tête HTTP valide"),
    ({"OBSERVATOIRE_IDENTITE": "sso"}, None, "valeurs possibles : oidc, passerelle, locale"),
    ({"OBSERVATOIRE_INCONNUS": "peut-être"}, None, "valeurs possibles : lecteur, refuser"),
    ({"OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "moi"}, AUTH, "ne vaut qu'en mode local"),
])
def test_half_configured_servers_refuse_to_start(tmp_path, env, auth, expected):
    with pytest.raises(ConfigurationInvalide) as caught:
        load_configuration({**rights(tmp_path), **env}, auth, directions=DIRECTIONS, server_address="127.0.0.1")
    assert any(expected in e for e in caught.value.erreurs), caught.value.erreurs


def test_signed_in_modes_need_the_habilitations_file(tmp_path):
    with pytest.raises(ConfigurationInvalide, match="fichier d'habilitations .* est introuvable"):
        load_configuration({"OBSERVATOIRE_HABILITATIONS": str(tmp_path / "absent.csv")}, AUTH, directions=DIRECTIONS)


def test_a_bad_habilitations_file_stops_the_app_with_its_lines(tmp_path):
    with pytest.raises(ConfigurationInvalide) as caught:
        load_configuration(rights(tmp_path, "identite;role;directions\nx@paris.fr;chef;\n"), AUTH,
                           directions=DIRECTIONS)
    assert caught.value.erreurs == ["habilitations.csv, ligne 2 : rôle « chef » inconnu ; rôles possibles : "
                                    "lecteur, référent, administrateur."]


def test_unknown_people_are_readers_or_refused(tmp_path):
    config = load_configuration(rights(tmp_path), AUTH, directions=DIRECTIONS)
    assert signed_in_user(config, "inconnu@paris.fr") == Utilisateur("inconnu@paris.fr", LECTEUR)
    assert signed_in_user(config, "x@paris.fr", ["sru-admins"]).role == ADMINISTRATEUR
    assert signed_in_user(config, "   ") is None
    strict = load_configuration({**rights(tmp_path), "OBSERVATOIRE_INCONNUS": "refuser"}, AUTH, directions=DIRECTIONS)
    assert signed_in_user(strict, "inconnu@paris.fr") is None
    assert signed_in_user(strict, "referent.dpe@paris.fr").role == REFERENT


def test_local_mode_is_read_only_unless_an_administrator_is_named(tmp_path):
    env = rights(tmp_path)
    plain = load_configuration(env, None, directions=DIRECTIONS, server_address="127.0.0.1")
    assert local_app_user(plain).role == LECTEUR
    # The habilitations file does not make a visitor of a local app a writer: the app has no identity.
    assert local_app_user(plain, "referent.dpe@paris.fr").role == LECTEUR
    named = load_configuration({**env, "OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.poste"}, None,
                               directions=DIRECTIONS, server_address="127.0.0.1")
    assert local_app_user(named) == Utilisateur("sru.poste", ADMINISTRATEUR)
    assert "administrateur local : sru.poste" in named.description()


@pytest.mark.parametrize("address", ["", "0.0.0.0", "10.1.2.3"])
def test_a_local_administrator_is_refused_on_a_server_open_to_the_network(tmp_path, address):
    with pytest.raises(ConfigurationInvalide, match="n'est permis que si Streamlit écoute sur 127.0.0.1"):
        load_configuration({**rights(tmp_path), "OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.poste"}, None,
                           directions=DIRECTIONS, server_address=address)


def test_command_line_roles_come_from_the_same_file(tmp_path):
    env = {**rights(tmp_path), "OBSERVATOIRE_ADMINISTRATEUR_LOCAL": "sru.poste"}
    config = load_configuration(env, None, directions=DIRECTIONS, app=False)
    assert cli_user(config, "referent.dpe@paris.fr").directions == ("DPE", "DVD")
    assert cli_user(config, "sru.poste").role == ADMINISTRATEUR
    assert cli_user(config, "jdupont").role == LECTEUR

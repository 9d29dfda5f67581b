"""Who is using the app, in the configured identity mode; the sign-in screen; the sidebar's identity.

The rules (modes, habilitations, who may write) live in ``indicateurs.identite``; this module only reads
what Streamlit knows (secrets, ``st.user``, request headers) and shows the French screens.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from indicateurs.identite import (LOCALE, OIDC, PASSERELLE, Configuration, ConfigurationInvalide, load_configuration,
                                  local_app_user, signed_in_user)
from indicateurs.referentiel import load_referentiel
from indicateurs.roles import Utilisateur
from ui.texte import litteral

APP_TITLE = "Observatoire des parcours usagers"


def request_header(name: str) -> str | None:
    """The value of one header of the current request (the websocket handshake), or None.

    The only place the app reads request headers: tests patch it, as AppTest cannot send headers.
    """
    try:
        return st.context.headers.get(name)
    except Exception:  # no request (bare script run)
        return None


def _auth_secrets() -> Mapping | None:
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        return None
    return auth.to_dict() if hasattr(auth, "to_dict") else auth


def _directions() -> set[str]:
    from ui.contexte import referentiel

    try:
        codes = {d.code for d in referentiel().directions}
    except Exception:
        codes = set()
    return codes or {d.code for d in load_referentiel().directions}


def _only_screen(screen, title: str) -> None:
    """Show ``screen`` whatever the address (every page's address leads to it), then stop: no page and no
    menu before identification, and no « page not found » in English for a deep link."""
    from ui.navigation import url_paths

    pages = [st.Page(screen, title=title, url_path="connexion", default=True)]
    pages += [st.Page(screen, title=title, url_path=path) for path in url_paths()]
    st.navigation(pages, position="hidden").run()
    st.stop()


def configuration() -> Configuration:
    """The active identity configuration; a half-configured server shows what is wrong and stops."""
    try:
        return load_configuration(auth=_auth_secrets(), directions=_directions(),
                                  server_address=st.get_option("server.address") or "")
    except ConfigurationInvalide as error:
        _only_screen(lambda: _configuration_screen(error), "Configuration incomplète")


def _configuration_screen(error: ConfigurationInvalide) -> None:
    st.title(APP_TITLE)
    st.error("**L'application ne peut pas démarrer : sa configuration d'identité est incomplète.** "
             "Corrigez ces points (voir « Déploiement » dans le README) puis relancez-la.",
             icon=":material/error:")
    st.markdown("\n".join(f"- {litteral(e)}" for e in error.erreurs))


def _claims() -> dict:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def resolve(config: Configuration) -> Utilisateur | None:
    """The user of this session in ``config``'s mode; None when nobody is identified (or refused)."""
    if config.mode == OIDC:
        claims = _claims()
        if not claims.get("is_logged_in"):
            return None
        identite = claims.get("email") or claims.get("preferred_username") or claims.get("sub") or ""
        groups = claims.get("groups") or []
        return signed_in_user(config, str(identite), [groups] if isinstance(groups, str) else list(groups))
    if config.mode == PASSERELLE:
        return signed_in_user(config, request_header(config.entete) or "")
    return local_app_user(config)


def current_user() -> Utilisateur:
    """The user of this session; a reader with no name when nobody is identified (pages then refuse
    every write, and app.py shows the sign-in screen before any page)."""
    return resolve(configuration()) or Utilisateur("personne (non connecté)")


def _sign_in_screen(config: Configuration) -> None:
    st.title(APP_TITLE)
    st.subheader("Connexion")
    st.markdown("Cet observatoire est réservé aux agents de la Ville de Paris. Connectez-vous avec votre compte "
                "de la Ville pour consulter les tableaux de bord.")
    if st.button("Se connecter", type="primary", icon=":material/login:", key="se_connecter"):
        st.login(config.fournisseur) if config.fournisseur else st.login()
    st.caption("Identification : " + config.description() + ".")


def _refused_screen(config: Configuration) -> None:
    st.title(APP_TITLE)
    if config.mode == PASSERELLE:
        st.error("La passerelle de la Ville n'a transmis aucune identité : ouvrez l'Observatoire par son "
                 "adresse officielle, ou contactez le SRU.", icon=":material/block:")
    else:
        who = _claims().get("email") or _claims().get("sub") or ""
        st.error(f"Votre compte « {litteral(who)} » n'a pas accès à l'Observatoire. Demandez au SRU de vous "
                 "ajouter au fichier d'habilitations.", icon=":material/block:")
        if config.mode == OIDC:
            st.button("Se déconnecter", on_click=st.logout, key="se_deconnecter_refus")


@st.cache_resource(show_spinner=False, max_entries=4)
def _habilitations_noted(path: str, sha256: str) -> bool:
    from indicateurs.operations import note_habilitations
    from ui.contexte import database

    config = configuration()
    return note_habilitations(database(), config.habilitations, config.chemin_habilitations)


def identity_gate() -> Utilisateur:
    """Run first by app.py: the sign-in screen if needed, then the identity in the sidebar; returns the
    user. Journals a writer's sign-in once per session and a changed habilitations file once."""
    config = configuration()
    if config.habilitations is not None:
        _habilitations_noted(str(config.chemin_habilitations), config.habilitations.sha256)
    if config.mode == OIDC and not _claims().get("is_logged_in"):
        _only_screen(lambda: _sign_in_screen(config), "Connexion")
    user = resolve(config)
    if user is None:
        _only_screen(lambda: _refused_screen(config), "Accès refusé")
    if user.ecrit() and st.session_state.get("connexion_journalisee") != (user.identifiant, user.role):
        from indicateurs.operations import record_sign_in
        from ui.contexte import database

        record_sign_in(database(), user, config.mode)
        st.session_state["connexion_journalisee"] = (user.identifiant, user.role)
    st.sidebar.caption(f"Connecté : {litteral(user.identifiant)} ({litteral(user.libelle())})")
    st.sidebar.caption(f"Identification : {litteral(config.description())}")
    if config.mode == OIDC:
        st.sidebar.button("Se déconnecter", on_click=st.logout, icon=":material/logout:", key="se_deconnecter")
    return user


def refuse_unless(allowed: bool, message: str) -> None:
    """At the top of a page a user may not use (reached by URL): a French refusal and nothing else."""
    if not allowed:
        st.error(message, icon=":material/block:")
        st.stop()


__all__ = ["LOCALE", "current_user", "identity_gate", "refuse_unless", "request_header"]

"""Which identity mode is active, and who a person is in it. Read from the environment and secrets.

Three modes, chosen by configuration ($OBSERVATOIRE_IDENTITE, else « oidc » when secrets.toml has an
``[auth]`` section, else « locale »):

- ``oidc``: Streamlit's sign-in (``st.login``) with the City's identity provider; the e-mail and the
  groups of the ID token are looked up in the habilitations file.
- ``passerelle``: the City's authenticating gateway puts the person in a header ($OBSERVATOIRE_ENTETE,
  default X-Forwarded-User). Honoured only in this mode, which must be chosen explicitly, and only safe
  when Streamlit listens on 127.0.0.1 behind the gateway that always overwrites the header.
- ``locale``: a laptop or the demo. Visitors of the app are readers, unless
  $OBSERVATOIRE_ADMINISTRATEUR_LOCAL names an administrator and the server listens on the loopback only.

The command line always uses the account running it (or ``--utilisateur``) and the same habilitations
file. A half-configured server refuses to start (``ConfigurationInvalide``, every problem in French).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from indicateurs.habilitations import Habilitations, HabilitationsInvalides, load_habilitations
from indicateurs.roles import ADMINISTRATEUR, LECTEUR, Utilisateur

OIDC, PASSERELLE, LOCALE = "oidc", "passerelle", "locale"
MODES = (OIDC, PASSERELLE, LOCALE)
DEFAULT_HABILITATIONS = Path(__file__).resolve().parent.parent / "data" / "habilitations.csv"
DEFAULT_HEADER = "X-Forwarded-User"
INCONNUS = ("lecteur", "refuser")
LOOPBACK = ("127.0.0.1", "localhost", "::1")

ENV_MODE = "OBSERVATOIRE_IDENTITE"
ENV_HEADER = "OBSERVATOIRE_ENTETE"
ENV_HABILITATIONS = "OBSERVATOIRE_HABILITATIONS"
ENV_UNKNOWN = "OBSERVATOIRE_INCONNUS"
ENV_LOCAL_ADMIN = "OBSERVATOIRE_ADMINISTRATEUR_LOCAL"
_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")


class ConfigurationInvalide(Exception):
    """The identity configuration is incomplete or contradictory; ``erreurs`` lists every problem."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("Configuration de l'identité incomplète :\n- " + "\n- ".join(erreurs))


@dataclass(frozen=True)
class Configuration:
    mode: str
    entete: str | None = None  # the gateway's header (passerelle mode only)
    habilitations: Habilitations | None = None
    chemin_habilitations: Path = DEFAULT_HABILITATIONS
    refuser_inconnus: bool = False
    administrateur_local: str | None = None
    fournisseur: str | None = None  # the [auth.NAME] provider to pass to st.login, if several

    def description(self) -> str:
        """One French sentence saying how people are identified (sidebar, ``--help``)."""
        if self.mode == OIDC:
            return "connexion par le fournisseur d'identité de la Ville (OIDC)"
        if self.mode == PASSERELLE:
            return f"passerelle d'authentification de la Ville (en-tête {self.entete})"
        if self.administrateur_local:
            return f"locale, administrateur local : {self.administrateur_local}"
        return "locale, lecture seule (aucune identité configurée)"


def _auth_problems(auth: Mapping | None) -> list[str]:
    if not auth:
        return ["le mode oidc demande une section [auth] dans .streamlit/secrets.toml."]
    problems = [f"[auth] : clé « {k} » manquante dans .streamlit/secrets.toml."
                for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    providers = {name: section for name, section in auth.items() if isinstance(section, Mapping)}
    sections = list(providers.values()) or [auth]
    for section in sections:
        missing = [k for k in _AUTH_KEYS if not section.get(k) and not auth.get(k)]
        if missing:
            problems.append(f"[auth] : clé(s) {', '.join(missing)} manquante(s) dans .streamlit/secrets.toml.")
    if len(providers) > 1:
        problems.append("[auth] : un seul fournisseur d'identité est pris en charge ; gardez une seule "
                        "section [auth.NOM].")
    return problems


def load_configuration(environ: Mapping[str, str] | None = None, auth: Mapping | None = None, *,
                       directions: set[str], server_address: str | None = None,
                       app: bool = True) -> Configuration:
    """The active configuration, or ConfigurationInvalide listing everything that is missing or wrong.

    ``auth`` is the ``[auth]`` section of secrets.toml (None if absent); ``directions`` the known
    direction codes (to check the habilitations file); ``server_address`` Streamlit's
    ``server.address`` (None for the command line); ``app`` False for the command line, which ignores
    the web modes but reads the same habilitations file.
    """
    env = os.environ if environ is None else environ
    errors: list[str] = []
    mode = (env.get(ENV_MODE) or "").strip().casefold() or (OIDC if auth else LOCALE)
    if mode not in MODES:
        raise ConfigurationInvalide([f"{ENV_MODE} vaut « {env.get(ENV_MODE)} » ; valeurs possibles : "
                                     f"{', '.join(MODES)}."])
    header = (env.get(ENV_HEADER) or DEFAULT_HEADER).strip()
    local_admin = (env.get(ENV_LOCAL_ADMIN) or "").strip() or None
    unknown = (env.get(ENV_UNKNOWN) or "lecteur").strip().casefold()
    if unknown not in INCONNUS:
        errors.append(f"{ENV_UNKNOWN} vaut « {env.get(ENV_UNKNOWN)} » ; valeurs possibles : lecteur, refuser.")
    path = Path(env.get(ENV_HABILITATIONS) or DEFAULT_HABILITATIONS)
    if app:
        if mode == OIDC:
            errors += _auth_problems(auth)
        if mode == PASSERELLE and auth:
            errors.append("le mode passerelle ne se combine pas avec une section [auth] dans "
                          ".streamlit/secrets.toml : retirez-la ou choisissez le mode oidc.")
        if mode == PASSERELLE and not header.replace("-", "").isalnum():
            errors.append(f"{ENV_HEADER} : « {header} » n'est pas un nom d'en-tête HTTP valide.")
        if mode != LOCALE and local_admin:
            errors.append(f"{ENV_LOCAL_ADMIN} ne vaut qu'en mode local : retirez-la, les administrateurs "
                          "sont nommés dans le fichier d'habilitations.")
        if mode == LOCALE and local_admin and server_address is not None and server_address not in LOOPBACK:
            errors.append(f"{ENV_LOCAL_ADMIN} est défini mais le serveur écoute sur « {server_address or 'toutes les interfaces'} » : "
                          "un administrateur local n'est permis que si Streamlit écoute sur 127.0.0.1 "
                          "(server.address). Configurez le mode oidc ou passerelle pour un serveur partagé.")
        if mode != LOCALE and not path.exists():
            errors.append(f"le fichier d'habilitations {path} est introuvable : créez-le (voir « Déploiement » "
                          f"dans le README) ou indiquez son chemin dans {ENV_HABILITATIONS}.")
    habilitations = None
    if path.exists():
        try:
            habilitations = load_habilitations(path, directions)
        except HabilitationsInvalides as error:
            errors += error.erreurs
    if errors:
        raise ConfigurationInvalide(errors)
    providers = [name for name, section in (auth or {}).items() if isinstance(section, Mapping)]
    return Configuration(mode, header if mode == PASSERELLE else None, habilitations, path,
                         unknown == "refuser", local_admin if mode == LOCALE else None,
                         providers[0] if providers else None)


def signed_in_user(config: Configuration, identite: str, groupes=()) -> Utilisateur | None:
    """A person the provider or the gateway vouched for: their habilitation, else a reader (or None
    when the configuration refuses unknown people)."""
    identite = (identite or "").strip()
    if not identite:
        return None
    known = config.habilitations.resolve(identite, list(groupes or ())) if config.habilitations else None
    if known is not None:
        return known
    return None if config.refuser_inconnus else Utilisateur(identite, LECTEUR)


def local_app_user(config: Configuration, name: str | None = None) -> Utilisateur:
    """The visitor of an app without identity: the named local administrator, else a reader."""
    if config.administrateur_local:
        return Utilisateur(config.administrateur_local, ADMINISTRATEUR)
    return Utilisateur(name or "visiteur (sans identification)", LECTEUR)


def cli_user(config: Configuration, name: str) -> Utilisateur:
    """The account running a command: administrator if it is the named local administrator, else its
    line in the habilitations file, else a reader."""
    if config.administrateur_local and name == config.administrateur_local:
        return Utilisateur(name, ADMINISTRATEUR)
    known = config.habilitations.resolve(name) if config.habilitations else None
    return known or Utilisateur(name, LECTEUR)

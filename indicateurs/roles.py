"""Who acts, and what each role may do. Every write takes a ``Utilisateur`` and records its name.

Three roles, as the SRU defined them: a CODIR reader browses; a direction's référent imports its own
direction's files; an SRU administrator imports for everyone, cancels imports and edits the referential.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

LECTEUR = "lecteur CODIR"
REFERENT = "référent direction"
ADMINISTRATEUR = "administrateur SRU"
ROLES = (LECTEUR, REFERENT, ADMINISTRATEUR)


@dataclass(frozen=True)
class Utilisateur:
    identifiant: str
    role: str = ADMINISTRATEUR
    direction: str | None = None  # the référent's own direction

    def peut_importer(self) -> bool:
        return self.role in (REFERENT, ADMINISTRATEUR)

    def peut_annuler(self) -> bool:
        return self.role == ADMINISTRATEUR

    def peut_modifier_referentiel(self) -> bool:
        return self.role == ADMINISTRATEUR


def local_user() -> Utilisateur:
    """The user of a local installation without single sign-on: from $OBSERVATOIRE_UTILISATEUR and
    $OBSERVATOIRE_ROLE, by default an SRU administrator named after the machine account."""
    name = os.environ.get("OBSERVATOIRE_UTILISATEUR") or os.environ.get("USER") or "utilisateur local"
    role = os.environ.get("OBSERVATOIRE_ROLE", ADMINISTRATEUR)
    if role not in ROLES:
        role = LECTEUR  # an unknown role gets the least rights
    return Utilisateur(name, role, os.environ.get("OBSERVATOIRE_DIRECTION") or None)

"""Who acts, and what each role may do. Every write takes a ``Utilisateur`` and records its name.

Three roles, as the SRU defined them: a « lecteur » reads every dashboard; a « référent » also imports,
previews and cancels its own imports, for its direction(s) only; an « administrateur » does everything,
including cancelling anyone's import, editing the referential and reading the audit journal.
Who has which role is decided by ``indicateurs.identite`` (sign-in, gateway, habilitations file).
"""

from __future__ import annotations

from dataclasses import dataclass

LECTEUR = "lecteur"
REFERENT = "référent"
ADMINISTRATEUR = "administrateur"
ROLES = (LECTEUR, REFERENT, ADMINISTRATEUR)
RANG = {LECTEUR: 0, REFERENT: 1, ADMINISTRATEUR: 2}


@dataclass(frozen=True)
class Utilisateur:
    """A person (or an account) and its role. The least rights unless a role is given explicitly."""

    identifiant: str
    role: str = LECTEUR
    directions: tuple[str, ...] = ()  # a référent's own directions

    def peut_importer(self) -> bool:
        return self.role in (REFERENT, ADMINISTRATEUR)

    def peut_annuler(self) -> bool:
        """May cancel some imports (a référent: only its own; checked per import in ``operations``)."""
        return self.role in (REFERENT, ADMINISTRATEUR)

    def est_administrateur(self) -> bool:
        return self.role == ADMINISTRATEUR

    def peut_modifier_referentiel(self) -> bool:
        return self.role == ADMINISTRATEUR

    def ecrit(self) -> bool:
        """True for the roles that write (their sign-in is journaled)."""
        return self.role != LECTEUR

    def libelle(self) -> str:
        """« référent (DPE, DVD) », « administrateur »…: what the sidebar and messages show."""
        if self.role == REFERENT and self.directions:
            return f"{self.role} ({', '.join(self.directions)})"
        return self.role

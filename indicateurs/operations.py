"""The writes a user makes, each followed by the update of the derived results.

Both the upload page and the CLI go through here, so that after an import or a cancellation the stored
verdicts, scores and aggregates always match the stored values.
"""

from __future__ import annotations

from indicateurs.db import Database
from indicateurs.imports.pipeline import ResultatImport, Verification, commit
from indicateurs.roles import REFERENT, Utilisateur
from indicateurs.valeurs import STATUT_IMPORTE, ResultatAnnulation, cancel_import


def _check_own_direction(db: Database, verification: Verification, user: Utilisateur) -> None:
    """A direction's référent imports only the parcours of their own direction."""
    from indicateurs.referentiel_store import read_referentiel

    if not user.direction:
        raise ActionInterdite("Votre compte de référent n'est rattaché à aucune direction : demandez au SRU "
                              "de le rattacher avant d'importer.")
    direction_of = {p.code: p.direction for p in read_referentiel(db).parcours}
    foreign = sorted({code for code in verification.valeurs["parcours"] if direction_of.get(code) != user.direction})
    if foreign:
        raise ActionInterdite(
            f"En tant que référent de la direction {user.direction}, vous ne pouvez importer que ses parcours ; "
            f"le fichier « {verification.fichier} » contient aussi : {', '.join(foreign[:10])}. "
            "Retirez ces lignes ou demandez au SRU de l'importer.")


def _refresh(db: Database) -> None:
    # Imported here: the statistics stack is slow to import and a dry run never needs it.
    from indicateurs.resultats import refresh_results

    refresh_results(db)


class ActionInterdite(Exception):
    """The user's role does not allow this write."""


def import_file(db: Database, verification: Verification, user: Utilisateur) -> ResultatImport:
    """Commit a checked file as ``user`` (journaled), then refresh the results if anything was written."""
    if not user.peut_importer():
        raise ActionInterdite(f"Le rôle « {user.role} » ne permet pas d'importer des fichiers.")
    if user.role == REFERENT:
        _check_own_direction(db, verification, user)
    result = commit(db, verification, utilisateur=user.identifiant)
    if result.statut == STATUT_IMPORTE and (result.nouvelles or result.revisees):
        _refresh(db)
    return result


def cancel(db: Database, import_id: int, user: Utilisateur) -> ResultatAnnulation:
    """« Annuler l'import » as ``user`` (journaled), then refresh the results."""
    if not user.peut_annuler():
        raise ActionInterdite(f"Le rôle « {user.role} » ne permet pas d'annuler un import.")
    result = cancel_import(db, import_id, utilisateur=user.identifiant)
    _refresh(db)
    return result

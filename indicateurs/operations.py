"""The writes a user makes, each followed by the update of the derived results.

Both the upload page and the CLI go through here, so that after an import or a cancellation the stored
verdicts, scores and aggregates always match the stored values.
"""

from __future__ import annotations

from indicateurs.db import Database
from indicateurs.imports.pipeline import ResultatImport, Verification, commit
from indicateurs.roles import Utilisateur
from indicateurs.valeurs import STATUT_IMPORTE, ResultatAnnulation, cancel_import


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

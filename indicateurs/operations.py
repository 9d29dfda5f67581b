"""The writes a user makes, each checked against the user's role, journaled, then followed by the update
of the derived results.

Both the pages and the CLI go through here: the rule of who may do what lives in one place, inside
``indicateurs/``, whatever the screen shows. Every refusal is an ``ActionInterdite`` with a French message.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from indicateurs import journal
from indicateurs.db import Database
from indicateurs.imports.pipeline import ResultatImport, Verification, commit
from indicateurs.roles import REFERENT, Utilisateur
from indicateurs.valeurs import STATUT_IMPORTE, ResultatAnnulation, cancel_import


class ActionInterdite(Exception):
    """The user's role does not allow this write."""


def require_admin(user: Utilisateur, what: str) -> None:
    """Refuse ``what`` (« modifier le référentiel »…) to anyone but an administrator."""
    if not user.est_administrateur():
        raise ActionInterdite(f"Seul un administrateur peut {what} ; votre rôle : {user.libelle()}.")


def _directions_of(db: Database) -> dict[str, str]:
    from indicateurs.referentiel_store import read_referentiel

    return {p.code: p.direction for p in read_referentiel(db).parcours}


def _check_own_direction(db: Database, verification: Verification, user: Utilisateur) -> None:
    """A référent imports only the parcours of its own direction(s): the whole file is refused otherwise,
    with the lines that belong to another direction."""
    if not user.directions:
        raise ActionInterdite("Votre compte de référent n'est rattaché à aucune direction : demandez au SRU "
                              "de le rattacher dans le fichier d'habilitations avant d'importer.")
    direction_of = _directions_of(db)
    frame = verification.valeurs
    allowed = [code for code, direction in direction_of.items() if direction in user.directions]
    foreign = np.flatnonzero(~frame["parcours"].isin(allowed).to_numpy())
    if not len(foreign):
        return
    codes = sorted(set(frame["parcours"].iloc[foreign]))
    lines = verification.origines.lignes if len(verification.origines.lignes) == len(frame) else None
    where = ""
    if lines is not None:
        numbers = sorted({int(lines[i]) for i in foreign})
        more = f" et {len(numbers) - 20} autre(s)" if len(numbers) > 20 else ""
        where = f" (ligne(s) {', '.join(map(str, numbers[:20]))}{more})"
    raise ActionInterdite(
        f"Fichier « {verification.fichier} » refusé en entier : en tant que référent de "
        f"{', '.join(user.directions)}, vous ne pouvez importer que les parcours de votre direction ; "
        f"il contient aussi {', '.join(codes[:10])}{where}. Retirez ces lignes ou demandez au SRU de l'importer.")


def refresh(db: Database) -> None:
    """Bring the stored results up to date after a write."""
    # Imported here: the statistics stack is slow to import and a dry run never needs it.
    from indicateurs.resultats import refresh_results

    refresh_results(db)


def import_file(db: Database, verification: Verification, user: Utilisateur) -> ResultatImport:
    """Commit a checked file as ``user`` (journaled with the file's name, sha256 and counts), then refresh
    the results if anything was written. A référent's file must hold only its direction(s)' parcours."""
    if not user.peut_importer():
        raise ActionInterdite(f"Le rôle « {user.libelle()} » ne permet pas d'importer des fichiers.")
    if user.role == REFERENT and verification.ok:
        _check_own_direction(db, verification, user)
    result = commit(db, verification, utilisateur=user.identifiant,
                    on_commit=lambda con, import_id: journal.record_import_in(con, user, import_id),
                    on_reject=lambda con, import_id: journal.record_import_in(
                        con, user, import_id, action=journal.IMPORT_REFUSE))
    if result.statut == STATUT_IMPORTE and (result.nouvelles or result.revisees):
        refresh(db)
    return result


def _check_may_cancel(db: Database, import_id: int, user: Utilisateur) -> None:
    if not user.peut_annuler():
        raise ActionInterdite(f"Le rôle « {user.libelle()} » ne permet pas d'annuler un import.")
    if user.est_administrateur():
        return
    row = db.query_one("SELECT utilisateur FROM imports WHERE id = ?", [import_id])
    if row is None:
        return  # cancel_import says in French that it does not exist
    if str(row[0]).strip().casefold() != user.identifiant.strip().casefold():
        raise ActionInterdite(f"L'import n° {import_id} a été fait par « {row[0]} » : un référent n'annule que "
                              "ses propres imports. Demandez au SRU (administrateur) de l'annuler.")
    direction_of = _directions_of(db)
    touched = db.query_df("SELECT DISTINCT parcours FROM mouvements WHERE import_id = ?", [import_id])["parcours"]
    foreign = sorted({p for p in touched if direction_of.get(p) not in user.directions})
    if foreign:
        raise ActionInterdite(f"L'import n° {import_id} touche des parcours hors de votre direction "
                              f"({', '.join(foreign[:10])}) : demandez au SRU de l'annuler.")


def cancel(db: Database, import_id: int, user: Utilisateur) -> ResultatAnnulation:
    """« Annuler l'import » as ``user`` (journaled), then refresh the results. An administrator cancels
    any import; a référent only its own, within its direction(s)."""
    _check_may_cancel(db, import_id, user)
    result = cancel_import(db, import_id, utilisateur=user.identifiant,
                           on_commit=lambda con, cancel_id: journal.record_import_in(
                               con, user, cancel_id, action=journal.ANNULATION, objet=f"import n° {import_id}"))
    refresh(db)
    return result


def initialise(path: str | Path | None, user: Utilisateur, *, with_demo: bool = False, forcer: bool = False,
               end_month: date | None = None, referentiel_dir: str | Path | None = None):
    """``init`` / ``init --demo`` as ``user``, journaled. Creating a base that does not exist yet is open to
    anyone (it touches no one's data: the first thing a new user types is ``init --demo --db essai.duckdb``);
    acting on an existing base is an administrator's act. Demo data never enters a base that has received
    real imports unless ``forcer`` (see ``setup.init_database``)."""
    from indicateurs.db import resolve_path
    from indicateurs.setup import init_database

    if resolve_path(path).exists():
        require_admin(user, "initialiser une base existante ou y charger des données de démonstration")
    kwargs = {"referentiel_dir": referentiel_dir} if referentiel_dir else {}
    result = init_database(path, utilisateur=user.identifiant, with_demo=with_demo, end_month=end_month,
                           forcer=forcer, **kwargs)
    if result.referentiel_charge or result.valeurs_demo:
        details = []
        if result.referentiel_charge:
            details.append("référentiel chargé depuis les fichiers CSV")
        if result.valeurs_demo:
            details.append(f"{result.valeurs_demo} valeurs de démonstration écrites"
                           + (" (forcé par l'administrateur sur une base ayant reçu des imports réels)" if forcer else ""))
        journal.record(result.db, user, journal.INITIALISATION, objet=str(result.db.path),
                       details=" ; ".join(details), nb_nouvelles=result.valeurs_demo or None)
    return result


def record_sign_in(db: Database, user: Utilisateur, mode: str) -> None:
    """Journal the sign-in of a person who may write (readers' visits are not traced)."""
    if user.ecrit():
        journal.record(db, user, journal.CONNEXION, details=f"mode d'identification : {mode}",
                       objet=", ".join(user.directions) or None)


def note_habilitations(db: Database, habilitations, chemin: Path) -> bool:
    """Journal the habilitations file when its content differs from the last one journaled (the SRU edits
    it outside the app): previous and new lines. Returns True when a row was added."""
    from indicateurs.roles import ADMINISTRATEUR

    previous = journal.last_entry(db, journal.HABILITATIONS)
    if previous is not None and previous["sha256"] == habilitations.sha256:
        return False
    lines = "\n".join(habilitations.as_text_lines())
    journal.record(db, Utilisateur(f"fichier {chemin.name} (modifié hors de l'application)", ADMINISTRATEUR),
                   journal.HABILITATIONS, objet=str(chemin), fichier=chemin.name, sha256=habilitations.sha256,
                   nb_lignes=len(habilitations.lignes), avant=None if previous is None else previous["apres"],
                   apres=lines)
    return True

"""Creating a ready database: schema, referential from the CSV files, and optionally the demo data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indicateurs import demo
from indicateurs.db import Database, open_database
from indicateurs.mois import last_complete_month
from indicateurs.referentiel import DEFAULT_DIR, load_referentiel
from indicateurs.referentiel_store import read_referentiel, save_referentiel
from indicateurs.resultats import refresh_results, results_are_stale
from indicateurs.valeurs import STATUT_IMPORTE, STATUT_REJETE, TYPE_DEMO, TYPE_FICHIER, write_values


class DemoRefusee(Exception):
    """Demo values asked for a base that has received real imports, without ``forcer``."""


@dataclass(frozen=True)
class ResultatInit:
    db: Database
    referentiel_charge: bool
    valeurs_demo: int  # demo values written by this call (0 when already there or not asked)
    referentiel_conserve: bool = False  # the files differ but the base's referential was edited in the app


def real_imports(db: Database) -> int:
    """How many real files were ever imported in this base (cancelled ones included)."""
    row = db.query_one("SELECT count(*) FROM imports WHERE type = ? AND statut <> ?", [TYPE_FICHIER, STATUT_REJETE])
    return int(row[0]) if row else 0


def edited_in_app(db: Database) -> bool:
    """True when an administrator changed the referential in the app since it was last loaded from the files."""
    from indicateurs import journal

    row = db.query_one("""
        SELECT count(*) FROM audit WHERE action IN (?, ?)
          AND id > coalesce((SELECT max(id) FROM audit WHERE action = ?), 0)
    """, [journal.REFERENTIEL, journal.REFERENTIEL_ANNULE, journal.REFERENTIEL_CHARGE])
    return bool(row and row[0])


def has_demo_data(db: Database) -> bool:
    """True while a demonstration import is live: every page then shows the « données de démonstration » banner."""
    row = db.query_one("SELECT count(*) FROM imports WHERE type = ? AND statut = ?", [TYPE_DEMO, STATUT_IMPORTE])
    return bool(row and row[0])


def init_database(
    path: str | Path | None = None,
    *,
    utilisateur: str,
    with_demo: bool = False,
    end_month: date | None = None,
    referentiel_dir: str | Path = DEFAULT_DIR,
    on_commit=None,
    forcer: bool = False,
) -> ResultatInit:
    """Create or upgrade the database, load the referential, and with ``with_demo`` the demo data.

    Safe to run again: the referential is replaced by the files' content (if it changed), unless an
    administrator edited it in the app since (then it is kept: the page « Référentiel » reloads the files
    explicitly), and the demo
    data is written only if no demonstration import is live yet, and never into a base that has received
    real imports unless ``forcer`` is set (fictitious values must not mix with real ones by accident).
    """
    db = open_database(path)
    if with_demo and not forcer and not has_demo_data(db) and real_imports(db):
        raise DemoRefusee(
            f"La base {db.path} a déjà reçu {real_imports(db)} import(s) de fichiers réels : les données de "
            "démonstration (fictives) n'y sont pas ajoutées. Si vous le voulez vraiment, relancez avec "
            "--forcer (réservé aux administrateurs).")
    ref = load_referentiel(referentiel_dir)
    loaded = kept = False
    stored = read_referentiel(db)
    if stored != ref:
        if stored.parcours and edited_in_app(db):
            kept = True
        else:
            save_referentiel(db, ref, utilisateur=utilisateur)
            loaded = True
    written = 0
    if with_demo and not has_demo_data(db):
        values = demo.generate_demo(read_referentiel(db) if kept else ref, end_month or last_complete_month())
        result = write_values(db, values, utilisateur=utilisateur, type=TYPE_DEMO,
                              fichier="données de démonstration", on_commit=on_commit)
        written = result.nouvelles + result.revisees
    if loaded or written or results_are_stale(db):
        refresh_results(db)
    return ResultatInit(db, loaded, written, kept)

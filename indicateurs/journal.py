"""The audit journal: every write (import, cancellation, referential change, habilitations change,
initialisation) and every sign-in of a writer, with who, when, what, the file and its sha256, the counts.

Append-only: this module only ever INSERTs into the ``audit`` table (migration 3) and no code path
updates or deletes one of its rows (a test reads the sources to keep it so).
"""

from __future__ import annotations

from datetime import date, datetime, time

import duckdb
import pandas as pd

from indicateurs.db import Database
from indicateurs.roles import Utilisateur

IMPORT, IMPORT_REFUSE, ANNULATION = "import", "import refusé", "annulation d'import"
REFERENTIEL, REFERENTIEL_ANNULE, REFERENTIEL_CHARGE = ("modification du référentiel",
                                                       "annulation d'une modification du référentiel",
                                                       "chargement du référentiel")
HABILITATIONS, CONNEXION, INITIALISATION = "habilitations", "connexion", "initialisation de la base"
ACTIONS = (IMPORT, IMPORT_REFUSE, ANNULATION, REFERENTIEL, REFERENTIEL_ANNULE, REFERENTIEL_CHARGE,
           HABILITATIONS, CONNEXION, INITIALISATION)
COLUMNS = ("id", "horodatage", "utilisateur", "role", "action", "objet", "details", "fichier", "sha256",
           "nb_lignes", "nb_nouvelles", "nb_revisees", "nb_inchangees", "import_id", "champ", "avant", "apres",
           "annule_modification")


def record_in(con: duckdb.DuckDBPyConnection, user: Utilisateur, action: str, **fields) -> int:
    """Append one row inside an open transaction (so that the write and its trace stand or fall together).

    ``fields`` are columns of ``audit`` (objet, details, fichier, sha256, counts, champ, avant, apres...).
    Returns the row's number.
    """
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown audit columns: {sorted(unknown)}")
    row_id = con.execute("SELECT nextval('audit_id_seq')").fetchone()[0]
    values = {"id": row_id, "horodatage": datetime.now(), "utilisateur": user.identifiant, "role": user.role,
              "action": action, **fields}
    names = list(values)
    con.execute(f"INSERT INTO audit ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [values[n] for n in names])
    return row_id


def record(db: Database, user: Utilisateur, action: str, **fields) -> int:
    """Append one row in its own transaction."""
    with db.transaction() as con:
        return record_in(con, user, action, **fields)


def record_import_in(con: duckdb.DuckDBPyConnection, user: Utilisateur, import_id: int, action: str = IMPORT,
                     objet: str | None = None) -> int:
    """Append the trace of import ``import_id`` (file, sha256, counts copied from its journal row)."""
    row = con.execute("SELECT fichier, sha256, nb_lignes, nb_nouvelles, nb_revisees, nb_inchangees, message "
                      "FROM imports WHERE id = ?", [import_id]).fetchone()
    fichier, sha, lignes, nouvelles, revisees, inchangees, message = row
    return record_in(con, user, action, objet=objet or f"import n° {import_id}", fichier=fichier, sha256=sha,
                     nb_lignes=lignes, nb_nouvelles=nouvelles, nb_revisees=revisees, nb_inchangees=inchangees,
                     import_id=import_id, details=message)


def read_journal(db: Database, *, action: str | None = None, utilisateur: str | None = None,
                 debut: date | None = None, fin: date | None = None) -> pd.DataFrame:
    """The journal, newest first, optionally filtered by action, user (part of the name) and day range."""
    where, params = [], []
    if action:
        where.append("action = ?")
        params.append(action)
    if utilisateur:
        where.append("contains(lower(utilisateur), lower(?))")
        params.append(utilisateur)
    if debut:
        where.append("horodatage >= ?")
        params.append(datetime.combine(debut, time.min))
    if fin:
        where.append("horodatage <= ?")
        params.append(datetime.combine(fin, time.max))
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return db.query_df(sql + " ORDER BY id DESC", params)


def last_entry(db: Database, action: str) -> pd.Series | None:
    """The latest row of one action (e.g. the habilitations file last seen), or None."""
    frame = db.query_df(f"SELECT {', '.join(COLUMNS)} FROM audit WHERE action = ? ORDER BY id DESC LIMIT 1",
                        [action])
    return None if frame.empty else frame.iloc[0]

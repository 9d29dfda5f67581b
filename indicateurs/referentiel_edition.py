"""The referential edited in the app by an administrator: a parcours' deployment date, label and
description, and a target per indicator and parcours.

Each change is checked, can be previewed (which verdicts it would move, computed on a copy of the
database), is journaled with the previous value, refreshes the results, and can be undone. The CSV files
of ``data/referentiel/`` stay the initial load; ``referentiel_store.export_referentiel`` re-exports them.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicateurs import journal
from indicateurs.db import Database, open_database
from indicateurs.mois import parse_month_code
from indicateurs.operations import ActionInterdite, refresh, require_admin
from indicateurs.referentiel import Referentiel, ReferentielInvalide, load_referentiel
from indicateurs.referentiel_store import bump_data_version, read_referentiel, save_referentiel
from indicateurs.roles import Utilisateur

DATE, CIBLE, LIBELLE, DESCRIPTION = "date_deploiement", "cible", "libelle", "description"
CHAMPS = {DATE: "date de déploiement", CIBLE: "cible", LIBELLE: "libellé", DESCRIPTION: "description"}
MAX_TEXT = 500


class ModificationRefusee(Exception):
    """The change is not valid (unknown code, bad month, target out of bounds, changed since...)."""


@dataclass(frozen=True)
class Modification:
    """One change: ``valeur`` is the new value as text (« 2026-03 », « 85 », a label...), « » for none
    (a planned parcours without date; no target of its own, the indicator's default then applies)."""

    champ: str
    parcours: str
    valeur: str
    indicateur: str | None = None

    def objet(self) -> str:
        return f"{self.parcours} × {self.indicateur}" if self.champ == CIBLE else self.parcours


@dataclass(frozen=True)
class Apercu:
    avant: str
    apres: str
    verdicts: pd.DataFrame  # parcours, indicateur, verdict_avant, verdict_apres: only those that move


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def current_value(ref: Referentiel, m: Modification) -> str:
    """The stored value of the changed field, as text (« » for none)."""
    p = ref.un_parcours(m.parcours)
    if m.champ == DATE:
        return p.date_deploiement or ""
    if m.champ == LIBELLE:
        return p.libelle
    if m.champ == DESCRIPTION:
        return p.description or ""
    own = [c.cible for c in ref.cibles if c.indicateur == m.indicateur and c.parcours == m.parcours]
    return _number_text(own[0]) if own else ""


def normalise(ref: Referentiel, m: Modification) -> Modification:
    """Check ``m`` against the referential and return it with its value in stored form; raises
    ModificationRefusee with a French message saying what to do."""
    if m.champ not in CHAMPS:
        raise ModificationRefusee(f"Champ « {m.champ} » non modifiable ; champs possibles : {', '.join(CHAMPS.values())}.")
    if m.parcours not in {p.code for p in ref.parcours}:
        raise ModificationRefusee(f"Parcours inconnu : « {m.parcours} ».")
    value = (m.valeur or "").strip()
    if m.champ == DATE:
        if value and parse_month_code(value) is None:
            raise ModificationRefusee(f"« {value} » n'est pas un mois au format AAAA-MM (par exemple 2026-03) ; "
                                      "laissez vide pour un parcours prévu sans date.")
        if value:
            value = f"{parse_month_code(value):%Y-%m}"
    elif m.champ == LIBELLE:
        if not value:
            raise ModificationRefusee("Le libellé ne peut pas être vide.")
        if len(value) > 200 or "\n" in value:
            raise ModificationRefusee("Le libellé tient sur une ligne de 200 caractères au plus.")
    elif m.champ == DESCRIPTION:
        if len(value) > MAX_TEXT:
            raise ModificationRefusee(f"La description fait {len(value)} caractères : {MAX_TEXT} au plus.")
    else:
        if m.indicateur not in {i.code for i in ref.indicateurs}:
            raise ModificationRefusee(f"Indicateur inconnu : « {m.indicateur} ».")
        if value:
            try:
                number = float(value.replace(",", ".").replace("\u202f", "").replace(" ", ""))
            except ValueError:
                raise ModificationRefusee(f"« {value} » n'est pas un nombre.") from None
            ind = ref.indicateur(m.indicateur)
            if not math.isfinite(number) or not ind.min <= number <= ind.max:
                raise ModificationRefusee(f"La cible {value} est hors des bornes de l'indicateur "
                                          f"{m.indicateur} ({_number_text(ind.min)} à {_number_text(ind.max)}).")
            value = _number_text(number)
    return Modification(m.champ, m.parcours, value, m.indicateur if m.champ == CIBLE else None)


def _write(con, m: Modification) -> None:
    if m.champ == CIBLE:
        con.execute("DELETE FROM cibles WHERE indicateur = ? AND parcours = ?", [m.indicateur, m.parcours])
        if m.valeur:
            con.execute("INSERT INTO cibles (indicateur, parcours, cible) VALUES (?, ?, ?)",
                        [m.indicateur, m.parcours, float(m.valeur)])
    elif m.champ == DATE:
        con.execute("UPDATE parcours SET date_deploiement = ? WHERE code = ?",
                    [parse_month_code(m.valeur) if m.valeur else None, m.parcours])
    else:
        con.execute(f"UPDATE parcours SET {m.champ} = ? WHERE code = ?", [m.valeur, m.parcours])  # champ checked
    bump_data_version(con)


def _verdicts(db: Database) -> pd.DataFrame:
    return db.query_df("SELECT parcours, indicateur, verdict FROM resultats")


def preview(db: Database, m: Modification) -> Apercu:
    """What ``m`` would change: the previous and new values, and the verdicts that would move. Computed
    by applying the change to a copy of the database and refreshing the copy's results; the real base is
    not touched. Labels and descriptions move no verdict, so they are not recomputed."""
    ref = read_referentiel(db)
    m = normalise(ref, m)
    before = current_value(ref, m)
    empty = pd.DataFrame(columns=["parcours", "indicateur", "verdict_avant", "verdict_apres"])
    if m.champ in (LIBELLE, DESCRIPTION) or before == m.valeur:
        return Apercu(before, m.valeur, empty)
    with tempfile.TemporaryDirectory(prefix="apercu-referentiel-") as folder:
        copy = Path(folder) / "copie.duckdb"
        shutil.copy(db.path, copy)
        wal = Path(str(db.path) + ".wal")
        if wal.exists():
            shutil.copy(wal, Path(str(copy) + ".wal"))
        copy_db = open_database(copy)
        with copy_db.transaction() as con:
            _write(con, m)
        refresh(copy_db)
        after = _verdicts(copy_db)
    merged = _verdicts(db).merge(after, on=["parcours", "indicateur"], how="outer", suffixes=("_avant", "_apres"))
    moved = merged[merged["verdict_avant"].fillna("") != merged["verdict_apres"].fillna("")]
    return Apercu(before, m.valeur, moved.sort_values(["parcours", "indicateur"]).reset_index(drop=True))


def apply(db: Database, m: Modification, user: Utilisateur, *, details: str | None = None) -> int:
    """Make the change as ``user`` (an administrator), journaled with the previous value, then refresh
    the results. Returns the journal row's number (to undo it)."""
    require_admin(user, "modifier le référentiel")
    ref = read_referentiel(db)
    m = normalise(ref, m)
    before = current_value(ref, m)
    if before == m.valeur:
        raise ModificationRefusee(f"{CHAMPS[m.champ].capitalize()} de {m.objet()} : la valeur est déjà « {m.valeur} ».")
    with db.transaction() as con:
        _write(con, m)
        row = journal.record_in(con, user, journal.REFERENTIEL, objet=m.objet(), champ=m.champ, avant=before,
                                apres=m.valeur, details=details)
    refresh(db)
    return row


def undo(db: Database, row_id: int, user: Utilisateur) -> int:
    """Undo the journaled change ``row_id`` as ``user``: the field gets its previous value back (itself
    journaled). Refused when the field has changed since (undo the later change first) or was undone."""
    require_admin(user, "annuler une modification du référentiel")
    rows = db.query_df(f"SELECT {', '.join(journal.COLUMNS)} FROM audit WHERE id = ? AND action IN (?, ?)",
                       [row_id, journal.REFERENTIEL, journal.REFERENTIEL_ANNULE])
    if rows.empty:
        raise ModificationRefusee(f"La modification n° {row_id} du référentiel n'existe pas.")
    done = db.query_one("SELECT id FROM audit WHERE annule_modification = ?", [row_id])
    if done:
        raise ModificationRefusee(f"La modification n° {row_id} a déjà été annulée (n° {done[0]}).")
    r = rows.iloc[0]
    parcours, _, indicateur = str(r["objet"]).partition(" × ")
    m = Modification(r["champ"], parcours, r["avant"] or "", indicateur or None)
    ref = read_referentiel(db)
    now = current_value(ref, m)
    if now != (r["apres"] or ""):
        raise ModificationRefusee(
            f"{CHAMPS[m.champ].capitalize()} de {m.objet()} a changé depuis la modification n° {row_id} "
            f"(valeur actuelle « {now} ») : annulez d'abord la modification la plus récente.")
    with db.transaction() as con:
        _write(con, m)
        new = journal.record_in(con, user, journal.REFERENTIEL_ANNULE, objet=m.objet(), champ=m.champ, avant=now,
                                apres=m.valeur, annule_modification=row_id,
                                details=f"annule la modification n° {row_id}")
    refresh(db)
    return new


def history(db: Database) -> pd.DataFrame:
    """The referential changes made in the app, newest first, with whether each was undone."""
    frame = db.query_df(f"""
        SELECT a.id, a.horodatage, a.utilisateur, a.action, a.objet, a.champ, a.avant, a.apres,
               a.annule_modification, (SELECT min(b.id) FROM audit b WHERE b.annule_modification = a.id) AS annulee_par
        FROM audit a WHERE a.action IN (?, ?) ORDER BY a.id DESC
    """, [journal.REFERENTIEL, journal.REFERENTIEL_ANNULE])
    return frame


def reload_from_files(db: Database, user: Utilisateur, directory=None) -> bool:
    """Replace the stored referential by the CSV files (an administrator's act), journaled. Refused,
    naming the values, when stored values would lose their parcours or indicator. Returns True if it changed."""
    require_admin(user, "recharger le référentiel")
    ref = load_referentiel(directory) if directory else load_referentiel()
    if read_referentiel(db) == ref:
        return False
    save_referentiel(db, ref, utilisateur=user.identifiant)
    journal.record(db, user, journal.REFERENTIEL_CHARGE, objet=str(directory or "data/referentiel"),
                   details=f"{len(ref.parcours)} parcours, {len(ref.indicateurs)} indicateurs, {len(ref.cibles)} cibles")
    refresh(db)
    return True


__all__ = ["ActionInterdite", "Apercu", "Modification", "ModificationRefusee", "ReferentielInvalide", "apply",
           "history", "normalise", "preview", "reload_from_files", "undo"]

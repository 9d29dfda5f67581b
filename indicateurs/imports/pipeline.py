"""The import pipeline shared by the upload page and the CLI: check a file (never writes), then commit it.

    verification = check_file(db, "dpe_octobre.csv", content)
    if verification.ok:            # errors block everything; warnings are shown before confirming
        result = commit(db, verification, utilisateur="marie.dupont")

A file with any error imports nothing. A file already imported (same SHA-256, import still live) imports
nothing either. Unexpected failures while reading become a French error naming the file, never a
traceback (the traceback goes to the log for developers).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicateurs.db import BaseVerrouillee, Database
from indicateurs.imports.checks import RowChecks
from indicateurs.imports.codes import Lookup
from indicateurs.imports.formats import number_fr
from indicateurs.imports.headers import LONG, find_layout
from indicateurs.imports.history import far_from_history, revision_warnings
from indicateurs.imports.layouts import stage
from indicateurs.imports.origines import Origines
from indicateurs.imports.problemes import DEFAULT_CAP, Collecteur, FichierIllisible, Probleme
from indicateurs.imports.reader import read_table
from indicateurs.imports.table import TEXT
from indicateurs.mois import index_days, last_complete_month, month_index
from indicateurs.referentiel_store import read_referentiel
from indicateurs.valeurs import (
    Comparaison, STATUT_DEJA_IMPORTE, STATUT_IMPORTE, STATUT_REJETE, TYPE_FICHIER, compare_with_store,
    find_import_by_sha256, record_rejected_import, write_values,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 2**20
_BLANK = re.compile(rb"[ \t\r\n\x0b\x0c]*")
VALEURS_COLUMNS = ["parcours", "indicateur", "mois", "valeur", "commentaire"]


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "valeur" else object) for c in VALEURS_COLUMNS})


@dataclass
class Verification:
    """Everything known about a file before importing it. ``ok`` is True when it has no error.

    ``valeurs`` holds the rows that passed every check (columns parcours, indicateur and commentaire as
    Arrow-backed text, commentaire missing when empty; mois as Arrow dates, each a ``date`` on the first of
    the month; valeur as float), a repeated identical row kept once.
    ``comparaison`` (new / revised / unchanged, per direction and month) is computed only when there is no
    error. ``erreurs`` and ``avertissements`` are capped (a last line says how many more there are);
    ``nb_erreurs`` and ``nb_avertissements`` are the true totals.
    """

    fichier: str
    sha256: str
    taille: int
    erreurs: list[Probleme]
    avertissements: list[Probleme]
    valeurs: pd.DataFrame
    comparaison: Comparaison | None = None
    deja_importe: int | None = None
    nb_erreurs: int = 0
    nb_avertissements: int = 0
    format: str = ""  # how the file was read, e.g. « CSV Windows-1252, séparateur point-virgule, format long »
    origines: Origines = field(default_factory=Origines, repr=False)

    @property
    def ok(self) -> bool:
        """True when the file can be imported (warnings allowed)."""
        return not self.erreurs


@dataclass(frozen=True)
class ResultatImport:
    """What ``commit`` did: « importé », « déjà importé » (nothing written) or « rejeté » (nothing written,
    the attempt journaled). ``message`` is the French sentence to show."""

    statut: str
    import_id: int | None
    nouvelles: int
    revisees: int
    inchangees: int
    message: str


def check_file(db: Database, name: str, content: bytes, *, last_month: date | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, cap: int = DEFAULT_CAP, size_advice: str = "") -> Verification:
    """Read and check a file against the stored referential and values; never writes anything.

    ``last_month`` is the last complete month (default: the month before today); later months are
    refused. ``max_bytes`` is the size limit (the CLI passes a higher one than the upload page);
    ``size_advice`` ends the « too large » message (the CLI names its option there); ``cap`` the number
    of problems listed per kind.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    erreurs = Collecteur(name, cap, kind="erreur")
    avertissements = Collecteur(name, cap, kind="avertissement")
    verification = Verification(name, sha256, len(content), [], [], _empty_values())
    last = last_month or last_complete_month()
    try:
        if len(content) > max_bytes:
            size = f"{len(content) / 2**20:.1f}".replace(".", ",")
            erreurs.add(f"Le fichier « {name} » fait {size} Mo, au-delà de la limite de "
                        f"{number_fr(max_bytes / 2**20)} Mo. Découpez-le (par exemple un fichier par direction "
                        "ou par mois) ou retirez les feuilles et colonnes inutiles." + size_advice)
        elif _BLANK.fullmatch(content):
            erreurs.add(f"Le fichier « {name} » est vide. Vérifiez que vous avez déposé le bon fichier, "
                        "rempli et enregistré.")
        else:
            _check_content(db, name, content, last, verification, erreurs, avertissements)
    except FichierIllisible as error:
        erreurs.add(error.message, ligne=error.ligne, colonne=error.colonne, valeur=error.valeur)
    except BaseVerrouillee as error:  # the database stayed locked by another process: its own French message
        erreurs.add(str(error))
    except Exception:  # never a traceback to the user: one French error naming the file
        log.exception("unexpected failure while checking %s", name)
        erreurs.add(f"Le fichier « {name} » n'a pas pu être lu (erreur inattendue du logiciel). Enregistrez-le "
                    "à nouveau depuis Excel au format .xlsx ou CSV et réessayez ; si le problème persiste, "
                    "transmettez le fichier à l'équipe du SRU.")
    try:
        verification.deja_importe = find_import_by_sha256(db, sha256)
        if verification.deja_importe is not None:
            avertissements.add(f"Ce fichier a déjà été importé (import n° {verification.deja_importe}) : "
                               "l'importer à nouveau n'enregistrera rien.")
        if not len(erreurs) and len(verification.valeurs):
            verification.comparaison = compare_with_store(db, verification.valeurs)
            revision_warnings(verification.comparaison, verification.valeurs, verification.origines,
                              avertissements)
            far_from_history(db, verification.valeurs, verification.origines, avertissements)
    except BaseVerrouillee as error:
        erreurs.add(str(error))
        verification.comparaison = None
    except Exception:
        log.exception("unexpected failure while comparing %s with the store", name)
        erreurs.add(f"Le fichier « {name} » n'a pas pu être comparé aux valeurs enregistrées (erreur inattendue "
                    "du logiciel). Réessayez dans un instant ; si le problème persiste, prévenez l'équipe du SRU.")
        verification.comparaison = None
    verification.erreurs = erreurs.problemes()
    verification.avertissements = avertissements.problemes()
    verification.nb_erreurs = len(erreurs)
    verification.nb_avertissements = len(avertissements)
    return verification


def _check_content(db: Database, name: str, content: bytes, last: date, verification: Verification,
                   erreurs: Collecteur, avertissements: Collecteur) -> None:
    ref = read_referentiel(db)
    if not ref.parcours or not ref.indicateurs:
        erreurs.add("Le référentiel (parcours et indicateurs) n'est pas encore chargé dans la base : aucun "
                    "fichier ne peut être vérifié. Chargez d'abord le référentiel.")
        return
    table = read_table(name, content)
    verification.format = table.description
    for message in table.avertissements:
        avertissements.add(message)
    parcours, indicateurs = Lookup.of(ref.parcours), Lookup.of(ref.indicateurs)
    layout = find_layout(table, indicateurs, erreurs, avertissements)
    if layout is None:
        return
    verification.format += ", format long" if layout.nom == LONG else ", format large"
    staged, without_value = stage(table, layout)
    if len(without_value):
        shown = ", ".join(str(n) for n in without_value[:20]) + (" …" if len(without_value) > 20 else "")
        avertissements.add(f"{len(without_value)} ligne(s) sans valeur, ignorée(s) (lignes {shown}). Remplissez "
                           "la valeur si elle est connue ; sinon ce mois restera signalé comme manquant.",
                           ligne=int(without_value[0]))
    if staged.empty:
        erreurs.add("Le fichier ne contient aucune valeur à importer : toutes les cellules de valeur sont "
                    "vides. Remplissez les valeurs puis déposez-le à nouveau.")
        return
    labels = np.array([table.label(p, h) for p, h in enumerate(layout.header)], dtype=object)
    checked = RowChecks(staged, labels, ref, parcours, indicateurs, month_index(last),
                        erreurs, avertissements, layout.columns).run()
    keep = checked.valid & ~checked.duplicates
    if not keep.any():  # nothing valid (or the checks stopped early): the file is refused as it is
        return
    rows = checked.staged if keep.all() else checked.staged[keep]
    verification.valeurs = pd.DataFrame({
        "parcours": _code_texts(rows["parcours_code"]),
        "indicateur": _code_texts(rows["indicateur_code"]),
        "mois": pd.array(pa.array(index_days(rows["mois_index"].to_numpy())).cast(pa.date32()),
                         dtype=pd.ArrowDtype(pa.date32())),
        "valeur": rows["valeur_num"].to_numpy(dtype=np.float64),
        "commentaire": _text_or_null(rows["commentaire"]),
    })
    verification.origines = Origines(rows["ligne"].to_numpy(), labels[rows["col_valeur"].to_numpy(dtype=np.int64)],
                                     rows["valeur"].array)


def _code_texts(codes: pd.Series):
    """A categorical column of codes as Arrow-backed text (one copy of each code per row, made in C)."""
    categories = pa.array(codes.cat.categories.to_numpy(dtype=object), type=pa.large_string())
    return pd.array(categories.take(pa.array(codes.cat.codes.to_numpy())), dtype=TEXT)


def _text_or_null(texts: pd.Series):
    """Text cells with the empty ones missing (a comment left blank is no comment)."""
    array = pa.array(texts, type=pa.large_string())
    return pd.array(pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.large_string()), array), dtype=TEXT)


def commit(db: Database, verification: Verification, *, utilisateur: str, on_commit=None,
           on_reject=None) -> ResultatImport:
    """Store a checked file as one import, in one transaction (all of it or nothing).

    Refused when the verification has errors: nothing is written but the attempt is journaled as
    « rejeté ». A file already imported (same content, import not cancelled) writes nothing.
    ``on_commit(con, import_id)`` runs inside the transaction (see ``write_values``); ``on_reject(con,
    import_id)`` inside the one journaling a refused file.
    """
    v = verification
    if not v.ok:
        summary = " | ".join(
            (f"ligne {p.ligne} : " if p.ligne else "") + p.message for p in v.erreurs[:3])[:1000]
        rejected = record_rejected_import(db, utilisateur=utilisateur, fichier=v.fichier, sha256=v.sha256,
                                          taille=v.taille, nb_erreurs=v.nb_erreurs, message=summary,
                                          on_commit=on_reject)
        s = "s" if v.nb_erreurs > 1 else ""
        return ResultatImport(STATUT_REJETE, rejected, 0, 0, 0,
                              f"Fichier « {v.fichier} » refusé : {v.nb_erreurs} erreur{s}, rien n'a été importé. "
                              "Corrigez le fichier puis déposez-le à nouveau.")
    already = find_import_by_sha256(db, v.sha256)
    if already is not None:
        return ResultatImport(STATUT_DEJA_IMPORTE, already, 0, 0, 0,
                              f"Ce fichier a déjà été importé (import n° {already}) : rien de nouveau.")
    result = write_values(db, v.valeurs, utilisateur=utilisateur, type=TYPE_FICHIER, fichier=v.fichier,
                          sha256=v.sha256, taille=v.taille, on_commit=on_commit)
    return ResultatImport(
        STATUT_IMPORTE, result.import_id, result.nouvelles, result.revisees, result.inchangees,
        f"Import n° {result.import_id} enregistré : {result.nouvelles} nouvelle(s) valeur(s), "
        f"{result.revisees} révisée(s), {result.inchangees} inchangée(s).")

"""Problems found in a file (errors and warnings): one record each, collected in bulk, reported capped.

Checks run on whole columns at once; a check hands over the positions of every failing row and a way to
word the message. Only the first ``cap`` problems (sorted by line, then column) are turned into
``Probleme`` records, so a file with a million bad rows costs no more than one with two hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from indicateurs.imports.formats import number_fr

DEFAULT_CAP = 200
MAX_SHOWN_VALUE = 80


@dataclass(frozen=True)
class Probleme:
    """One problem, as the user reads it: where (file, line, column), what was written, why and how to fix.

    ``ligne`` is the row number a spreadsheet shows (the header is line 1); None for a whole-file problem.
    ``colonne`` is the header as written in the file (for XLSX followed by the column letter).
    """

    fichier: str
    ligne: int | None
    colonne: str | None
    valeur: str | None
    message: str

    def as_dict(self) -> dict:
        """The JSON shape printed by the CLI with ``--json``."""
        return {"fichier": self.fichier, "ligne": self.ligne, "colonne": self.colonne,
                "valeur": self.valeur, "message": self.message}


def shown(value) -> str | None:
    """A cell value as quoted in a message: text, cut to a readable length."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


@dataclass
class _Batch:
    lignes: np.ndarray  # int64, -1 for a whole-file problem
    orders: np.ndarray  # column position in the file, for sorting
    colonnes: np.ndarray  # object: column label per problem (or None)
    valeurs: np.ndarray  # object: raw value per problem (or None)
    message: str | Callable[[int], str]  # fixed text, or the text for the k-th problem of the batch


class Collecteur:
    """Accumulates problems of one kind (errors or warnings) for one file."""

    def __init__(self, fichier: str, cap: int = DEFAULT_CAP, *, kind: str = "erreur"):
        self.fichier = fichier
        self.cap = cap
        self.kind = kind
        self._batches: list[_Batch] = []

    def __len__(self) -> int:
        return int(sum(len(b.lignes) for b in self._batches))

    def add(self, message: str, *, ligne: int | None = None, colonne: str | None = None,
            valeur=None, order: int = 0) -> None:
        """Record one problem."""
        self.add_many(np.array([-1 if ligne is None else ligne]), message, colonnes=colonne,
                      valeurs=None if valeur is None else np.array([valeur], dtype=object), orders=order)

    def add_many(self, lignes, message: str | Callable[[int], str], *, colonnes=None, valeurs=None,
                 orders=0) -> None:
        """Record one problem per line in ``lignes``; other arguments are scalars or same-length arrays.

        ``message`` may be a callable taking the index k of the problem in this batch, called only for the
        problems actually shown (so that costly wording, such as a closest-code suggestion, stays cheap).
        """
        lignes = np.asarray(lignes, dtype=np.int64)
        n = len(lignes)
        if n == 0:
            return

        def spread(value, dtype=object):
            if isinstance(value, (np.ndarray, list, pd.api.extensions.ExtensionArray, pd.Series)):
                return np.asarray(value, dtype=dtype)
            array = np.empty(n, dtype=dtype)
            array[:] = value
            return array

        self._batches.append(_Batch(lignes, spread(orders, np.int64), spread(colonnes), spread(valeurs), message))

    def problemes(self) -> list[Probleme]:
        """The problems sorted by line then column, at most ``cap`` of them, then one closing line saying
        how many more were found (so the user knows the list is not complete)."""
        total = len(self)
        if total == 0:
            return []
        lignes = np.concatenate([b.lignes for b in self._batches])
        orders = np.concatenate([b.orders for b in self._batches])
        batch_ids = np.concatenate([np.full(len(b.lignes), i) for i, b in enumerate(self._batches)])
        offsets = np.concatenate([np.arange(len(b.lignes)) for b in self._batches])
        keep = np.lexsort((offsets, batch_ids, orders, lignes))[: self.cap]
        out = []
        for position in keep:
            batch = self._batches[batch_ids[position]]
            k = int(offsets[position])
            message = batch.message if isinstance(batch.message, str) else batch.message(k)
            ligne = int(batch.lignes[k])
            out.append(Probleme(self.fichier, None if ligne < 0 else ligne, batch.colonnes[k],
                                shown(batch.valeurs[k]), message))
        if total > self.cap:
            more = total - self.cap
            s = "s" if more > 1 else ""
            e = "e" if self.kind == "erreur" else ""
            out.append(Probleme(
                self.fichier, None, None, None,
                f"… et {number_fr(more)} autre{s} {self.kind}{s} non affiché{e}{s} ({number_fr(total)} au total). "
                "Corrigez les premières puis vérifiez à nouveau le fichier.",
            ))
        return out


class FichierIllisible(Exception):
    """The file cannot be read as a table at all; ``message`` says why and what to do, in French."""

    def __init__(self, message: str, *, ligne: int | None = None, colonne: str | None = None, valeur=None):
        super().__init__(message)
        self.message = message
        self.ligne = ligne
        self.colonne = colonne
        self.valeur = valeur

"""Parcours and indicators as written in files: by code or by exact libellé, whatever the case, accents
or spaces; and, for an unknown one, the closest known code to suggest (difflib)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicateurs.imports.normalise import normalise_key


@dataclass
class Lookup:
    """Codes and libellés of one kind (parcours or indicateurs), keyed for tolerant matching."""

    libelles: dict[str, str]  # code -> libellé
    keys: dict[str, str] = field(default_factory=dict)  # normalised code or libellé -> code

    @classmethod
    def of(cls, items) -> "Lookup":
        """Build from referential records having ``code`` and ``libelle`` (codes win over libellés)."""
        lookup = cls({item.code: item.libelle for item in items})
        for item in items:
            lookup.keys.setdefault(normalise_key(item.libelle), item.code)
        for item in items:
            lookup.keys[normalise_key(item.code)] = item.code
        return lookup

    def code(self, text: str) -> str | None:
        """The code meant by one cell, or None."""
        return self.keys.get(normalise_key(text))

    def resolve(self, cells: pd.Series) -> np.ndarray:
        """Codes for a column of cells (object array, None where unknown); each distinct text looked up once."""
        codes, uniques = pd.factorize(cells, use_na_sentinel=False)
        found = np.empty(len(uniques), dtype=object)
        found[:] = [self.code(str(u)) for u in uniques]
        return found[codes]

    def closest(self, text: str) -> str | None:
        """The known code closest to an unknown text (by code or by libellé), or None if nothing is close."""
        match = difflib.get_close_matches(normalise_key(text), list(self.keys), n=1, cutoff=0.6)
        return self.keys[match[0]] if match else None

    def suggestion(self, text: str) -> str:
        """French sentence naming the closest code and its libellé, or saying there is none."""
        code = self.closest(text)
        if code is None:
            return "Aucun code proche"
        return f"Code le plus proche : « {code} » ({self.libelles[code]})"

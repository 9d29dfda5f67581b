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

    def resolve(self, cells: pd.Series) -> pd.Categorical:
        """Codes for a column of cells, missing (NaN) where unknown; each distinct text looked up once.

        A categorical: a million rows naming a few hundred codes cost an integer each, not a string.
        """
        positions, uniques = pd.factorize(cells, use_na_sentinel=False)
        found = [self.code(str(u)) for u in uniques]
        categories = list(dict.fromkeys(c for c in found if c is not None))
        rank = {code: k for k, code in enumerate(categories)}
        mapping = np.array([rank.get(c, -1) for c in found] + [-1], dtype=np.int32)  # [-1]: no cell at all
        return pd.Categorical.from_codes(mapping[positions], categories=pd.Index(categories, dtype=object))

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

"""Where each checked value came from in the file, to name its line and column in later warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _empty(dtype) -> np.ndarray:
    return np.array([], dtype=dtype)


@dataclass
class Origines:
    """Arrays aligned with the rows of ``Verification.valeurs``: line, column label and value as written
    (``textes`` may be an Arrow-backed pandas array: a million cells are not turned into Python strings
    for the few that a warning quotes)."""

    lignes: np.ndarray = field(default_factory=lambda: _empty(np.int64))
    colonnes: np.ndarray = field(default_factory=lambda: _empty(object))
    textes: np.ndarray = field(default_factory=lambda: _empty(object))

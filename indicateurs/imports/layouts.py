"""Turn the rows under the header into « staged » cells: one row per value, still as text.

Both layouts end up in the same shape, so every later check is written once: position and line of the
source row, the parcours, indicator, month, value and comment texts, and the columns they came from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicateurs.imports.headers import LONG, Layout
from indicateurs.imports.table import Table

STAGED = ["pos", "ligne", "parcours", "indicateur", "mois", "valeur", "commentaire", "col_indicateur",
          "col_valeur"]


def _stripped(body: pd.DataFrame, position: int | None) -> pd.Series:
    if position is None:
        return pd.Series("", index=body.index, dtype=str)
    return body.iloc[:, position].astype(str).str.strip()


def _stripped_repeated(body: pd.DataFrame, position: int | None) -> pd.Series:
    """Like ``_stripped`` for a column of few distinct texts (parcours, indicateur, mois): a categorical,
    each distinct text stripped once instead of once per row."""
    if position is None:
        return _stripped(body, position)
    positions, uniques = pd.factorize(body.iloc[:, position].astype(str), use_na_sentinel=False)
    remap, categories = pd.factorize(pd.Series(uniques, dtype=str).str.strip().to_numpy(dtype=object))
    codes = remap[positions]  # two texts may be equal once stripped: they share a category
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object)),
                     index=body.index)


def stage(table: Table, layout: Layout) -> tuple[pd.DataFrame, np.ndarray]:
    """The staged values (columns ``STAGED``), and the lines of rows skipped because they hold no value.

    Blank rows (nothing in any column read) vanish silently: trailing empty lines are normal.
    """
    body = table.cells.iloc[layout.header_pos + 1:]
    positions = np.arange(layout.header_pos + 1, len(table.cells), dtype=np.int64)
    lignes = table.lignes[layout.header_pos + 1:]
    get = layout.columns.get
    parcours = _stripped_repeated(body, get("parcours")).array
    mois = _stripped_repeated(body, get("mois")).array
    commentaire = _stripped(body, get("commentaire")).array
    keys_empty = (parcours == "") & (mois == "") & (commentaire == "")
    keys_empty = np.asarray(keys_empty, dtype=bool)

    def piece(keep: np.ndarray, indicateur, valeur, column_indicateur, column_valeur) -> pd.DataFrame:
        def kept(array):
            return array if isinstance(array, str) or keep.all() else array[keep]  # filtering costs

        return pd.DataFrame({
            "pos": kept(positions), "ligne": kept(lignes), "parcours": kept(parcours),
            "indicateur": kept(indicateur), "mois": kept(mois), "valeur": kept(valeur),
            "commentaire": kept(commentaire), "col_indicateur": column_indicateur, "col_valeur": column_valeur,
        })

    if layout.nom == LONG:
        indicateur = _stripped_repeated(body, get("indicateur")).array
        valeur = _stripped(body, get("valeur")).array
        no_value = np.asarray(valeur == "", dtype=bool)
        blank = no_value & keys_empty & np.asarray(indicateur == "", dtype=bool)
        staged = piece(~no_value, indicateur, valeur, get("indicateur"), get("valeur"))
        return staged, lignes[no_value & ~blank]
    pieces = []
    any_value = np.zeros(len(body), dtype=bool)
    for column in layout.indicator_columns:
        valeur = _stripped(body, column).array
        keep = np.asarray(valeur != "", dtype=bool)
        any_value |= keep
        pieces.append(piece(keep, layout.header[column], valeur, column, column))
    staged = pd.concat(pieces, ignore_index=True).sort_values(["pos", "col_valeur"], kind="stable")
    for name in ("parcours", "indicateur", "mois", "valeur", "commentaire"):
        staged[name] = staged[name].astype(str)
    return staged.reset_index(drop=True), lignes[~any_value & ~keys_empty]

"""The faster refresh stores the same results as the engine did before it was made faster.

The expected tables (``donnees/reference_*.parquet``) were written by the OLD code, at commit 2fd7248
(before the speed work of issue 12), run from a git worktree by ``donnees/generer_reference.py`` on the
same demo base (demo generator, October 2026), with later changes of rules applied to that old code as
patches written for it (``donnees/inflation-2fd7248.patch``: wider standard errors when ρ is estimated;
``donnees/bornes-2fd7248.patch``: a bound that is not 0 is never written « 0,0 »; issue 9), so the fast
engine is still compared with a separate implementation of the same rules. Numbers must agree to 1e-9 (relative or absolute), text
exactly; only the computation time and the fingerprint (a hash of the inputs, whose encoding changed)
are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent / "donnees"
IGNORED = {"calcule_le", "empreinte"}
KEYS = {
    "resultats": ["parcours", "indicateur"],
    "series_modele": ["parcours", "indicateur", "mois"],
    "resultats_did": ["indicateur", "type", "cle"],
    "agregats": ["niveau", "groupe", "indicateur"],
    "scores": ["niveau", "code"],
}


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


@pytest.mark.parametrize("table", sorted(KEYS))
def test_stored_results_match_the_old_engine(demo_db, table):
    expected = _sorted(pd.read_parquet(HERE / f"reference_{table}.parquet"), KEYS[table])
    actual = _sorted(demo_db.query_df(f"SELECT * FROM {table}"), KEYS[table])
    assert len(actual) == len(expected) > 0
    columns = [c for c in expected.columns if c not in IGNORED]
    assert sorted(c for c in actual.columns if c not in IGNORED) == sorted(columns)
    for column in columns:
        want, got = expected[column], actual[column]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            w = want.to_numpy(dtype=float)
            g = pd.to_numeric(got).to_numpy(dtype=float)
            same_missing = np.isnan(w) == np.isnan(g)
            assert same_missing.all(), (table, column, actual.loc[~same_missing, KEYS[table]].head())
            close = np.isclose(g, w, rtol=1e-9, atol=1e-9, equal_nan=True)
            assert close.all(), (table, column, actual.loc[~close, KEYS[table]].head(), w[~close][:5], g[~close][:5])
        else:
            w = want.astype(object).where(want.notna(), None).tolist()
            g = got.astype(object).where(got.notna(), None).tolist()
            differ = [i for i, (a, b) in enumerate(zip(w, g)) if a != b]
            assert not differ, (table, column, actual.loc[differ[:5], KEYS[table]], [w[i] for i in differ[:3]],
                                [g[i] for i in differ[:3]])

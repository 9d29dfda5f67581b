"""Cancelling stacked imports, in every order, against an oracle that replays the imports still standing.

The oracle knows nothing of movements: it starts from an empty base and applies, in order, the batches of
the imports not cancelled, with the import rules written out here (a new or different value replaces the
stored one; the same value with no comment keeps the stored comment). The store must hold exactly that,
and every value must be credited to an import still standing that wrote that very figure.
"""

from __future__ import annotations

import itertools
import random
from datetime import date

import shutil

import pandas as pd
import pytest

from indicateurs.db import Database
from indicateurs.setup import init_database
from indicateurs.valeurs import AnnulationImpossible, TYPE_DEMO, cancel_import, write_values

CELLS = [(p, i, date(2026, m, 1)) for p in ("DJS-PISCINE", "DPE-ENCOMBRANTS")
         for i in ("TAUX_DECROCHE", "DELAI_TRAITEMENT") for m in range(1, 11)]


def _batch(rng: random.Random, previous: list[pd.DataFrame], size: int) -> pd.DataFrame:
    """A batch mixing new cells, revisions of earlier batches' cells, and exact repeats (confirmations)."""
    cells = rng.sample(CELLS, size)
    rows = []
    for cell in cells:
        earlier = [b for b in previous if cell in set(zip(b["parcours"], b["indicateur"], b["mois"]))]
        if earlier and rng.random() < 0.3:  # the same figure again, as a re-sent file would
            row = earlier[-1].set_index(["parcours", "indicateur", "mois"]).loc[cell]
            rows.append((*cell, float(row["valeur"]), None))
        else:
            comment = rng.choice([None, None, "révisé", "estimation"])
            rows.append((*cell, float(rng.randint(1, 99)), comment))
    return pd.DataFrame(rows, columns=["parcours", "indicateur", "mois", "valeur", "commentaire"])


def _replay(batches: dict[int, pd.DataFrame], standing: list[int]) -> dict:
    state: dict = {}
    for import_id in sorted(standing):
        for r in batches[import_id].itertuples(index=False):
            key = (r.parcours, r.indicateur, r.mois)
            comment = None if pd.isna(r.commentaire) else r.commentaire
            if key in state and state[key][0] == r.valeur and comment is None:
                continue
            state[key] = (r.valeur, comment)
    return state


def _stored(db) -> pd.DataFrame:
    frame = db.query_df("SELECT parcours, indicateur, mois, valeur, commentaire, import_id FROM valeurs")
    frame["mois"] = pd.to_datetime(frame["mois"]).dt.date
    return frame


def _assert_matches_replay(db, batches, standing):
    expected = _replay(batches, standing)
    stored = _stored(db)
    got = {(r.parcours, r.indicateur, r.mois): (r.valeur, None if pd.isna(r.commentaire) else r.commentaire)
           for r in stored.itertuples(index=False)}
    assert got == expected
    for r in stored.itertuples(index=False):
        assert r.import_id in standing, f"{r} est attribuée à un import annulé"
        batch = batches[r.import_id]
        wrote = batch[(batch["parcours"] == r.parcours) & (batch["indicateur"] == r.indicateur)
                      & (batch["mois"] == r.mois)]
        assert len(wrote) == 1 and wrote["valeur"].iat[0] == r.valeur


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    path = tmp_path_factory.mktemp("annulations") / "base.duckdb"
    init_database(path, utilisateur="tests")
    return path


def _stack(template, tmp_path, seed: int, n_imports: int):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"pile_{seed}.duckdb"
    shutil.copy(template, path)
    db = Database(path)
    rng = random.Random(seed)
    batches: dict[int, pd.DataFrame] = {}
    frames: list[pd.DataFrame] = []
    for n in range(n_imports + 1):
        frame = _batch(rng, frames, 16 if n == 0 else 10)
        kind = {"type": TYPE_DEMO} if n == 0 else {"fichier": f"import_{n}.csv"}
        written = write_values(db, frame, utilisateur="tests", **kind)
        batches[written.import_id] = frame
        frames.append(frame)
    return db, batches


@pytest.mark.parametrize("n_imports", [2, 3])
@pytest.mark.parametrize("seed", [1, 2])
def test_every_order_of_cancelling_stacked_imports_matches_the_replay(_template, tmp_path, n_imports, seed):
    ids = None
    for order_number, order in enumerate(itertools.permutations(range(1, n_imports + 1))):
        db, batches = _stack(_template, tmp_path / f"o{order_number}", seed, n_imports)
        ids = sorted(batches)
        standing = list(ids)
        _assert_matches_replay(db, batches, standing)
        for position in order:
            cancel_import(db, ids[position], utilisateur="tests")
            standing.remove(ids[position])
            _assert_matches_replay(db, batches, standing)
        assert standing == [ids[0]]  # back to the base before the stacked imports


def test_cancelling_the_first_of_two_imports_then_the_second_restores_the_base_exactly(_template, tmp_path):
    """The case of the issue: A revises and adds, B revises A's revisions and new values; cancel A then B."""
    db, batches = _stack(_template, tmp_path, seed=7, n_imports=0)
    base_id = next(iter(batches))
    before = _stored(db).sort_values(["parcours", "indicateur", "mois"]).reset_index(drop=True)
    base_cells = list(zip(batches[base_id]["parcours"], batches[base_id]["indicateur"], batches[base_id]["mois"]))
    new_cells = [c for c in CELLS if c not in base_cells][:4]
    a = pd.DataFrame([(*c, 500.0 + k, None) for k, c in enumerate(base_cells[:6] + new_cells)],
                     columns=["parcours", "indicateur", "mois", "valeur", "commentaire"])
    b = pd.DataFrame([(*c, 900.0 + k, "B") for k, c in enumerate(base_cells[:3] + new_cells[:2])],
                     columns=a.columns)
    id_a = write_values(db, a, utilisateur="tests", fichier="a.csv").import_id
    id_b = write_values(db, b, utilisateur="tests", fichier="b.csv").import_id
    first = cancel_import(db, id_a, utilisateur="tests")
    assert (first.restaurees, first.supprimees, first.conservees) == (3, 2, 5)
    second = cancel_import(db, id_b, utilisateur="tests")
    assert (second.restaurees, second.supprimees, second.conservees) == (3, 2, 0)
    after = _stored(db).sort_values(["parcours", "indicateur", "mois"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(after, before)
    with pytest.raises(AnnulationImpossible, match="déjà annulé"):
        cancel_import(db, id_a, utilisateur="tests")

"""The complétude built in one vectorised grid, the direction filtered first, returns the frames the former
code returned (kept verbatim in ``tests/outils/completude_avant.py``) on the demo base: as stored, and
with values removed here and there so that many are missing."""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicateurs.imports.completude import completude
from tests.outils import completude_avant as avant


def _same(db, last_month, direction):
    new = completude(db, last_month=last_month, direction=direction)
    old = avant.completude(db, last_month=last_month, direction=direction)
    pd.testing.assert_frame_equal(new.resume, old.resume)
    pd.testing.assert_frame_equal(new.manquantes, old.manquantes)
    return new


def test_same_frames_as_before_on_the_demo_base_then_with_values_removed(demo_db):
    for last_month in (date(2026, 10, 1), date(2024, 6, 1)):
        every = _same(demo_db, last_month, None)
        dpe = _same(demo_db, last_month, "DPE")
        assert len(every.resume) > len(dpe.resume) > 0
        assert set(dpe.manquantes["direction"]) == {"DPE"}
        assert _same(demo_db, last_month, "AUCUNE").resume.empty
    with demo_db.transaction() as con:
        # Every seventh value of the demo, and all the values of one parcours before 2025 (its start moves).
        con.execute("DELETE FROM valeurs WHERE hash(parcours || indicateur || mois) % 7 = 0")
        parcours = con.execute("SELECT min(code) FROM parcours WHERE direction = 'DPE'").fetchone()[0]
        con.execute("DELETE FROM valeurs WHERE parcours = ? AND mois < DATE '2025-01-01'", [parcours])
    every = _same(demo_db, date(2026, 10, 1), None)
    _same(demo_db, date(2026, 10, 1), "DPE")
    assert every.manquantes["parcours"].eq(parcours).any()
    assert every.resume["manquantes"].sum() > every.resume["attendues"].sum() / 8

    with demo_db.transaction() as con:
        con.execute("DELETE FROM valeurs")
    c = completude(demo_db, last_month=date(2026, 10, 1), direction="DPE")
    assert len(c.resume) > 0 and (c.resume["recues"] == 0).all()
    assert (c.resume["manquantes"] == c.resume["attendues"]).all()
    assert c.resume["attendues"].sum() == len(c.manquantes)

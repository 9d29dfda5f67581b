"""Complétude counted by DuckDB: on a small hand-built base whose counts are worked out below by hand, and on
the demo base against the former code (``tests/outils/completude_avant.py``), for the CLI, the fiche and the
Complétude page (a period and a direction)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import streamlit as st

from indicateurs.db import open_database
from indicateurs.imports.completude import completude, completude_of
from indicateurs.lecture_completude import MISSING_COLUMNS, completeness_of_period
from indicateurs.referentiel import Direction, Indicateur, Parcours, Referentiel
from indicateurs.referentiel_store import read_referentiel, save_referentiel
from tests.outils import completude_avant as avant
from tests.outils.pages import open_page

LAST = date(2024, 6, 1)


def _indicateur(code: str, periodicite: str) -> Indicateur:
    return Indicateur(code=code, libelle=f"Libellé {code}", definition="", unite="%", sens="hausse",
                      engagement=None, famille=None, min=0.0, max=100.0, agregation="moyenne",
                      denominateur=None, periodicite=periodicite, miroir=None, lie_a=None)


@pytest.fixture
def small(tmp_path):
    """Two directions, two monthly indicators (M1, M2) and a quarterly one (T1).

    - DA-X: never deployed, values from January 2024: owed from January 2024 on; nothing sent in April
      2024 (a missing month), T1 sent in March, not in June, and once in February (not due: not counted);
    - DA-Y: deployed in March 2026, so owed from March 2024 (24 months before), in the middle of the
      months looked at; sent M1 in May 2024 only;
    - DB-Z: deployed in January 2026 (owed from January 2024) but sent values in November 2023 (M1 only)
      and December 2023 (all three): owed from November 2023, the earlier;
    - DB-W: never deployed, one value in August 2024, after the last month counted (June 2024): owes nothing.
    """
    db = open_database(tmp_path / "petite.duckdb")
    ref = Referentiel(
        directions=[Direction("DA", "Direction A", "direction"), Direction("DB", "Direction B", "direction")],
        parcours=[Parcours("DA-X", "Parcours X", "DA", "usagers", None, "", False),
                  Parcours("DA-Y", "Parcours Y", "DA", "usagers", "2026-03", "", False),
                  Parcours("DB-Z", "Parcours Z", "DB", "usagers", "2026-01", "", False),
                  Parcours("DB-W", "Parcours W", "DB", "usagers", None, "", False)],
        indicateurs=[_indicateur("M1", "mensuelle"), _indicateur("M2", "mensuelle"),
                     _indicateur("T1", "trimestrielle")])
    save_referentiel(db, ref, utilisateur="test")
    rows = [("DA-X", code, date(2024, month, 1)) for month in (1, 2, 3, 5, 6) for code in ("M1", "M2")]
    rows += [("DA-X", "T1", date(2024, 3, 1)), ("DA-X", "T1", date(2024, 2, 1)), ("DA-X", "M1", date(2024, 7, 1)),
             ("DA-Y", "M1", date(2024, 5, 1)), ("DB-Z", "M1", date(2023, 11, 1)),
             ("DB-Z", "M1", date(2023, 12, 1)), ("DB-Z", "M2", date(2023, 12, 1)), ("DB-Z", "T1", date(2023, 12, 1)),
             ("DB-W", "M1", date(2024, 8, 1))]
    with db.transaction() as con:
        for parcours, indicateur, mois in rows:
            con.execute("INSERT INTO valeurs VALUES (?, ?, ?, 50, NULL, 1)", [parcours, indicateur, mois])
    return db


# (direction, month) → [attendues, recues, manquantes], worked out from the fixture's docstring.
EXPECTED = {
    ("DA", date(2024, 1, 1)): [2, 2, 0], ("DA", date(2024, 2, 1)): [2, 2, 0],
    ("DA", date(2024, 3, 1)): [6, 3, 3],  # X: M1 M2 T1 + Y: M1 M2 T1; X sent its three
    ("DA", date(2024, 4, 1)): [4, 0, 4],  # the missing month
    ("DA", date(2024, 5, 1)): [4, 3, 1], ("DA", date(2024, 6, 1)): [6, 2, 4],
    ("DB", date(2023, 11, 1)): [2, 1, 1], ("DB", date(2023, 12, 1)): [3, 3, 0],
    **{("DB", date(2024, m, 1)): [3 if m % 3 == 0 else 2, 0, 3 if m % 3 == 0 else 2] for m in range(1, 7)},
}


def _counts(resume: pd.DataFrame) -> dict:
    return {(r.direction, r.mois): [r.attendues, r.recues, r.manquantes] for r in resume.itertuples()}


def test_counts_and_missing_values_worked_out_by_hand(small):
    c = completude(small, last_month=LAST)
    assert _counts(c.resume) == EXPECTED
    assert list(c.resume["direction"]) == ["DA"] * 6 + ["DB"] * 8  # sorted by direction then month
    assert c.resume["taux"].tolist()[:3] == [1.0, 1.0, 0.5]
    june = c.manquantes[(c.manquantes["direction"] == "DA") & (c.manquantes["mois"] == LAST)]
    assert [tuple(r) for r in june[["parcours", "indicateur"]].itertuples(index=False)] == [
        ("DA-X", "T1"), ("DA-Y", "M1"), ("DA-Y", "M2"), ("DA-Y", "T1")]
    assert len(c.manquantes) == sum(v[2] for v in EXPECTED.values()) == 27
    assert "DB-W" not in set(c.manquantes["parcours"])

    da = completude(small, last_month=LAST, direction="DA")
    assert _counts(da.resume) == {k: v for k, v in EXPECTED.items() if k[0] == "DA"}
    assert set(da.manquantes["direction"]) == {"DA"} and len(da.manquantes) == 12


def test_the_fiche_and_the_former_code_count_the_same_on_the_small_base(small):
    stored = small.query_df("SELECT parcours, indicateur, mois FROM valeurs WHERE mois <= ?", [LAST])
    ref = read_referentiel(small)
    for direction in (None, "DB"):
        new = completude(small, last_month=LAST, direction=direction)
        for other in (completude_of(ref, stored, LAST, direction), avant.completude(small, last_month=LAST,
                                                                                    direction=direction)):
            pd.testing.assert_frame_equal(new.resume, other.resume)
            pd.testing.assert_frame_equal(new.manquantes, other.manquantes)


def test_the_page_period_of_one_direction(small):
    page = completeness_of_period(small, date(2024, 3, 1), date(2024, 5, 1), "DA", last_month=LAST)
    assert page.mois == date(2024, 5, 1)
    assert (page.attendues, page.manquantes, page.directions_incompletes) == (4, 1, 1)
    assert page.resume[["direction", "mois", "attendues", "recues", "manquantes"]].values.tolist() == [
        ["DA", "2024-03", 6, 3, 3], ["DA", "2024-04", 4, 0, 4], ["DA", "2024-05", 4, 3, 1]]
    assert page.grille.to_dict("index") == {"DA": {"mars 2024": "50\u202f%", "avr. 2024": "0\u202f%",
                                                  "mai 2024": "75\u202f%"}}  # narrow no-break space
    assert list(page.liste.columns) == MISSING_COLUMNS
    assert [tuple(r) for r in page.liste[["mois", "parcours", "indicateur"]].itertuples(index=False)] == [
        ("2024-03", "DA-Y", "M1"), ("2024-03", "DA-Y", "M2"), ("2024-03", "DA-Y", "T1"),
        ("2024-04", "DA-X", "M1"), ("2024-04", "DA-X", "M2"), ("2024-04", "DA-Y", "M1"), ("2024-04", "DA-Y", "M2"),
        ("2024-05", "DA-Y", "M2")]
    assert page.liste["libelle_parcours"].iloc[0] == "Parcours Y" and page.liste["libelle_indicateur"].iloc[0] == "Libellé M1"
    assert page.a_l_ecran["mois"].tolist()[:4] == ["mars 2024"] * 3 + ["avr. 2024"]
    nothing = completeness_of_period(small, date(2023, 1, 1), date(2023, 10, 1), None, last_month=LAST)
    assert nothing.mois is None and nothing.liste.empty


def test_the_page_shows_the_period_and_direction_of_its_link(small, monkeypatch):
    st.cache_resource.clear()
    at = open_page(small, monkeypatch, "pages/completude.py", direction="DA", debut="2024-03", fin="2024-05")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Valeurs attendues": "4", "Valeurs manquantes": "1", "Directions incomplètes": "1"}
    table = next(e.value for e in at.dataframe if "libelle_indicateur" in e.value.columns)
    assert len(table) == 8 and table["mois"].tolist()[-1] == "mai 2024"


def _period_as_before(db, debut, fin, direction):
    """What the former page showed: the former complétude filtered to the period."""
    old = avant.completude(db, direction=direction)
    resume = old.resume[(old.resume["mois"] >= debut) & (old.resume["mois"] <= fin)].reset_index(drop=True)
    missing = old.manquantes[(old.manquantes["mois"] >= debut) & (old.manquantes["mois"] <= fin)]
    return resume, missing.reset_index(drop=True)


@pytest.mark.parametrize("direction", [None, "DPE"])
def test_the_page_period_equals_the_former_code_on_the_demo_base(demo_db, direction):
    debut, fin = date(2025, 1, 1), date(2026, 10, 1)
    resume, missing = _period_as_before(demo_db, debut, fin, direction)
    page = completeness_of_period(demo_db, debut, fin, direction)
    expected = resume.assign(mois=[f"{m:%Y-%m}" for m in resume["mois"]])
    pd.testing.assert_frame_equal(page.resume, expected)
    assert len(missing) > 0
    pd.testing.assert_frame_equal(
        page.liste[["direction", "parcours", "indicateur", "mois"]],
        missing.assign(mois=[f"{m:%Y-%m}" for m in missing["mois"]]))
    latest = resume[resume["mois"] == fin]
    assert (page.mois, page.attendues, page.manquantes) == (fin, latest["attendues"].sum(), latest["manquantes"].sum())

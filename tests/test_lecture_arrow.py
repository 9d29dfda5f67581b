"""``lecture.light_frame`` (the verdicts read through Arrow, issue 12) gives the frame ``db.query_df`` gives:
same columns, dtypes and values, nulls included, and for an empty result."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicateurs import lecture
from indicateurs.db import Database


@pytest.fixture
def mixed(tmp_path) -> Database:
    db = Database(tmp_path / "mixte.duckdb")
    with db.transaction() as con:
        con.execute("CREATE TABLE t (code VARCHAR, n INTEGER, big BIGINT, flag BOOLEAN, mois DATE, "
                    "x DOUBLE, complet INTEGER, vrai BOOLEAN)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            ("a", 1, 10, True, date(2024, 1, 1), 1.5, 7, True),
            ("b", None, None, None, None, None, 8, False),
            (None, 3, 30, False, date(2025, 6, 1), 2.25, 9, True),
        ])
    return db


@pytest.mark.parametrize("where", ["", "WHERE code = 'a'", "WHERE code = 'absent'", "WHERE n IS NULL"])
def test_light_frame_equals_query_df(mixed, where):
    sql = f"SELECT * FROM t {where} ORDER BY complet"
    expected = mixed.query_df(sql)
    got = lecture.light_frame(mixed, sql, [])
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_light_frame_keeps_nullable_integers_and_dates(mixed):
    frame = lecture.light_frame(mixed, "SELECT * FROM t ORDER BY complet", [])
    assert str(frame["n"].dtype) == "Int32" and frame["n"].isna().tolist() == [False, True, False]
    assert str(frame["complet"].dtype) == "int32"  # no null: a plain integer column, as .df() gives
    assert frame["mois"].iloc[0] == pd.Timestamp(2024, 1, 1) and pd.isna(frame["mois"].iloc[1])
    assert frame["code"].iloc[1] == "b" and pd.isna(frame["code"].iloc[2])


def test_verdicts_through_arrow_equal_the_plain_query(demo_db):
    for direction, parcours in [(None, None), ("DPE", None), (None, "DJS-PISCINE"), ("XYZ", None)]:
        got = lecture.verdicts(demo_db, direction=direction, parcours=parcours)
        expected = demo_db.query_df(
            "SELECT r.parcours, p.direction, r.indicateur, r.verdict, r.provisoire, r.deploiement, r.mois_avant "
            "FROM resultats r JOIN parcours p ON p.code = r.parcours JOIN indicateurs i ON i.code = r.indicateur "
            "WHERE (? IS NULL OR p.direction = ?) AND (? IS NULL OR r.parcours = ?) "
            "ORDER BY p.direction, r.parcours, i.rowid", [direction, direction, parcours, parcours])
        pd.testing.assert_frame_equal(got[expected.columns.tolist()], expected, check_exact=True)

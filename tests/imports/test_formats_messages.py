"""Import messages quote numbers and months through ``indicateurs/format_fr.py``: same text as the former
hand-written formatter (``tests/outils/formats_avant.py``), except where the project-wide rules differ
(no « -0 », halves rounded up as written, an infinite value is « – »)."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd

from indicateurs.format_fr import format_month_long as month_fr
from indicateurs.imports.formats import number_fr
from tests.outils import formats_avant


def _values() -> list[float]:
    """Numbers as import messages quote them: integers, typed values with up to six decimals, sizes in Mo,
    medians; positive and negative, from 1e-6 to 1e9 (beyond 1e8, a double may show a seventh decimal, see below)."""
    rng = random.Random(12)
    values: list[float] = [0, 0.0, -0.0, 1, -2.0, 12.5, 0.1 + 0.2, 10_000_000, 5000, 100_001, 2.5 * 2**20 / 2**20]
    for _ in range(4000):
        values.append(rng.randint(-10**9, 10**9))
        values.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)))
        values.append(rng.randint(1, 10**9) / 2**20)
        values.append(rng.uniform(-1e4, 1e4))
        values.append(10 ** rng.uniform(-6, 7) * rng.choice([-1, 1]))
    return values


def test_numbers_are_written_as_before():
    different = [(v, formats_avant.number_fr(v), number_fr(v)) for v in _values()
                 if formats_avant.number_fr(v) != number_fr(v)]
    assert different == []


def test_examples_written_by_hand():
    assert number_fr(12.5) == "12,5"
    assert number_fr(10_000_000) == "10 000 000"
    assert number_fr(-2.0) == "-2"
    assert number_fr(-1234.25) == "-1 234,25"
    assert number_fr(1.5) == "1,5"
    assert number_fr(1 / 3) == "0,333333"
    assert number_fr(float("nan")) == "?"


def test_where_the_project_rules_differ_from_the_former_formatter():
    # A tiny negative value no longer reads « -0 »; the former formatter wrote it with a sign.
    assert formats_avant.number_fr(-1e-7) == "-0" and number_fr(-1e-7) == "0"
    # A half in the seventh decimal, as written, rounds up (Python rounded the binary value down).
    assert formats_avant.number_fr(0.1234995) == "0,123499" and number_fr(0.1234995) == "0,1235"
    assert number_fr(float("inf")) == "\u2013"


def test_months_in_full_as_before():
    months = [date(2020 + i // 12, i % 12 + 1, 1) for i in range(24)]
    assert [month_fr(m) for m in months] == [formats_avant.month_fr(m) for m in months]
    assert month_fr(date(2026, 10, 1)) == "octobre 2026"
    assert month_fr(date(2025, 2, 1)) == "février 2025"
    assert month_fr(pd.Timestamp("2024-08-01")) == "août 2024"

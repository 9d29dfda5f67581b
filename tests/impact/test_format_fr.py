from datetime import date

import pandas as pd

from indicateurs.format_fr import format_interval, format_number, format_signed, with_unit
from indicateurs.format_fr import format_month_long as format_month

MINUS = "\u2212"
NNBSP = "\u202f"


def test_decimal_comma_and_real_minus():
    assert format_number(-2.14, 1) == f"{MINUS}2,1"
    assert format_number(3.0, 2) == "3,00"


def test_thousands_use_narrow_no_break_space():
    assert format_number(1234567.891, 2) == f"1{NNBSP}234{NNBSP}567,89"
    assert format_number(-1234.4, 0) == f"{MINUS}1{NNBSP}234"


def test_rounded_zero_has_no_sign():
    assert format_number(-0.04, 1) == "0,0"
    assert format_signed(-0.04, 1) == "0,0"
    assert format_signed(0.0, 0) == "0"


def test_signed_always_shows_the_sign():
    assert format_signed(7.2398, 1) == "+7,2"
    assert format_signed(-11.5, 1) == f"{MINUS}11,5"
    assert format_signed(2500, 0) == f"+2{NNBSP}500"


def test_missing_values():
    assert format_number(float("nan")) == "\u2013"
    assert format_signed(None) == "\u2013"
    assert format_number(float("inf")) == "\u2013"


def test_interval():
    assert format_interval(-3.0, -1.2) == f"[{MINUS}3,0 ; {MINUS}1,2]"
    assert format_interval(-2.0566, 16.5363, 2) == f"[{MINUS}2,06 ; 16,54]"


def test_unit_joined_with_no_break_space():
    assert with_unit("+7,2", "pt") == "+7,2\u202fpt"
    assert with_unit("12", "") == "12"


def test_months_in_words_from_any_month_type():
    assert format_month(pd.Period("2025-03", "M")) == "mars 2025"
    assert format_month(date(2024, 8, 1)) == "août 2024"
    assert format_month(pd.Timestamp("2026-02-01")) == "février 2026"
    assert format_month("2025-12") == "décembre 2025"


def test_halves_round_away_from_zero_as_written():
    assert format_number(4.25, 1) == "4,3"
    assert format_number(2.675, 2) == "2,68"  # 2.675 is 2.67499… in binary; the reader sees 2,675
    assert format_signed(-0.05, 1) == f"{MINUS}0,1"
    assert format_number(1e-20, 2) == "0,00"


def test_a_bound_that_is_not_zero_is_never_written_as_zero():
    # a significant interval must not read as touching 0 (issue 9: interval and verdict say the same thing)
    assert format_interval(0.04, 9.7) == "[0,04 ; 9,7]"
    assert format_interval(-9.7, -0.004) == f"[{MINUS}9,7 ; {MINUS}0,004]"
    assert format_interval(-0.04, 9.7) == f"[{MINUS}0,04 ; 9,7]"
    assert format_interval(0.0, 2.0) == "[0,0 ; 2,0]"  # a true zero stays as written
    assert format_interval(0.04, 9.7, 2) == "[0,04 ; 9,70]"

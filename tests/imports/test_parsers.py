"""The small parsers on their own: months, numbers, delimiters, encodings, header keys."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from indicateurs.imports.csv_reader import read_csv_table
from indicateurs.imports.encoding import decode_text
from indicateurs.mois import UNREADABLE, index_to_date, parse_month, parse_months
from indicateurs.imports.normalise import normalise_header, normalise_key
from indicateurs.imports.numbers import parse_numbers
from indicateurs.imports.problemes import FichierIllisible
from indicateurs.imports.separator import detect_separator


@pytest.mark.parametrize("text, expected", [
    ("2026-10", date(2026, 10, 1)), ("2026-10-01", date(2026, 10, 1)), ("2026-10-31 00:00:00", date(2026, 10, 1)),
    ("2026/10", date(2026, 10, 1)), ("10/2026", date(2026, 10, 1)), ("01/10/2026", date(2026, 10, 1)),
    ("31/10/2026", date(2026, 10, 1)), ("oct. 2026", date(2026, 10, 1)), ("octobre 2026", date(2026, 10, 1)),
    ("Oct 2026", date(2026, 10, 1)), ("OCTOBRE 2026", date(2026, 10, 1)), ("oct.-26", date(2026, 10, 1)),
    ("févr. 2026", date(2026, 2, 1)), ("fevrier 2026", date(2026, 2, 1)), ("août 2025", date(2025, 8, 1)),
    ("déc.-25", date(2025, 12, 1)), ("1er juin 2026", date(2026, 6, 1)), ("202606", date(2026, 6, 1)),
    ("46296", date(2026, 10, 1)), ("45658", date(2025, 1, 1)), ("45658.0", date(2025, 1, 1)),
    ("1900-01", date(1900, 1, 1)),
])
def test_months_accepted(text, expected):
    assert index_to_date(parse_month(text)) == expected


@pytest.mark.parametrize("text", ["", "2026-13", "13/2026", "31/02/2026", "oct", "2026", "10", "abc",
                                  "=DATE(2026;10;1)", "brumaire 2026", "2026-10-01T99:00"])
def test_months_refused(text):
    assert parse_month(text) == UNREADABLE


def test_months_vectorised_over_repeated_texts():
    cells = pd.Series(["2026-10", "oct. 2026", "x", "2026-10"] * 1000, dtype=str)
    index = parse_months(cells)
    assert index[:4].tolist() == [2026 * 12 + 9, 2026 * 12 + 9, UNREADABLE, 2026 * 12 + 9]


def test_numbers():
    cells = ["12,5", "12.5", "1 234,5", "1\u00a0234,5", "1\u202f234\u202f567.25", "\u22123", "-2,5", "+4",
             "85 %", "1e3", "100,", "1.234,5", "1,234.5", "abc", "inf", "nan", "=1+1", "12 34", "1'000", "0x10"]
    expected = [12.5, 12.5, 1234.5, 1234.5, 1234567.25, -3.0, -2.5, 4.0, 85.0, 1000.0, 100.0] + [np.nan] * 9
    np.testing.assert_array_equal(parse_numbers(pd.Series(cells, dtype=str)), np.array(expected))


@pytest.mark.parametrize("text, separator", [
    ("parcours;indicateur;mois;valeur\r\nA;B;2026-10;1,5\r\n", ";"),
    ("parcours,indicateur,mois,valeur\nA,B,2026-10,\"1,5\"\n", ","),
    ("parcours\tindicateur\tmois\tvaleur\nA\tB\t2026-10\t1,5\n", "\t"),
    ('"Réclamations, pour 1 000";mois\r\n', ";"),
    ("parcours\n", ";"),
])
def test_separator(text, separator):
    assert detect_separator(text) == (separator, 0)


def test_separator_hint_line():
    assert detect_separator("sep=,\r\nparcours,mois\r\n") == (",", 1)


def test_encodings():
    assert decode_text("é".encode("utf-8"), "f") == ("é", "UTF-8")
    assert decode_text(b"\xef\xbb\xbf" + "é".encode("utf-8"), "f") == ("é", "UTF-8 avec BOM")
    assert decode_text("œ’é€".encode("cp1252"), "f") == ("œ’é€", "Windows-1252")
    assert decode_text("é\t".encode("utf-16"), "f") == ("é\t", "UTF-16")
    with pytest.raises(FichierIllisible):
        decode_text(b"\x81\x8d\x8f\x90\x9d", "f")  # undefined in Windows-1252


def test_keys():
    assert normalise_key("  Taux  de DÉCROCHÉ ") == "taux de decroche"
    assert normalise_key("Demander un titre d’identité") == normalise_key("DEMANDER UN TITRE D'IDENTITE")
    assert normalise_key("Cœur") == "coeur"
    assert normalise_header("Libellé de l'indicateur") == "libelle de l indicateur"
    assert normalise_header("code_parcours") == "code parcours"


@pytest.mark.parametrize("content, cells, lignes", [
    # quoted separator, doubled quote, a blank line in the middle (a row of empty cells), BOM and CRLF
    (b'\xef\xbb\xbfparcours;valeur\r\n"DJS; PISCINE";"1,5"\r\n\r\nDPE;"2"""\r\n',
     [["parcours", "valeur"], ["DJS; PISCINE", "1,5"], ["", ""], ["DPE", '2"']], [1, 2, 3, 4]),
    # a line break inside quotes stays in the cell; old Mac line endings
    (b'a;b\n"x";"m\nn"\n', [["a", "b"], ["x", "m\nn"]], [1, 2]),
    (b"a;b\r1;2\r", [["a", "b"], ["1", "2"]], [1, 2]),
    # a lone quote inside a bare cell is a character (odd count: the other reader takes the file)
    (b'a;b\n12";x\n', [["a", "b"], ['12"', "x"]], [1, 2]),
    # a short row is padded, spaces are kept (they are stripped later, per field)
    (b"a;b\n 1 ; x\n3\n", [["a", "b"], [" 1 ", " x"], ["3", ""]], [1, 2, 3]),
])
def test_csv_cells_whatever_the_reader(content, cells, lignes):
    table = read_csv_table("f.csv", content)
    assert table.cells.values.tolist() == cells
    assert table.lignes.tolist() == lignes
    assert all(dtype == "str" for dtype in table.cells.dtypes)  # text, never a number nor NaN

"""Read a CSV file into a Table of text cells: any usual encoding, delimiter, line ending or quoting.

Nothing is converted here: numbers and months stay text (Arrow-backed strings, fast to process; pandas
would mangle « 31/01/2026 » with some thousands settings), parsed later by the dedicated modules.
The fast path is Arrow's multithreaded CSV parser, straight into Arrow strings (no Python object per
cell). It accepts only regular files (every record as wide as the first, no blank line); anything else
goes to pandas' C parser (also any file with an odd number of quotes: one is left open, and pandas names
its line), which pads short rows; rows with more fields than the header fall back to Python's csv module.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from indicateurs.imports.encoding import CP1252, UTF8, UTF8_BOM, decode_text, garbled_text_warning, implausible_characters
from indicateurs.imports.problemes import FichierIllisible
from indicateurs.imports.separator import NAMES, detect_separator
from indicateurs.imports.table import MAX_FIELDS, TEXT, Table, drop_empty_trailing_columns

_EOF_IN_QUOTES = re.compile(r"EOF inside string starting at row (\d+)")
_LEADING_BLANK_LINES = re.compile(rb"(?:\r\n|\n|\r)*")
_NEWLINE = re.compile(rb"\r\n|\n|\r")


def read_csv_table(fichier: str, content: bytes) -> Table:
    """Decode, find the delimiter and split ``content`` into a Table (line 1 is the first record)."""
    content = content.rstrip(b"\x1a")  # the end-of-file mark some old DOS tools still write
    text, encoding = decode_text(content, fichier)
    separator, skip = detect_separator(text)
    first_line = text[: text.find("\n")] if "\n" in text else text
    if first_line.count(separator) + 1 > MAX_FIELDS:
        raise FichierIllisible(
            f"« {fichier} » compte plus de {MAX_FIELDS} colonnes sur sa première ligne : ce n'est pas un "
            "tableau de valeurs attendu. Vérifiez le fichier (une ligne par valeur, ou une colonne par "
            "indicateur).", ligne=1)
    if encoding in (UTF8, UTF8_BOM):  # the bytes as they are, without copying them
        payload = memoryview(content)[len(codecs.BOM_UTF8) if encoding == UTF8_BOM else 0:]
    else:
        payload = memoryview(text.encode("utf-8"))
    leading = 0
    if not skip:  # blank lines before the first record would make pandas see no column at all
        blank = _LEADING_BLANK_LINES.match(payload).group(0)
        leading = len(_NEWLINE.findall(blank))
        payload = payload[len(blank):]
    quotes = text.count('"')
    if encoding in (UTF8, UTF8_BOM):
        text = None  # the bytes are parsed in place: drop the decoded copy (as large as the file) meanwhile
    # An odd number of quotes leaves one open (pandas names its line; Arrow would take it to the end).
    cells = None if quotes % 2 else _read_regular(payload, separator, skip, quoted=quotes > 0)
    if cells is None and text is None:  # the slower readers below need the text again
        text = decode_text(content, fichier)[0]
    try:
        if cells is None:
            cells = pd.read_csv(
                io.BytesIO(payload), sep=separator, header=None, dtype=str, na_filter=False,
                skip_blank_lines=False, skiprows=skip, engine="c", encoding="utf-8", quotechar='"',
                doublequote=True, low_memory=False,
            )
    except pd.errors.EmptyDataError:  # no data at all, or blank lines before the first record
        cells = _read_ragged(fichier, text, separator, skip) if text.strip() else pd.DataFrame(dtype=str)
        leading = 0
    except pd.errors.ParserError as error:
        unclosed = _EOF_IN_QUOTES.search(str(error))
        if unclosed:
            ligne = int(unclosed.group(1)) + 1 + leading
            raise FichierIllisible(
                f"Guillemet non refermé : le champ qui commence par « \" » à la ligne {ligne} court jusqu'à "
                "la fin du fichier. Fermez le guillemet (ou retirez-le) puis enregistrez à nouveau.",
                ligne=ligne) from None
        cells = _read_ragged(fichier, text, separator, skip)
        leading = 0
    cells = drop_empty_trailing_columns(cells)
    cells.columns = range(cells.shape[1])
    lignes = np.arange(len(cells), dtype=np.int64) + 1 + leading  # Excel hides a « sep=; » line: no offset
    table = Table(fichier, cells, lignes, lettres=False, description=f"CSV {encoding}, séparateur {NAMES[separator]}")
    if encoding == CP1252:  # cp1252 decodes almost any bytes: check the result reads as French
        strange = implausible_characters(text)
        if strange:
            table.avertissements.append(garbled_text_warning(fichier, strange))
    return table


def _read_regular(payload: memoryview, separator: str, skip: int, quoted: bool) -> pd.DataFrame | None:
    """Arrow's parser on a regular file: cells as Arrow strings, never null. None when Arrow refuses the
    file (ragged or blank rows, a field across its block boundary, an unclosed quote): pandas then reads it."""
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(payload)),
            read_options=pa_csv.ReadOptions(skip_rows=skip, autogenerate_column_names=True,
                                            block_size=1 << 22),
            # A quoted field may hold line breaks; without any quote the faster splitter is exact.
            parse_options=pa_csv.ParseOptions(delimiter=separator, quote_char='"', double_quote=True,
                                              newlines_in_values=quoted, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(default_column_type=pa.large_string(), strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False, null_values=[]),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_columns == 0:
        return None
    cells = table.to_pandas(types_mapper=lambda _: TEXT)
    cells.columns = range(cells.shape[1])
    return cells


def _read_ragged(fichier: str, text: str, separator: str, skip: int) -> pd.DataFrame:
    """Slow path for rows of unequal length: Python's csv module, rows padded with empty cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"',
                        doublequote=True, strict=False)
    rows = []
    try:
        for number, row in enumerate(reader, start=1):
            if number > skip:
                rows.append(row)
    except csv.Error as error:
        raise FichierIllisible(
            f"Ligne {reader.line_num} illisible ({_french_csv_error(error)}). Vérifiez les guillemets de "
            "cette ligne, ou enregistrez à nouveau le fichier depuis Excel.", ligne=reader.line_num) from None
    width = max((len(r) for r in rows), default=0)
    if width > MAX_FIELDS:
        raise FichierIllisible(
            f"« {fichier} » compte plus de {MAX_FIELDS} colonnes sur une ligne : ce n'est pas un tableau de "
            "valeurs attendu.")
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def _french_csv_error(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"un champ dépasse {csv.field_size_limit()} caractères"
    return "champ mal délimité"

"""Text keys for matching what people type against codes, libellés and headers.

« Taux de décroché », « TAUX DE DECROCHE » and « taux  de décroché » must all match: keys ignore case,
accents, ligatures, curly apostrophes and repeated spaces.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_HEADER_PUNCTUATION = re.compile(r"[_\-.'’‘`]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "‘": "'", "`": "'"})


def normalise_key(text: str) -> str:
    """Case-, accent- and space-insensitive key of a code or a libellé."""
    text = str(text).translate(_LIGATURES)
    if not text.isascii():  # plain ASCII (most codes) has no accent to take off
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text.casefold()).strip()


def normalise_header(text: str) -> str:
    """Key of a column header: like ``normalise_key``, and ``_``, ``-``, ``.`` and apostrophes count as spaces."""
    return _SPACES.sub(" ", _HEADER_PUNCTUATION.sub(" ", normalise_key(text))).strip()

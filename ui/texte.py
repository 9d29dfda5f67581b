"""User-supplied text (file and sheet names, labels, descriptions, comments, user names) shown as text.

Streamlit renders Markdown, its colour directives (``:red[…]``), emoji and icon codes (``:material/x:``),
LaTeX (``$x^2$``) and links or images in titles, captions, messages and widget labels. ``litteral``
backslash-escapes every ASCII punctuation sign (CommonMark allows it for all of them), so such a string
is displayed exactly as written and never fetches an image or becomes a link. Escapes do not stop
GFM's bare-link detection (``https://…``, ``www.…``): an invisible WORD JOINER
(U+2060) is put inside those triggers, so that the text reads the same but is not a link. Tables
(st.dataframe) already show cells as text and need nothing.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_SPACES = re.compile(r"[ \t\r\n\f\v\x85\u2028\u2029]+")  # line breaks and ASCII blanks; no-break spaces stay
_LINK_TRIGGERS = re.compile(r"(?i)(https?|ftp|www)(?=[:.])")  # an e-mail may stay a mailto link: harmless
WORD_JOINER = "\u2060"


def litteral(text: object) -> str:
    """``text`` made safe to embed in a Streamlit Markdown string: shown literally, on one line."""
    plain = _SPACES.sub(" ", "" if text is None else str(text))
    plain = _LINK_TRIGGERS.sub(lambda m: m.group(0) + WORD_JOINER, plain)
    return _PUNCTUATION.sub(r"\\\1", plain)


_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def nom_de_fichier(text: object, default: str = "fichier") -> str:
    """A download name made from user text: letters, digits, ``.``, ``-`` and ``_`` only, no leading dot,
    so that it can never name a folder or a hidden file."""
    name = _UNSAFE_NAME.sub("_", str(text or "")).strip("._") or default
    return name[:120]

"""Character encoding of CSV files: what Excel in French writes, decoded in Python.

DuckDB cannot read Windows-1252 offline and pandas guesses badly, so the bytes are decoded here: UTF-16
with a byte-order mark (Excel's « Texte Unicode »), else UTF-8 (with or without BOM), else Windows-1252.
"""

from __future__ import annotations

import codecs

from indicateurs.imports.problemes import FichierIllisible

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 avec BOM"
CP1252 = "Windows-1252"
UTF16 = "UTF-16"


def decode_text(content: bytes, fichier: str) -> tuple[str, str]:
    """Decode the bytes of a text file; returns (text, encoding label shown to the user).

    UTF-8 is tried first because cp1252 accepts almost any byte sequence: valid UTF-8 with accents is
    never valid-looking cp1252 by accident, the reverse is common. Raises FichierIllisible when neither
    fits (a binary file, in practice).
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), UTF16
        except UnicodeDecodeError as error:
            raise FichierIllisible(_message(fichier, error.start)) from None
    try:
        text = content.decode("utf-8-sig")
        return text, UTF8_BOM if content.startswith(codecs.BOM_UTF8) else UTF8
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), CP1252
    except UnicodeDecodeError as error:
        raise FichierIllisible(_message(fichier, error.start)) from None


# Non-ASCII characters a French indicator file plausibly holds once decoded as Windows-1252: accented
# letters, ligatures, French quotes and dashes, euro, degree, no-break spaces. Anything else (ƒ, ‚, ¤, ¼,
# Ã, ½...) in numbers is the mark of another encoding read as Windows-1252 (Shift-JIS, say) or of UTF-8
# read twice.
_FRENCH = set("àâäçéèêëîïôöùûüÿæœÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ«»‹›’‘“”–—…€°²³µ·§©®\u00a0\u202f\u2009•×")
SUSPICIOUS_MIN = 3
SUSPICIOUS_SHARE = 0.2


def implausible_characters(text: str) -> list[str]:
    """The unexpected characters of a decoded text when they are too many to be chance (else []), so the
    import can warn that the file was probably not Windows-1252 (nor UTF-8) and its text is garbled."""
    foreign = [c for c in text if ord(c) > 127 and c not in _FRENCH]
    non_ascii = sum(1 for c in text if ord(c) > 127)
    if len(foreign) < SUSPICIOUS_MIN or len(foreign) < SUSPICIOUS_SHARE * non_ascii:
        return []
    return list(dict.fromkeys(foreign))


def garbled_text_warning(fichier: str, characters: list[str]) -> str:
    """The French warning for a text that decoded but reads as gibberish."""
    shown = " ".join(characters[:8])
    return (f"Le texte de « {fichier} » contient des caractères inattendus ({shown}) : le fichier n'est "
            "probablement ni en UTF-8 ni en Windows-1252 (par exemple en Shift-JIS) et ses libellés ou "
            "commentaires seraient enregistrés illisibles. Enregistrez-le depuis Excel au format « CSV UTF-8 » "
            "ou envoyez le classeur .xlsx.")


def _message(fichier: str, position: int) -> str:
    return (f"« {fichier} » n'est pas un fichier texte lisible (octet invalide à la position {position}, "
            "ni UTF-8 ni Windows-1252). Enregistrez-le depuis Excel au format « CSV (séparateur : "
            "point-virgule) » ou « CSV UTF-8 », ou envoyez le classeur .xlsx.")

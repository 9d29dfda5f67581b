"""What a file is, from its bytes (never from what the user says): a CSV text, an XLSX workbook, or
something that is not a table at all (PDF, image, archive, old .xls, executable...)."""

from __future__ import annotations

import io
import zipfile

from indicateurs.imports.problemes import FichierIllisible

CSV = "csv"
XLSX = "xlsx"

_RESAVE = "Enregistrez les données au format .xlsx ou CSV (séparateur point-virgule) et déposez ce fichier."
_MAGIC = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF87a", "une image GIF"),
    (b"GIF89a", "une image GIF"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
    (b"BZh", "une archive bzip2"),
    (b"\xfd7zXZ\x00", "une archive xz"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "un classeur Excel 97-2003 (.xls), un document Office ancien ou un classeur protégé par mot de passe"),
    (b"{\\rtf", "un document RTF"),
)
_XLSX_NAMES = (".xlsx", ".xlsm")


def detect_kind(fichier: str, content: bytes) -> str:
    """``"csv"`` or ``"xlsx"``; raises FichierIllisible (French reason and fix) for anything else."""
    head = content[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FichierIllisible(f"« {fichier} » est {what}, pas un tableau de valeurs. {_RESAVE}")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(fichier, content)
    if fichier.lower().endswith(_XLSX_NAMES):
        raise FichierIllisible(
            f"« {fichier} » n'est pas un classeur Excel valide : son contenu n'est pas au format .xlsx "
            "(fichier endommagé, incomplet ou renommé). Ouvrez-le dans Excel et enregistrez-le à nouveau "
            "au format « Classeur Excel (.xlsx) ».")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return CSV  # UTF-16 text (Excel's « Texte Unicode »): NUL bytes are expected there
    sample = content[:65536]
    if b"\x00" in content:
        raise FichierIllisible(
            f"« {fichier} » contient des octets nuls : c'est un fichier binaire, pas un tableau CSV. {_RESAVE}")
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 13))
    if sample and controls > max(8, len(sample) // 100):
        raise FichierIllisible(
            f"« {fichier} » contient des caractères de contrôle : ce n'est pas un fichier texte. {_RESAVE}")
    start = sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if start.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
        raise FichierIllisible(
            f"« {fichier} » est une page HTML ou XML (souvent un faux .xls exporté par une application), "
            "pas un tableau CSV. Ouvrez-le dans Excel, enregistrez-le au format .xlsx ou CSV "
            "(séparateur point-virgule) et déposez ce fichier.")
    return CSV


def _zip_kind(fichier: str, content: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FichierIllisible(
            f"« {fichier} » est une archive ZIP endommagée ou incomplète : ce n'est pas un classeur lisible. "
            "Ouvrez-le dans Excel et enregistrez-le à nouveau au format .xlsx.") from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            raise FichierIllisible(
                f"« {fichier} » est un classeur binaire Excel (.xlsb). Enregistrez-le au format .xlsx.")
        return XLSX
    if "mimetype" in names and "content.xml" in names:
        raise FichierIllisible(
            f"« {fichier} » est un document OpenDocument (LibreOffice .ods). "
            "Enregistrez-le au format .xlsx (Fichier > Enregistrer sous > Classeur Excel 2007-365).")
    if "word/document.xml" in names:
        raise FichierIllisible(f"« {fichier} » est un document Word, pas un tableau de valeurs. {_RESAVE}")
    raise FichierIllisible(
        f"« {fichier} » est une archive ZIP, pas un classeur Excel. Décompressez-la et déposez les fichiers "
        "un par un, au format .xlsx ou CSV.")

"""Monthly file imports: read, check, compare and store the indicator files sent by the directions.

Public entry points: ``check_file`` and ``commit`` (pipeline), ``rapport_texte`` / ``problemes_json`` /
``problemes_csv`` (reports), ``completude`` (what is missing), ``modele_csv`` / ``modele_xlsx``
(templates). Files are written by ``indicateurs.exporter`` (formulas neutralised, fields quoted).

One module, one job:
    detect       what the bytes are (CSV text, XLSX, or not a table)
    encoding     UTF-16 / UTF-8 (BOM or not) / Windows-1252 decoding
    separator    « ; », « , » or tab
    csv_reader   CSV → Table of text cells;  xlsx_reader (+ zipguard)  XLSX → Table
    headers      header row, long or wide layout;  layouts  rows → one staged value per row
    codes        parcours / indicators by code or libellé, closest-code suggestions
    months       month texts and Excel dates;  numbers  French numbers
    checks       row checks (vectorised);  history  revisions and values far from history
    problemes    Probleme records, capped collection;  rapport  text / JSON / CSV reports
    pipeline     check_file and commit;  completude;  modele (templates)
"""

from indicateurs.imports.completude import Completude, completude, completude_xlsx, manquantes_csv
from indicateurs.imports.modele import modele_csv, modele_lignes, modele_xlsx, nom_modele
from indicateurs.imports.pipeline import ResultatImport, Verification, check_file, commit
from indicateurs.imports.problemes import Probleme
from indicateurs.imports.rapport import problemes_csv, problemes_json, rapport_texte

__all__ = [
    "Completude", "Probleme", "ResultatImport", "Verification", "check_file", "commit", "completude",
    "completude_xlsx", "manquantes_csv", "modele_csv", "modele_lignes", "modele_xlsx", "nom_modele",
    "problemes_csv", "problemes_json", "rapport_texte",
]

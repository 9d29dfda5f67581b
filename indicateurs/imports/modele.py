"""Pre-filled templates for one direction and one month, in CSV and XLSX, that re-import as they are.

One row per expected value: every parcours of the direction × every indicator due that month (monthly
ones always, quarterly ones on March, June, September and December), with the libellés, unit and bounds
to help whoever fills it, and empty « valeur » and « commentaire » cells. The reader ignores the
informative columns, and rows left without a value (with a warning).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from indicateurs.exporter import excel_csv_bytes, xlsx_bytes
from indicateurs.format_fr import format_month_long
from indicateurs.mois import is_quarter_month, month_code
from indicateurs.referentiel import Referentiel

COLUMNS = ["parcours", "libellé du parcours", "indicateur", "libellé de l'indicateur", "unité", "min", "max",
           "mois", "valeur", "commentaire"]
SHEET = "valeurs"
WIDTHS = [26, 44, 28, 48, 8, 7, 10, 9, 10, 40]


def modele_lignes(ref: Referentiel, direction: str, mois: date) -> pd.DataFrame:
    """The template rows (columns ``COLUMNS``), in the order of the referential."""
    if direction not in {d.code for d in ref.directions}:
        raise ValueError(f"Direction inconnue : « {direction} ». Choisissez un code de la liste des directions.")
    due = [i for i in ref.indicateurs if i.periodicite != "trimestrielle" or is_quarter_month(mois)]
    rows = [
        {"parcours": p.code, "libellé du parcours": p.libelle, "indicateur": i.code,
         "libellé de l'indicateur": i.libelle, "unité": i.unite, "min": float(i.min), "max": float(i.max),
         "mois": month_code(mois), "valeur": "", "commentaire": ""}
        for p in ref.parcours if p.direction == direction
        for i in due
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def nom_modele(direction: str, mois: date, extension: str) -> str:
    """Suggested file name, e.g. « modele_DPE_2026-10.xlsx »."""
    return f"modele_{direction}_{month_code(mois)}.{extension}"


def modele_csv(ref: Referentiel, direction: str, mois: date) -> bytes:
    """The template as a French CSV file (UTF-8 with BOM, « ; », decimal comma)."""
    return excel_csv_bytes(modele_lignes(ref, direction, mois))


def aide(ref: Referentiel, direction: str, mois: date) -> pd.DataFrame:
    """The « aide » sheet: how to fill the template, then every indicator with its definition."""
    libelle = next(d.libelle for d in ref.directions if d.code == direction)
    lines = [
        f"Modèle de saisie des indicateurs – {libelle} ({direction}) – {format_month_long(mois)}",
        "Remplissez seulement la colonne « valeur » (et « commentaire » si besoin), dans la feuille « valeurs ».",
        "Une ligne par valeur. Ne modifiez pas les codes des colonnes « parcours », « indicateur » et « mois ».",
        "Écrivez un nombre seul, sans unité : virgule ou point pour les décimales, espace possible entre les milliers.",
        "Pourcentages en points : 85 pour 85 % (et non 0,85). Délais en jours.",
        "Laissez vide une valeur inconnue : la ligne est ignorée et le mois restera signalé comme manquant.",
        "Les colonnes « min » et « max » indiquent les bornes acceptées ; une valeur hors bornes est refusée.",
        "Enregistrez au format .xlsx (ou CSV) et déposez le fichier sur la page d'import.",
    ]
    frame = pd.DataFrame({"aide": lines, "indicateur": "", "définition": ""})
    indicators = pd.DataFrame({
        "aide": [i.libelle for i in ref.indicateurs], "indicateur": [i.code for i in ref.indicateurs],
        "définition": [f"{i.definition} ({i.unite}, {i.periodicite})" for i in ref.indicateurs],
    })
    blank = pd.DataFrame({"aide": [""], "indicateur": [""], "définition": [""]})
    return pd.concat([frame, blank, indicators], ignore_index=True)


def modele_xlsx(ref: Referentiel, direction: str, mois: date) -> bytes:
    """The template as an .xlsx workbook: sheet « valeurs » (the rows to fill) and sheet « aide »."""
    rows = modele_lignes(ref, direction, mois)
    rows["valeur"] = None
    rows["commentaire"] = None
    return xlsx_bytes({SHEET: rows, "aide": aide(ref, direction, mois)},
                      widths={SHEET: WIDTHS, "aide": [90, 28, 120]})

"""A table as a reader downloads it: the column titles of the screen, values rounded as displayed, months as
« 2026-10 », « oui » / « non », timestamps to the second; the unrounded values in a « Données brutes » sheet.

Pages hand their stored frames (internal column codes such as ``libelle``, ``p_ajustee``, ``declasse_fdr``)
to the download buttons. ``TITLES`` gives each code the title a reader sees on screen; a page may pass its
own titles for a table whose words differ (``titles=``). The files themselves are written by
``indicateurs.exporter`` (formulas neutralised, CSV for French Excel, XLSX with widths, filter and frozen
header).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from indicateurs.exporter import excel_csv_bytes, xlsx_bytes

READER_SHEET = "Données"
RAW_SHEET = "Données brutes"

# Internal column code → the title a reader sees on screen.
TITLES: dict[str, str] = {
    "code": "Code", "libelle": "Libellé", "direction": "Direction", "public": "Public",
    "deploiement": "Déploiement", "statut": "Statut", "mois_observes": "Mois observés", "valeurs": "Valeurs",
    "dernier_mois": "Dernier mois reçu", "exemple": "Parcours d'exemple", "mois": "Mois",
    "attendues": "Valeurs attendues", "recues": "Valeurs reçues", "manquantes": "Valeurs manquantes",
    "taux": "Taux (%)", "mois_de_recul": "Mois de recul",
    "amelioration": "▲ Améliorations", "pas_de_changement": "● Pas de changement",
    "degradation": "▼ Dégradations", "insuffisant": "○ Données insuffisantes",
    "hausse_ou_baisse": "◆ Hausses ou baisses (volume)", "provisoires": "dont provisoires", "total": "Séries",
    "score": "Score", "parcours": "Parcours", "libelle_parcours": "Libellé du parcours",
    "indicateur": "Indicateur", "libelle_indicateur": "Libellé de l'indicateur", "engagement": "Engagement",
    "famille": "Famille", "sens": "Sens favorable", "unite": "Unité", "methode": "Méthode",
    "moyenne_avant": "Moyenne des 12 mois avant", "moyenne_apres": "Moyenne depuis le déploiement",
    "difference": "Différence des moyennes", "welch_bas": "Différence des moyennes : borne basse (95 %)",
    "welch_haut": "Différence des moyennes : borne haute (95 %)",
    "estimate": "Écart moyen depuis le déploiement", "low": "Borne basse (intervalle du verdict)",
    "high": "Borne haute (intervalle du verdict)", "effet_unite": "Unité de l'écart",
    "mois_avant": "Mois observés avant", "mois_apres": "Mois de recul",
    "p_valeur": "Probabilité d'un écart dû au hasard (p)",
    "p_ajustee": "p corrigée pour comparaisons multiples",
    "verdict": "Verdict", "provisoire": "Verdict provisoire",
    "declasse_fdr": "Écarté par la correction des comparaisons multiples", "phrase": "En une phrase",
    "lie_a": "Indicateur lié", "valeur": "Valeur", "commentaire": "Commentaire", "import_id": "Import n°",
    "type_import": "Type d'import", "fichier": "Fichier", "utilisateur": "Par", "importe_le": "Importé le",
    "horodatage": "Le", "type": "Type", "valeur_avant": "Ancienne valeur", "valeur_apres": "Nouvelle valeur",
    "commentaire_apres": "Commentaire", "operation": "Opération",
    "parcours_ameliores": "Parcours améliorés", "parcours_degrades": "Parcours dégradés",
    "parcours_sans_changement": "Parcours sans changement", "estimation": "Effet moyen estimé",
    "erreur_type": "Erreur type", "bas": "Borne basse (95 %)", "haut": "Borne haute (95 %)",
    "n": "Parcours", "pre_tendance_p": "Tendances d'avant : probabilité (p)", "alerte": "Alerte",
    "bas_corrige": "Borne basse (corrigée)", "haut_corrige": "Borne haute (corrigée)",
    "niveau_intervalle": "Niveau de l'intervalle corrigé (%)", "lecture": "Lecture",
    "situation": "Situation", "paire": "Paire (indicateur usagers)", "usagers": "Usagers (%)",
    "agents": "Agents (%)", "ecart": "Écart (pt)", "periode": "Période", "definition": "Définition",
    "regle": "Règle d'or", "periodicite": "Périodicité", "cible": "Cible", "agregation": "Agrégation",
    "miroir": "Indicateur miroir", "terme": "Terme", "id": "N°", "nb_nouvelles": "Nouvelles",
    "nb_revisees": "Révisées", "nb_inchangees": "Inchangées", "annule_import": "Annule l'import",
    "annule_par": "Annulé par", "message": "Détail", "role": "Rôle", "action": "Action", "objet": "Objet",
    "details": "Détail", "sha256": "Empreinte sha256", "nb_lignes": "Lignes", "champ": "Champ",
    "avant": "Valeur avant", "apres": "Valeur après", "annule_modification": "Annule la n°",
    "annulee_par": "Annulée par la n°",
    "Taux": "Taux (%)",  # a chart's data already titled by its page, still a share 0–1
}

# Values written with their indicator's unit: one decimal, two for a ratio, none for a count (as on screen).
_UNIT_VALUES = {"valeur", "valeur_avant", "valeur_apres", "contrefactuel", "contrefactuel_bas",
                "contrefactuel_haut"}
_UNIT_MEANS = {"moyenne_avant", "moyenne_apres", "difference", "welch_bas", "welch_haut", "estimate", "low", "high",
               "estimation", "erreur_type", "bas", "haut", "bas_corrige", "haut_corrige"}
_UNIT_COLUMNS = ("unite", "Unité", "effet_unite")
_FIXED_DECIMALS = {"score": 2, "Score": 2, "p_valeur": 3, "p_ajustee": 3, "pre_tendance_p": 3}
_SHARES = {"taux": 1, "Taux": 1, "niveau_intervalle": 2}  # shares 0–1 shown on screen as percentages
# A number whose unit the table does not say: two decimals, never fewer than any screen shows.
DEFAULT_DECIMALS = 2


def _unit_decimals(unit, *, count_decimals: int) -> int:
    if unit == "nombre":
        return count_decimals
    return 1 if unit in ("%", "pt", "jours", "j") else DEFAULT_DECIMALS  # a ratio, or a unit not known


def _units(frame: pd.DataFrame, column: str, units: dict[str, str] | None) -> list | None:
    """Each row's unit for ``column``: from the table's unit column, else from its indicator's code."""
    if column in ("estimate", "low", "high") and "effet_unite" in frame.columns:
        return list(frame["effet_unite"])
    unit_column = next((c for c in _UNIT_COLUMNS if c in frame.columns), None)
    if unit_column is not None:
        return list(frame[unit_column])
    if units and "indicateur" in frame.columns:
        return [units.get(code) for code in frame["indicateur"]]
    return None


def _round(frame: pd.DataFrame, column: str, units: dict[str, str] | None) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if column in _SHARES:
        return (values * 100).round(_SHARES[column])
    if column in _FIXED_DECIMALS:
        return values.round(_FIXED_DECIMALS[column])
    row_units = _units(frame, column, units) if column in _UNIT_VALUES or column in _UNIT_MEANS else None
    if row_units is not None:
        decimals = [_unit_decimals(u, count_decimals=0 if column in _UNIT_VALUES else 1) for u in row_units]
        return pd.Series([round(v, d) if not np.isnan(v) else np.nan for v, d in zip(values, decimals)],
                         index=frame.index, dtype=float)
    return values.round(DEFAULT_DECIMALS)


def _is_month(value) -> bool:
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.day == 1 and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
    return isinstance(value, date) and value.day == 1


def _dates(series: pd.Series) -> pd.Series | None:
    """Months as « 2026-10 » (every date on the 1st), other moments to the second; None if not dates."""
    present = series.dropna()
    if present.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        present = list(present)
    elif not all(isinstance(v, (date, datetime, pd.Timestamp)) for v in present):
        return None
    if all(_is_month(v) for v in present):
        return series.map(lambda v: "" if v is None or pd.isna(v) else f"{v.year:04d}-{v.month:02d}").astype(object)
    return _to_seconds(series)


def _to_seconds(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.floor("s")
    return series.map(lambda v: v.replace(microsecond=0) if isinstance(v, datetime) else v)


def _is_bool(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    present = series.dropna()
    return series.dtype == object and len(present) > 0 and all(isinstance(v, (bool, np.bool_)) for v in present)


def _titled(frame: pd.DataFrame, titles: dict[str, str] | None) -> list[str]:
    """Each column's title (the caller's, else ``TITLES``, else its name), made unique."""
    names, seen = [], set()
    for column in frame.columns:
        title = (titles or {}).get(column) or TITLES.get(column) or str(column)
        if title in seen:
            title = f"{title} ({column})"
        seen.add(title)
        names.append(title)
    return names


def reader_frame(frame: pd.DataFrame, titles: dict[str, str] | None = None,
                 units: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` as displayed: screen titles, numbers rounded as on screen, months « AAAA-MM »,
    « oui » / « non », timestamps to the second, empty cells for missing values. ``units`` (indicator
    code → unit) rounds the values of a table that names its indicators but not their unit."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if _is_bool(series):
            out[column] = series.map(lambda v: "" if v is None or pd.isna(v) else ("oui" if v else "non")).astype(object)
        elif pd.api.types.is_float_dtype(series.dtype):
            out[column] = _round(frame, column, units)
        elif (dates := _dates(series)) is not None:
            out[column] = dates
        else:
            out[column] = series
    result = pd.DataFrame(out, index=frame.index)
    result.columns = _titled(frame, titles)
    return result.reset_index(drop=True)


def raw_frame(frame: pd.DataFrame, titles: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with every digit kept (the « Données brutes » sheet), under the same titles; only the
    timestamps lose their microseconds."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column].dtype) or out[column].map(
                lambda v: isinstance(v, datetime)).any():
            out[column] = _to_seconds(out[column])
    out.columns = _titled(frame, titles)
    return out.reset_index(drop=True)


def reader_csv_bytes(frame: pd.DataFrame, titles: dict[str, str] | None = None,
                     units: dict[str, str] | None = None) -> bytes:
    """The table as displayed, as CSV for Excel in French (UTF-8 BOM, ``;``, decimal comma)."""
    return excel_csv_bytes(reader_frame(frame, titles, units))


def reader_xlsx_bytes(frame: pd.DataFrame, titles: dict[str, str] | None = None,
                      units: dict[str, str] | None = None) -> bytes:
    """An XLSX with the table as displayed (« Données ») and its unrounded values (« Données brutes »),
    both with column widths, a filter and a frozen header."""
    return xlsx_bytes({READER_SHEET: reader_frame(frame, titles, units), RAW_SHEET: raw_frame(frame, titles)})

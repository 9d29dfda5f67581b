"""What happened to one parcours × indicateur series: its values, model band, effect in words, history.

Used by the Parcours page and the fiche. The only mean computed here is the descriptive baseline of the
12 months before deployment, drawn as a reference line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import _flag, change_text
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number, with_unit
from indicateurs.impact.verdicts import NO_CHANGE, SIGNAL
from indicateurs.mois import add_months, parse_month_code
from indicateurs.referentiel import Referentiel
from indicateurs.valeurs import value_history


BASELINE_MONTHS = 12


@dataclass(frozen=True)
class SerieIndicateur:
    """One parcours × indicateur series for its chart: values, model lines and reference lines."""

    parcours: str
    indicateur: str
    libelle: str
    unite: str
    periodicite: str
    deploiement: date | None
    points: pd.DataFrame  # mois, valeur, contrefactuel, contrefactuel_bas, contrefactuel_haut (NaN if no model)
    moyenne_reference: float | None  # descriptive mean of the 12 months before deployment
    debut_reference: date | None
    cible: float | None
    verdict: str | None
    provisoire: bool
    phrase: str | None
    details: tuple[str, ...] = ()  # what the headline number is, the last month, the slope, the smallest effect


def effect_details(db: Database, parcours: str, indicateur: str) -> tuple[str, ...]:
    """The stored change of one series in words, one line each: the mean change since deployment with the
    interval printed beside the verdict, the change at the last month, « l'écart se creuse / se résorbe »
    when the slope changed, and the smallest change the data could have detected. Empty if not judged."""
    row = db.query_one("""
        SELECT effet, effet_bas, effet_haut, effet_unite, niveau_intervalle, taille_famille, effet_dernier,
               effet_dernier_bas, effet_dernier_haut, fin, ecart_pente, effet_detectable, verdict, provisoire,
               deploiement, mois_apres
        FROM resultats WHERE parcours = ? AND indicateur = ? AND NOT insuffisant
    """, [parcours, indicateur])
    if row is None or row[0] is None or pd.isna(row[0]):
        return ()
    (effet, bas, haut, unite, niveau, famille, dernier, dernier_bas, dernier_haut, fin, pente, detectable,
     verdict, provisoire, deploiement, mois_apres) = row
    level = ("" if niveau is None or pd.isna(niveau)
             else format_number(100 * niveau, 2).rstrip("0").rstrip(",") + "\u202f%")
    corrected = (f", corrigé pour les {famille} indicateurs du parcours"
                 if famille and niveau is not None and abs(niveau - 0.95) > 1e-9 else "")
    lines = [f"Écart moyen depuis le déploiement ({format_month(deploiement)}, {mois_apres} mois) par rapport à "
             f"la tendance d'avant prolongée : {change_text(effet, bas, haut, unite)} (intervalle à {level}"
             f"{corrected})."]
    if dernier is not None and not pd.isna(dernier):
        lines.append(f"Écart au dernier mois ({format_month(fin)}) : {change_text(dernier, dernier_bas, dernier_haut, unite)}"
                     " (intervalle à 95 %, pour cette série seule).")
    if pente:
        lines.append(f"La pente a changé depuis le déploiement : {pente}.")
    if detectable is not None and not pd.isna(detectable) and (_flag(provisoire) or verdict in (NO_CHANGE, SIGNAL)):
        text = "Trop tôt pour conclure. " if _flag(provisoire) else ""
        lines.append(f"{text}Plus petit écart que ces données auraient détecté (8 fois sur 10) : "
                     f"{with_unit(format_number(abs(detectable)), unite or '')}.")
    return tuple(lines)


def stored_values(db: Database, parcours: str, indicateur: str | None = None) -> pd.DataFrame:
    """The stored values of one parcours (one or every indicator) with their provenance, oldest first."""
    rows = db.query_df("""
        SELECT v.indicateur, v.mois, v.valeur, v.commentaire, v.import_id, i.type AS type_import, i.fichier,
               i.utilisateur, i.horodatage AS importe_le
        FROM valeurs v JOIN imports i ON i.id = v.import_id
        WHERE v.parcours = ? AND (? IS NULL OR v.indicateur = ?)
        ORDER BY v.indicateur, v.mois
    """, [parcours, indicateur, indicateur])
    rows["mois"] = pd.to_datetime(rows["mois"]).dt.date
    return rows


def indicator_series(db: Database, ref: Referentiel, parcours: str, indicateur: str) -> SerieIndicateur:
    """The series of one parcours × indicateur with the model's counterfactual band where stored."""
    ind = ref.indicateur(indicateur)
    p = ref.un_parcours(parcours)
    deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None
    model = lecture.model_series(db, parcours, indicateur)
    if len(model):
        points = model[["mois", "valeur", "contrefactuel", "contrefactuel_bas", "contrefactuel_haut"]].copy()
    else:
        points = stored_values(db, parcours, indicateur)[["mois", "valeur"]].copy()
        for column in ("contrefactuel", "contrefactuel_bas", "contrefactuel_haut"):
            points[column] = np.nan
    points["mois"] = pd.to_datetime(points["mois"]).dt.date
    mean, start = None, None
    if deployment is not None:
        start = add_months(deployment, -BASELINE_MONTHS)
        window = points[(points["mois"] >= start) & (points["mois"] < deployment)]["valeur"].dropna()
        mean = float(window.mean()) if len(window) else None
    result = lecture.verdicts(db, parcours=parcours)
    result = result[result["indicateur"] == indicateur]
    row = result.iloc[0] if len(result) else None
    return SerieIndicateur(
        parcours=parcours, indicateur=indicateur, libelle=ind.libelle, unite=ind.unite,
        periodicite=ind.periodicite, deploiement=deployment, points=points.reset_index(drop=True),
        moyenne_reference=mean, debut_reference=start if mean is not None else None,
        cible=ref.cible(indicateur, parcours),
        verdict=None if row is None else row["verdict"],
        provisoire=False if row is None else _flag(row["provisoire"]),
        phrase=None if row is None else row["phrase"],
        details=effect_details(db, parcours, indicateur),
    )


def overview_values(db: Database, ref: Referentiel, parcours: str) -> pd.DataFrame:
    """Every stored value of one parcours, with the indicator's label and unit (for the small multiples)."""
    rows = stored_values(db, parcours)[["indicateur", "mois", "valeur"]]
    by_code = {i.code: i for i in ref.indicateurs}
    rows["libelle_indicateur"] = rows["indicateur"].map(lambda c: by_code[c].libelle)
    rows["unite"] = rows["indicateur"].map(lambda c: by_code[c].unite)
    return rows


def revision_history(db: Database, parcours: str, indicateur: str, mois: date) -> pd.DataFrame:
    """Who changed one value, when, from which file: old → new (``valeurs.value_history``), oldest first."""
    rows = value_history(db, parcours, indicateur, mois)
    rows["operation"] = ["création" if pd.isna(before) else "révision" for before in rows["valeur_avant"]]
    rows.loc[rows["valeur_apres"].isna(), "operation"] = "suppression"
    return rows


def months_of(points: pd.DataFrame, debut: date | None, fin: date | None) -> pd.DataFrame:
    """The rows of ``points`` (a ``mois`` column of dates) inside the period, both ends included."""
    if debut is None or fin is None or points.empty:
        return points
    return points[(points["mois"] >= debut) & (points["mois"] <= fin)]

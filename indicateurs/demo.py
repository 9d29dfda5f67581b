"""Demonstration data: a deterministic generator of plausible monthly values for every parcours × indicateur.

The values are invented but shaped like the real thing, so the dashboards have something true to show:
levels per indicator and parcours, seasonality where it belongs (swimming pools in summer, school
registrations in spring), noise, a few missing months, quarterly indicators only on quarter months, and
known effects after each deployment — clear improvements, no effect, deteriorations, and effects on the
agents' side that do not always follow the users' side. The same seed gives the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicateurs.mois import add_months, is_quarter_month, month_range, parse_month_code
from indicateurs.referentiel import Indicateur, Parcours, Referentiel

SEED = 20250101
FIRST_MONTH = date(2023, 1, 1)
HISTORY_MONTHS = 24
UTILISATEUR_DEMO = "démonstration"


@dataclass(frozen=True)
class Niveau:
    """Typical level and month-to-month noise of an indicator, and its effect for a full redesign."""

    base: float
    bruit: float
    effet: float  # in the favourable direction, in the indicator's unit (relative when ``relatif``)
    relatif: bool = False
    decimales: int = 1


NIVEAUX: dict[str, Niveau] = {
    "ACCUSE_RECEPTION": Niveau(70, 2.5, 15),
    "SUIVI_EN_LIGNE": Niveau(45, 2.5, 20),
    "INFO_CLAIRE_USAGERS": Niveau(62, 2.5, 8),
    "INFO_CLAIRE_AGENTS": Niveau(71, 2.5, 5),
    "DELAI_TRAITEMENT": Niveau(20, 0.07, -0.25, relatif=True),
    "DANS_DELAI_ANNONCE": Niveau(72, 2.5, 10),
    "TAUX_DECROCHE": Niveau(68, 3, 8),
    "REORIENTATIONS": Niveau(18, 1.5, -5),
    "RESOLUTION_PREMIER_CONTACT": Niveau(55, 2.5, 8),
    "ACCUEIL_RESPECT_USAGERS": Niveau(78, 2, 4),
    "ACCUEIL_RESPECT_AGENTS": Niveau(85, 2, 3),
    "AGENTS_FORMES_VALEURS": Niveau(40, 3, 35),
    "SATISFACTION_GLOBALE": Niveau(66, 2.5, 6),
    "SATISFACTION_NETTE": Niveau(25, 4, 10),
    "RECLAMATIONS": Niveau(8, 0.8, -2, decimales=2),
    "SOLLICITATIONS_PAR_AGENT": Niveau(45, 3, -6),
    "RELANCES_OU_EN_EST": Niveau(22, 2, -7),
    "INCIVILITES": Niveau(0.4, 0.0, -0.25, relatif=True, decimales=0),  # per 1,000 requests, Poisson
    "ALLERS_RETOURS": Niveau(1.8, 0.12, -0.4, decimales=2),
    "SURCHARGE_AGENTS": Niveau(38, 3.5, -6),
    "VOLUME_DEMANDES": Niveau(0, 0.05, 0.0, relatif=True, decimales=0),
}

# Monthly requests, before seasonality.
VOLUMES: dict[str, float] = {
    "DDCT-TITRE-IDENTITE": 24000, "DDCT-ETAT-CIVIL": 18000, "DPE-ENCOMBRANTS": 30000,
    "DPE-DANSMARUE": 45000, "DJS-PISCINE": 250000, "DJS-CRENEAU-SPORTIF": 60000,
    "DAC-BIBLIOTHEQUE": 300000, "DAC-CONSERVATOIRE": 3000, "DFPE-CRECHE": 2500, "DFPE-PMI": 9000,
    "DASCO-INSCRIPTION": 6000, "DASCO-CANTINE": 40000, "DSOL-AIDE-SOCIALE": 7000,
    "DSOL-DOMICILIATION": 1500, "DLH-LOGEMENT-SOCIAL": 11000, "DVD-STATIONNEMENT": 15000,
    "DVD-DEMENAGEMENT": 5000, "DU-PERMIS-CONSTRUIRE": 1800, "DEVE-PERMIS-VEGETALISER": 400,
    "DPMP-NUISANCE": 8000, "DSP-CENTRE-SANTE": 20000, "DSP-VACCINATION": 6000, "DAE-TERRASSE": 900,
    "DRH-POSTE-VACANT": 1200, "DRH-FORMATION": 3500, "DFA-MARCHE": 60, "DFA-PAIEMENT-FOURNISSEUR": 25000,
    "DSIN-ASSISTANCE": 14000, "DILT-LOGISTIQUE": 2200, "DICOM-PARIS-FR": 700,
}

# Typical processing delay (days), where it differs much from the default.
DELAIS: dict[str, float] = {
    "DDCT-TITRE-IDENTITE": 28, "DU-PERMIS-CONSTRUIRE": 75, "DLH-LOGEMENT-SOCIAL": 110, "DFA-MARCHE": 60,
    "DFA-PAIEMENT-FOURNISSEUR": 35, "DFPE-CRECHE": 45, "DPE-ENCOMBRANTS": 9, "DPE-DANSMARUE": 6,
    "DSIN-ASSISTANCE": 3, "DJS-PISCINE": 4, "DAC-BIBLIOTHEQUE": 3, "DAE-TERRASSE": 40,
}

# How much of the full redesign effect each parcours got (1 = clear improvement, 0 = none, < 0 = worse).
PROFILS: dict[str, float] = {
    "DDCT-TITRE-IDENTITE": 1.0, "DPE-ENCOMBRANTS": 1.0, "DJS-PISCINE": 0.9, "DFPE-CRECHE": 0.8,
    "DSIN-ASSISTANCE": 1.0, "DDCT-ETAT-CIVIL": 0.6, "DPE-DANSMARUE": 0.7, "DFA-MARCHE": 0.8,
    "DAC-BIBLIOTHEQUE": 0.0, "DPMP-NUISANCE": 0.0, "DSOL-AIDE-SOCIALE": 0.0,
    "DVD-STATIONNEMENT": -0.6, "DRH-POSTE-VACANT": -0.5,
}
DEFAULT_PROFIL = 0.5

# Agents' side that does not follow the users' side: the redesign moved the load onto the agents.
AGENTS_DEGRADES = {"DFA-MARCHE", "DLH-LOGEMENT-SOCIAL"}
AGENT_INDICATORS = {"SOLLICITATIONS_PAR_AGENT", "SURCHARGE_AGENTS", "INCIVILITES"}

# Parcours (and months) whose direction sent nothing: completeness has something to show.
MOIS_NON_TRANSMIS = {"DSOL-AIDE-SOCIALE": [-1], "DVD-DEMENAGEMENT": [-1, -2], "DAE-TERRASSE": [-5]}


def seasonality(parcours: str, month: int) -> float:
    """Multiplier of activity for a calendar month: pools in summer, school registrations in spring..."""
    angle = 2 * np.pi * (month - 1) / 12
    if parcours == "DJS-PISCINE":
        return 1 + 0.45 * np.cos(angle - 2 * np.pi * 6.5 / 12)  # peak in July
    if parcours in ("DASCO-INSCRIPTION", "DAC-CONSERVATOIRE"):
        return {3: 2.2, 4: 2.6, 5: 2.0, 6: 1.4, 9: 1.3}.get(month, 0.7)
    if parcours == "DDCT-TITRE-IDENTITE":
        return 1 + 0.25 * np.cos(angle - 2 * np.pi * 4.5 / 12)  # passports before the summer
    if parcours == "DAC-BIBLIOTHEQUE":
        return 1 - 0.2 * (month == 8)
    return 1 + 0.05 * np.cos(angle)


def first_month(p: Parcours) -> date:
    """Demo series start 24 months before deployment, never before January 2023."""
    deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None
    start = add_months(deployment, -HISTORY_MONTHS) if deployment else date(2024, 1, 1)
    return max(start, FIRST_MONTH)


def _series(rng, p: Parcours, ind: Indicateur, months: list[date], volume: np.ndarray,
            profil: float) -> np.ndarray:
    niveau = NIVEAUX[ind.code]
    n = len(months)
    deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None
    after = np.array([deployment is not None and m >= deployment for m in months])
    season = np.array([seasonality(p.code, m.month) for m in months])
    t = np.arange(n)

    # Each parcours × indicateur gets part of its parcours's effect, sometimes none at all.
    strength = profil * rng.uniform(0.6, 1.4) * (rng.random() > 0.2)
    if p.code in AGENTS_DEGRADES and ind.code in AGENT_INDICATORS:
        strength = -2.5
    if ind.code == "VOLUME_DEMANDES":
        return volume
    if ind.code == "INCIVILITES":
        rate = niveau.base / 1000 * volume * (1 + 0.15 * (season - 1))
        rate = rate * np.where(after, 1 + niveau.effet * strength, 1.0)
        return rng.poisson(np.maximum(rate, 0)).astype(float)
    if ind.code == "DELAI_TRAITEMENT":
        base = DELAIS.get(p.code, niveau.base) * rng.uniform(0.85, 1.15)
        level = base * (1 + 0.3 * (season - 1)) * (1 + 0.002 * t)
        level = level * np.where(after, 1 + niveau.effet * strength, 1.0)
        return level * (1 + rng.normal(0, niveau.bruit, n))
    base = niveau.base + rng.normal(0, abs(niveau.base) * 0.08 + niveau.bruit)
    drift = rng.normal(0.02, 0.015) * niveau.bruit * t * (1 if niveau.effet > 0 else -1)  # slow secular gain
    seasonal_load = 0.0
    if ind.code in ("SOLLICITATIONS_PAR_AGENT", "SURCHARGE_AGENTS"):
        seasonal_load = niveau.base * 0.4 * (season - 1)
    elif ind.code in ("DANS_DELAI_ANNONCE", "TAUX_DECROCHE", "SATISFACTION_GLOBALE"):
        seasonal_load = -niveau.base * 0.12 * (season - 1)
    # The effect settles in over three months after deployment.
    ramp = np.clip((t - (months.index(deployment) if deployment in months else n)) / 3 + 1 / 3, 0, 1)
    effect = niveau.effet * strength * ramp * after
    return base + drift + seasonal_load + effect + rng.normal(0, niveau.bruit, n)


def generate_demo(ref: Referentiel, end_month: date, seed: int = SEED) -> pd.DataFrame:
    """Monthly demo values for every parcours × indicateur up to ``end_month`` (included).

    Columns: parcours, indicateur, mois (date), valeur, commentaire. Deterministic for a given seed.
    """
    rng = np.random.default_rng(seed)
    columns = {"parcours": [], "indicateur": [], "mois": [], "valeur": []}
    for p in ref.parcours:
        months = month_range(first_month(p), end_month)
        if not months:
            continue
        season = np.array([seasonality(p.code, m.month) for m in months])
        growth = 1 + 0.003 * np.arange(len(months))
        volume = np.round(VOLUMES.get(p.code, 5000) * season * growth
                          * (1 + rng.normal(0, NIVEAUX["VOLUME_DEMANDES"].bruit, len(months))))
        profil = PROFILS.get(p.code, DEFAULT_PROFIL)
        quarter = np.array([is_quarter_month(m) for m in months])
        for ind in ref.indicateurs:
            values = _series(rng, p, ind, months, volume, profil)
            values = np.clip(values, ind.min, ind.max)
            values = np.round(values, NIVEAUX[ind.code].decimales)
            keep = rng.random(len(months)) > 0.015  # a few missing months
            if ind.periodicite == "trimestrielle":
                keep &= quarter
            kept = np.flatnonzero(keep)
            columns["parcours"].extend([p.code] * len(kept))
            columns["indicateur"].extend([ind.code] * len(kept))
            columns["mois"].extend(months[i] for i in kept)
            columns["valeur"].append(values[kept])
    # One frame at the end (not one per series): the same rows, built without 630 small frames.
    data = pd.DataFrame({"parcours": columns["parcours"], "indicateur": columns["indicateur"],
                         "mois": np.array(columns["mois"], dtype=object),
                         "valeur": np.concatenate(columns["valeur"])})
    for code, offsets in MOIS_NON_TRANSMIS.items():
        missing = {add_months(end_month, o + 1) for o in offsets}
        data = data[~((data["parcours"] == code) & data["mois"].isin(missing))]
    data["commentaire"] = None
    return data.reset_index(drop=True)

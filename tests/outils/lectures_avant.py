"""The page reads as they were before they were rewritten for speed (commit 2fd7248, indicateurs/tableaux.py
and pages/miroir.py), kept verbatim as a reference: the rewritten reads must return the same frames on the
demo base. Test code only; nothing in the app imports this."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.affichage_verdicts import COUNT_COLUMNS, PROVISIONAL_MARK
from indicateurs.db import Database
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT, NO_CHANGE
from indicateurs.imports.completude import completude
from indicateurs.lecture_verdicts import deployment_status, last_data_month
from indicateurs.mois import last_complete_month, parse_month_code
from indicateurs.referentiel import Referentiel


def parcours_status(db: Database, ref: Referentiel, verdicts: pd.DataFrame,
                    direction: str | None = None) -> pd.DataFrame:
    last = last_data_month(db)
    scores = lecture.stored_scores(db, "parcours").set_index("code")["score"]
    rows = []
    for p in ref.parcours:
        if direction and p.direction != direction:
            continue
        mine = verdicts[verdicts["parcours"] == p.code]
        status = deployment_status(p.date_deploiement, last)
        counts = mine["verdict"].map(COUNT_COLUMNS).value_counts()
        rows.append({
            "code": p.code, "libelle": p.libelle, "direction": p.direction, "public": p.public,
            "deploiement": parse_month_code(p.date_deploiement) if p.date_deploiement else None,
            "statut": status,
            "mois_de_recul": int(mine["mois_apres"].max()) if status == "déployé" and len(mine) else 0,
            "amelioration": int(counts.get("amelioration", 0)),
            "pas_de_changement": int(counts.get("pas_de_changement", 0)),
            "degradation": int(counts.get("degradation", 0)),
            "insuffisant": int(counts.get("insuffisant", 0)),
            "provisoires": int(mine["provisoire"].sum()),
            "score": scores.get(p.code, np.nan),
        })
    return pd.DataFrame(rows, columns=["code", "libelle", "direction", "public", "deploiement", "statut",
                                       "mois_de_recul", "amelioration", "pas_de_changement", "degradation",
                                       "insuffisant", "provisoires", "score"])


def completeness_last_month(db: Database, ref: Referentiel) -> tuple:
    """(month, per direction, missing) as the old ``CompletudeMois``."""
    last = last_data_month(db)
    if last is None:
        return None, None, None
    month = min(date(last.year, last.month, 1), last_complete_month())
    result = completude(db, last_month=month)
    resume = result.resume[result.resume["mois"] == month].copy()
    resume["libelle"] = resume["direction"].map({d.code: d.libelle for d in ref.directions})
    resume = resume[["direction", "libelle", "attendues", "recues", "manquantes", "taux"]]
    missing = result.manquantes[result.manquantes["mois"] == month].reset_index(drop=True)
    return month, resume.sort_values("taux").reset_index(drop=True), missing


def mirror_periods(values: pd.DataFrame, ref: Referentiel) -> list[str]:
    """The « avant » / « après » column of the old ``mirror_values``, one row at a time."""
    deployments = {p.code: parse_month_code(p.date_deploiement) if p.date_deploiement else None
                   for p in ref.parcours}
    return ["après" if deployments.get(p) is not None and m >= deployments[p] else "avant"
            for p, m in zip(values["parcours"], values["mois"])]


def mirror_verdicts(gaps: pd.DataFrame, verdict_rows: pd.DataFrame, pairs: dict[str, str]) -> pd.DataFrame:
    """The old Miroir page: each side's verdict looked up in a MultiIndex, one row at a time."""
    gaps = gaps.copy()
    verdicts = verdict_rows.set_index(["parcours", "indicateur"])
    gaps["verdict_usagers"] = [verdicts["verdict_affiche"].get((p, u), "–")
                               for p, u in zip(gaps["parcours"], gaps["paire"])]
    gaps["verdict_agents"] = [verdicts["verdict_affiche"].get((p, pairs[u]), "–")
                              for p, u in zip(gaps["parcours"], gaps["paire"])]
    return gaps


def engagement_indicators(verdicts: pd.DataFrame, ref: Referentiel, engagement: int) -> pd.DataFrame:
    rows = []
    for ind in ref.indicateurs:
        if ind.engagement != engagement:
            continue
        part = verdicts[verdicts["indicateur"] == ind.code]

        def listed(verdict: str) -> str:
            chosen = part[part["verdict"] == verdict]
            return ", ".join(f"{c}{PROVISIONAL_MARK if p else ''}" for c, p in zip(chosen["parcours"], chosen["provisoire"]))

        counts = part["verdict"].map(COUNT_COLUMNS).value_counts()
        rows.append({
            "indicateur": ind.code, "libelle_indicateur": ind.libelle,
            "amelioration": int(counts.get("amelioration", 0)),
            "pas_de_changement": int(counts.get("pas_de_changement", 0)),
            "degradation": int(counts.get("degradation", 0)),
            "insuffisant": int(counts.get("insuffisant", 0)),
            "parcours_ameliores": listed(IMPROVEMENT),
            "parcours_degrades": listed(DEGRADATION),
            "parcours_sans_changement": listed(NO_CHANGE),
        })
    return pd.DataFrame(rows, columns=["indicateur", "libelle_indicateur", "amelioration", "pas_de_changement",
                                       "degradation", "insuffisant", "parcours_ameliores", "parcours_degrades",
                                       "parcours_sans_changement"])

"""What a fiche CODIR says, for one direction (or the whole City) and one month, as plain JSON-ready data.

Every figure and sentence is read from the stored results and the referential (``changements``,
``tableaux``, ``synthese``, ``imports.completude``): the fiche prints what the pages show. The month
chooses which parcours count (those deployed by then), whose completeness is reported, and the fiche's
title; the verdicts are the stored ones, computed on every value received (the fiche says so when the
month is older than the last month received).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicateurs import tableaux
from indicateurs.changements import SIDE_TITLES, SIDES, CeQuiAChange, what_changed
from indicateurs.db import Database
from indicateurs.fiche.courbes import LEGEND
from indicateurs.format_fr import format_month, format_number, format_percent
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT
from indicateurs.imports.completude import completude_of
from indicateurs.mois import parse_month_code
from indicateurs.referentiel import Referentiel
from indicateurs.setup import has_demo_data
from indicateurs.synthese import last_import_time

VILLE = "VILLE"  # the code of the whole City's fiche (all directions)
MAX_MISSING_LINES = {False: 8, True: 12}  # per fiche: direction, City
DEMO_NOTICE = ("Données de démonstration : les valeurs de cette fiche sont fictives et servent à découvrir "
               "l'outil.")
METHOD_NOTE = (
    "Méthode et limites. Pour chaque parcours et chaque indicateur, les valeurs reçues depuis le déploiement "
    "sont comparées à ce que la tendance des mois d'avant laissait attendre (série temporelle interrompue, "
    "saisonnalité comprise) ; l'effet imprimé est cet écart, avec son intervalle de confiance. Un verdict "
    "« significatif » veut dire que cet intervalle, corrigé parce que l'on teste plusieurs indicateurs à la "
    "fois, exclut zéro. « Pas de changement détectable » ne veut pas dire « aucun effet » : l'effet peut être "
    "trop petit pour être vu avec les mois disponibles. Un verdict provisoire (moins de 12 mois de recul) peut "
    "encore changer. Ces comparaisons décrivent ce qui a changé depuis la refonte ; d'autres causes peuvent y "
    "contribuer. Le détail des méthodes, des indicateurs et de leurs limites est sur la page « Méthodologie » "
    "de l'application.")


@dataclass(frozen=True)
class Portee:
    """Who a fiche is about: a direction, or the City (``code`` « VILLE »)."""

    code: str
    libelle: str

    @property
    def ville(self) -> bool:
        return self.code == VILLE


def scope(ref: Referentiel, direction: str | None) -> Portee:
    """The fiche's scope; ``KeyError`` for a direction the referential does not know."""
    if direction is None or direction.upper() == VILLE:
        return Portee(VILLE, "Ville de Paris – toutes les directions")
    code = direction.upper()
    known = {d.code: d for d in ref.directions}
    if code not in known:
        raise KeyError(direction)
    return Portee(code, f"Direction {code} – {known[code].libelle}")


class Sources:
    """The stored reads a fiche needs, read once and shared by every fiche built from them (``--toutes``
    builds twenty fiches from one set of reads). Build a new one after the data changes."""

    def __init__(self, db: Database, ref: Referentiel) -> None:
        self.db, self.ref = db, ref
        self._memo: dict = {}

    def _get(self, key, read):
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]

    def verdicts(self) -> pd.DataFrame:
        return self._get("verdicts", lambda: tableaux.verdict_rows(self.db, self.ref))

    def moved(self) -> pd.DataFrame:
        return self._get("moved", lambda: tableaux.verdict_changes(self.db, self.ref))

    def scores(self) -> pd.Series:
        return self._get("scores", lambda: tableaux.direction_scores(self.db, self.ref).set_index("direction")["score"])

    def completeness(self, mois: date):
        def read():
            stored = self.db.query_df("SELECT parcours, indicateur, mois FROM valeurs WHERE mois <= ?", [mois])
            return completude_of(self.ref, stored, mois)
        return self._get(("completude", mois), read)

    def values_per_direction(self, mois: date) -> dict[str, int]:
        return self._get(("valeurs", mois), lambda: dict(self.db.query_df("""
            SELECT p.direction, count(*) AS n FROM valeurs v JOIN parcours p ON p.code = v.parcours
            WHERE v.mois = ? GROUP BY p.direction
        """, [mois]).itertuples(index=False, name=None)))

    def header(self) -> dict:
        def read():
            frozen = last_import_time(self.db)
            row = self.db.query_one("SELECT max(fin) FROM resultats")
            return {"gel": (f"Données arrêtées au {frozen:%d/%m/%Y à %H:%M} (dernier import)"
                            if frozen is not None else "Aucun import enregistré"),
                    "demo": DEMO_NOTICE if has_demo_data(self.db) else None,
                    "fin": row[0] if row and row[0] is not None else None}
        return self._get("header", read)


def _deployed_by(ref: Referentiel, portee: Portee, mois: date) -> list:
    return [p for p in ref.parcours if (portee.ville or p.direction == portee.code)
            and p.date_deploiement and parse_month_code(p.date_deploiement) <= mois]


def _side_counts(answer: CeQuiAChange) -> list[dict]:
    rows = []
    for cote in SIDES:
        c = answer.comptes[cote]
        rows.append({"cote": SIDE_TITLES[cote].replace("Pour les ", "").capitalize(),
                     "jugees": format_number(c.jugees, 0), "ameliorations": format_number(c.ameliorations, 0),
                     "degradations": format_number(c.degradations, 0),
                     "sans_changement": format_number(c.sans_changement, 0)})
    return rows


def _change_lines(answer: CeQuiAChange) -> list[dict]:
    out = []
    for cote in SIDES:
        rows = answer.side(cote)
        lines = [{"symbole": r.symbole, "parcours": r.parcours, "libelle_parcours": r.libelle_parcours or "",
                  "phrase": r.phrase or "", "indicateur": r.libelle_indicateur or r.indicateur,
                  "changement": r.changement, "verdict": r.verdict_affiche} for r in rows.itertuples()]
        worse = int((rows["verdict"] == DEGRADATION).sum())
        better = int((rows["verdict"] == IMPROVEMENT).sum())
        empty = f"Aucun changement significatif n'est détecté pour les {cote}."
        out.append({"titre": f"{SIDE_TITLES[cote]} : {format_number(worse, 0)} ▼ dégradation(s), "
                             f"{format_number(better, 0)} ▲ amélioration(s)",
                    "lignes": lines, "vide": empty})
    return out


def _missing_lines(missing: pd.DataFrame, ref: Referentiel, limit: int) -> tuple[list[str], int]:
    """« DPE-ENCOMBRANTS : Satisfaction globale, Taux de décroché », one line per parcours, at most ``limit``."""
    if missing.empty:
        return [], 0
    labels = {i.code: i.libelle for i in ref.indicateurs}
    due = len(ref.indicateurs)
    lines = []
    for code, part in missing.groupby("parcours", sort=True):
        names = [labels.get(c, c) for c in part["indicateur"]]
        if len(names) >= due - 4:
            text = f"{code} : aucune ou presque aucune valeur reçue ({len(names)} manquantes)"
        else:
            text = f"{code} : " + ", ".join(names)
        lines.append(text)
    return lines[:limit], max(0, len(lines) - limit)


def _completeness(sources: Sources, portee: Portee, mois: date) -> dict:
    result, ref = sources.completeness(mois), sources.ref
    resume = result.resume[result.resume["mois"] == mois]
    missing = result.manquantes[result.manquantes["mois"] == mois]
    if not portee.ville:
        resume = resume[resume["direction"] == portee.code]
        missing = missing[missing["direction"] == portee.code]
    if resume.empty:
        return {"phrase": f"Aucune valeur n'était attendue pour {format_month(mois, long=True)}.", "lignes": [],
                "reste": None, "reste_n": 0, "taux": {}}
    expected, received = int(resume["attendues"].sum()), int(resume["recues"].sum())
    phrase = (f"{format_number(received, 0)} valeurs reçues sur {format_number(expected, 0)} attendues pour "
              f"{format_month(mois, long=True)} ({format_percent(received / expected)}).")
    lines, rest = _missing_lines(missing, ref, MAX_MISSING_LINES[portee.ville])
    if lines:
        phrase += " Valeurs manquantes :"
    directions = {r.direction: format_percent(r.taux) for r in resume.itertuples()}
    return {"phrase": phrase, "lignes": lines, "reste": rest_line(rest), "reste_n": rest, "taux": directions}


def rest_line(rest: int) -> str | None:
    """The line that stands for the parcours left out of the list of missing values."""
    return f"… et {rest} autre(s) parcours (liste complète sur la page « Complétude »)." if rest else None


def _moved(answer: CeQuiAChange) -> list[dict]:
    return [{"parcours": r.parcours, "indicateur": r.libelle_indicateur or r.indicateur, "avant": r.avant,
             "maintenant": r.maintenant} for r in answer.verdicts_modifies.itertuples()]


def _direction_table(sources: Sources, answer: CeQuiAChange, deployed: list, completeness: dict) -> list[dict]:
    """The City fiche's table: one row per direction (parcours, deployed, ▲, ▼, stored score, completeness)."""
    ref, scores = sources.ref, sources.scores()
    changes = answer.changements
    rows = []
    for d in ref.directions:
        mine = [p for p in ref.parcours if p.direction == d.code]
        if not mine:
            continue
        part = changes[changes["direction"] == d.code]
        rows.append({"code": d.code, "libelle": d.libelle, "parcours": format_number(len(mine), 0),
                     "deployes": format_number(sum(p.direction == d.code for p in deployed), 0),
                     "ameliorations": format_number(int((part["verdict"] == IMPROVEMENT).sum()), 0),
                     "degradations": format_number(int((part["verdict"] == DEGRADATION).sum()), 0),
                     "score": format_number(scores.get(d.code), 2) if d.code in scores.index else "–",
                     "completude": completeness.get("taux", {}).get(d.code, "–")})
    return rows


def fiche_data(db: Database, ref: Referentiel, direction: str | None, mois: date,
               sources: Sources | None = None) -> dict:
    """Everything a fiche prints, except its charts' pictures (the frame of significant changes is left
    under ``_changements`` for choosing them). ``KeyError`` for an unknown direction."""
    sources = sources or Sources(db, ref)
    portee = scope(ref, direction)
    header = sources.header()
    data = {"ville": portee.ville, "titre": "Fiche CODIR", "portee": portee.libelle,
            "mois": format_month(mois, long=True), "gel": header["gel"], "demo": header["demo"],
            "methode": METHOD_NOTE, "vide": None, "graphiques": [], "avis_graphiques": None,
            "legende_graphiques": LEGEND, "compact": portee.ville, "_changements": None}
    values = sources.values_per_direction(mois)
    if (sum(values.values()) if portee.ville else values.get(portee.code, 0)) == 0:
        who = "la Ville" if portee.ville else f"la direction {portee.code}"
        data["vide"] = (f"Aucune valeur n'est enregistrée pour {who} en {format_month(mois, long=True)}. "
                        "Cette fiche sera remplie quand les fichiers du mois auront été importés "
                        "(page « Import » de l'application).")
        return data
    followed = [p for p in ref.parcours if portee.ville or p.direction == portee.code]
    deployed = _deployed_by(ref, portee, mois)
    deployed_codes = {p.code for p in deployed}
    code = None if portee.ville else portee.code
    answer = what_changed(db, ref, direction=code, parcours=deployed_codes, verdicts=sources.verdicts(),
                          moved=sources.moved())
    verdicts = sources.verdicts()
    judged = verdicts[verdicts["parcours"].isin(deployed_codes) & verdicts["verdict"].notna()
                      & (verdicts["verdict"] != tableaux.INSUFFICIENT)]["parcours"].nunique()
    figures = [("Parcours suivis", format_number(len(followed), 0)),
               (f"Déployés en {format_month(mois)}", format_number(len(deployed), 0)),
               ("Jugés (au moins un verdict)", format_number(judged, 0))]
    if not portee.ville:
        score = sources.scores().get(portee.code)
        figures.append(("Score de la direction (1 = cible atteinte en moyenne)",
                        format_number(score, 2) if score is not None and not pd.isna(score) else "–"))
    data["chiffres"] = [{"libelle": label, "valeur": value} for label, value in figures]
    data["comptes"] = _side_counts(answer)
    data["changements"] = _change_lines(answer)
    data["divergences"] = [d.phrase for d in answer.divergences]
    data["completude"] = _completeness(sources, portee, mois)
    data["mouvements"] = _moved(answer)
    data["directions"] = _direction_table(sources, answer, deployed, data["completude"]) if portee.ville else []
    end = header["fin"]
    data["recul"] = None
    if not deployed:
        data["recul"] = (f"Aucun parcours {'de la Ville' if portee.ville else 'de la direction'} n'était encore "
                         f"déployé en {format_month(mois, long=True)} : pas encore de comparaison avant / après.")
    elif end is not None and mois < end:
        data["recul"] = (f"Les verdicts sont ceux calculés sur toutes les valeurs reçues, jusqu'à "
                         f"{format_month(end, long=True)} ; seuls comptent les parcours déployés en "
                         f"{format_month(mois, long=True)}.")
    data["_changements"] = answer.changements
    return data

"""« Ce qui a changé, pour les usagers et pour les agents »: the answer a CODIR member comes for.

Read from the stored results only (``tableaux.verdict_rows``, itself ``lecture.verdicts``): every
significant improvement and deterioration, named with its stored sentence, split between the users' side
and the agents' side; the parcours where the two sides moved apart (users better while agents worse, or
the reverse), one sentence each; and the verdicts that moved at the last updates of the results. The
fiche CODIR prints it and the pages (Vue d'ensemble, Direction) can show the same frames: nothing here
computes a statistic, so a fiche and a page never disagree.

Which side an indicator is on comes from the referential: the family « conditions de travail des agents »
is the agents' side; the neutral volume of requests is on neither side; every other indicator (the four
engagements, the users' satisfaction) is the users' side. For a parcours whose public is « agents » (an
internal service), its users are agents of the City: the users' side then speaks of them as users.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicateurs import tableaux
from indicateurs.db import Database
from indicateurs.impact.verdicts import DEGRADATION, IMPROVEMENT, NO_CHANGE
from indicateurs.referentiel import Indicateur, Referentiel

USAGERS = "usagers"
AGENTS = "agents"
SIDES = (USAGERS, AGENTS)
SIDE_TITLES = {USAGERS: "Pour les usagers", AGENTS: "Pour les agents"}
SIGNIFICANT = (DEGRADATION, IMPROVEMENT)  # deteriorations first, everywhere
CHANGE_COLUMNS = ["cote", "parcours", "libelle_parcours", "direction", "indicateur", "libelle_indicateur",
                  "verdict", "provisoire", "symbole", "verdict_affiche", "estimate", "low", "high",
                  "effet_unite", "changement", "phrase", "mois_apres"]


def indicator_side(ind: Indicateur) -> str | None:
    """« agents » for the agents' working conditions, None for the neutral volume, else « usagers »."""
    if ind.sens == "neutre":
        return None
    if ind.famille == tableaux.AGENTS_FAMILY:
        return AGENTS
    return USAGERS


@dataclass(frozen=True)
class Comptes:
    """Series judged on one side, and how many improved, worsened or showed no detectable change."""

    jugees: int
    ameliorations: int
    degradations: int
    sans_changement: int


@dataclass(frozen=True)
class Divergence:
    """A parcours where users and agents moved apart, and the sentence that says so."""

    parcours: str
    libelle_parcours: str
    usagers_mieux: bool  # True: users better, agents worse; False: the reverse
    phrase: str


@dataclass(frozen=True)
class CeQuiAChange:
    """The answer, for one direction or the whole City.

    ``changements``: one row per significant series (columns ``CHANGE_COLUMNS``), deteriorations first;
    ``comptes``: per side; ``divergences``: one per parcours where the sides moved apart;
    ``verdicts_modifies``: series whose verdict moved at an update of the results (``tableaux.verdict_changes``).
    """

    changements: pd.DataFrame
    comptes: dict[str, Comptes]
    divergences: list[Divergence] = field(default_factory=list)
    verdicts_modifies: pd.DataFrame = field(default_factory=pd.DataFrame)

    def side(self, cote: str) -> pd.DataFrame:
        """The significant changes of one side (« usagers » or « agents »), deteriorations first."""
        return self.changements[self.changements["cote"] == cote].reset_index(drop=True)


def with_sides(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """``verdicts`` (from ``tableaux.verdict_rows``) with a « cote » column: usagers, agents or None."""
    sides = {i.code: indicator_side(i) for i in ref.indicateurs}
    return verdicts.assign(cote=verdicts["indicateur"].map(sides))


def significant_changes(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """The significant improvements and deteriorations of ``verdicts``: deteriorations first, then the
    referential's order of parcours and of indicators."""
    rows = with_sides(verdicts, ref)
    rows = rows[rows["verdict"].isin(SIGNIFICANT) & rows["cote"].notna()].copy()
    parcours_order = {p.code: n for n, p in enumerate(ref.parcours)}
    indicator_order = {i.code: n for n, i in enumerate(ref.indicateurs)}
    rows["_rang"] = rows["verdict"].map({v: n for n, v in enumerate(SIGNIFICANT)})
    rows["_p"] = rows["parcours"].map(parcours_order)
    rows["_i"] = rows["indicateur"].map(indicator_order)
    rows = rows.sort_values(["_rang", "_p", "_i"], kind="stable")
    rows["changement"] = [tableaux.change_text(e, lo, hi, u) for e, lo, hi, u in
                          zip(rows["estimate"], rows["low"], rows["high"], rows["effet_unite"])]
    return rows.reindex(columns=CHANGE_COLUMNS).reset_index(drop=True)


def side_counts(verdicts: pd.DataFrame, ref: Referentiel) -> dict[str, Comptes]:
    """Per side: series judged (a verdict other than « données insuffisantes »), improved, worsened, unchanged."""
    rows = with_sides(verdicts, ref)
    out = {}
    for cote in SIDES:
        mine = rows[rows["cote"] == cote]["verdict"]
        improved, worsened, unchanged = (int((mine == v).sum()) for v in (IMPROVEMENT, DEGRADATION, NO_CHANGE))
        judged = int((mine.notna() & (mine != tableaux.INSUFFICIENT)).sum())
        out[cote] = Comptes(jugees=judged, ameliorations=improved, degradations=worsened,
                            sans_changement=unchanged)
    return out


def _names(rows: pd.DataFrame) -> str:
    return ", ".join(rows["libelle_indicateur"].astype(str))


def divergences(changes: pd.DataFrame) -> list[Divergence]:
    """One sentence per parcours where users are better off while agents are worse off, or the reverse."""
    out = []
    for code, mine in changes.groupby("parcours", sort=False):
        label = mine["libelle_parcours"].iloc[0]
        for better, worse in ((USAGERS, AGENTS), (AGENTS, USAGERS)):
            gains = mine[(mine["cote"] == better) & (mine["verdict"] == IMPROVEMENT)]
            losses = mine[(mine["cote"] == worse) & (mine["verdict"] == DEGRADATION)]
            if gains.empty or losses.empty:
                continue
            phrase = (f"{code} ({label}) : les {better} y gagnent (▲ {_names(gains)}) tandis que les {worse} "
                      f"y perdent (▼ {_names(losses)}).")
            out.append(Divergence(code, label, better == USAGERS, phrase))
    return out


def what_changed(db: Database, ref: Referentiel, *, direction: str | None = None,
                 parcours: set[str] | None = None, verdicts: pd.DataFrame | None = None,
                 moved: pd.DataFrame | None = None) -> CeQuiAChange:
    """The answer for one direction (or the whole City when None), from the stored results.

    ``parcours``, when given, keeps only those parcours (the fiche of a month keeps the parcours deployed
    by then). ``verdicts`` (``tableaux.verdict_rows``) and ``moved`` (``tableaux.verdict_changes``) may be
    passed when already read, for every direction: they are then filtered here.
    """
    if verdicts is None:
        verdicts = tableaux.verdict_rows(db, ref, direction=direction)
    if moved is None:
        moved = tableaux.verdict_changes(db, ref, direction)
    if direction is not None:
        verdicts = verdicts[verdicts["direction"] == direction]
        moved = moved[moved["direction"] == direction]
    if parcours is not None:
        verdicts = verdicts[verdicts["parcours"].isin(parcours)]
        moved = moved[moved["parcours"].isin(parcours)]
    changes = significant_changes(verdicts, ref)
    moved = moved.assign(libelle_parcours=moved["parcours"].map({p.code: p.libelle for p in ref.parcours}))
    return CeQuiAChange(changements=changes, comptes=side_counts(verdicts, ref),
                        divergences=divergences(changes), verdicts_modifies=moved.reset_index(drop=True))

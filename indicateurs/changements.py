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
from indicateurs.format_fr import format_number, format_signed, with_unit
from indicateurs.impact.verdicts import DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, NO_CHANGE, RISE, SIGNAL
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


SIDE_HEADERS = {USAGERS: "Usagers", AGENTS: "Agents", None: "Activité"}


def indicator_groups(ref: Referentiel) -> dict[str, tuple[str, str]]:
    """Each indicator's column group on the heat map: (side, rule), in the order the columns are shown.

    The users' side first, by golden rule (« Règle d'or 1 » to 4) then the users' satisfaction; then the
    agents' working conditions; the neutral volume last.
    """
    def key(ind: Indicateur):
        side = indicator_side(ind)
        rank = {USAGERS: 0, AGENTS: 1, None: 2}[side]
        return rank, ind.engagement if side == USAGERS and ind.engagement else 9

    out = {}
    for ind in sorted(ref.indicateurs, key=key):
        side = indicator_side(ind)
        if side == USAGERS:
            rule = f"Règle d'or {ind.engagement}" if ind.engagement else "Satisfaction"
        elif side == AGENTS:
            rule = "Conditions de travail"
        else:
            rule = "Volume"
        out[ind.code] = (SIDE_HEADERS[side], rule)
    return out


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


# What a reader looks at first: deteriorations, improvements, the volume's moves, signals to confirm, no
# change, not enough data, no result.
VERDICT_RANK = {DEGRADATION: 0, IMPROVEMENT: 1, RISE: 2, FALL: 2, SIGNAL: 3, NO_CHANGE: 4, INSUFFICIENT: 5}


def verdict_rank(verdict: str | None) -> int:
    """Where a verdict comes in a list read « what changed first » (deteriorations first)."""
    return VERDICT_RANK.get(verdict, len(VERDICT_RANK))


def changed_first(codes: list[str], verdicts: pd.DataFrame) -> list[str]:
    """Indicator ``codes`` of one parcours, those that changed first (deteriorations, then improvements),
    the others after, each group in the given order; ``verdicts`` has one row per indicator."""
    by_code = dict(zip(verdicts["indicateur"], verdicts["verdict"])) if len(verdicts) else {}
    return sorted(codes, key=lambda code: verdict_rank(by_code.get(code)))


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


def divergences(changes: pd.DataFrame) -> list[Divergence]:
    """One sentence per parcours where users are better off while agents are worse off, or the reverse."""
    # Plain tuples, not a boolean filter of the frame per parcours: that was most of a page's cost.
    by_parcours: dict[str, tuple[str, dict]] = {}
    for code, label, side, verdict, name in zip(changes["parcours"], changes["libelle_parcours"], changes["cote"],
                                                changes["verdict"], changes["libelle_indicateur"]):
        names = by_parcours.setdefault(code, (label, {}))[1]
        names.setdefault((side, verdict), []).append(str(name))
    out = []
    for code, (label, names) in by_parcours.items():
        for better, worse in ((USAGERS, AGENTS), (AGENTS, USAGERS)):
            gains, losses = names.get((better, IMPROVEMENT)), names.get((worse, DEGRADATION))
            if not gains or not losses:
                continue
            phrase = (f"{code} ({label}) : les {better} y gagnent (▲ {', '.join(gains)}) tandis que les {worse} "
                      f"y perdent (▼ {', '.join(losses)}).")
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


# --- « en bref »: the answer first, on the pages --------------------------------------------------------

# How many changes of each kind a reader sees at once per side, whole parcours at a time (a parcours's
# changes are never split between the list and the rest): deteriorations matter most, so more of them.
SHOWN = {DEGRADATION: 10, IMPROVEMENT: 6}
SIDE_HEADINGS = {USAGERS: "Usagers", AGENTS: "Agents"}
NO_VERDICT_YET = ("Aucun parcours déployé n'a encore de verdict : il faut au moins 12 mois de valeurs avant le "
                  "déploiement et 6 mois après.")


@dataclass(frozen=True)
class LigneChangement:
    """One significant change as a reader reads it: « ▼ Délai moyen de traitement : +3,9 j en moyenne depuis
    le déploiement », in such parcours."""

    symbole: str  # ▲ or ▼, with « * » when provisional
    verdict: str
    provisoire: bool
    parcours: str
    libelle_parcours: str
    indicateur: str
    libelle_indicateur: str
    effet: str  # the stored headline change, signed, with its unit: « +3,9 j »
    phrase: str  # the stored sentence, whole


@dataclass(frozen=True)
class ResumeCote:
    """One column of the answer (« Usagers » or « Agents »): deteriorations first, then improvements.

    ``montrees`` are the lines a reader sees at once (about ``SHOWN`` of each kind, whole parcours),
    ``autres`` the rest, announced by ``autres_titre`` (« et 53 autres : … »); ``vide`` says, when there is
    nothing significant, that nothing changed on this side.
    """

    cote: str
    titre: str
    bilan: str
    montrees: list[LigneChangement]
    autres: list[LigneChangement]
    autres_titre: str | None
    vide: str | None


@dataclass(frozen=True)
class EnBref:
    """The answer first: a column per side and the users-versus-agents check, one sentence per parcours."""

    cotes: list[ResumeCote]
    divergences: list[str]
    gagnant_gagnant: str  # the win-win check in words (which parcours moved apart, or that none did)
    vide: str | None  # nothing judged at all: the one message shown instead


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{format_number(n, 0)} {singular if n <= 1 else plural}"


def _kinds(degradations: int, ameliorations: int) -> str:
    parts = []
    if degradations:
        parts.append(_plural(degradations, "▼ dégradation", "▼ dégradations"))
    if ameliorations:
        parts.append(_plural(ameliorations, "▲ amélioration", "▲ améliorations"))
    return " et ".join(parts)


def change_line(row) -> LigneChangement:
    """A row of ``CeQuiAChange.changements`` as a reader's line; the effect is the stored headline number."""
    unit = row.effet_unite if isinstance(row.effet_unite, str) else ""
    effect = (with_unit(format_signed(row.estimate), unit) if row.estimate is not None and not pd.isna(row.estimate)
              else "non estimé")
    return LigneChangement(
        symbole=str(row.symbole), verdict=str(row.verdict), provisoire=bool(row.provisoire),
        parcours=str(row.parcours), libelle_parcours=str(row.libelle_parcours or row.parcours),
        indicateur=str(row.indicateur), libelle_indicateur=str(row.libelle_indicateur or row.indicateur),
        effet=effect, phrase=str(row.phrase or ""))


def _first_parcours(lines: list[LigneChangement], limit: int) -> int:
    """How many of ``lines`` (grouped by parcours) to show: whole parcours while at most ``limit`` lines,
    and at least the first parcours."""
    count, taken = 0, 0
    while taken < len(lines):
        end = taken
        while end < len(lines) and lines[end].parcours == lines[taken].parcours:
            end += 1
        if count and end > limit:
            break
        count, taken = end, end
    return count


def side_summary(answer: CeQuiAChange, cote: str, shown: dict[str, int] | None = None) -> ResumeCote:
    """One side's column: every significant change of ``answer`` on that side, deteriorations first; the
    first parcours of each kind to read at once (``SHOWN``) and the others announced by how many they are."""
    shown = shown or SHOWN
    rows = answer.side(cote)
    counts = answer.comptes[cote]
    lines = [change_line(r) for r in rows.itertuples()]
    worse = [line for line in lines if line.verdict == DEGRADATION]
    better = [line for line in lines if line.verdict == IMPROVEMENT]
    n_worse, n_better = _first_parcours(worse, shown[DEGRADATION]), _first_parcours(better, shown[IMPROVEMENT])
    first = worse[:n_worse] + better[:n_better]
    rest = worse[n_worse:] + better[n_better:]
    heading = SIDE_HEADINGS[cote]
    judged = _plural(counts.jugees, "série jugée", "séries jugées")
    if not lines:
        bilan = f"Aucun changement significatif sur {judged}."
        empty = (f"Aucune amélioration ni dégradation significative pour les {cote}."
                 if counts.jugees else f"Aucune série encore jugée pour les {cote}.")
    else:
        adjective = "significative" if len(lines) == 1 else "significatives"
        bilan = f"{_kinds(len(worse), len(better))} {adjective} sur {judged}."
        empty = None
    rest_title = None
    if rest:
        rest_title = (f"et {_plural(len(rest), 'autre', 'autres')} : "
                      f"{_kinds(len(worse) - n_worse, len(better) - n_better)}")
    return ResumeCote(cote=cote, titre=heading, bilan=bilan[0].upper() + bilan[1:], montrees=first, autres=rest,
                      autres_titre=rest_title, vide=empty)


def in_brief(answer: CeQuiAChange, shown: dict[str, int] | None = None) -> EnBref:
    """The answer first, for a page: the users' and the agents' columns and the win-win check."""
    sides = [side_summary(answer, cote, shown) for cote in SIDES]
    phrases = [d.phrase for d in answer.divergences]
    judged = sum(answer.comptes[c].jugees for c in SIDES)
    if phrases:
        check = (f"Gagnant-gagnant ? Non pour {_plural(len(phrases), 'parcours', 'parcours')} : usagers et agents "
                 "y évoluent en sens contraire.")
    elif answer.comptes[USAGERS].jugees and answer.comptes[AGENTS].jugees:
        check = ("Gagnant-gagnant ? Aucun parcours où les usagers gagnent pendant que les agents perdent, "
                 "ni l'inverse.")
    else:
        check = "Gagnant-gagnant ? Pas encore de verdict des deux côtés pour en juger."
    return EnBref(cotes=sides, divergences=phrases, gagnant_gagnant=check,
                  vide=None if judged else NO_VERDICT_YET)

"""Page-oriented reads for the CODIR dashboards: the stored results, shaped for tables and charts.

Everything here reads what ``indicateurs.resultats`` computed and stored (verdicts, effects, intervals,
model series, difference-in-differences, aggregates, scores) and the referential, and only reshapes it:
joins, filters, counts, labels. No statistics are computed here and nothing imports Streamlit. The few
means below are descriptive reference lines and gaps (the baseline of a chart, the gap between the
agents' and the users' answers to the mirror survey), labelled as such on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicateurs import lecture
from indicateurs.db import Database
from indicateurs.format_fr import format_month, format_number, format_value
from indicateurs.impact.format_fr import format_interval, format_signed, with_unit
from indicateurs.impact.verdicts import (DEGRADATION, FALL, IMPROVEMENT, INSUFFICIENT, NO_CHANGE, RISE, SIGNAL,
                                         apply_fdr)
from indicateurs.imports.completude import completude
from indicateurs.mois import add_months, last_complete_month, parse_month_code
from indicateurs.referentiel import ENGAGEMENTS, Referentiel
from indicateurs.valeurs import value_history

VOLUME = "VOLUME_DEMANDES"
AGENTS_FAMILY = "conditions de travail des agents"
USERS_FAMILY = "satisfaction des usagers"
BASELINE_MONTHS = 12
FINAL_MONTHS_AFTER = 12
NO_RESULT = "pas de résultat"
PROVISIONAL_MARK = "*"

# What a reader sees for each verdict: a symbol that does not rely on colour, then the words.
SYMBOLS = {IMPROVEMENT: "▲", DEGRADATION: "▼", NO_CHANGE: "●", RISE: "◆", FALL: "◆", INSUFFICIENT: "○",
           SIGNAL: "◐", NO_RESULT: "–"}
VERDICT_ORDER = [IMPROVEMENT, SIGNAL, NO_CHANGE, DEGRADATION, RISE, FALL, INSUFFICIENT]
# « signal à confirmer » is not a significant change: it is counted with « pas de changement ».
COUNT_COLUMNS = {IMPROVEMENT: "amelioration", NO_CHANGE: "pas_de_changement", SIGNAL: "pas_de_changement",
                 DEGRADATION: "degradation",
                 RISE: "hausse_ou_baisse", FALL: "hausse_ou_baisse", INSUFFICIENT: "insuffisant"}
# Short column headers of the per-indicator verdict counts (Direction, Engagements and Agents pages).
COUNT_HEADERS = {"amelioration": "▲ Améliorations", "pas_de_changement": "● Pas de changement",
                 "degradation": "▼ Dégradations", "insuffisant": "○ Données insuffisantes"}
COUNT_LABELS = {
    "amelioration": "▲ amélioration significative",
    "pas_de_changement": "● pas de changement détectable",
    "degradation": "▼ dégradation significative",
    "hausse_ou_baisse": "◆ hausse ou baisse significative (volume, ni bonne ni mauvaise)",
    "insuffisant": "○ données insuffisantes",
    "provisoires": "dont provisoires (6 à 11 mois de recul)",
}


# --- verdict labels -------------------------------------------------------------------------------

def verdict_symbol(verdict: str | None, provisoire: bool = False) -> str:
    """``▲`` an improvement, ``▼`` a degradation, ``●`` no change, ``○`` not enough data; ``*`` if provisional."""
    symbol = SYMBOLS.get(verdict or NO_RESULT, "–")
    return symbol + (PROVISIONAL_MARK if provisoire and verdict != INSUFFICIENT else "")


def verdict_text(verdict: str | None, provisoire: bool = False) -> str:
    """Icon and words, never colour alone: « ▲ amélioration significative (provisoire) »."""
    verdict = verdict or NO_RESULT
    text = f"{SYMBOLS.get(verdict, '–')} {verdict}"
    return text + (" (provisoire)" if provisoire and verdict != INSUFFICIENT else "")


BADGE_COLOURS = {IMPROVEMENT: "green", DEGRADATION: "orange", RISE: "blue", FALL: "blue"}


def verdict_badge(verdict: str | None, provisoire: bool = False) -> str:
    """The verdict as a Markdown badge (symbol + words; the colour only repeats them)."""
    return f":{BADGE_COLOURS.get(verdict, 'gray')}-badge[{verdict_text(verdict, provisoire)}]"


def change_text(estimate, low, high, unit: str | None) -> str:
    """A stored change with its interval, written as in the verdict sentences: « +7,2 pt [5,1 ; 9,3] »."""
    if estimate is None or pd.isna(estimate):
        return "non estimé"
    return f"{with_unit(format_signed(estimate), unit or '')} {format_interval(low, high)}"


def _flag(value) -> bool:
    return bool(value) if value is not None and not (isinstance(value, float) and np.isnan(value)) else False


def group_label(engagement, famille) -> str:
    """« Engagement 2 – Donner de la visibilité sur les délais », or the family's name."""
    if engagement is not None and not pd.isna(engagement):
        return f"Engagement {int(engagement)} – {ENGAGEMENTS[int(engagement)]}"
    return str(famille).capitalize() if famille else "Autre"


# --- the stored verdicts -------------------------------------------------------------------------

def verdict_rows(db: Database, ref: Referentiel, *, direction: str | None = None,
                 parcours: str | None = None) -> pd.DataFrame:
    """``lecture.verdicts`` plus the parcours's label, the verdict's symbol and its text (icon + words)."""
    rows = lecture.verdicts(db, direction=direction, parcours=parcours)
    labels = {p.code: p.libelle for p in ref.parcours}
    rows["libelle_parcours"] = rows["parcours"].map(labels)
    rows["provisoire"] = rows["provisoire"].map(_flag)
    rows["symbole"] = [verdict_symbol(v, p) for v, p in zip(rows["verdict"], rows["provisoire"])]
    rows["verdict_affiche"] = [verdict_text(v, p) for v, p in zip(rows["verdict"], rows["provisoire"])]
    rows["deploiement"] = pd.to_datetime(rows["deploiement"]).dt.date
    return rows


def format_mean(value, unite: str) -> str:
    """A mean with its unit; a mean of counts keeps one decimal (« 46,4 », not « 46 »)."""
    return format_value(value, unite, 1 if unite == "nombre" else None)


RESULT_COLUMNS = {"parcours": "Parcours", "libelle_indicateur": "Indicateur", "verdict_affiche": "Verdict",
                  "avant": "Moyenne des 12 mois avant", "apres": "Moyenne depuis le déploiement",
                  "changement": "Écart moyen depuis le déploiement [intervalle du verdict]", "mois_avant": "Mois observés avant",
                  "mois_apres": "Mois de recul", "p_ajustee": "p ajustée (BH)", "methode": "Méthode",
                  "phrase": "En une phrase"}


def results_for_display(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The stored results written the French way for a reader (the raw numbers stay in ``verdicts``)."""
    out = pd.DataFrame({
        "parcours": verdicts["parcours"], "libelle_indicateur": verdicts["libelle_indicateur"],
        "verdict_affiche": verdicts["verdict_affiche"],
        "avant": [format_mean(v, u) for v, u in zip(verdicts["moyenne_avant"], verdicts["unite"])],
        "apres": [format_mean(v, u) for v, u in zip(verdicts["moyenne_apres"], verdicts["unite"])],
        "changement": [change_text(e, lo, hi, u) for e, lo, hi, u in
                       zip(verdicts["estimate"], verdicts["low"], verdicts["high"], verdicts["effet_unite"])],
        "mois_avant": verdicts["mois_avant"], "mois_apres": verdicts["mois_apres"],
        "p_ajustee": [format_number(p, 3) for p in verdicts["p_ajustee"]],
        "methode": verdicts["methode"], "phrase": verdicts["phrase"],
    })
    return out.rename(columns=RESULT_COLUMNS)


def last_data_month(db: Database) -> date | None:
    """The latest month holding at least one stored value."""
    row = db.query_one("SELECT max(mois) FROM valeurs")
    return row[0] if row and row[0] is not None else None


def deployment_status(deployment: str | None, last: date | None) -> str:
    """« déployé », « pas encore déployé (prévu en déc. 2026) » or « non planifié »."""
    if not deployment:
        return "non planifié"
    month = parse_month_code(deployment)
    if last is not None and month <= last:
        return "déployé"
    return f"pas encore déployé (prévu en {format_month(month)})"


def parcours_status(db: Database, ref: Referentiel, verdicts: pd.DataFrame,
                    direction: str | None = None) -> pd.DataFrame:
    """One row per parcours: deployment, status, months of hindsight, verdict counts and stored score."""
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


@dataclass(frozen=True)
class ChiffresVerdicts:
    """How many parcours are deployed, still in observation, and carry a verdict."""

    deployes: int
    en_observation: int  # deployed, fewer than 12 months of hindsight
    avec_verdict: int  # at least one indicator judged (provisional or final)
    avec_amelioration: int
    avec_degradation: int


def verdict_figures(status: pd.DataFrame) -> ChiffresVerdicts:
    """The key figures of the verdicts, from ``parcours_status``."""
    deployed = status[status["statut"] == "déployé"]
    judged = status[(status["amelioration"] + status["pas_de_changement"] + status["degradation"]) > 0]
    return ChiffresVerdicts(
        deployes=len(deployed),
        en_observation=int((deployed["mois_de_recul"] < FINAL_MONTHS_AFTER).sum()),
        avec_verdict=len(judged),
        avec_amelioration=int((status["amelioration"] > 0).sum()),
        avec_degradation=int((status["degradation"] > 0).sum()),
    )


def counts_by_group(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Verdict counts per engagement (1 to 4) and per family; an indicator may count in both.

    Columns: groupe, type (engagement | famille), amelioration, pas_de_changement, degradation,
    hausse_ou_baisse, insuffisant, provisoires, total (parcours × indicateur series).
    """
    rows = []
    groups = [("engagement", n, verdicts["engagement"] == n) for n in ENGAGEMENTS]
    families = sorted(f for f in verdicts["famille"].dropna().unique())
    groups += [("famille", f, verdicts["famille"] == f) for f in families]
    for kind, key, mask in groups:
        part = verdicts[mask.fillna(False).astype(bool)]
        counts = part["verdict"].map(COUNT_COLUMNS).value_counts()
        row = {"groupe": group_label(key, None) if kind == "engagement" else group_label(None, key), "type": kind}
        row.update({c: int(counts.get(c, 0)) for c in dict.fromkeys(COUNT_COLUMNS.values())})
        row["provisoires"] = int(part["provisoire"].sum())
        row["total"] = len(part)
        rows.append(row)
    columns = ["groupe", "type", *dict.fromkeys(COUNT_COLUMNS.values()), "provisoires", "total"]
    return pd.DataFrame(rows, columns=columns)


def verdict_grid(verdicts: pd.DataFrame, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Every parcours × indicateur cell of the heat map, with « pas de résultat » where nothing is stored."""
    parcours = [p for p in ref.parcours if not direction or p.direction == direction]
    indicators = [i for i in ref.indicateurs]
    cells = pd.DataFrame([(p.code, p.libelle, i.code, i.libelle, k, n)
                          for k, p in enumerate(parcours) for n, i in enumerate(indicators)],
                         columns=["parcours", "libelle_parcours", "indicateur", "libelle_indicateur",
                                  "ordre_parcours", "ordre_indicateur"])
    stored = verdicts[["parcours", "indicateur", "verdict", "provisoire", "phrase"]]
    grid = cells.merge(stored, on=["parcours", "indicateur"], how="left")
    grid["verdict"] = grid["verdict"].fillna(NO_RESULT)
    grid["provisoire"] = grid["provisoire"].map(_flag)
    grid["phrase"] = grid["phrase"].fillna("aucun résultat : parcours pas encore déployé ou sans valeur")
    grid["symbole"] = [verdict_symbol(v, p) for v, p in zip(grid["verdict"], grid["provisoire"])]
    grid["verdict_affiche"] = [verdict_text(v, p) for v, p in zip(grid["verdict"], grid["provisoire"])]
    return grid


def verdict_changes(db: Database, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Series whose verdict changed at an update of the results: previous verdict → current verdict."""
    rows = db.query_df("""
        SELECT r.parcours, p.direction, r.indicateur, r.verdict_precedent, r.verdict, r.provisoire, r.phrase,
               r.calcule_le
        FROM resultats r JOIN parcours p ON p.code = r.parcours
        WHERE r.verdict_precedent IS NOT NULL AND r.verdict_precedent <> r.verdict
          AND (? IS NULL OR p.direction = ?)
        ORDER BY p.direction, r.parcours, r.indicateur
    """, [direction, direction])
    rows["libelle_indicateur"] = rows["indicateur"].map({i.code: i.libelle for i in ref.indicateurs})
    rows["provisoire"] = rows["provisoire"].map(_flag)
    rows["avant"] = rows["verdict_precedent"].map(verdict_text)
    rows["maintenant"] = [verdict_text(v, p) for v, p in zip(rows["verdict"], rows["provisoire"])]
    return rows


def direction_scores(db: Database, ref: Referentiel) -> pd.DataFrame:
    """The stored score of each direction, with its label; best first."""
    scores = lecture.stored_scores(db, "direction").rename(columns={"code": "direction", "n": "parcours"})
    scores["libelle"] = scores["direction"].map({d.code: d.libelle for d in ref.directions})
    return scores[["direction", "libelle", "score", "parcours"]].sort_values(
        "score", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class CompletudeMois:
    """The completeness of one month per direction (attendues, recues, manquantes, taux in 0..1)."""

    mois: date | None
    par_direction: pd.DataFrame
    manquantes: pd.DataFrame


def completeness_last_month(db: Database, ref: Referentiel) -> CompletudeMois:
    """Share of the expected values received for the last month, per direction.

    The month is the latest one holding a value, never after the last complete month. The rule of what is
    expected (monthly indicators every month, quarterly ones on March, June, September, December, for the
    parcours of the direction) is the one of ``indicateurs.imports.completude``.
    """
    last = last_data_month(db)
    empty = pd.DataFrame(columns=["direction", "libelle", "attendues", "recues", "manquantes", "taux"])
    if last is None:
        return CompletudeMois(None, empty, pd.DataFrame())
    month = min(date(last.year, last.month, 1), last_complete_month())
    result = completude(db, last_month=month)
    resume = result.resume[result.resume["mois"] == month].copy()
    resume["libelle"] = resume["direction"].map({d.code: d.libelle for d in ref.directions})
    resume = resume[["direction", "libelle", "attendues", "recues", "manquantes", "taux"]]
    missing = result.manquantes[result.manquantes["mois"] == month].reset_index(drop=True)
    return CompletudeMois(month, resume.sort_values("taux").reset_index(drop=True), missing)


# --- one direction ----------------------------------------------------------------------------------

def direction_overview(status: pd.DataFrame, scores: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """One row per direction: its parcours, how many are deployed, the verdict counts and the stored score."""
    totals = status.assign(deploye=status["statut"] == "déployé").groupby("direction").agg(
        parcours=("code", "size"), deployes=("deploye", "sum"), amelioration=("amelioration", "sum"),
        pas_de_changement=("pas_de_changement", "sum"), degradation=("degradation", "sum"),
        insuffisant=("insuffisant", "sum"))
    rows = []
    score = scores.set_index("direction")["score"] if len(scores) else pd.Series(dtype=float)
    for d in ref.directions:
        if d.code not in totals.index:
            continue
        row = {"direction": d.code, "libelle": d.libelle}
        row.update({k: int(v) for k, v in totals.loc[d.code].items()})
        row["score"] = score.get(d.code, np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=["direction", "libelle", "parcours", "deployes", "amelioration",
                                       "pas_de_changement", "degradation", "insuffisant", "score"])


def direction_effects(db: Database, ref: Referentiel, direction: str) -> pd.DataFrame:
    """The direction's volume-weighted effects per indicator (stored « agregats », niveau direction)."""
    effects = lecture.aggregates(db, "direction")
    effects = effects[effects["groupe"] == direction].copy()
    by_code = {i.code: i for i in ref.indicateurs}
    order = {i.code: n for n, i in enumerate(ref.indicateurs)}
    effects["libelle_indicateur"] = effects["indicateur"].map(lambda c: by_code[c].libelle)
    effects["groupe_indicateur"] = effects["indicateur"].map(
        lambda c: group_label(by_code[c].engagement, by_code[c].famille))
    effects["sens"] = effects["indicateur"].map(lambda c: by_code[c].sens)
    effects["verdict_affiche"] = effects["verdict"].map(verdict_text)
    effects["ordre"] = effects["indicateur"].map(order)
    return effects.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)


# --- one parcours -----------------------------------------------------------------------------------

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


# --- engagements --------------------------------------------------------------------------------------

def engagement_indicators(verdicts: pd.DataFrame, ref: Referentiel, engagement: int) -> pd.DataFrame:
    """For one engagement, per indicator: verdict counts and the parcours where it improved or not."""
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


def did_overall(db: Database, ref: Referentiel) -> pd.DataFrame:
    """The staggered DID overall effect per indicator (type « global »), with its label, unit and reading.

    The reading follows the rule of the series' verdicts: one correction family (every indicator's
    overall effect but the neutral volume), Benjamini–Hochberg, and the false-coverage-rate interval
    ``bas_corrige``/``haut_corrige`` that excludes 0 exactly when the reading says « significative »;
    ``bas``/``haut`` stay the stored 95 % interval. A failed joint pre-trend test is said in words.
    Counts are rates per 1,000 requests.
    """
    did = lecture.did_results(db)
    overall = did[did["type"] == "global"].copy()
    by_code = {i.code: i for i in ref.indicateurs}
    overall = overall[overall["indicateur"].isin(by_code)]
    overall["libelle_indicateur"] = overall["indicateur"].map(lambda c: by_code[c].libelle)
    overall["unite"] = overall["indicateur"].map(
        lambda c: RATE_UNIT if by_code[c].is_count and c != "VOLUME_DEMANDES" else by_code[c].unite)
    overall["engagement"] = overall["indicateur"].map(lambda c: by_code[c].engagement)
    overall["sens"] = overall["indicateur"].map(lambda c: by_code[c].sens)
    overall = overall.reset_index(drop=True)
    if len(overall):
        judged = apply_fdr(pd.DataFrame({
            "libelle": overall["libelle_indicateur"], "sens": overall["sens"], "effect": overall["estimation"],
            "effect_low": overall["bas"], "effect_high": overall["haut"], "effect_unit": "",
            "p_value": overall["p_valeur"], "effect_se": overall["erreur_type"], "effect_df": 1e6,
            "deployment_month": pd.Period("2025-01", "M"), "months_before": 12, "months_after": 12}))
        overall["bas_corrige"] = judged["interval_low"].to_numpy()
        overall["haut_corrige"] = judged["interval_high"].to_numpy()
        overall["niveau_intervalle"] = judged["interval_level"].to_numpy()
        alerts = overall["alerte"] if "alerte" in overall else pd.Series([None] * len(overall))
        overall["lecture"] = [verdict_text(v) + (f" ; {a}" if isinstance(a, str) and a else "")
                              for v, a in zip(judged["verdict"], alerts)]
    else:
        for column in ("bas_corrige", "haut_corrige", "niveau_intervalle", "lecture"):
            overall[column] = []
    order = {i.code: n for n, i in enumerate(ref.indicateurs)}
    overall["ordre"] = overall["indicateur"].map(order)
    return overall.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)


RATE_UNIT = "pour 1 000 demandes"


def _interval_reading(low, high, sens: str) -> str:
    """How the 95 % interval reads (no test here: only which side of zero it lies on)."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return verdict_text(INSUFFICIENT)
    side = 1 if low > 0 else (-1 if high < 0 else 0)
    if side == 0:
        return verdict_text(NO_CHANGE)
    if sens == "neutre":
        return verdict_text(RISE if side > 0 else FALL)
    return verdict_text(IMPROVEMENT if (side > 0) == (sens == "hausse") else DEGRADATION)


def event_study(db: Database, ref: Referentiel, indicateurs: list[str]) -> pd.DataFrame:
    """Event-study rows (type « evenement ») of some indicators: periods since deployment, estimate, 95 %
    interval; negative periods are placebo checks (before the deployment)."""
    did = lecture.did_results(db)
    rows = did[(did["type"] == "evenement") & did["indicateur"].isin(indicateurs)].copy()
    rows["periode"] = rows["cle"].astype(int)
    rows["placebo"] = rows["periode"] < 0
    by_code = {i.code: i for i in ref.indicateurs}
    rows["libelle_indicateur"] = rows["indicateur"].map(lambda c: by_code[c].libelle)
    rows["pas"] = rows["indicateur"].map(
        lambda c: "trimestres" if by_code[c].periodicite == "trimestrielle" else "mois")
    rows["ordre"] = rows["indicateur"].map({i.code: n for n, i in enumerate(ref.indicateurs)})
    return rows.sort_values(["ordre", "periode"]).drop(columns="ordre").reset_index(drop=True)


# --- agents ------------------------------------------------------------------------------------------

def _side(verdict: str | None) -> int | None:
    if verdict == IMPROVEMENT:
        return 1
    if verdict == DEGRADATION:
        return -1
    if verdict in (NO_CHANGE, SIGNAL, RISE, FALL):
        return 0
    return None


QUADRANTS = {
    (1, 1): "gagnant-gagnant",
    (1, 0): "usagers gagnants, agents inchangés",
    (0, 1): "agents gagnants, usagers inchangés",
    (1, -1): "usagers gagnants, agents perdants",
    (-1, 1): "agents gagnants, usagers perdants",
    (0, 0): "pas de changement détectable des deux côtés",
    (-1, 0): "usagers perdants, agents inchangés",
    (0, -1): "agents perdants, usagers inchangés",
    (-1, -1): "perdant-perdant",
}
QUADRANT_INSUFFICIENT = "données insuffisantes d'un côté au moins"


def quadrant_label(users_verdict: str | None, agents_verdict: str | None) -> str:
    """Where a parcours stands for one pair: « gagnant-gagnant », « usagers gagnants, agents perdants »…"""
    users, agents = _side(users_verdict), _side(agents_verdict)
    if users is None or agents is None:
        return QUADRANT_INSUFFICIENT
    return QUADRANTS[(users, agents)]


def agents_pairs(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Each agents' indicator linked (``lie_a``) to the users' indicator that should drive it, per parcours.

    Effects are also given « oriented » (positive = better for that side, whatever the indicator's sense),
    so that both axes of the quadrant read the same way.
    """
    keep = ["parcours", "libelle_parcours", "indicateur", "moyenne_avant", "moyenne_apres", "estimate", "low",
            "high", "effet_unite", "verdict", "provisoire", "phrase"]
    frames = []
    for agents in ref.indicateurs:
        if agents.famille != AGENTS_FAMILY or not agents.lie_a:
            continue
        users = ref.indicateur(agents.lie_a)
        a = verdicts[verdicts["indicateur"] == agents.code][keep]
        u = verdicts[verdicts["indicateur"] == users.code][keep]
        pair = u.merge(a, on=["parcours", "libelle_parcours"], suffixes=("_usagers", "_agents"))
        for side, ind in (("usagers", users), ("agents", agents)):
            sign = -1.0 if ind.sens == "baisse" else 1.0
            lows, highs = pair[f"low_{side}"] * sign, pair[f"high_{side}"] * sign
            pair[f"oriente_{side}"] = pair[f"estimate_{side}"] * sign
            pair[f"oriente_bas_{side}"] = np.minimum(lows, highs)
            pair[f"oriente_haut_{side}"] = np.maximum(lows, highs)
            pair[f"verdict_affiche_{side}"] = [verdict_text(v, p) for v, p in
                                              zip(pair[f"verdict_{side}"], pair[f"provisoire_{side}"])]
        pair["libelle_usagers"] = users.libelle
        pair["libelle_agents"] = agents.libelle
        pair["quadrant"] = [quadrant_label(u_, a_) for u_, a_ in zip(pair["verdict_usagers"], pair["verdict_agents"])]
        frames.append(pair)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def agents_before_after(verdicts: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """The agents' indicators (family « conditions de travail des agents ») before and after, per parcours."""
    codes = [i.code for i in ref.indicateurs if i.famille == AGENTS_FAMILY]
    rows = verdicts[verdicts["indicateur"].isin(codes)].copy()
    lie = {i.code: i.lie_a for i in ref.indicateurs}
    labels = {i.code: i.libelle for i in ref.indicateurs}
    rows["lie_a"] = rows["indicateur"].map(lambda c: labels.get(lie.get(c)) if lie.get(c) else "")
    return rows.reset_index(drop=True)


# --- mirror survey --------------------------------------------------------------------------------------

def mirror_pairs(ref: Referentiel) -> list[tuple[str, str]]:
    """The (users' indicator, agents' indicator) pairs of the mirror survey, in the referential's order."""
    pairs = []
    for ind in ref.indicateurs:
        if ind.miroir and ind.famille == USERS_FAMILY:
            pairs.append((ind.code, ind.miroir))
    return pairs


def mirror_values(db: Database, ref: Referentiel, direction: str | None = None) -> pd.DataFrame:
    """Quarterly answers of both sides of each mirror pair, per parcours and month, with their gap.

    Columns: paire (users' code), engagement, parcours, direction, mois, usagers, agents, ecart (agents −
    users, in points), periode (« avant » / « après » the parcours's deployment).
    """
    pairs = mirror_pairs(ref)
    codes = [c for pair in pairs for c in pair]
    values = db.query_df("""
        SELECT v.parcours, v.indicateur, v.mois, v.valeur FROM valeurs v JOIN parcours p ON p.code = v.parcours
        WHERE v.indicateur IN (SELECT unnest(?)) AND (? IS NULL OR p.direction = ?)
    """, [codes, direction, direction])
    values["mois"] = pd.to_datetime(values["mois"]).dt.date
    deployments = {p.code: parse_month_code(p.date_deploiement) if p.date_deploiement else None
                   for p in ref.parcours}
    directions = {p.code: p.direction for p in ref.parcours}
    frames = []
    for users, agents in pairs:
        u = values[values["indicateur"] == users][["parcours", "mois", "valeur"]].rename(columns={"valeur": "usagers"})
        a = values[values["indicateur"] == agents][["parcours", "mois", "valeur"]].rename(columns={"valeur": "agents"})
        both = u.merge(a, on=["parcours", "mois"])
        both["paire"] = users
        both["engagement"] = ref.indicateur(users).engagement
        frames.append(both)
    columns = ["paire", "engagement", "parcours", "direction", "mois", "usagers", "agents", "ecart", "periode"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["direction"] = out["parcours"].map(directions)
    out["ecart"] = out["agents"] - out["usagers"]
    out["periode"] = [
        "après" if deployments.get(p) is not None and m >= deployments[p] else "avant"
        for p, m in zip(out["parcours"], out["mois"])]
    return out[columns].sort_values(["paire", "parcours", "mois"]).reset_index(drop=True)


def mirror_gaps(values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Per pair × parcours: the average gap (agents − users, in points) before and after deployment.

    Descriptive averages of the quarterly gaps, no test: « evolution » is after − before; a gap shrinking
    towards 0 means both sides now see the service the same way.
    """
    columns = ["paire", "engagement", "parcours", "libelle_parcours", "direction", "deploiement",
               "usagers_avant", "agents_avant", "ecart_avant", "trimestres_avant", "usagers_apres",
               "agents_apres", "ecart_apres", "trimestres_apres", "evolution"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    means = (values.groupby(["paire", "engagement", "parcours", "direction", "periode"])
             .agg(usagers=("usagers", "mean"), agents=("agents", "mean"), ecart=("ecart", "mean"),
                  trimestres=("ecart", "size")).reset_index())
    wide = means.pivot_table(index=["paire", "engagement", "parcours", "direction"], columns="periode",
                             values=["usagers", "agents", "ecart", "trimestres"])
    wide.columns = [f"{name}_{'apres' if period == 'après' else 'avant'}" for name, period in wide.columns]
    wide = wide.reset_index()
    for column in columns:
        if column not in wide.columns:
            wide[column] = np.nan
    wide["evolution"] = wide["ecart_apres"] - wide["ecart_avant"]
    wide["libelle_parcours"] = wide["parcours"].map({p.code: p.libelle for p in ref.parcours})
    wide["deploiement"] = wide["parcours"].map(
        {p.code: parse_month_code(p.date_deploiement) if p.date_deploiement else None for p in ref.parcours})
    return wide[columns].sort_values(["paire", "parcours"]).reset_index(drop=True)


def mirror_summary(gaps: pd.DataFrame, db: Database, ref: Referentiel) -> pd.DataFrame:
    """Per pair: the gap before and after, averaged over the deployed parcours weighted by their volume of
    requests (a big parcours counts more than a small one, as for every aggregate of the observatoire)."""
    columns = ["paire", "engagement", "libelle", "parcours", "ecart_avant", "ecart_apres", "evolution"]
    judged = gaps.dropna(subset=["ecart_avant", "ecart_apres"])
    if judged.empty:
        return pd.DataFrame(columns=columns)
    volume = db.query_df("SELECT parcours, avg(valeur) AS poids FROM valeurs WHERE indicateur = ? GROUP BY parcours",
                         [VOLUME]).set_index("parcours")["poids"]
    rows = []
    for (pair, engagement), part in judged.groupby(["paire", "engagement"]):
        weights = part["parcours"].map(volume).fillna(0).to_numpy(float)
        if weights.sum() <= 0:
            weights = np.ones(len(part))
        before = float(np.average(part["ecart_avant"], weights=weights))
        after = float(np.average(part["ecart_apres"], weights=weights))
        rows.append({"paire": pair, "engagement": int(engagement),
                     "libelle": f"{ref.indicateur(pair).libelle.split(' (')[0]}", "parcours": len(part),
                     "ecart_avant": before, "ecart_apres": after, "evolution": after - before})
    return pd.DataFrame(rows, columns=columns)


# --- methodology -----------------------------------------------------------------------------------------

def indicator_definitions(ref: Referentiel) -> pd.DataFrame:
    """The indicators of the referential as a reader's table: label, definition, unit, sense, target."""
    rows = []
    for i in ref.indicateurs:
        default = next((c.cible for c in ref.cibles if c.indicateur == i.code and c.parcours is None), None)
        specific = [c for c in ref.cibles if c.indicateur == i.code and c.parcours is not None]
        target = "aucune" if default is None else format_value(default, i.unite)
        if specific:
            target += " (" + ", ".join(f"{c.parcours} : {format_value(c.cible, i.unite)}" for c in specific) + ")"
        rows.append({
            "code": i.code, "libelle": i.libelle, "definition": i.definition,
            "regle": group_label(i.engagement, i.famille if i.engagement is None else None),
            "famille": i.famille or "", "unite": i.unite,
            "sens": {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable",
                     "neutre": "ni bon ni mauvais"}[i.sens],
            "periodicite": i.periodicite, "cible": target,
            "agregation": {"ratio": "somme des numérateurs / somme des dénominateurs",
                           "moyenne_ponderee": "moyenne pondérée par le volume de demandes",
                           "somme": "somme"}[i.agregation],
            "miroir": i.miroir or "", "lie_a": i.lie_a or "",
        })
    return pd.DataFrame(rows)


def months_of(points: pd.DataFrame, debut: date | None, fin: date | None) -> pd.DataFrame:
    """The rows of ``points`` (a ``mois`` column of dates) inside the period, both ends included."""
    if debut is None or fin is None or points.empty:
        return points
    return points[(points["mois"] >= debut) & (points["mois"] <= fin)]


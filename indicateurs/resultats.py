"""Derived results, computed when the data changes and stored, so that a page view refits nothing.

``refresh_results`` is called after every import and cancellation (CLI and app alike). It refits only
the parcours × indicateur series whose input changed (a fingerprint of the values, the deployment month
and, for counts, the volume used as exposure), then recomputes what depends on all series together and is
cheap: the Benjamini–Hochberg correction, the staggered difference-in-differences per indicator (only for
indicators whose series changed), the aggregates per direction and engagement, and the scores.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from scipy import special

from indicateurs.agregation import combine_effects
from indicateurs.db import Database, retry_transient
from indicateurs.impact.did import staggered_did_panel
from indicateurs.impact.processus import processes
from indicateurs.impact.serie import analyse_months
from indicateurs.impact.verdicts import apply_fdr, interval_at
from indicateurs.mois import month_ordinals, parse_month_code
from indicateurs.referentiel import Referentiel
from indicateurs.referentiel_store import read_referentiel
from indicateurs.score import scores
from indicateurs.valeurs import data_version

# Stored names of the engine's record fields.
RECORD_COLUMNS = {
    "method": "methode", "months_before": "mois_avant", "months_after": "mois_apres", "n_obs": "n_obs",
    "n_before": "n_avant", "n_after": "n_apres", "mean_before": "moyenne_avant", "mean_after": "moyenne_apres",
    "diff": "difference", "diff_pct": "difference_pct", "welch_low": "welch_bas", "welch_high": "welch_haut",
    "level_estimate": "niveau", "level_low": "niveau_bas", "level_high": "niveau_haut", "level_p": "niveau_p",
    "slope_estimate": "pente", "slope_low": "pente_bas", "slope_high": "pente_haut", "slope_p": "pente_p",
    "effect": "effet", "effect_low": "effet_bas_95", "effect_high": "effet_haut_95", "effect_unit": "effet_unite",
    "p_value": "p_valeur", "insufficient": "insuffisant", "phrase": "phrase_modele", "effect_se": "effet_se",
    "effect_df": "effet_ddl", "effect_log": "effet_log", "last_effect": "effet_dernier",
    "last_low": "effet_dernier_bas", "last_high": "effet_dernier_haut", "detectable": "effet_detectable",
    "rho": "rho", "dispersion": "dispersion",
}
# Set by the correction, for every series together: « effet_bas »/« effet_haut » are the interval printed
# beside the verdict (the correction family's false-coverage-rate interval, see verdicts.apply_fdr).
FINAL_COLUMNS = {"p_adjusted": "p_ajustee", "significant": "significatif", "verdict": "verdict",
                 "verdict_unadjusted": "verdict_brut", "downgraded_by_fdr": "declasse_fdr",
                 "provisoire": "provisoire", "phrase": "phrase", "interval_low": "effet_bas",
                 "interval_high": "effet_haut", "interval_level": "niveau_intervalle",
                 "family_size": "taille_famille", "slope_signal": "ecart_pente"}
# Changing the engine's rules changes every verdict: part of each series' fingerprint.
ENGINE_VERSION = 6
CHART_COLUMNS = {"fitted": "ajuste", "counterfactual": "contrefactuel", "cf_low": "contrefactuel_bas",
                 "cf_high": "contrefactuel_haut"}
VOLUME = "VOLUME_DEMANDES"
PRETREND_ALPHA = 0.05


@dataclass(frozen=True)
class RapportCalcul:
    series_recalculees: int
    series_total: int
    indicateurs_did: int
    secondes: float


def _fingerprint(*parts) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.tobytes() if isinstance(part, np.ndarray) else repr(part).encode())
        digest.update(b"|")
    return digest.hexdigest()


@dataclass(frozen=True)
class SeriesInput:
    """One series as the engine reads it: month ordinals (``pd.Period.ordinal``, sorted), values and,
    for counts once a volume exists, the same months' volume (the exposure; None otherwise)."""

    ordinals: np.ndarray
    values: np.ndarray
    exposure: np.ndarray | None


def _series_inputs(data: "ValueArrays", ref: Referentiel) -> dict[tuple[str, str], tuple[SeriesInput, str]]:
    """Each deployed parcours × indicateur series (with exposure for counts), and its fingerprint."""
    out = {}
    if not len(data.ordinals):
        return out
    ordinals, numbers, rows_of = data.ordinals, data.numbers, data.rows_of
    last = int(ordinals.max())
    for p in ref.parcours:
        # Not deployed (or not yet, as far as the data goes): nothing to judge.
        deployment = parse_month_code(p.date_deploiement) if p.date_deploiement else None
        if not p.date_deploiement or (deployment.year - 1970) * 12 + deployment.month - 1 > last:
            continue
        # Each series' rows are already in month order (``value_arrays``).
        volume_rows = rows_of.get((p.code, VOLUME))
        for ind in ref.indicateurs:
            rows = rows_of.get((p.code, ind.code))
            if rows is None or not len(rows):
                continue
            months, y, exposure = ordinals[rows], numbers[rows], None
            if ind.is_count and ind.code != VOLUME:
                exposure = np.full(len(rows), np.nan)
                if volume_rows is not None:
                    at = np.searchsorted(ordinals[volume_rows], months)
                    found = at < len(volume_rows)
                    found[found] = ordinals[volume_rows[at[found]]] == months[found]
                    exposure[found] = numbers[volume_rows[at[found]]]
                # Without any volume yet (a first import may bring counts alone), the raw counts are
                # judged; with a volume, only the months that have it, as rates per request.
                if np.isfinite(exposure).any():
                    keep = np.isfinite(y) & np.isfinite(exposure) & (exposure > 0)
                    months, y, exposure = months[keep], y[keep], exposure[keep]
                else:
                    exposure = None
            fingerprint = _fingerprint(ENGINE_VERSION, p.date_deploiement, ind.sens, ind.unite, ind.libelle,
                                       ind.is_count, months, y, "-" if exposure is None else exposure)
            out[(p.code, ind.code)] = (SeriesInput(months, y, exposure), fingerprint)
    return out


def _analyse(series: SeriesInput, deployment: str, ind) -> tuple[dict, dict[str, np.ndarray]]:
    """One series' record and chart arrays; a series the engine cannot fit is « données insuffisantes »,
    never an exception, so that no series (however short or odd) stops the refresh of the others."""
    family = "poisson" if ind.is_count else "gaussian"
    usable = np.isfinite(series.values)
    if series.exposure is not None:
        usable &= np.isfinite(series.exposure) & (series.exposure > 0)
    exposure = None if series.exposure is None else series.exposure[usable]
    kwargs = dict(deployment_month=deployment, sens=ind.sens, unite=ind.unite, family=family, libelle=ind.libelle)
    try:
        record, chart = analyse_months(series.ordinals[usable], series.values[usable], exposure, **kwargs)
        ordinals = series.ordinals[usable]
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        record, chart = analyse_months(np.empty(0, np.int64), np.empty(0), None, **kwargs)
        ordinals = np.empty(0, np.int64)
    chart["mois"] = ordinals
    return record, chart


def _analyse_task(task: tuple) -> tuple[dict, dict[str, np.ndarray]]:
    """``_analyse`` on one task tuple (series, deployment month, indicator): what worker processes run."""
    return _analyse(*task)


def _month_date(ordinal) -> date | None:
    """The first day of a monthly Period ordinal (months since January 1970)."""
    return date(1970 + int(ordinal) // 12, int(ordinal) % 12 + 1, 1)


def _to_date(period):
    return None if period is None or (isinstance(period, float) and np.isnan(period)) else _month_date(period.ordinal)


def _record_row(parcours: str, indicateur: str, fingerprint: str, record: dict) -> dict:
    row = {"parcours": parcours, "indicateur": indicateur, "empreinte": fingerprint,
           "deploiement": _to_date(record["deployment_month"]), "fin": _to_date(record["end_month"])}
    row.update({stored: record[name] for name, stored in RECORD_COLUMNS.items()})
    return row


def _chart_table(charts: list[tuple[str, str, dict[str, np.ndarray]]]) -> pd.DataFrame | None:
    """The stored chart rows of the refitted series, built in one go (one frame, not one per series)."""
    if not charts:
        return None
    lengths = [len(c["mois"]) for _, _, c in charts]
    ordinals = np.concatenate([c["mois"] for _, _, c in charts])
    dates = {o: _month_date(o) for o in np.unique(ordinals).tolist()}
    table = {"mois": [dates[o] for o in ordinals.tolist()],
             "valeur": np.concatenate([c["valeur"] for _, _, c in charts])}
    for name, stored in CHART_COLUMNS.items():
        table[stored] = np.concatenate([c[name] for _, _, c in charts])
    table["parcours"] = np.repeat([p for p, _, _ in charts], lengths)
    table["indicateur"] = np.repeat([i for _, i, _ in charts], lengths)
    return pd.DataFrame(table)


def _periods(months: pd.Series) -> list:
    """``pd.Period(month, freq="M")`` of each value, built once per distinct month (a few for many rows)."""
    made = {}
    return [made[d] if d in made else made.setdefault(d, pd.Period(d, freq="M")) for d in months.tolist()]


def _final_verdicts(rows: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Benjamini–Hochberg within each parcours (its indicators but the neutral volume), then the final
    verdict, the printed interval and the sentence of every series."""
    engine = pd.DataFrame({
        "parcours": rows["parcours"],
        "libelle": rows["indicateur"].map({i.code: i.libelle for i in ref.indicateurs}),
        "sens": rows["indicateur"].map({i.code: i.sens for i in ref.indicateurs}),
        "effect": rows["effet"], "effect_low": rows["effet_bas_95"], "effect_high": rows["effet_haut_95"],
        "effect_unit": rows["effet_unite"], "p_value": rows["p_valeur"], "effect_se": rows["effet_se"],
        "effect_df": rows["effet_ddl"], "effect_log": rows["effet_log"].fillna(False).astype(bool),
        "detectable": rows["effet_detectable"], "slope_estimate": rows["pente"], "slope_p": rows["pente_p"],
        "deployment_month": _periods(rows["deploiement"]),
        "months_before": rows["mois_avant"], "months_after": rows["mois_apres"],
        "insufficient": rows["insuffisant"].astype("boolean"), "n_obs": rows["n_obs"],
        "model_phrase": rows["phrase_modele"],
    })
    judged = apply_fdr(engine, family_column="parcours")
    out = rows.reset_index(drop=True).copy()
    for name, stored in FINAL_COLUMNS.items():
        out[stored] = judged[name].to_numpy()
    return out


@dataclass(frozen=True)
class ValueArrays:
    """The stored values as arrays, rows sorted by parcours, indicateur, month: codes, month ordinals
    (months since January 1970), values, and where each parcours × indicateur's rows are."""

    parcours: np.ndarray
    indicateur: np.ndarray
    ordinals: np.ndarray
    numbers: np.ndarray
    rows_of: dict[tuple[str, str], np.ndarray]


def value_arrays(values: pd.DataFrame) -> ValueArrays:
    """``values`` (parcours, indicateur, mois, valeur; sorted by the first three) as ``ValueArrays``."""
    parcours = values["parcours"].to_numpy(dtype=object)
    indicateur = values["indicateur"].to_numpy(dtype=object)
    ordinals = month_ordinals(values["mois"]) if len(values) else np.empty(0, np.int64)
    numbers = values["valeur"].to_numpy(dtype=float)
    # Rows come sorted by parcours, indicateur and month: each series is one run of rows, in month order.
    boundary = (parcours[1:] != parcours[:-1]) | (indicateur[1:] != indicateur[:-1])
    if (np.diff(ordinals)[~boundary] <= 0).any():
        raise ValueError("values must be sorted by parcours, indicateur and month, each month once")
    cut = np.flatnonzero(boundary) + 1
    starts = np.concatenate([[0], cut]) if len(values) else np.empty(0, np.int64)
    ends = np.concatenate([cut, [len(values)]]) if len(values) else np.empty(0, np.int64)
    rows_of = {(parcours[a], indicateur[a]): np.arange(a, b) for a, b in zip(starts.tolist(), ends.tolist())}
    return ValueArrays(parcours, indicateur, ordinals, numbers, rows_of)


def _did_input(data: ValueArrays, ref: Referentiel, indicateur: str) -> tuple | None:
    """One indicator's wide panel for the staggered DiD (parcours × observed months, as rates per 1,000
    requests for counts, quarter months for quarterly indicators) and each parcours's cohort; None when
    it has no value. The parcours are in code order, the periods numbered 1, 2, … in month order."""
    ind = ref.indicateur(indicateur)
    codes = sorted(p for p, i in data.rows_of if i == indicateur)
    if not codes:
        return None
    rows = np.concatenate([data.rows_of[(p, indicateur)] for p in codes])
    unit = np.repeat(np.arange(len(codes)), [len(data.rows_of[(p, indicateur)]) for p in codes])
    months, y = data.ordinals[rows], data.numbers[rows]
    keep = np.ones(len(rows), dtype=bool)
    if ind.is_count and indicateur != VOLUME:
        # Counts compared across parcours of very different sizes: as rates per 1,000 requests.
        per = np.full(len(rows), np.nan)
        for u, code in enumerate(codes):
            volume_rows = data.rows_of.get((code, VOLUME))
            if volume_rows is None:
                continue
            mine = np.flatnonzero(unit == u)
            at = np.searchsorted(data.ordinals[volume_rows], months[mine])
            found = at < len(volume_rows)
            found[found] = data.ordinals[volume_rows[at[found]]] == months[mine][found]
            per[mine[found]] = data.numbers[volume_rows[at[found]]]
        with np.errstate(invalid="ignore", divide="ignore"):  # months without a volume: no rate
            y = np.where(per > 0, y / per * 1000, np.nan)
        keep &= ~np.isnan(y)
    if ind.periodicite == "trimestrielle":
        keep &= (months % 12 + 1) % 3 == 0
    months, y, unit = months[keep], y[keep], unit[keep]
    if not len(months):
        return None
    periods = np.unique(months)
    column = np.searchsorted(periods, months)
    Y = np.full((len(codes), len(periods)), np.nan)
    Y[unit, column] = y
    last = int(periods[-1])
    cohorts = np.zeros(len(codes))
    deployments = {p.code: p.date_deploiement for p in ref.parcours}
    for u, code in enumerate(codes):
        text = deployments[code]
        deployment = parse_month_code(text) if text else None
        if deployment is None:
            continue
        first = (deployment.year - 1970) * 12 + deployment.month - 1
        if first <= last:  # the first observed period at or after the deployment
            cohorts[u] = np.searchsorted(periods, first) + 1
    # Units and periods without any observed value are not in the panel (as in the long form).
    observed = ~np.isnan(Y)
    used_units, used_periods = observed.any(axis=1), observed.any(axis=0)
    times = np.arange(1, len(periods) + 1, dtype=float)[used_periods]
    return indicateur, Y[used_units][:, used_periods], cohorts[used_units], times, periods


def _did_rows(task: tuple | None) -> list[dict]:
    """Staggered DiD of one indicator across parcours (its ``_did_input``); the tidy rows stored for
    the pages, none when it cannot be estimated."""
    if task is None:
        return []
    indicateur, Y, cohorts, times, periods = task
    try:
        result = staggered_did_panel(Y, cohorts, times, control="notyettreated")
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return []
    att = result.att
    pretrend = result.pretrend
    alert = None
    if pretrend is not None and pretrend.p_value < PRETREND_ALPHA:
        alert = (f"tendances d'avant différentes (test conjoint des {pretrend.df} placebos, p = "
                 f"{pretrend.p_value:.3f}".replace(".", ",") + ") : effet moyen fragile")
    rows = [{"indicateur": indicateur, "type": "global", "cle": None, "estimation": att.estimate,
             "erreur_type": att.se, "bas": att.low, "haut": att.high, "p_valeur": att.p_value, "n": result.n_units,
             "pre_tendance_p": None if pretrend is None else pretrend.p_value, "alerte": alert}]
    for r in result.by_cohort.itertuples(index=False):
        rows.append({"indicateur": indicateur, "type": "cohorte",
                     "cle": _month_date(periods[int(r.group) - 1]).isoformat(),
                     "estimation": r.estimate, "erreur_type": r.se, "bas": r.low, "haut": r.high,
                     "p_valeur": r.p_value, "n": r.n})
    for r in result.event_study.itertuples(index=False):
        rows.append({"indicateur": indicateur, "type": "evenement", "cle": str(int(r.e)), "estimation": r.estimate,
                     "erreur_type": r.se, "bas": r.low, "haut": r.high, "p_valeur": r.p_value, "n": r.n})
    return rows


def _aggregates(results: pd.DataFrame, values: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Per direction × indicateur and engagement × indicateur: the volume-weighted mean effect of the
    parcours (counts: of their log rate ratios), with its standard error; then the same verdict rule as
    the series, one correction family per direction (its indicators) and per engagement."""
    weights = (values[values["indicateur"] == VOLUME].groupby("parcours")["valeur"].mean()
               .rename("poids"))
    judged = results[~results["insuffisant"].astype(bool)].merge(weights, left_on="parcours",
                                                                 right_index=True, how="left")
    judged["direction"] = judged["parcours"].map({p.code: p.direction for p in ref.parcours})
    judged["engagement"] = judged["indicateur"].map({i.code: i.engagement for i in ref.indicateurs})
    log_scale = judged["effet_log"].fillna(False).astype(bool)
    judged["lineaire"] = np.where(log_scale, np.log1p(judged["effet"].astype(float) / 100), judged["effet"])
    indicators = {i.code: i for i in ref.indicateurs}
    rows = []
    for level in ("direction", "engagement"):
        part = judged.dropna(subset=[level])
        effect, weight = part["lineaire"].to_numpy(float), part["poids"].to_numpy(float)
        se, dof = part["effet_se"].to_numpy(float), part["effet_ddl"].to_numpy(float)
        is_log = part["effet_log"].fillna(False).astype(bool).to_numpy()
        units = part["effet_unite"].tolist()
        groups = part.groupby([level, "indicateur"]).indices
        for group, indicateur in sorted(groups):
            at = groups[(group, indicateur)]
            ind = indicators[indicateur]
            combined = combine_effects({"effect": effect[at], "poids": weight[at], "se": se[at], "df": dof[at]})
            if combined["n"] == 0:
                continue
            log_scale = bool(is_log[at[0]])
            rows.append({"niveau": level, "groupe": str(int(group)) if level == "engagement" else group,
                         "indicateur": indicateur, "libelle": ind.libelle, "sens": ind.sens,
                         "effect": 100 * np.expm1(combined["effect"]) if log_scale else combined["effect"],
                         "effect_se": combined["se"], "effect_df": combined["df"], "effect_log": log_scale,
                         "effect_unit": units[at[0]], "n_parcours": combined["n"]})
    columns = ["niveau", "groupe", "indicateur", "effet", "effet_bas", "effet_haut", "effet_unite", "n_parcours",
               "verdict", "erreur_type", "p_valeur", "alerte"]
    if not rows:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(rows)
    t = table["effect"].where(~table["effect_log"], np.log1p(table["effect"] / 100)) / table["effect_se"]
    dof = table["effect_df"].replace(np.inf, 1e6)
    table["p_value"] = 2 * special.stdtr(dof, -np.abs(t))  # 2 · stats.t.sf(|t|, dof)
    low95 = [interval_at(se, d, (np.log1p(e / 100) if lg else e), 0.95, lg)
             for e, se, d, lg in zip(table["effect"], table["effect_se"], dof, table["effect_log"])]
    table["effect_low"], table["effect_high"] = [x[0] for x in low95], [x[1] for x in low95]
    table["effect_df"] = dof
    table["deployment_month"], table["months_before"], table["months_after"] = pd.Period("2025-01", "M"), 12, 12
    table["famille"] = table["niveau"] + ":" + table["groupe"]
    judged_table = apply_fdr(table, family_column="famille")
    return pd.DataFrame({
        "niveau": table["niveau"], "groupe": table["groupe"], "indicateur": table["indicateur"],
        "effet": table["effect"], "effet_bas": judged_table["interval_low"],
        "effet_haut": judged_table["interval_high"], "effet_unite": table["effect_unit"],
        "n_parcours": table["n_parcours"], "verdict": judged_table["verdict"], "erreur_type": table["effect_se"],
        "p_valeur": table["p_value"], "alerte": None}, columns=columns)


_REFRESH_LOCKS: dict[str, threading.Lock] = {}
_REFRESH_LOCKS_GUARD = threading.Lock()
MAX_REFRESH_ROUNDS = 5
# Below this, forking worker processes costs more than it saves (measured: a direction's monthly import,
# 30 series and 15 DiD, took 1.7 s CPU here and 2.9 s with two workers, forking a large process).
MIN_SERIES_FOR_WORKERS = 100


def refresh_results(db: Database, *, force: bool = False) -> RapportCalcul:
    """Bring the stored results up to date with the stored values; refit only the series that changed.

    One refresh at a time per database in this process (two imports clicked together would otherwise
    race, and the slower one could store verdicts computed from older values over newer ones). Values
    written while a refresh was computing make it run again, so the results it leaves match the values.
    """
    key = os.path.realpath(db.path)
    with _REFRESH_LOCKS_GUARD:
        lock = _REFRESH_LOCKS.setdefault(key, threading.Lock())
    with lock:
        report = retry_transient(lambda: _refresh_once(db, force=force))
        for _ in range(MAX_REFRESH_ROUNDS - 1):
            if not results_are_stale(db):
                break
            report = retry_transient(lambda: _refresh_once(db))
        return report


def _refresh_once(db: Database, *, force: bool = False) -> RapportCalcul:
    started = time.perf_counter()
    version = data_version(db)
    if not force and not results_are_stale(db):
        total = db.query_one("SELECT count(*) FROM resultats")[0]
        return RapportCalcul(0, total, 0, time.perf_counter() - started)
    ref = read_referentiel(db)
    values = db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs ORDER BY parcours, indicateur, mois")
    data = value_arrays(values)
    stored = db.query_df("SELECT * FROM resultats")
    stored_keys = list(zip(stored["parcours"].tolist(), stored["indicateur"].tolist()))
    known = {} if force else dict(zip(stored_keys, stored["empreinte"].tolist()))
    inputs = _series_inputs(data, ref)
    changed = [key for key, (_, fp) in inputs.items() if known.get(key) != fp]
    gone = [key for key in stored_keys if key not in inputs]

    indicators = {i.code: i for i in ref.indicateurs}
    deployments = {p.code: p.date_deploiement for p in ref.parcours}
    tasks = [(inputs[key][0], deployments[key[0]], indicators[key[1]]) for key in changed]
    replaced = set(changed) | set(gone)
    changed_indicators = sorted({i for _, i in replaced}) if known else [i.code for i in ref.indicateurs]
    did_tasks = [_did_input(data, ref, code) for code in changed_indicators]
    # With many series, worker processes share the fits and the DiD of each indicator (the DiD first:
    # fewer, longer tasks), while this process computes the scores; then it judges the series together.
    # A refresh after a small import refits a few dozen series, cheaper here than forking.
    with processes(None if len(tasks) >= MIN_SERIES_FOR_WORKERS else 1) as workers:
        did_pending = workers.start(_did_rows, did_tasks)
        fits_pending = workers.start(_analyse_task, tasks)
        score_table = scores(values, ref) if len(values) else None
        analysed = fits_pending()
        new_rows, charts = [], []
        for (parcours, indicateur), (record, chart) in zip(changed, analysed):
            new_rows.append(_record_row(parcours, indicateur, inputs[(parcours, indicateur)][1], record))
            charts.append((parcours, indicateur, chart))

        kept = stored[np.array([key not in replaced for key in stored_keys], dtype=bool)]
        kept = kept[[c for c in kept.columns if c not in ("calcule_le", "verdict_precedent")]]
        # The correction family is the parcours: a parcours none of whose series changed keeps its
        # verdicts, intervals and sentences as stored; only the touched parcours are judged again.
        touched = kept["parcours"].isin({p for p, _ in replaced}).to_numpy()
        untouched, kept = kept[~touched], kept[touched]
        kept = kept[[c for c in kept.columns if c not in FINAL_COLUMNS.values()]]
        all_rows = pd.concat([kept, pd.DataFrame(new_rows)], ignore_index=True) if new_rows else kept
        final = _final_verdicts(all_rows, ref) if len(all_rows) else all_rows
        if len(untouched):
            final = pd.concat([untouched, final], ignore_index=True) if len(final) else untouched.reset_index(drop=True)
        if len(final):
            final["calcule_le"] = datetime.now()
            # Remember the verdict each series had before this update, for « ce qui a changé ».
            before = dict(zip(stored_keys, stored["verdict"].tolist()))
            previous = dict(zip(stored_keys, stored["verdict_precedent"].tolist()))
            final["verdict_precedent"] = [
                before.get(key) if before.get(key) != verdict else previous.get(key)
                for key, verdict in zip(zip(final["parcours"].tolist(), final["indicateur"].tolist()),
                                        final["verdict"].tolist())
            ]
        aggregates = _aggregates(final, values, ref) if len(final) else None
        chart_table = _chart_table(charts)
        did = did_pending()
    did = [pd.DataFrame(rows) for rows in did if rows]
    did = pd.concat(did, ignore_index=True) if did else None

    with db.transaction() as con:
        con.execute("DELETE FROM resultats")
        if len(final):
            con.execute("INSERT INTO resultats BY NAME SELECT * FROM final")
        if replaced:
            keys = pd.DataFrame(sorted(replaced), columns=["parcours", "indicateur"])  # noqa: F841
            con.execute("DELETE FROM series_modele WHERE (parcours, indicateur) IN (SELECT (parcours, indicateur) FROM keys)")
        if chart_table is not None:
            con.execute("INSERT INTO series_modele BY NAME SELECT * FROM chart_table")
        if changed_indicators:
            con.execute("DELETE FROM resultats_did WHERE indicateur IN (SELECT unnest(?))", [changed_indicators])
        if did is not None:
            con.execute("INSERT INTO resultats_did BY NAME SELECT * FROM did")
        con.execute("DELETE FROM agregats")
        if aggregates is not None and len(aggregates):
            con.execute("INSERT INTO agregats BY NAME SELECT * FROM aggregates")
        con.execute("DELETE FROM scores")
        if score_table is not None and len(score_table):
            con.execute("INSERT INTO scores BY NAME SELECT * FROM score_table")
        for key, value in (("version_resultats", version), ("version_moteur", ENGINE_VERSION)):
            con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (cle) DO UPDATE SET valeur = excluded.valeur",
                        [key, str(value)])
    return RapportCalcul(len(changed), len(inputs), len(changed_indicators), time.perf_counter() - started)


def results_are_stale(db: Database) -> bool:
    """True when data was written after the last computation (a crash between the two, say), or when the
    results were computed by other engine rules (a base opened after an update: its verdicts must not
    outlive the rules that made them)."""
    results = db.query_one("SELECT valeur FROM meta WHERE cle = 'version_resultats'")
    engine = db.query_one("SELECT valeur FROM meta WHERE cle = 'version_moteur'")
    return results is None or int(results[0]) != data_version(db) or engine != (str(ENGINE_VERSION),)

"""Reading the stored results for pages and commands: plain queries, no computation."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from indicateurs.db import Database

# What DuckDB's ``.df()`` gives a column holding nulls (pandas' nullable types), by Arrow type.
_NULLABLE = {pa.bool_(): pd.BooleanDtype(), pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
             pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def light_frame(db: Database, sql: str, params: list) -> pd.DataFrame:
    """A read query as the same frame as ``db.query_df`` (same columns, dtypes and values), built through
    Arrow: DuckDB's ``.df()`` converts text column by column through Python objects, which at 100 times the
    demo (58,800 verdict rows) cost 0.5 s CPU and a 250 MiB peak for a 36 MiB frame; Arrow costs a third.
    """
    with db.connect() as con:
        table = con.sql(sql, params=params).to_arrow_table()
    columns = {}
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_date(field.type):  # .df() gives datetime64[us], Arrow gives date objects
            column = column.cast(pa.timestamp("us"))
        nullable = _NULLABLE.get(field.type) if column.null_count else None
        values = column.to_pandas(types_mapper={field.type: nullable}.get if nullable else None)
        if not table.num_rows and pa.types.is_string(field.type):
            values = values.astype(object)  # .df() types the text of an empty result as object
        columns[field.name] = values
    return pd.DataFrame(columns, columns=table.column_names)


def verdicts(db: Database, *, direction: str | None = None, parcours: str | None = None) -> pd.DataFrame:
    """One row per parcours × indicateur with its method, effect, 95 % interval, verdict and sentence."""
    return light_frame(db, """
        SELECT r.parcours, p.direction, r.indicateur, i.libelle AS libelle_indicateur, i.engagement,
               i.famille, i.sens, i.unite, r.methode, r.deploiement, r.mois_avant, r.mois_apres,
               r.moyenne_avant, r.moyenne_apres, r.difference, r.welch_bas, r.welch_haut,
               r.effet AS estimate, r.effet_bas AS low, r.effet_haut AS high, r.effet_unite,
               r.p_valeur, r.p_ajustee, r.verdict, r.provisoire, r.declasse_fdr, r.phrase
        FROM resultats r
        JOIN parcours p ON p.code = r.parcours
        JOIN indicateurs i ON i.code = r.indicateur
        WHERE (? IS NULL OR p.direction = ?) AND (? IS NULL OR r.parcours = ?)
        ORDER BY p.direction, r.parcours, i.rowid
    """, [direction, direction, parcours, parcours])


def model_series(db: Database, parcours: str, indicateur: str) -> pd.DataFrame:
    """The monthly series of one parcours × indicateur with the model's fit and counterfactual band."""
    return db.query_df("""
        SELECT mois, valeur, ajuste, contrefactuel, contrefactuel_bas, contrefactuel_haut
        FROM series_modele WHERE parcours = ? AND indicateur = ? ORDER BY mois
    """, [parcours, indicateur])


def did_results(db: Database, indicateur: str | None = None) -> pd.DataFrame:
    """Staggered difference-in-differences across parcours: overall, per cohort and event study."""
    return db.query_df("""
        SELECT * FROM resultats_did WHERE (? IS NULL OR indicateur = ?) ORDER BY indicateur, type, cle
    """, [indicateur, indicateur])


def aggregates(db: Database, niveau: str) -> pd.DataFrame:
    """Volume-weighted effects per direction (niveau « direction ») or per engagement."""
    return db.query_df("SELECT * FROM agregats WHERE niveau = ? ORDER BY groupe, indicateur", [niveau])


def stored_scores(db: Database, niveau: str) -> pd.DataFrame:
    """CityScore-like scores per parcours or per direction."""
    return db.query_df("SELECT code, score, n FROM scores WHERE niveau = ? ORDER BY code", [niveau])

"""Writes that arrive together on one server: every one succeeds, one after the other.

Two administrators clicking « Importer ce fichier » at the same moment are two threads of one Streamlit
process. DuckDB refuses the second concurrent transaction that touches the same row (the data-version
counter) with « Conflict on update »; the store must serialise them instead.
"""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd

from indicateurs.valeurs import cancel_import, data_version, list_imports, write_values

THREADS = 6


def _frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"parcours": ["DJS-PISCINE"], "indicateur": ["TAUX_DECROCHE"],
                         "mois": [date(2020 + n, 1, 1)], "valeur": [float(n)], "commentaire": [None]})


def _together(target, count: int) -> list:
    """Run ``target(n)`` in ``count`` threads released at the same instant; return what each raised."""
    barrier = threading.Barrier(count)
    errors: list = []

    def run(n: int) -> None:
        barrier.wait()
        try:
            target(n)
        except Exception as error:  # noqa: BLE001 - the test reports whatever escaped
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_imports_all_succeed(empty_db):
    before = data_version(empty_db)
    errors = _together(lambda n: write_values(empty_db, _frame(n), utilisateur=f"admin{n}", fichier=f"f{n}.csv"),
                       THREADS)
    assert errors == []
    assert data_version(empty_db) == before + THREADS
    journal = list_imports(empty_db)
    assert sorted(journal["utilisateur"]) == sorted(f"admin{n}" for n in range(THREADS))
    assert empty_db.query_one("SELECT count(*) FROM valeurs")[0] == THREADS


def test_simultaneous_cancellations_and_imports_all_succeed(empty_db):
    ids = [write_values(empty_db, _frame(n), utilisateur="admin", fichier=f"f{n}.csv").import_id
           for n in range(THREADS // 2)]

    def act(n: int) -> None:
        if n < len(ids):
            cancel_import(empty_db, ids[n], utilisateur=f"annule{n}")
        else:
            write_values(empty_db, _frame(n), utilisateur=f"admin{n}", fichier=f"f{n}.csv")

    assert _together(act, THREADS) == []
    stored = empty_db.query_df("SELECT valeur FROM valeurs ORDER BY valeur")["valeur"].tolist()
    assert stored == [float(n) for n in range(len(ids), THREADS)]


def test_values_written_during_a_refresh_are_in_the_results_it_leaves(demo_db, monkeypatch):
    """A write that lands while the refresh computes makes it run again: no stale verdict is left."""
    from indicateurs import resultats

    rounds = []
    read_referentiel = resultats.read_referentiel

    def read_then_someone_imports(db):
        # Called by each round after it noted the data version: the first time, another import lands.
        rounds.append(resultats.data_version(db))
        if len(rounds) == 1:
            write_values(db, _frame(99), utilisateur="pendant", fichier="pendant.csv")
        return read_referentiel(db)

    monkeypatch.setattr(resultats, "read_referentiel", read_then_someone_imports)
    write_values(demo_db, _frame(98), utilisateur="avant", fichier="avant.csv")
    resultats.refresh_results(demo_db)
    assert rounds == [rounds[0], rounds[0] + 1]  # a second round, on the newer data
    assert not resultats.results_are_stale(demo_db)


def test_a_transient_duckdb_catalog_error_is_retried_and_others_are_not():
    import duckdb
    import pytest

    from indicateurs.db import retry_transient

    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise duckdb.CatalogException("Catalog Error: Table Function with name pandas_scan does not exist!")
        return "écrit"

    assert retry_transient(flaky) == "écrit" and len(attempts) == 2

    def broken():
        raise duckdb.CatalogException("Catalog Error: Table with name valeurs_inconnues does not exist!")

    with pytest.raises(duckdb.CatalogException):
        retry_transient(broken)

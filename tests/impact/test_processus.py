"""Worker processes compute exactly what the calling process computes, in task order."""

from __future__ import annotations

import math
import os
import threading

import numpy as np
import pytest

from indicateurs.impact.processus import processes, worker_count
from indicateurs.referentiel_store import read_referentiel
from indicateurs.resultats import _analyse_task, _series_inputs, value_arrays


def _tasks(db, count: int):
    ref = read_referentiel(db)
    values = db.query_df("SELECT parcours, indicateur, mois, valeur FROM valeurs ORDER BY parcours, indicateur, mois")
    inputs = _series_inputs(value_arrays(values), ref)
    indicators = {i.code: i for i in ref.indicateurs}
    deployments = {p.code: p.date_deploiement for p in ref.parcours}
    keys = sorted(inputs)[:count]
    return [(inputs[k][0], deployments[k[0]], indicators[k[1]]) for k in keys]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def test_two_worker_processes_give_the_serial_results_in_order(demo_db):
    tasks = _tasks(demo_db, 40)
    with processes(1) as workers:
        serial = workers.run(_analyse_task, tasks)
    with processes(2) as workers:
        pending = workers.start(_analyse_task, tasks[20:])
        parallel = workers.run(_analyse_task, tasks[:20]) + pending()
    assert len(parallel) == len(serial) == 40
    fitted = 0
    for (record_s, chart_s), (record_p, chart_p) in zip(serial, parallel):
        assert record_s.keys() == record_p.keys()
        assert all(_same(record_s[k], record_p[k]) for k in record_s), record_s["libelle"]
        for column in chart_s:
            np.testing.assert_array_equal(chart_s[column], chart_p[column])
        fitted += not record_s["insufficient"]
    assert fitted > 10  # real fits, not only « données insuffisantes »


def test_the_number_of_workers_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OBSERVATOIRE_PROCESSUS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("OBSERVATOIRE_PROCESSUS", "n'importe quoi")
    assert 1 <= worker_count() <= 2
    monkeypatch.setenv("OBSERVATOIRE_PROCESSUS", "1")
    with processes() as workers:
        assert workers.run(abs, [-1, 2, -3]) == [1, 2, 3]


def test_a_threaded_caller_computes_in_place_unless_asked(monkeypatch):
    """The Streamlit server runs many threads: forking there could leave a worker stuck on a lock held by
    another thread, so the default there is one process; an explicit setting still wins."""
    monkeypatch.delenv("OBSERVATOIRE_PROCESSUS", raising=False)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert worker_count() == 1
        monkeypatch.setenv("OBSERVATOIRE_PROCESSUS", "2")
        assert worker_count() == 2
    finally:
        release.set()
        other.join()


def test_the_database_reaper_thread_alone_does_not_stop_the_pool(monkeypatch, demo_db):
    """Every process that has read a base runs the idle-connection reaper; the CLI must still use workers."""
    from indicateurs.db import BACKGROUND_THREAD_NAME

    monkeypatch.delenv("OBSERVATOIRE_PROCESSUS", raising=False)
    demo_db.query_df("SELECT count(*) FROM valeurs")
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if set(others) - {BACKGROUND_THREAD_NAME}:
        pytest.skip(f"this test process runs other threads: {others}")
    assert worker_count() == min(2, os.cpu_count() or 1)

"""Running many independent computations (series fits, one DiD per indicator) on several processors.

Why: a full recompute refits every series; each fit is independent and pure (plain arrays in, plain
records out), so worker processes can share them. Workers are forked from the caller: they inherit the
loaded modules (no import cost) and never touch the database (``indicateurs/db.py`` forgets its
connections in a forked child); the caller gathers the results, in task order, and writes them. Results
are identical whatever the number of processes: the same function runs on the same inputs.

``OBSERVATOIRE_PROCESSUS`` sets the number of worker processes (default: up to 2, the processors
there are, but only in a caller with a single Python thread, such as the CLI; 1 computes in the calling
process). A multi-threaded caller (the Streamlit server) computes in place by default: forking while other
threads may hold a lock (logging, imports) can leave a child waiting forever. Without ``fork`` (another OS), or if a worker dies, the
work is done in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from indicateurs.db import BACKGROUND_THREAD_NAME

ENV_VARIABLE = "OBSERVATOIRE_PROCESSUS"
DEFAULT_WORKERS = 2


def worker_count() -> int:
    """Worker processes to use: ``OBSERVATOIRE_PROCESSUS`` if it is a positive integer, else up to 2
    when the caller runs a single Python thread (the database's idle-connection reaper aside: it never
    logs nor imports, and forked children get fresh database locks), else 1 (see the module docstring)."""
    text = os.environ.get(ENV_VARIABLE, "").strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    if any(thread.name != BACKGROUND_THREAD_NAME for thread in threading.enumerate()
           if thread is not threading.current_thread()):
        return 1
    return max(1, min(DEFAULT_WORKERS, os.cpu_count() or 1))


def _serial(function: Callable, tasks: Sequence) -> list:
    return [function(task) for task in tasks]


class Workers:
    """What ``processes`` yields: ``run(function, tasks)`` returns ``[function(t) for t in tasks]``;
    ``start(function, tasks)`` launches the same and returns a callable giving that list once done, so
    the caller can work meanwhile. ``function`` must be a module-level function."""

    def __init__(self, pool: ProcessPoolExecutor | None, workers: int):
        self._pool = pool
        self._workers = workers

    def start(self, function: Callable, tasks: Sequence) -> Callable[[], list]:
        if self._pool is None or len(tasks) < 2:
            return lambda: _serial(function, tasks)
        try:
            chunk = max(1, len(tasks) // (4 * self._workers))
            futures = [self._pool.submit(_serial, function, tasks[i:i + chunk]) for i in range(0, len(tasks), chunk)]
        except (BrokenProcessPool, OSError, RuntimeError):
            return lambda: _serial(function, tasks)

        def results() -> list:
            try:
                return [result for future in futures for result in future.result()]
            except (BrokenProcessPool, OSError):
                return _serial(function, tasks)

        return results

    def run(self, function: Callable, tasks: Sequence) -> list:
        return self.start(function, tasks)()


@contextmanager
def processes(workers: int | None = None) -> Iterator[Workers]:
    """Worker processes for the block (``workers`` of them, default ``worker_count()``), forked once and
    shared by every ``run``/``start`` inside it; in this process when there is one worker or no ``fork``."""
    workers = worker_count() if workers is None else workers
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield Workers(None, 1)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield Workers(pool, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

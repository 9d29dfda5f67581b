"""Reusing what a shared UI helper built from the same frame on the previous rerun.

Pages keep their data in ``st.cache_resource`` per data version: shared, read-only objects, handed again to
``show_chart`` or ``show_reader_results`` on every rerun. What those helpers build from them (the table on
screen, the HTML of the printed copy) was rebuilt each time, a large share of a warm rerun (issue 12).

The key is the frame itself, held by a weak reference: an entry lives exactly as long as its frame, so an id
is never taken for another frame (the entry goes as the frame is freed, before its id can be reused). A new
data version gives new frames, hence new entries; a frame built anew on each rerun (``frame[columns]``)
simply finds nothing. Callers never modify the frames they pass, nor what ``same_frame`` returns.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

# One dict operation at a time is atomic in CPython: no lock (a weak reference's callback may run during
# any allocation, even inside a locked section of the same thread).
_built: dict[tuple, tuple[weakref.ref, Any]] = {}


def same_frame(build: Callable[..., Any], frame: pd.DataFrame, *options: Hashable) -> Any:
    """``build(frame, *options)``, built once while ``frame`` is alive and reused for the same frame and options.

    ``build`` must depend on nothing else (no session state, no database) and its result must not keep
    ``frame`` alive (it would never be freed)."""
    key = (build, id(frame), options)
    found = _built.get(key)
    if found is not None and found[0]() is frame:
        return found[1]
    result = build(frame, *options)
    reference = weakref.ref(frame, lambda _gone, key=key: _forget(key))
    _built[key] = (reference, result)
    return result


def _forget(key: tuple) -> None:
    _built.pop(key, None)


def entries() -> int:
    """How many built results are held (tests check that they go with their frames)."""
    return len(_built)

"""Records checked in worker processes when a build has many to check (a first build of a
national catalog: a millisecond and a half each, tens of thousands), one per core.

The workers are forked, so they share the checks' code and data; each returns its records'
products, problems and cache entries, in the order given, whatever the sharing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TypeVar

from site_builder.progress import Progress

T = TypeVar("T")
PARALLEL_FROM = 200  # records; fewer are checked in this process
CHUNK = 50  # records a worker checks per task

_CHECK: Callable[[str], object] | None = None  # set just before the workers are forked
_SEND: Callable[[object], object] | None = None  # likewise


def _work(paths: list[str]) -> list[object]:
    assert _CHECK is not None
    if _SEND is None:
        return [_CHECK(path) for path in paths]
    return [_SEND(_CHECK(path)) for path in paths]


def workers() -> int:
    """One per core; ``OCOP_WORKERS`` overrides it (1 works in this process)."""
    wanted = os.environ.get("OCOP_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, min(os.cpu_count() or 1, 8))


def check_all(paths: list[str], check: Callable[[str], T], progress: Progress,
              send: Callable[[T], T] | None = None) -> Iterator[T]:
    """``check(path)`` for each of ``paths``, in their order; ``send``: what a worker process
    sends of each (``check``'s own, in this process), when less is worth sending."""
    global _CHECK, _SEND
    import multiprocessing as mp

    if len(paths) < PARALLEL_FROM or workers() < 2 or "fork" not in mp.get_all_start_methods():
        for path in paths:
            yield check(path)
            progress.advance()
        return
    from concurrent.futures import ProcessPoolExecutor

    _CHECK, _SEND = check, send  # type: ignore[assignment]
    try:
        chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
        with ProcessPoolExecutor(workers(), mp_context=mp.get_context("fork")) as pool:
            for done in pool.map(_work, chunks):
                yield from done  # type: ignore[misc]
                progress.advance(len(done))
    finally:
        _CHECK, _SEND = None, None

"""Worker processes for the CPU work of an ingest (parsing feeds, tagging places) beside the one writer.

One pool per ingest or load, sized by `TRACKTWO_WORKERS` (default: the cores this process may use).
With 1 worker, or where this process may not have children (a daemonic process, as in some Airflow and
Celery workers), the work runs here, in order, through the same `Executor` interface: callers never
branch on it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

log = logging.getLogger("tracktwo.workers")


class InlineExecutor(Executor):
    """Runs each submitted call at once, in this process (the pool of one)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered by fut.result(), as a pool would
            fut.set_exception(exc)
        return fut


# Imported once by the fork server; each worker is a fork of it, so none imports them again.
PRELOAD = ["extractors.rss", "warehouse.documents", "warehouse.load", "tracktwo.pipeline"]


def _context() -> multiprocessing.context.BaseContext:
    """Workers are forked from a fork server: a clean process started once per interpreter that has imported
    what workers need (a plain fork would copy this process's threads mid-work; a plain spawn would import
    everything again in every worker, and the caller's main script with it)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD + (["__main__"] if _main_is_importable() else []))
    return ctx


def _main_is_importable() -> bool:
    """Whether the main script can be preloaded (a worker re-runs the main script's imports otherwise)."""
    main = sys.modules.get("__main__")
    return bool(getattr(main, "__file__", None)) and not getattr(main, "__spec__", None)


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> Iterator[Executor]:
    """A pool of `workers` processes, each set up by `initializer(*initargs)` (the inline executor for 1, or
    when this process cannot start children). Processes are spawned, never forked: the caller has threads
    (fetches, DuckDB's) that a fork would copy mid-work."""
    if workers <= 1 or multiprocessing.current_process().daemon:
        if workers > 1:
            log.info("this is a daemonic process, which may not start workers: parsing in-process")
        if initializer is not None:
            initializer(*initargs)
        yield InlineExecutor()
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=initializer,
                               initargs=initargs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

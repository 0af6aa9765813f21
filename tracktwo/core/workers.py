"""Worker processes for the CPU work of an ingest (parsing feeds, tagging places) beside the one writer.

One pool per ingest or load, sized by `TRACKTWO_WORKERS` (default: the cores this process may use).
With 1 worker, or where this process may not have children (a daemonic process, as in some Airflow and
Celery workers), the work runs here, in order, through the same `Executor` interface: callers never
branch on it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
PRELOAD = ["tracktwo.core.forkserver_watch", "extractors.rss", "warehouse.documents", "warehouse.load",
           "tracktwo.pipeline"]


class WorkerDied(Exception):
    """The worker process running this task died (killed by the out-of-memory killer, say)."""


def call(executor: Executor, fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) in the executor; here when its pool is already broken (a worker was killed), so one lost worker
    does not fail every task after it. A task that was running when its worker died raises WorkerDied: it is
    not run again here, since it may be what killed the worker."""
    try:
        fut = executor.submit(fn, *args)
    except BrokenProcessPool:
        warn_broken()
        return fn(*args)
    try:
        return fut.result()
    except BrokenProcessPool as exc:
        warn_broken()
        raise WorkerDied("the worker process running it died (out of memory?)") from exc


_warned = threading.Event()


def warn_broken() -> None:
    """Say once per process that the pool is broken and the work goes on in this process (one core)."""
    if not _warned.is_set():
        _warned.set()
        log.warning("a worker process died: the pool is broken, the rest is parsed and prepared in this process")


def _exit_with(pid: int) -> None:
    """Exit this worker when process `pid` (the pool's owner) is gone: a pool's workers otherwise wait for work
    forever after their owner is killed (kill -9, the out-of-memory killer). Gone means this worker was
    reparented (its parent, the fork server or the owner itself, died: immediate, even while the owner is a
    zombie nobody has reaped) or the owner's pid no longer exists."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid was reused by another user's process: the owner is gone
            os._exit(0)


def _start_worker(owner: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    threading.Thread(target=_exit_with, args=(owner,), name="tracktwo-owner-watch", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


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
    when this process cannot start children). Workers are forked from a fork server (see `_context`), never from
    the caller, whose threads (fetches, DuckDB's) a fork would copy mid-work; each exits by itself when the
    caller is gone."""
    if workers <= 1 or multiprocessing.current_process().daemon:
        if workers > 1:
            log.info("this is a daemonic process, which may not start workers: parsing in-process")
        if initializer is not None:
            initializer(*initargs)
        yield InlineExecutor()
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

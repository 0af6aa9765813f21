"""Worker processes for the CPU work of an ingest (fetching, parsing, tagging feeds) beside the one writer.

One pool per ingest or load, sized by `TRACKTWO_WORKERS` (default: the cores this process may use), each
worker running up to `threads` tasks at once (an ingest's fetches wait on the network). With 1 worker, or
where this process may not have children (a daemonic process, as in some Airflow and Celery workers), the
work runs here (in order, or in `threads` threads) through the same `Executor` interface: callers never
branch on it.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from multiprocessing import connection as mp_connection
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

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


class NeverStarted(BrokenProcessPool):
    """The pool broke (a worker died) before this task was sent to a worker: it is safe to run it elsewhere."""


class WorkerDied(Exception):
    """The worker process running this task died (killed by the out-of-memory killer, say)."""


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
    # Ctrl-C in a terminal reaches the whole process group: the owner decides what stops (it cancels what has not
    # started and tells each worker to finish); a worker interrupted mid-fetch would only lose that fetch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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


def start_fork_server() -> None:
    """Start the fork server now, without waiting for it: it imports what workers need (PRELOAD) while the
    caller goes on, and the first pool created later finds it running."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _main_is_importable() -> bool:
    """Whether the main script can be preloaded (a worker re-runs the main script's imports otherwise)."""
    main = sys.modules.get("__main__")
    return bool(getattr(main, "__file__", None)) and not getattr(main, "__spec__", None)


class ThreadedProcessPool(Executor):
    """`processes` worker processes that each run up to `threads` tasks at once, in threads of their own.

    concurrent.futures' ProcessPoolExecutor runs one task per process at a time. A task that fetches a feed
    spends most of its time waiting on the network, then parses (CPU): with one task per process, two workers
    would fetch two feeds at once. Here each worker overlaps `threads` fetches while its parsing uses its own
    core, and the caller's process keeps none of that work.

    The workers start with the first task. Tasks wait in this process until a worker has a free thread (the least
    busy worker takes the next one), so a worker stuck on slow sources gets no more. Like ProcessPoolExecutor: when a worker dies (the out-of-memory
    killer, kill -9), the tasks it was running fail with BrokenProcessPool and so does every later submit."""

    def __init__(self, processes: int, threads: int, ctx: multiprocessing.context.BaseContext,
                 initializer: Callable[..., None] | None = None, initargs: tuple = ()):
        self._threads = max(1, threads)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a task was sent, finished or failed
        self._pending: deque[tuple[int, Future, Callable[..., Any], tuple]] = deque()
        self._conns: list[Any] = []
        self._procs: list[Any] = []
        self._ids = itertools.count()
        self._broken: str | None = None
        self._closing = False
        n = max(1, processes)
        self._threads_of = [0] * n  # the tasks a worker may run at once: 0 until it is started and once it is gone
        self._running: list[dict[int, Future]] = [{} for _ in range(n)]
        self._started = threading.Event()  # every worker started (or starting them failed)
        # started with the first task: a pool nobody gives work to (an ingest of GDELT files) costs nothing
        self._pump = threading.Thread(target=self._start_and_receive, name="tracktwo-pool",
                                      args=(ctx, n, initializer, initargs), daemon=True)

    def _start_and_receive(self, ctx: multiprocessing.context.BaseContext, n: int,
                           initializer: Callable[..., None] | None, initargs: tuple) -> None:
        """Start the workers in this thread (the first start also starts the fork server, which imports what
        workers need: most of a second, while the caller goes on, opening the warehouse, say); each takes tasks as
        soon as it is up. Then deliver results until every worker has exited. Whatever goes wrong in here fails
        every task still open: no caller waits forever."""
        try:
            self._start(ctx, n, initializer, initargs)
            self._started.set()
            self._receive()
        except BaseException as exc:
            log.exception("the worker pool's results thread failed")
            self._break(f"the worker pool failed: {exc.__class__.__name__}: {exc}", range(n))
            for conn in self._conns:  # nobody reads them now: the workers' sends fail and they exit
                conn.close()
        finally:
            self._started.set()

    def _start(self, ctx: multiprocessing.context.BaseContext, n: int,
               initializer: Callable[..., None] | None, initargs: tuple) -> None:
        for i in range(n):
            mine = theirs = None
            try:
                mine, theirs = ctx.Pipe(duplex=True)
                proc = ctx.Process(target=_threaded_worker, name="tracktwo-worker", daemon=True,
                                   args=(os.getpid(), theirs, self._threads, initializer, initargs))
                proc.start()
            except Exception as exc:  # fork failed (out of memory, too many processes), no fork server...
                for end in (mine, theirs):
                    if end is not None:
                        end.close()
                log.warning("worker process %d of %d could not be started (%s: %s)%s", i + 1, n,
                            exc.__class__.__name__, exc, "; going on with the others" if self._procs else "")
                if not self._procs:  # none at all: the caller runs everything itself
                    self._break(f"worker processes could not be started: {exc}", [])
                return
            theirs.close()
            with self._lock:
                self._conns.append(mine)
                self._procs.append(proc)
                self._threads_of[i] = self._threads
                failed = self._dispatch()
            _complete(failed)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if kwargs:
            raise TypeError("ThreadedProcessPool.submit takes positional arguments only")
        fut: Future = Future()
        with self._lock:
            if self._broken is not None:
                raise BrokenProcessPool(self._broken)
            if self._closing:
                raise RuntimeError("cannot submit after shutdown")
            if self._pump.ident is None:  # the first task: start the workers
                self._pump.start()
            self._pending.append((next(self._ids), fut, fn, args))
            failed = self._dispatch()
        _complete(failed)
        return fut

    def _dispatch(self) -> list[tuple[Future, BaseException]]:
        """Send waiting tasks to the workers with a free thread (called with the lock held); returns the futures
        to fail once the lock is released (their callbacks must not run under it)."""
        failed: list[tuple[Future, BaseException]] = []
        while self._pending:
            free = [i for i, running in enumerate(self._running) if len(running) < self._threads_of[i]]
            if not free:
                break
            i = min(free, key=lambda w: len(self._running[w]))
            task_id, fut, fn, args = self._pending.popleft()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                self._conns[i].send((task_id, fn, args))
            except (OSError, EOFError) as exc:  # the worker is gone (its sentinel tells _receive): none go there
                self._threads_of[i] = 0
                failed.append((fut, NeverStarted(f"a worker process is gone: {exc}")))
                continue
            except Exception as exc:  # the task could not be pickled
                failed.append((fut, exc))
                continue
            self._running[i][task_id] = fut
        self._changed.notify_all()  # shutdown waits for the waiting tasks to be sent
        return failed

    def _receive(self) -> None:
        """Deliver results as workers send them; a worker that dies breaks the pool (what it sent before it
        died is delivered first)."""
        alive = set(range(len(self._procs)))
        owner = {**{id(c): i for i, c in enumerate(self._conns)}, **{p.sentinel: i for i, p in enumerate(self._procs)}}
        while alive:
            watched = [self._conns[i] for i in alive] + [self._procs[i].sentinel for i in alive]
            for ready in mp_connection.wait(watched, timeout=0.5):
                i = owner[ready if isinstance(ready, int) else id(ready)]
                if i not in alive:
                    continue
                conn = self._conns[i]
                try:
                    if ready is conn:
                        self._deliver(i, conn.recv())
                        continue
                    while conn.poll():  # the process exited: what it sent before
                        self._deliver(i, conn.recv())
                except (EOFError, OSError):
                    pass
                alive.discard(i)
                self._lost(i)

    def _deliver(self, i: int, message: tuple[int | None, bool, bytes]) -> None:
        """One message of worker i: a task's result or error (pickled by the worker, so that one that cannot be
        read here fails its task alone), or (None, ...) when its setup failed."""
        task_id, ok, payload = message
        try:
            value = pickle.loads(payload)
        except Exception as exc:
            ok, value = False, RuntimeError(f"the task's result could not be read: {exc.__class__.__name__}: {exc}")
        if task_id is None:  # the worker's setup failed: nothing it was sent has started
            self._lost(i, f"a worker process could not be set up: {value}", started=False)
            return
        with self._lock:
            fut = self._running[i].pop(task_id, None)
            failed = self._dispatch()
            self._changed.notify_all()
        _complete(failed)
        if fut is not None:
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

    def _lost(self, i: int, reason: str = "a worker process died (out of memory?)", started: bool = True) -> None:
        """Worker i is gone: its running tasks fail (BrokenProcessPool; NeverStarted when its setup failed and it
        never took them), the waiting ones with NeverStarted (the caller may run them elsewhere), and so do later
        submits. Other workers finish what they run."""
        with self._lock:
            self._threads_of[i] = 0  # nothing more is sent to it
            if self._closing and not self._running[i]:
                self._changed.notify_all()
                return
        self._break(reason, [i], started)

    def _break(self, reason: str, workers: Iterable[int], started: bool = True) -> None:
        """The pool takes no more work: the tasks of `workers` fail, and every waiting one."""
        with self._lock:
            self._broken = self._broken or reason
            running: list[Future] = []
            for i in workers:
                running += self._running[i].values()
                self._running[i].clear()
                self._threads_of[i] = 0
            waiting = [fut for _, fut, _, _ in self._pending]
            self._pending.clear()
            self._changed.notify_all()
        warn_broken()
        _complete([(fut, (BrokenProcessPool if started else NeverStarted)(reason)) for fut in running]
                  + [(fut, NeverStarted(reason)) for fut in waiting])

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Waiting tasks are sent to workers first (or cancelled: always when not waiting); then each worker is
        told to stop, finishes what it runs, sends the results and exits."""
        with self._lock:
            self._closing = True
            cancelled = list(self._pending) if cancel_futures or not wait else []
            if cancelled:
                self._pending.clear()
            while wait and self._pending and self._broken is None:
                self._changed.wait()
        for _, fut, _, _ in cancelled:
            fut.cancel()
        if self._pump.ident is None:  # never given a task: no worker was started
            return
        self._started.wait()
        for conn in self._conns:
            try:
                conn.send(None)
            except (OSError, EOFError):
                pass
        if not wait:
            return
        self._pump.join()
        for proc in self._procs:
            proc.join()
        for conn in self._conns:
            conn.close()


def _complete(failed: list[tuple[Future, BaseException]]) -> None:
    for fut, exc in failed:
        if not fut.done():
            fut.set_exception(exc)


def _threaded_worker(owner: int, conn: Any, threads: int, initializer: Callable[..., None] | None,
                     initargs: tuple) -> None:
    """A ThreadedProcessPool worker: receives tasks, runs up to `threads` at once, sends each result back
    pickled (the owner reads it apart from the message, so one it cannot unpickle fails its task alone)."""
    send_lock = threading.Lock()

    def send(task_id: int | None, ok: bool, value: Any) -> None:
        try:
            payload = pickle.dumps(value)
        except Exception as exc:  # a result or an exception that cannot be pickled
            ok, payload = False, pickle.dumps(RuntimeError(f"the task's result could not be sent back: {exc}"))
        with send_lock:
            try:
                conn.send((task_id, ok, payload))
            except (OSError, EOFError):  # the owner is gone
                os._exit(0)

    try:
        _start_worker(owner, initializer, initargs)
    except BaseException as exc:
        send(None, False, RuntimeError(f"{exc.__class__.__name__}: {exc}"))
        return

    def run(task_id: int, fn: Callable[..., Any], args: tuple) -> None:
        try:
            result: tuple[bool, Any] = (True, fn(*args))
        except BaseException as exc:  # delivered to the caller's future
            result = (False, exc)
        send(task_id, *result)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tracktwo-task") as pool:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            if msg is None:
                break
            pool.submit(run, *msg)


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = (), threads: int = 1) -> Iterator[Executor]:
    """A pool of `workers` processes, each set up by `initializer(*initargs)` and running `threads` tasks at once
    (for 1 worker, or when this process cannot start children: this process, inline for 1 thread, else in
    `threads` threads). Workers are forked from a fork server (see `_context`), never from
    the caller, whose threads (fetches, DuckDB's) a fork would copy mid-work; each exits by itself when the
    caller is gone."""
    if workers <= 1 or multiprocessing.current_process().daemon:
        if workers > 1:
            log.info("this is a daemonic process, which may not start workers: parsing in-process")
        if initializer is not None:
            initializer(*initargs)
        if threads <= 1:
            yield InlineExecutor()
            return
        threaded = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tracktwo-task")
        try:
            yield threaded
        finally:  # what has not started is cancelled (interrupted: Ctrl-C), as with the processes
            threaded.shutdown(wait=True, cancel_futures=True)
        return
    pool = ThreadedProcessPool(workers, threads, _context(), initializer, initargs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

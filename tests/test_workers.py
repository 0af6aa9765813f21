"""ThreadedProcessPool: several tasks at once per worker process, never more than its threads, results and
errors delivered, and a dead worker breaking the pool the way concurrent.futures' pool does."""

from __future__ import annotations

import os
import pickle
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from tracktwo.core.workers import NeverStarted, ThreadedProcessPool, process_pool


def _interval(seconds: float) -> tuple[int, float, float]:
    start = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of this machine
    time.sleep(seconds)
    return os.getpid(), start, time.monotonic()


def _exit_after(seconds: float) -> None:
    time.sleep(seconds)  # long enough for the test to queue the tasks it means to be left waiting
    os._exit(3)


def _most_at_once(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


def _fail(message: str) -> None:
    raise ValueError(message)


def _unpicklable() -> object:
    return threading.Lock()


def test_each_worker_runs_its_threads_at_once_and_no_more():
    with process_pool(2, threads=3) as pool:
        assert isinstance(pool, ThreadedProcessPool)
        pool.submit(pow, 1, 1).result(timeout=60)  # the workers start with the first task
        assert pool._started.wait(60)  # both workers up: the next tasks go three to each
        results = [f.result() for f in [pool.submit(_interval, 0.4) for _ in range(12)]]
    by_pid: dict[int, list[tuple[float, float]]] = {}
    for pid, start, end in results:
        by_pid.setdefault(pid, []).append((start, end))
    assert len(by_pid) == 2 and os.getpid() not in by_pid
    assert all(_most_at_once(iv) == 3 for iv in by_pid.values())  # three at once in each, never four


def test_results_and_errors_come_back():
    with process_pool(2, threads=2) as pool:
        assert pool.submit(pow, 3, 4).result() == 81
        with pytest.raises(ValueError, match="bad feed"):
            pool.submit(_fail, "bad feed").result()
        with pytest.raises(RuntimeError, match="could not be sent back"):
            pool.submit(_unpicklable).result()
        with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
            pool.submit(lambda: 1).result()  # a task that cannot be sent fails alone
        assert pool.submit(pow, 2, 10).result() == 1024  # the pool is not broken by any of these


def test_a_dead_worker_breaks_the_pool():
    """The task that was running in the dead worker fails with BrokenProcessPool; tasks no worker had started
    fail with NeverStarted (the caller may run them elsewhere); the other worker finishes what it runs; later
    submits raise."""
    with process_pool(2, threads=1) as pool:
        slow = pool.submit(_interval, 3.0)
        time.sleep(0.2)  # `slow` is running in one worker; the other is free
        # the other worker dies 1 s into its task: the three submitted meanwhile wait (both workers busy); a
        # worker that died at once could break the pool before they are submitted (seen under CI load)
        dying = pool.submit(_exit_after, 1.0)
        waiting = [pool.submit(_interval, 0.1) for _ in range(3)]
        with pytest.raises(BrokenProcessPool) as died:
            dying.result(timeout=30)
        assert not isinstance(died.value, NeverStarted)
        for fut in waiting:
            with pytest.raises(NeverStarted):
                fut.result(timeout=30)
        assert slow.result(timeout=30)[0] != os.getpid()  # finished by the worker that is still alive
        with pytest.raises(BrokenProcessPool):
            pool.submit(pow, 2, 2)


def test_one_worker_runs_tasks_in_threads_of_this_process():
    with process_pool(1, threads=3) as pool:
        results = [f.result() for f in [pool.submit(_interval, 0.3) for _ in range(6)]]
    assert {pid for pid, _, _ in results} == {os.getpid()}
    assert _most_at_once([(s, e) for _, s, e in results]) == 3


def test_workers_that_cannot_start_leave_the_tasks_to_the_caller():
    """Starting the processes fails (no fork server, too many processes): waiting tasks fail with NeverStarted
    (an ingest fetches them in its own process) and later submits say the pool is broken."""
    import multiprocessing

    real = multiprocessing.get_context("spawn")

    class NoProcesses:
        Pipe = staticmethod(real.Pipe)

        class Process:
            def __init__(self, *args, **kwargs):
                pass

            def start(self):
                raise OSError(11, "Resource temporarily unavailable")

    pool = ThreadedProcessPool(2, 2, NoProcesses())  # type: ignore[arg-type]
    try:
        try:
            fut = pool.submit(pow, 2, 3)
        except BrokenProcessPool:
            pass  # the start failed before this submit
        else:
            with pytest.raises(NeverStarted, match="could not be started"):
                fut.result(timeout=30)
        with pytest.raises(BrokenProcessPool, match="could not be started"):
            pool.submit(pow, 2, 3)
    finally:
        pool.shutdown()


class _TwoArgs(Exception):
    """Pickles in the worker, but cannot be rebuilt from its pickle (its __init__ wants two arguments)."""

    def __init__(self, a, b):
        super().__init__(f"{a} {b}")


def _raise_two_args() -> None:
    raise _TwoArgs("x", "y")


def _setup_fails() -> None:
    raise ValueError("no config here")


def test_a_result_that_cannot_be_read_fails_its_task_alone():
    with process_pool(2, threads=2) as pool:
        with pytest.raises(RuntimeError, match="could not be read"):
            pool.submit(_raise_two_args).result(timeout=30)
        assert pool.submit(pow, 2, 5).result(timeout=30) == 32  # the pool still works


def test_a_worker_whose_setup_fails_started_nothing():
    """Workers whose initializer raises: their tasks never started (NeverStarted, so an ingest fetches them in its
    own process), and the pool takes no more."""
    with process_pool(2, _setup_fails, threads=2) as pool:
        futures = [pool.submit(pow, 2, n) for n in range(6)]
        for fut in futures:
            with pytest.raises(NeverStarted, match="could not be set up: ValueError: no config here"):
                fut.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            pool.submit(pow, 2, 2)


def test_the_workers_that_started_do_the_work_when_another_cannot_start():
    """The second worker cannot be started (fork failed: out of memory): the first runs every task."""
    import multiprocessing

    real = multiprocessing.get_context("spawn")
    starts = []

    class SecondFails:
        Pipe = staticmethod(real.Pipe)

        @staticmethod
        def Process(*args, **kwargs):
            starts.append(1)
            if len(starts) == 2:
                raise OSError(12, "Cannot allocate memory")
            return real.Process(*args, **kwargs)

    pool = ThreadedProcessPool(2, 2, SecondFails())  # type: ignore[arg-type]
    try:
        results = [f.result(timeout=60) for f in [pool.submit(_interval, 0.05) for _ in range(8)]]
    finally:
        pool.shutdown()
    assert len({pid for pid, _, _ in results}) == 1 and len(starts) == 2

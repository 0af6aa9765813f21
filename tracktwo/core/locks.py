"""Advisory file locks: the one way tracktwo keeps two processes from doing the same write at once.

The operating system drops a lock when its process dies, so a killed process never leaves one behind
(kill -9 included); the lock files themselves stay and are harmless.
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def try_for(attempt: Callable[[], bool], wait: float) -> bool:
    """Call `attempt` until it returns True or `wait` seconds have passed (0: once), backing off from 50 ms to
    1 s between calls; whether it succeeded. The one waiting loop of every lock here and in the lake's."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while not attempt():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(delay, left))
        delay = min(delay * 2, 1.0)
    return True


@contextmanager
def file_lock(path: Path, wait: float = 0.0, shared: bool = False) -> Iterator[bool]:
    """Hold an exclusive (or, with `shared`, a shared) lock on `path` (created if needed); yields False when
    another process keeps a conflicting lock for longer than `wait` seconds (0: do not wait)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        def attempt() -> bool:
            try:
                fcntl.flock(f, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        if not try_for(attempt, wait):
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)

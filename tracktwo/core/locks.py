"""Advisory file locks: the one way tracktwo keeps two processes from doing the same write at once.

The operating system drops a lock when its process dies, so a killed process never leaves one behind
(kill -9 included); the lock files themselves stay and are harmless.
"""

from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def file_lock(path: Path, wait: float = 0.0, shared: bool = False) -> Iterator[bool]:
    """Hold an exclusive (or, with `shared`, a shared) lock on `path` (created if needed); yields False when
    another process keeps a conflicting lock for longer than `wait` seconds (0: do not wait)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    delay = 0.05
    with open(path, "a+") as f:
        while True:
            try:
                fcntl.flock(f, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    yield False
                    return
                time.sleep(min(delay, left))
                delay = min(delay * 2, 1.0)
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)

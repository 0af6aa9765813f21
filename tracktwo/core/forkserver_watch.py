"""Preloaded by the worker pool's fork server (tracktwo.core.workers.PRELOAD): the fork server exits when the
process that started it is gone. Python's fork server waits for its owner to close a pipe, which a killed
owner's workers can keep open; this watch does not depend on that.

The watch is armed only inside a fork server (started as `python -c 'from multiprocessing.forkserver import
main; ...'`): imported anywhere else, this module does nothing."""

from __future__ import annotations

import os
import sys
import threading
import time


def _watch(owner: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != owner:  # reparented: the owner died
            os._exit(0)


def _in_fork_server() -> bool:
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


if _in_fork_server():
    threading.Thread(target=_watch, args=(os.getppid(),), name="tracktwo-forkserver-watch", daemon=True).start()

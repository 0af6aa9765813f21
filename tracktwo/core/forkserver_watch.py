"""Preloaded by the worker pool's fork server only (tracktwo.core.workers.PRELOAD): the fork server exits when
the process that started it is gone. Python's fork server waits for its owner to close a pipe, which a killed
owner's workers can keep open; this watch does not depend on that. Nothing else imports this module."""

from __future__ import annotations

import os
import threading
import time

_OWNER = os.getppid()


def _watch() -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != _OWNER:  # reparented: the owner died
            os._exit(0)


threading.Thread(target=_watch, name="tracktwo-forkserver-watch", daemon=True).start()

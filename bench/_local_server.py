"""A static file server on 127.0.0.1 in a child process (`python -m http.server`, which answers
If-Modified-Since with 304), for the benchmarks that fetch over HTTP: in its own process so that serving does not
compete with the measured process for its interpreter."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, port: int, probe: str) -> subprocess.Popen:
    """Serve `folder` on 127.0.0.1:`port`; returns once `probe` (a path under it) answers."""
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                             str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/{probe}", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"local server for {folder} did not start")

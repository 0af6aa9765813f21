"""Shared test fixtures: a temporary config + data dir, and the real-data folder."""

from __future__ import annotations

from contextlib import contextmanager
import shutil
from pathlib import Path

import pytest
import yaml

from tracktwo.core.config import Config
from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CONFIG = ROOT / "config"
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared" / "fixtures"

FAST_HTTP = {"retries": 2, "backoff_base": 0, "backoff_max": 0, "connect_timeout": 2, "read_timeout": 2, "max_retry_after": 5}


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/fixtures is absent (real-format data not available)")
    return SHARED


@pytest.fixture
def make_config(tmp_path):
    """Build a Config in tmp_path with the given sources; regions and gazetteer come from config/."""

    def _make(sources: list[dict], http: dict | None = None, name: str = "run") -> Config:
        cfg = tmp_path / name / "config"
        cfg.mkdir(parents=True, exist_ok=True)
        for p in PROJECT_CONFIG.iterdir():
            if p.is_file() and p.name != "sources.yaml":
                shutil.copy2(p, cfg / p.name)
        doc = {"http": {**FAST_HTTP, **(http or {})}, "sources": sources}
        (cfg / "sources.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return open_config(Settings.from_env(cfg, tmp_path / name / "data"))  # the test's TRACKTWO_* too

    return _make


def rss_source(id: str, url: str, **kw) -> dict:
    return {"id": id, "kind": "rss", "url": url, "publisher": kw.pop("publisher", id.title()), **kw}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / "feeds" / name).read_bytes()


@pytest.fixture(scope="session")
def make_httpserver():
    """A threaded fixture server on 127.0.0.1, so one slow handler does not stall the others."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@contextmanager
def batch_writer(settings):
    """A writer whose inserts commit as one transaction: hand-built test rows are written row by row, and in a
    lake every autocommitted statement is a snapshot of its own (a Parquet file or a catalog row each)."""
    from warehouse.db import writer

    with writer(settings) as con:
        con.execute("BEGIN")
        yield con
        con.execute("COMMIT")

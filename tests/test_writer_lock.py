"""One writer at a time: a second writer waits (bounded) and then fails clearly; readers block nobody."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tracktwo.core.settings import Settings
from warehouse.db import WarehouseBusy, reader, writer


def _holder(settings: Settings, inside: str, after: str = "") -> subprocess.Popen:
    """Another process that holds a writer connection while it runs `inside`, then `after` without it."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from tracktwo.core.settings import Settings
        from warehouse.db import writer
        with writer(Settings(Path({str(settings.config_dir)!r}), Path({str(settings.data_dir)!r}))):
            print("locked", flush=True)
            {inside}
        {after}
    """)], stdout=subprocess.PIPE, text=True)


def test_second_writer_waits_then_fails(tmp_path):
    settings = Settings(tmp_path / "config", tmp_path)
    with writer(settings) as con:
        con.execute("SELECT count(*) FROM documents").fetchall()
    holder = _holder(settings, "time.sleep(30)")
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(WarehouseBusy) as err:
            with writer(settings, lock_timeout=1.0):
                pass
        waited = time.monotonic() - t0
        assert waited >= 0.9
        assert "being written by another process" in str(err.value) and str(settings.lake_path) in str(err.value)
    finally:
        holder.kill()
        holder.wait()
    # the file is intact and usable once the holder is gone
    with writer(settings, lock_timeout=5) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_second_writer_gets_in_when_first_finishes(tmp_path):
    settings = Settings(tmp_path / "config", tmp_path)
    with writer(settings):
        pass
    holder = _holder(settings, "time.sleep(1.0)", after="time.sleep(5)")
    try:
        assert holder.stdout.readline().strip() == "locked"
        with writer(settings, lock_timeout=10) as con:
            con.execute("INSERT INTO sources VALUES ('s', 'rss', 'https://e.org', NULL, NULL, NULL, true)")
    finally:
        holder.kill()
        holder.wait()
    with reader(settings) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_reader_without_warehouse(tmp_path):
    from warehouse.db import WarehouseMissing

    with pytest.raises(WarehouseMissing, match="tracktwo ingest"):
        with reader(Settings(tmp_path, tmp_path / "nope")):
            pass

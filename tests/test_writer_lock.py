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


def _competitor(settings: Settings, wait: float) -> subprocess.Popen:
    """Another writer (indicators, an Airflow load) that waits up to `wait` seconds for the lock, then says
    whether it got in, and when."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from tracktwo.core.settings import Settings
        from warehouse.db import WarehouseBusy, writer
        try:
            with writer(Settings(Path({str(settings.config_dir)!r}), Path({str(settings.data_dir)!r})),
                        lock_timeout={wait}):
                print("in", time.time(), flush=True)
        except WarehouseBusy:
            print("busy", time.time(), flush=True)
    """)], stdout=subprocess.PIPE, text=True)


def _failed_records(settings: Settings, n: int):
    """n landed fetch records (failed fetches: no payload to parse), as an ingest lands them."""
    from datetime import datetime, timedelta, timezone

    from extractors.landing import FetchRecord, Landing, iso

    landing = Landing(settings.data_dir)
    t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        t += timedelta(seconds=1)
        rec = FetchRecord(run_id=landing.new_run_id("s", t), source_id="s", kind="rss", url="http://127.0.0.1:9/f",
                          started_at=iso(t), finished_at=iso(t), status="failed", error=f"fetch {i} failed")
        out.append(landing.write(rec, None, ".xml"))
    return out


def test_a_long_load_gives_the_writer_lock_in_turns(make_config):
    """A load that keeps receiving fetches (never idle) for 6 s, with a writer wait of 2 s: it commits and
    gives the lock back after 1 s (half the wait), so a competing writer waiting 2 s gets in while the load is
    still running; every fetch is still loaded once."""
    import dataclasses
    import threading

    from tracktwo.pipeline import kinds
    from warehouse.load import load_stream

    config = make_config([])
    config.settings = dataclasses.replace(config.settings, lock_timeout=2.0)
    with writer(config.settings):
        pass
    records = _failed_records(config.settings, 30)
    done: dict[str, float] = {}

    def stream(loaded):
        for rec in records:
            time.sleep(0.2)  # a fetch lands every 0.2 s: never a second without one
            yield rec

    def load() -> None:
        done["runs"] = len(load_stream(config, kinds.loaders(), stream))
        done["at"] = time.time()

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(1.5)
    competitor = _competitor(config.settings, wait=2.0)
    answer, at = competitor.stdout.readline().split()
    competitor.wait()
    loader.join()
    assert answer == "in" and float(at) < done["at"] - 0.5  # got in while the load was still going
    assert done["runs"] == 30
    with reader(config.settings) as con:
        assert con.execute("SELECT count(*), count(DISTINCT run_id) FROM ingest_runs").fetchone() == (30, 30)


def test_an_idle_ingest_holds_no_lock(make_config, make_httpserver):
    """While a slow source is still downloading, the ingest has committed what landed and holds no lock: a
    writer that waits 2 s gets in at once."""
    import threading

    from werkzeug import Response

    from conftest import fixture_bytes, rss_source
    from tracktwo import pipeline

    def slow(request):
        time.sleep(9)  # room for the competitor's own start-up on a loaded machine (its margin below: 1 s)
        return Response(fixture_bytes("rss2.xml"), content_type="application/rss+xml")

    make_httpserver.expect_request("/quick-feed").respond_with_data(fixture_bytes("rss1.xml"),
                                                                    content_type="application/rss+xml")
    make_httpserver.expect_request("/slow-feed").respond_with_handler(slow)
    config = make_config([rss_source("quick", make_httpserver.url_for("/quick-feed")),
                          rss_source("slow", make_httpserver.url_for("/slow-feed"))], http={"read_timeout": 20})
    done: dict[str, object] = {}

    def ingest() -> None:
        done["runs"] = pipeline.ingest(config, pipeline.select_sources(config, []), workers=2)
        done["at"] = time.time()

    t = threading.Thread(target=ingest)
    t.start()
    time.sleep(3.5)  # the quick feed is loaded; the slow one is still on its way
    competitor = _competitor(config.settings, wait=2.0)
    answer, at = competitor.stdout.readline().split()
    competitor.wait()
    t.join()
    assert answer == "in" and float(at) < done["at"] - 1
    assert sorted((r.source_id, r.status) for r in done["runs"]) == [("quick", "ok"), ("slow", "ok")]


def test_a_turn_skips_what_another_writer_loaded_meanwhile(make_config):
    """Between two turns another writer may load a landed fetch: the next turn sees it and does not load it
    again (in the first turn nothing can have been, the lock being held since the loaded set was read)."""
    from datetime import datetime

    from extractors.landing import Landing
    from warehouse.load import _WriterTurns

    config = make_config([])
    with writer(config.settings):
        pass
    turns = _WriterTurns(config, Landing(config.settings.data_dir), hold=30.0)
    with turns:
        turns.ctx()
        assert turns.loaded_elsewhere(["x", "y"]) == set()  # first turn
        turns.release()
        with writer(config.settings) as con:  # another writer, while the lock is given back
            con.execute("INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status) "
                        "VALUES ('x', 's', 'rss', 'http://127.0.0.1:9/f', ?, ?, 'ok')",
                        [datetime(2026, 11, 1), datetime(2026, 11, 1)])
        turns.ctx()
        assert turns.turns == 2 and turns.loaded_elsewhere(["x", "y"]) == {"x"}

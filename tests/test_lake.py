"""The warehouse as a DuckLake: readers never block writers, keys hold without constraints, snapshots reproduce
what a past reader saw, and the extensions load offline (docs/warehouse.md)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from conftest import fixture_bytes, rss_source
from tracktwo.cli import main
from tracktwo.core.settings import Settings
from warehouse import lake
from warehouse.db import MIGRATIONS_DIR, query, reader

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@pytest.fixture
def two_feeds(httpserver, make_config):
    httpserver.expect_request("/a").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/b").respond_with_data(fixture_bytes("atom.xml"), content_type=ATOM)
    config = make_config([rss_source("a", httpserver.url_for("/a")), rss_source("b", httpserver.url_for("/b"))])
    return config, ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]


def _held_reader(settings: Settings) -> subprocess.Popen:
    """A researcher's session in another process: opens the lake, reads, and keeps the connection open;
    on a line from us it reads again through the same connection and prints both counts."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from tracktwo.core.settings import Settings
        from warehouse.db import reader
        with reader(Settings(Path({str(settings.config_dir)!r}), Path({str(settings.data_dir)!r}))) as con:
            print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
            sys.stdin.readline()
            print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_reader_held_open_never_blocks_ingest_and_keeps_its_snapshot(httpserver, make_config, monkeypatch):
    httpserver.expect_request("/a").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/b").respond_with_data(fixture_bytes("atom.xml"), content_type=ATOM)
    config = make_config([rss_source("a", httpserver.url_for("/a")), rss_source("b", httpserver.url_for("/b"))])
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    monkeypatch.setenv("TRACKTWO_LOCK_TIMEOUT", "0")
    assert main(flags + ["ingest", "a"]) == 0
    first = query(config.settings, "SELECT count(*) FROM documents")[0][0]
    held = _held_reader(config.settings)
    try:
        assert int(held.stdout.readline()) == first
        # the writer does not wait for the reader: lock timeout 0 would turn any wait into exit code 3
        assert main(flags + ["ingest", "b"]) == 0
        assert main(flags + ["indicators"]) == 0
        after = query(config.settings, "SELECT count(*) FROM documents")[0][0]
        assert after > first
        held.stdin.write("again\n")
        held.stdin.flush()
        assert int(held.stdout.readline()) == first  # a consistent snapshot for as long as it stays open
    finally:
        held.kill()
        held.wait()


def _documented_keys() -> dict[str, list[str]]:
    """table -> key columns, from the `-- key: ...` comment above each CREATE TABLE in the lake schema."""
    text = (MIGRATIONS_DIR / "001_lake.sql").read_text(encoding="utf-8")
    keys = {}
    for m in re.finditer(r"-- key: \(?([a-z0-9_, ]+?)\)?\.[^\n]*\n(?:--[^\n]*\n)*CREATE TABLE (\w+)", text):
        keys[m.group(2)] = [c.strip() for c in m.group(1).split(",")]
    return keys


def test_every_table_states_its_key():
    keys = _documented_keys()
    text = (MIGRATIONS_DIR / "001_lake.sql").read_text(encoding="utf-8")
    tables = set(re.findall(r"CREATE TABLE (\w+)", text))
    assert tables - set(keys) == {"digest_log"}  # an append-only log of attempts: no key
    assert keys["documents"] == ["doc_id"] and keys["region_daily"] == ["region_id", "day", "as_of"]


def test_keys_hold_after_repeated_loads_and_runs(tmp_path):
    """The uniqueness constraints gave is kept by the load logic: the demo pipeline, then every step again,
    then a rebuild, and no key of any table has a duplicate."""
    from tracktwo.demo import run_demo
    from rich.console import Console

    from tracktwo.core.settings import packaged_config_dir

    with open("/dev/null", "w") as quiet:
        assert run_demo(Settings(packaged_config_dir(), tmp_path), Console(file=quiet), out=tmp_path / "demo") == 0
    flags = ["--config-dir", str(tmp_path / "demo" / "config"), "--data-dir", str(tmp_path / "demo")]
    settings = Settings(tmp_path / "demo" / "config", tmp_path / "demo")
    assert main(flags + ["load"]) == 0
    assert main(flags + ["indicators"]) == 0
    from warehouse.db import writer

    # a new day of events (the last day's again, under new ids) and an edited story: an incremental run rewrites
    # current indicator rows and alert versions, and the documents get new versions, all without a key
    with writer(settings) as con:
        con.execute("BEGIN")
        con.execute("INSERT INTO events SELECT * REPLACE ('x' || event_id AS event_id, 'x' || source_event_id AS "
                    "source_event_id, event_date + 1 AS event_date, date_added + INTERVAL 1 DAY AS date_added, "
                    "'late' AS run_id) FROM events WHERE event_date = (SELECT max(event_date) FROM events)")
        con.execute("INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status) "
                    "SELECT 'late', 'gdelt-demo', 'gdelt_events', 'http://x', max(loaded_at) + INTERVAL 1 DAY, "
                    "max(loaded_at) + INTERVAL 1 DAY, 'ok' FROM ingest_runs")
        con.execute("COMMIT")
    assert main(flags + ["indicators"]) == 0
    assert main(flags + ["indicators", "--full"]) == 0
    assert main(flags + ["rebuild"]) == 0
    for table, key in _documented_keys().items():
        cols = ", ".join(key)
        dupes = query(settings, f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 3")
        assert dupes == [], (table, dupes)
    assert query(settings, "SELECT count(*) FROM documents")[0][0] > 100
    assert query(settings, "SELECT count(*) FROM events")[0][0] > 1000


def test_snapshot_reproduces_what_an_earlier_reader_saw(httpserver, make_config):
    httpserver.expect_request("/a").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/b").respond_with_data(fixture_bytes("atom.xml"), content_type=ATOM)
    config = make_config([rss_source("a", httpserver.url_for("/a")), rss_source("b", httpserver.url_for("/b"))])
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    assert main(flags + ["ingest", "a"]) == 0
    with reader(config.settings) as con:
        version = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0]
        seen = con.execute("SELECT doc_id, title FROM documents ORDER BY doc_id").fetchall()
    assert main(flags + ["ingest", "b"]) == 0
    with reader(config.settings, snapshot_version=version) as con:
        assert con.execute("SELECT doc_id, title FROM documents ORDER BY doc_id").fetchall() == seen
    with reader(config.settings) as con:  # the same through SQL: AT (VERSION => n)
        assert con.execute("SELECT doc_id, title FROM documents AT (VERSION => $v) ORDER BY doc_id",
                           {"v": version}).fetchall() == seen
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] > len(seen)


def test_extensions_load_from_the_wheels_offline():
    con = duckdb.connect()
    for name in ("ducklake", "sqlite", "postgres"):
        path = lake.extension_path(name)
        assert path is not None and path.name == f"{lake.EXTENSIONS[name][1]}.duckdb_extension", name
        lake.load_extension(con, name)
    loaded = {r[0] for r in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    assert {"ducklake", "sqlite_scanner", "postgres_scanner"} <= loaded


def test_missing_extension_names_the_package(monkeypatch):
    monkeypatch.setattr(lake, "_wheel_file", lambda name: None)
    con = duckdb.connect()
    con.execute("SET custom_extension_repository = 'http://127.0.0.1:9/'")  # no download, fails at once
    with pytest.raises(lake.EngineError, match=rf"pip install duckdb-extension-ducklake=={duckdb.__version__}"):
        lake.load_extension(con, "ducklake")


def test_catalog_setting_is_validated_and_never_printed_with_its_password():
    from tracktwo.core.errors import ConfigError

    s = Settings.from_env(data_dir="/tmp/x", env={"TRACKTWO_CATALOG": "postgres:dbname=t host=db"})
    assert s.catalog == "postgres:dbname=t host=db" and not s.embedded
    # a password in the setting would reach DuckDB's errors and duckdb_databases(): refused, never echoed
    for bad in ("postgres:dbname=t host=db password=hunter2", "postgres:postgresql://u:hunter2@db/t",
                "mysql:password=hunter2"):
        with pytest.raises(ConfigError) as err:
            Settings.from_env(data_dir="/tmp/x", env={"TRACKTWO_CATALOG": bad})
        assert "hunter2" not in str(err.value)
    embedded = Settings.from_env(data_dir="/tmp/x", env={})
    assert embedded.catalog == f"sqlite:{Path('/tmp/x/lake/catalog.sqlite')}"
    assert embedded.lake_data_path == "/tmp/x/lake/data/"


def test_interrupted_swap_is_finished_by_the_next_open(tmp_path):
    """A kill between moving a plain `<data>/lake` folder under lakes/ and linking it leaves no `<data>/lake` but
    a complete lake: the next command links it."""
    settings = Settings(tmp_path / "config", tmp_path)
    from warehouse.db import writer

    with writer(settings) as con:
        con.execute("INSERT INTO sources VALUES ('s', 'rss', 'https://e.org', NULL, NULL, NULL, true)")
    target = settings.lake_path.resolve()
    assert settings.lake_path.is_symlink() and target.parent == tmp_path / "lakes"
    lake.mark_complete(target)
    settings.lake_path.unlink()
    assert query(settings, "SELECT source_id FROM sources") == [("s",)]
    assert settings.lake_path.is_symlink() and settings.lake_path.resolve() == target


def test_reader_open_during_a_rebuild_keeps_reading_the_lake_it_opened(two_feeds):
    """A dashboard or notebook that opened the lake before a rebuild swapped it keeps reading that lake, whole;
    the next reader sees the rebuilt one (which has only what landing and the carried history give)."""
    from tracktwo import pipeline
    from warehouse.db import writer

    config, flags = two_feeds
    assert main(flags + ["ingest", "a"]) == 0
    with writer(config.settings) as con:  # a row landing cannot recreate: gone after the rebuild
        con.execute("INSERT INTO sources VALUES ('hand', 'rss', 'https://e.org', NULL, NULL, NULL, true)")
        con.execute("UPDATE documents SET title = 'edited by hand'")
    with reader(config.settings) as old:
        before = old.execute("SELECT count(*), min(title) FROM documents").fetchall()
        pipeline.rebuild(config)
        assert old.execute("SELECT count(*), min(title) FROM documents").fetchall() == before
        assert old.execute("SELECT count(*) FROM lake_info").fetchone()[0] == 1
    with reader(config.settings) as new:
        count, title = new.execute("SELECT count(*), min(title) FROM documents").fetchone()
        assert count == before[0][0] and title != "edited by hand"
    backups = [p for p in (config.settings.data_dir / "lakes").iterdir() if p != config.settings.lake_path.resolve()]
    assert len(backups) == 1 and (backups[0] / lake.COMPLETE_MARKER).exists()  # the old lake, kept


def test_maintain_compacts_without_changing_a_row(tmp_path):
    """Many small commits, then `tracktwo maintain`: fewer files, the same rows, time travel inside the
    retention still works."""
    from warehouse.db import writer
    from warehouse.maintain import data_files

    settings = Settings(tmp_path / "config", tmp_path)
    for i in range(12):  # 12 loads of 1,500 rows: each a Parquet file of its own (over the inlining limit)
        with writer(settings) as con:
            con.execute("INSERT INTO sources SELECT 's' || ($i * 1500 + r), 'rss', 'https://e.org/' || r, NULL, NULL, "
                        "NULL, true FROM range(1500) t(r)", {"i": i})
    with reader(settings) as con:
        before_files = data_files(con)
        rows = con.execute("SELECT * FROM sources ORDER BY source_id").fetchall()
        version = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()[0]
    flags = ["--config-dir", str(settings.config_dir), "--data-dir", str(settings.data_dir)]
    assert main(flags + ["maintain"]) == 0
    with reader(settings) as con:
        assert data_files(con) < before_files and before_files >= 12  # 12 loads, plus the tables migrations fill
        assert con.execute("SELECT * FROM sources ORDER BY source_id").fetchall() == rows
    with reader(settings, snapshot_version=version) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == len(rows) == 18_000
    assert main(flags + ["maintain", "--keep-days", "0"]) != 0  # would break open readers: refused


def test_compact_only_merges_files_and_expires_nothing(tmp_path, capsys, monkeypatch):
    """`tracktwo maintain --compact-only` (hourly in Airflow): fewer files, the same rows, no snapshot expired;
    the Airflow task expires only in its 03:15 run (its own run time decides, not the clock)."""
    import tracktwo.airflow as af
    from datetime import datetime

    from warehouse.db import writer
    from warehouse.maintain import _snapshots, data_files

    settings = Settings(tmp_path / "config", tmp_path)
    for i in range(6):
        with writer(settings) as con:
            con.execute("INSERT INTO sources SELECT 's' || ($i * 1500 + r), 'rss', 'https://e.org/' || r, NULL, NULL, "
                        "NULL, true FROM range(1500) t(r)", {"i": i})
    with reader(settings) as con:
        files, snaps = data_files(con), _snapshots(con)
        rows = con.execute("SELECT * FROM sources ORDER BY source_id").fetchall()
    flags = ["--config-dir", str(settings.config_dir), "--data-dir", str(settings.data_dir)]
    import warehouse.maintain as wm

    calls: list[str] = []
    real_writer = wm.writer

    class Recording:  # the writer connection, recording the maintenance calls it runs
        def __init__(self, con):
            self.con = con

        def execute(self, sql, *args):
            calls.append(sql.split("(")[0].removeprefix("CALL ").strip())
            return self.con.execute(sql, *args)

    from contextlib import contextmanager

    @contextmanager
    def recording_writer(settings_):
        with real_writer(settings_) as con:
            yield Recording(con)

    monkeypatch.setattr(wm, "writer", recording_writer)
    monkeypatch.setattr(wm, "data_files", lambda con: data_files(con.con))
    monkeypatch.setattr(wm, "_snapshots", lambda con: _snapshots(con.con))
    assert main(flags + ["maintain", "--compact-only"]) == 0
    assert "none expired (--compact-only)" in capsys.readouterr().out
    assert "ducklake_expire_snapshots" not in calls and "ducklake_merge_adjacent_files" in calls
    assert "ducklake_cleanup_old_files" in calls  # the merged-away files are deleted at once
    with reader(settings) as con:
        assert data_files(con) < files and _snapshots(con) >= snaps
        assert con.execute("SELECT * FROM sources ORDER BY source_id").fetchall() == rows
    calls.clear()
    assert main(flags + ["maintain"]) == 0
    assert "ducklake_expire_snapshots" in calls

    calls = []
    monkeypatch.setattr(af, "load_config", lambda: None)
    monkeypatch.setattr("tracktwo.pipeline.maintain", lambda config, expire: calls.append(expire) or
                        type("R", (), {"files_before": 1, "files_after": 1, "snapshots_before": 1,
                                       "snapshots_after": 1})())
    for hour, expire in ((2, False), (3, True), (4, False)):
        monkeypatch.setattr(af, "run_after", lambda h=hour: datetime(2026, 11, 30, h, 15))
        assert af.maintain_lake()["expired"] is expire
    assert calls == [False, True, False]


def test_a_moved_link_never_gives_a_document_two_rows_of_one_version(make_config):
    """Item K was at /a; the next fetch has K at /b and a new item K2 at /a. Both map to K's document (K by its
    id, K2 by its link): the first in feed order wins, and no (doc_id, version) is written twice. With a
    PRIMARY KEY this used to fail the load; without one it must not duplicate."""
    from datetime import datetime

    from extractors.landing import FetchRecord, Landing
    from extractors.rss import FeedItem, ParsedFeed
    from warehouse.db import writer
    from warehouse.documents import merge_feeds, prepare_items
    from warehouse.gazetteer import Gazetteer
    from warehouse.load import LoadContext

    config = make_config([rss_source("s", "https://feed.example.org/rss")])
    gaz = Gazetteer(config.gazetteer, config.regions)

    def item(key, url, title):
        return FeedItem(key, url, title, "", datetime(2026, 11, 1), "en", f"h-{key}-{url}-{title}")

    def load(items, run):
        rec = FetchRecord(run_id=run, source_id="s", kind="rss", url="https://feed.example.org/rss",
                          started_at="2026-11-01T00:00:00.000000Z", finished_at="2026-11-01T00:00:01.000000Z",
                          status="ok", body_file=f"landing/{run}")
        with writer(config.settings) as con:
            con.execute("BEGIN")
            [summary] = merge_feeds(LoadContext(con, config, Landing(config.settings.data_dir)),
                                    [(rec, prepare_items("s", ParsedFeed(items, None, None), gaz))])
            con.execute("COMMIT")
        return summary

    load([item("K", "https://e.org/a", "Kyiv talks")], "r1")
    second = load([item("K2", "https://e.org/a", "Kyiv talks resume"), item("K", "https://e.org/b", "Kyiv")], "r2")
    assert (second.items_new, second.items_updated) == (0, 1)
    assert query(config.settings, "SELECT doc_id, version, count(*) FROM document_versions GROUP BY ALL "
                                  "HAVING count(*) > 1") == []
    assert query(config.settings, "SELECT count(*), max(version), max(title) FROM documents") == [(1, 2, "Kyiv talks resume")]


def test_maintenance_never_changes_what_an_open_reader_sees(tmp_path):
    """DuckLake 1.5.5's compaction (flush of inlined rows, merge of files) changes what an already open
    transaction reads: a reader pinned at 135 rows saw 255 after a merge. So compaction waits for tracktwo's open
    readers (and they for it): a reader held across `tracktwo maintain` keeps its snapshot, and maintain runs
    once it is closed. Time travel to the old snapshot stays exact after compaction."""
    from dataclasses import replace as dc_replace

    from warehouse.db import WarehouseBusy, writer
    from warehouse.maintain import maintain

    settings = dc_replace(Settings(tmp_path / "config", tmp_path), lock_timeout=1.0)

    def commit(i: int, n: int) -> None:
        with writer(settings) as con:  # n <= 10 rows stay inlined in the catalog, more become a file
            con.execute("INSERT INTO sources SELECT 's' || $i || '-' || r, 'rss', 'https://e.org', NULL, NULL, "
                        "NULL, true FROM range($n) t(r)", {"i": i, "n": n})

    for i in range(6):
        commit(i, 5 if i % 2 else 40)
    with reader(settings) as held:
        seen = held.execute("SELECT count(*), max(source_id) FROM sources").fetchall()
        version = held.execute("SELECT id FROM ducklake_current_snapshot('lake') AS c(id)").fetchone()[0]
        for i in range(6, 12):
            commit(i, 5 if i % 2 else 40)
        with pytest.raises(WarehouseBusy, match="readers kept it open"):
            maintain(settings, keep_days=90)
        assert held.execute("SELECT count(*), max(source_id) FROM sources").fetchall() == seen
    report = maintain(settings, keep_days=90)
    assert report.files_after < report.files_before
    assert query(settings, "SELECT count(*) FROM sources")[0][0] == 6 * 5 + 6 * 40
    with reader(settings, snapshot_version=version) as old:
        assert old.execute("SELECT count(*), max(source_id) FROM sources").fetchall() == seen

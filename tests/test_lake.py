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
    assert main(flags + ["load"]) == 0
    assert main(flags + ["indicators"]) == 0
    assert main(flags + ["indicators", "--full"]) == 0
    assert main(flags + ["rebuild"]) == 0
    settings = Settings(tmp_path / "demo" / "config", tmp_path / "demo")
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

    s = Settings.from_env(data_dir="/tmp/x", env={"TRACKTWO_CATALOG": "postgres:dbname=t host=db password=hunter2"})
    assert s.catalog == "postgres:dbname=t host=db password=hunter2" and not s.embedded
    assert "hunter2" not in s.warehouse_label and "hunter2" not in repr(s)
    with pytest.raises(ConfigError, match="expected 'sqlite:<file>'") as err:
        Settings.from_env(data_dir="/tmp/x", env={"TRACKTWO_CATALOG": "mysql:password=hunter2"})
    assert "hunter2" not in str(err.value)
    embedded = Settings.from_env(data_dir="/tmp/x", env={})
    assert embedded.catalog == f"sqlite:{Path('/tmp/x/lake/catalog.sqlite')}"
    assert embedded.lake_data_path == "/tmp/x/lake/data/"


def test_interrupted_swap_is_finished_by_the_next_open(tmp_path):
    """A kill between the rebuild's two renames leaves no live lake but a complete new one: the next
    command puts it in place."""
    settings = Settings(tmp_path / "config", tmp_path)
    from warehouse.db import writer

    with writer(settings) as con:
        con.execute("INSERT INTO sources VALUES ('s', 'rss', 'https://e.org', NULL, NULL, NULL, true)")
    new = lake.rebuild_path(settings)
    settings.lake_path.rename(new)
    (new / lake.COMPLETE_MARKER).write_text("complete\n")
    assert query(settings, "SELECT source_id FROM sources") == [("s",)]
    assert settings.lake_path.is_dir() and not new.exists()
    assert not (settings.lake_path / lake.COMPLETE_MARKER).exists()


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
        assert data_files(con) < before_files == 12
        assert con.execute("SELECT * FROM sources ORDER BY source_id").fetchall() == rows
    with reader(settings, snapshot_version=version) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == len(rows) == 18_000
    assert main(flags + ["maintain", "--keep-days", "0"]) != 0  # would break open readers: refused

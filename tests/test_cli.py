"""The CLI as a user runs it: exit codes, status, sql, rebuild."""

from __future__ import annotations

import pytest

from conftest import fixture_bytes, rss_source
from tracktwo.cli import main
from warehouse.db import query, writer

RSS = "application/rss+xml"


@pytest.fixture
def two_sources(httpserver, make_config):
    httpserver.expect_request("/good").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/bad").respond_with_data("<html><body>maintenance</body></html>", content_type="text/html")
    config = make_config([rss_source("good", httpserver.url_for("/good")), rss_source("bad", httpserver.url_for("/bad"))])
    return config, ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]


def test_ingest_exit_codes_and_summary(two_sources, capsys):
    config, flags = two_sources
    assert main(flags + ["ingest"]) == 1  # one source failed, the other is stored
    out = capsys.readouterr().out
    assert "ingest summary" in out and "not a feed" in out
    assert query(config.settings, "SELECT count(*) FROM documents")[0][0] == 3
    assert main(flags + ["ingest", "good"]) == 0
    assert main(flags + ["ingest", "nope"]) == 2


def test_status_sql_and_rebuild(two_sources, capsys):
    config, flags = two_sources
    main(flags + ["ingest"])
    capsys.readouterr()
    assert main(flags + ["status"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "bad" in out
    assert main(flags + ["sql", "SELECT count(*) AS n FROM documents"]) == 0
    assert "3" in capsys.readouterr().out
    # read-only: a write is refused and nothing changes
    assert main(flags + ["sql", "DELETE FROM documents"]) == 2  # refused: a usage error
    assert main(flags + ["rebuild"]) == 0
    assert query(config.settings, "SELECT count(*) FROM documents")[0][0] == 3
    assert query(config.settings, "SELECT count(*) FROM ingest_runs WHERE status = 'failed'")[0][0] == 1


def test_status_without_warehouse(tmp_path, make_config, capsys):
    config = make_config([rss_source("x", "http://127.0.0.1:9/none")])
    rc = main(["--config-dir", str(config.settings.config_dir), "--data-dir", str(tmp_path / "empty"), "status"])
    assert rc == 3
    assert "tracktwo ingest" in capsys.readouterr().err


def test_run_is_ingest_indicators_dashboard(two_sources, capsys):
    """`make run`: a failed source gives exit 1, yet indicators and the dashboard are built from the rest."""
    config, flags = two_sources
    assert main(flags + ["run"]) == 1
    out = capsys.readouterr().out
    assert "ingest summary" in out and "indicators (" in out and "some sources failed" in out
    index = config.settings.data_dir / "site" / "index.html"
    assert index.exists() and "tracktwo" in index.read_text(encoding="utf-8")
    assert query(config.settings, "SELECT count(*) FROM region_daily")[0][0] > 0


def test_rebuild_keeps_history_and_restores_on_a_failed_load(two_sources, capsys, monkeypatch):
    """Rebuild never loses what landing cannot recreate, and never leaves a half-rebuilt warehouse."""
    config, flags = two_sources
    assert main(flags + ["run"]) == 1
    path = config.settings
    n_daily = query(path, "SELECT count(*) FROM region_daily")[0][0]
    assert n_daily > 0
    with writer(path) as con:
        con.execute("INSERT INTO digest_log VALUES ('2026-W47', 'a@example.org', '<m@x>', 'sent', NULL, ['sudan'], "
                    "'s', false, now()::TIMESTAMP)")
    assert main(flags + ["rebuild"]) == 0
    assert query(path, "SELECT count(*) FROM region_daily")[0][0] == n_daily
    assert query(path, "SELECT count(*) FROM digest_log")[0][0] == 1  # the digest is not sent again
    assert query(path, "SELECT count(*) FROM documents")[0][0] == 3

    import dataclasses

    from tracktwo.pipeline import kinds

    def broken(ctx, batch):
        raise RuntimeError("loader bug")

    rss = kinds.KINDS["rss"]
    monkeypatch.setitem(kinds.KINDS, "rss", dataclasses.replace(rss, load=dataclasses.replace(rss.load, merge=broken)))
    capsys.readouterr()
    assert main(flags + ["rebuild"]) == 1
    assert "rebuild failed" in capsys.readouterr().out
    assert query(path, "SELECT count(*) FROM documents")[0][0] == 3  # the previous warehouse is back
    assert query(path, "SELECT count(*) FROM digest_log")[0][0] == 1


@pytest.mark.parametrize("query", [
    "COPY documents TO '{landing}'",                      # over a landing payload: the immutable zone
    "COPY documents TO '{data}/out.csv'",                  # into the data folder
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('{data}/*')",
    "ATTACH '{data}/other.duckdb' AS o",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "DELETE FROM documents",
    "SELECT * FROM ducklake_merge_adjacent_files('lake')",       # would write files into the lake
    "SELECT * FROM \"DuckLake_Set_Option\"('lake', 'data_inlining_row_limit', 5)",  # crashed DuckDB 1.5.5
    "SELECT * FROM query('SELECT 1')",                            # SQL text run as a query
    "SELECT * FROM read_text('{data}/lake/catalog.sqlite') UNION ALL SELECT * FROM read_text('{data}/locks/x')",
    "EXPLAIN ANALYZE COPY documents TO '{data}/out.csv'",
    "SUMMARIZE (SELECT * FROM ducklake_merge_adjacent_files('lake'))",
    "SELECT * FROM enable_logging(storage = 'file', storage_path = '{data}/lake/data/logs')",  # wrote in the lake
    "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",  # SQL built from strings
])
def test_sql_is_sandboxed(two_sources, capsys, query):
    config, flags = two_sources
    main(flags + ["ingest"])
    landing = next(config.settings.landing_dir.rglob("*.xml"))
    before = landing.read_bytes()
    lake_files = sorted(p.relative_to(config.settings.data_dir) for p in config.settings.lake_path.resolve().rglob("*")
                        if p.suffix == ".parquet")
    capsys.readouterr()
    rc = main(flags + ["sql", query.format(landing=landing, data=config.settings.data_dir)])
    out = capsys.readouterr().out
    # refused (a usage error, 2), before anything ran or by DuckDB's own sandbox; or failed (1)
    assert (rc, "refused" in out) in ((2, True), (1, False)) and ("refused" in out or "query failed" in out), out
    assert landing.read_bytes() == before and not (config.settings.data_dir / "out.csv").exists()
    assert not (config.settings.data_dir / "other.duckdb").exists()
    assert sorted(p.relative_to(config.settings.data_dir) for p in config.settings.lake_path.resolve().rglob("*")
                  if p.suffix == ".parquet") == lake_files  # nothing written into the lake either
    assert main(flags + ["sql", "SELECT count(*) FROM documents"]) == 0  # reading the warehouse still works


def test_status_shows_landed_fetches_not_loaded(two_sources, capsys):
    from tracktwo import pipeline

    config, flags = two_sources
    main(flags + ["ingest"])
    pipeline.extract_all(config, pipeline.select_sources(config))  # fetched and landed, the load never ran
    capsys.readouterr()
    assert main(flags + ["status"]) == 0
    out = capsys.readouterr().out
    assert "2 landed fetch(es) not loaded yet" in out and "tracktwo load" in out
    assert main(flags + ["load"]) in (0, 1)
    capsys.readouterr()
    main(flags + ["status"])
    assert "not loaded yet" not in capsys.readouterr().out


def _many_landed_feeds(config, n: int) -> None:
    """n landed fetches of the `good` source, each with its own story: a rebuild that takes a while."""
    from datetime import datetime, timedelta, timezone

    from extractors.landing import FetchRecord, Landing, iso

    landing = Landing(config.settings.data_dir)
    t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for i in range(n):
        started = t0 + timedelta(minutes=i)
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                f'<item><title>Shelling near Kharkiv, report {i}</title><link>https://good.example.org/{i}</link>'
                f'<guid>g{i}</guid><pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>').encode()
        rec = FetchRecord(run_id=landing.new_run_id("good", started), source_id="good", kind="rss",
                          url="https://good.example.org/feed", started_at=iso(started), finished_at=iso(started),
                          status="ok", http_status=200, content_type="application/rss+xml")
        landing.write(rec, body, ".xml")


def test_rebuild_survives_kill_9_at_any_point(two_sources, capsys):
    """kill -9 during `tracktwo rebuild`, at several points: the warehouse is the old one or the new one, whole,
    never a partial file; history and the digest log survive; the next rebuild finishes the job."""
    import signal
    import subprocess
    import sys
    import time

    config, flags = two_sources
    main(flags + ["run"])
    _many_landed_feeds(config, 150)
    main(flags + ["load"])
    with writer(config.settings) as con:
        con.execute("INSERT INTO digest_log VALUES ('2026-W47', 'a@example.org', '<m@x>', 'sent', NULL, ['sudan'], "
                    "'s', false, TIMESTAMP '2026-11-23 06:00')")
    capsys.readouterr()

    def state():
        return (query(config.settings, "SELECT count(*) FROM documents")[0][0],
                query(config.settings, "SELECT count(*) FROM region_daily")[0][0],
                query(config.settings, "SELECT count(*) FROM digest_log")[0][0])

    before = state()
    assert before[0] == 153 and before[1] > 0 and before[2] == 1
    cmd = [sys.executable, "-m", "tracktwo.cli", *flags, "rebuild"]
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert state() == before, delay  # the old warehouse, or a complete new one: the same rows
    # status says when a rebuild was interrupted; the next one starts over and finishes
    from warehouse.rebuild import interrupted_rebuild

    if interrupted_rebuild(config.settings):
        main(flags + ["status"])
        assert "a rebuild was interrupted" in capsys.readouterr().out
    assert main(flags + ["rebuild"]) == 0
    assert state() == before and interrupted_rebuild(config.settings) is None
    lakes = list((config.settings.data_dir / "lakes").iterdir())
    assert len(lakes) >= 2 and all((p / "LAKE-COMPLETE").exists() for p in lakes)  # earlier lakes kept, whole


def test_sql_formats_give_every_row_and_character(two_sources, capsys, tmp_path):
    """Not on a terminal, `tracktwo sql` writes CSV, whole: no '…', no row cap; json, markdown and parquet too;
    several statements run in order, each result shown."""
    import csv
    import io
    import json

    import pyarrow.parquet as pq

    config, flags = two_sources
    main(flags + ["ingest"])
    stored = query(config.settings, "SELECT doc_id, url, landing_file FROM documents ORDER BY doc_id")
    capsys.readouterr()
    long_query = "SELECT doc_id, url, landing_file FROM documents ORDER BY doc_id"
    assert main(flags + ["sql", "--max-rows", "1", long_query]) == 0  # --max-rows is the table's only
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["doc_id", "url", "landing_file"] and [tuple(r) for r in rows[1:]] == stored
    assert main(flags + ["sql", "--format", "json", long_query + "; SELECT 2 AS two, NULL AS n, [1, 2] AS l"]) == 0
    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [tuple(r.values()) for r in first] == stored
    assert second == [{"two": 2, "n": None, "l": [1, 2]}]
    # DECIMAL values keep every digit (a float would print ...234.56 or ...234.567000001), nested ones too;
    # a string that looks like one stays a string
    exact = ("SELECT 12345678901234.567::DECIMAL(18,3) AS d, [1.10::DECIMAL(4,2)] AS l, "
             "{'x': 0.1::DECIMAL(3,1)} AS s, '12.5' AS t, NULL::DECIMAL(4,1) AS n")
    assert main(flags + ["sql", "--format", "json", exact]) == 0
    printed = capsys.readouterr().out
    assert printed.strip() == '[{"d": 12345678901234.567, "l": [1.10], "s": {"x": 0.1}, "t": "12.5", "n": null}]'
    from decimal import Decimal
    assert json.loads(printed, parse_float=Decimal)[0]["d"] == Decimal("12345678901234.567")
    assert main(flags + ["sql", "--format", "csv", exact]) == 0
    assert capsys.readouterr().out.splitlines()[1] == '12345678901234.567,[1.10],"{""x"": 0.1}",12.5,'
    assert main(flags + ["sql", "--format", "markdown", "SELECT 'a|b' AS t"]) == 0
    assert capsys.readouterr().out.splitlines() == ["| t |", "|---|", "| a\\|b |"]
    out = tmp_path / "r.parquet"
    assert main(flags + ["sql", "--format", "parquet", "--out", str(out), long_query + "; SELECT 1 AS a"]) == 0
    assert [tuple(r.values()) for r in pq.read_table(out).to_pylist()] == stored
    assert pq.read_table(tmp_path / "r-2.parquet").to_pylist() == [{"a": 1}]
    assert main(flags + ["sql", "--format", "parquet", long_query]) == 2  # binary needs --out
    out_csv = tmp_path / "r.csv"
    assert main(flags + ["sql", "--out", str(out_csv), long_query]) == 0
    assert [tuple(r) for r in list(csv.reader(out_csv.open()))[1:]] == stored
    # one refused statement refuses the whole text before anything runs
    capsys.readouterr()
    assert main(flags + ["sql", "SELECT 1; DELETE FROM documents"]) == 2
    assert "refused" in capsys.readouterr().out
    assert query(config.settings, "SELECT count(*) FROM documents")[0][0] == 3


def test_the_terminal_table_rounds_as_the_dashboard(monkeypatch):
    """The demo's terminal table and the dashboard print one stored value alike: 33.65 is 33.7 on both (Python's
    format gave 33.6, the double just below 33.65), a change of 0.4 % is "±0 %", never "+0 %" or "-0 %"."""
    from datetime import date
    from types import SimpleNamespace

    from rich.console import Console

    from tracktwo import console as terminal

    rows = [("armenia-azerbaijan", date(2026, 11, 30), 33.65, -0.4, 3, 9, 1, 0, None, 0),
            ("russia-ukraine", date(2026, 11, 30), 89.875, 63.55, 56, 99, 0, 2, "observed", 2)]
    monkeypatch.setattr(terminal, "query", lambda settings, sql: rows)
    out = Console(width=200, record=True)
    terminal.print_latest(SimpleNamespace(settings=None), out)
    text = out.export_text()
    assert "33.7" in text and "33.6" not in text
    assert "±0 %" in text and "+0 %" not in text and "-0 %" not in text
    assert "89.9" in text and "+64 %" in text


def test_a_refusal_names_the_statement_as_written(two_sources, capsys):
    """DuckDB files INSTALL under LOAD and USE under SET: the refusal said "not LOAD" for `INSTALL httpfs`."""
    config, flags = two_sources
    main(flags + ["ingest"])
    capsys.readouterr()
    for text, word in (("INSTALL httpfs", "INSTALL"), ("USE memory; SELECT 1", "USE"),
                       ("-- a note\n/* and */ ATTACH 'x.db'", "ATTACH")):
        assert main(flags + ["sql", text]) == 2
        assert capsys.readouterr().out.rstrip().endswith(f"not {word}"), text


def test_a_fetch_line_says_what_happened():
    """A not_modified fetch is a 304, a listing naming no new file, or no request at all: never 'HTTP None'."""
    from extractors.landing import FetchRecord
    from tracktwo.console import _fetch_outcome

    def rec(status, http_status, n_bytes=None, error=None):
        return FetchRecord("r", "s", "rss", "http://127.0.0.1/", "t0", "t1", status, http_status=http_status,
                           bytes=n_bytes, error=error)

    assert _fetch_outcome(rec("ok", 200, 9471)) == "HTTP 200, 9471 bytes"
    assert _fetch_outcome(rec("not_modified", 304)) == "HTTP 304"
    assert _fetch_outcome(rec("not_modified", 200)) == "HTTP 200, nothing new listed"  # GDELT's lastupdate.txt
    assert _fetch_outcome(rec("not_modified", None)) == "no request: nothing new to ask for"  # a complete UCDP version
    assert _fetch_outcome(rec("failed", 500, error="HTTP 500 from http://127.0.0.1/")) == "HTTP 500 from http://127.0.0.1/"


def test_demo_refuses_a_folder_it_did_not_make(tmp_path, capsys):
    """The demo replaces its folder on every run: `demo --out data` must not wipe a live landing zone."""
    from tracktwo.demo import MARKER, _made_by_demo

    live = tmp_path / "live"
    (live / "landing").mkdir(parents=True)
    (live / "landing" / "run.meta.json").write_text("{}")
    assert main(["--data-dir", str(tmp_path), "demo", "--out", str(live)]) == 2
    assert "was not made by `tracktwo demo`" in capsys.readouterr().err
    assert (live / "landing" / "run.meta.json").read_text() == "{}"  # untouched
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _made_by_demo(empty)
    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / MARKER).write_text("")
    (marked / "lake").mkdir()
    assert _made_by_demo(marked)
    older = tmp_path / "older"  # made by a demo before the marker: its config says so, and its samples are there
    (older / "config").mkdir(parents=True)
    (older / "config" / "sources.yaml").write_text("# Written by `tracktwo demo`: sample sources on a local server.\n")
    assert not _made_by_demo(older)  # a project started from a copy of the demo's config: not the demo's
    (older / "served" / "feeds").mkdir(parents=True)
    assert _made_by_demo(older)
    assert not _made_by_demo(live)


def test_indicators_say_when_the_configuration_changed(two_sources, capsys):
    """A researcher ran `indicators --full` on the demo's lake without the demo's --config-dir: the shipped config
    (15-minute GDELT files, where the demo serves one a day) recomputed every day to unknown and withdrew every
    alert, silently. The run now says the configuration differs from the last computation's."""
    config, flags = two_sources
    main(flags + ["ingest"])
    assert main(flags + ["indicators"]) == 0
    assert "differs from the one the last computation used" not in capsys.readouterr().out  # the first run
    ind = config.settings.config_dir / "indicators.yaml"
    ind.write_text(ind.read_text().replace("update_minutes: 15", "update_minutes: 1440"))
    assert main(flags + ["indicators"]) == 0
    out = capsys.readouterr().out
    assert "indicators (full)" in out and "differs from the one the last computation used" in out
    assert main(flags + ["indicators"]) == 0
    assert "differs from" not in capsys.readouterr().out  # the same configuration again

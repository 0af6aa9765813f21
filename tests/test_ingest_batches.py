"""Feeds parsed once, prepared in worker processes, merged in batches: same rows, failures still isolated."""

from __future__ import annotations

import dataclasses
import gzip
import json

import pytest

from conftest import fixture_bytes, rss_source
from extractors.landing import Landing
from extractors.rss import PARSER_VERSION, decode_parsed, encode_parsed, parse_feed
from tracktwo import pipeline
from tracktwo.pipeline import kinds
from warehouse.db import query

RSS = "application/rss+xml"
ROWS = {
    "documents": "SELECT source_id, doc_id, item_key, url, title, summary, published_at, version, content_hash "
                 "FROM documents ORDER BY ALL",
    "versions": "SELECT doc_id, version, content_hash, title FROM document_versions ORDER BY ALL",
    "places": "SELECT doc_id, place_type, place_id, matched_term, mentions, reason FROM document_places ORDER BY ALL",
    "aliases": "SELECT doc_id, item_key FROM document_aliases ORDER BY ALL",
}


def _serve(httpserver, names):
    for name in names:
        httpserver.expect_request(f"/{name}").respond_with_data(fixture_bytes(name), content_type=RSS)
    return [rss_source(name.split(".")[0], httpserver.url_for(f"/{name}")) for name in names]


def _rows(config) -> dict[str, list]:
    return {k: query(config.settings, sql) for k, sql in ROWS.items()}


def _with(config, **settings):
    from tracktwo.core.config import Config

    return Config(dataclasses.replace(config.settings, **settings), config.source_kinds)


def test_worker_processes_and_batches_give_the_rows_one_process_gives(httpserver, make_config):
    """Two worker processes, batches of 2 feeds, against everything in this process one feed at a time: the same
    documents, versions, places and aliases, byte for byte."""
    sources = _serve(httpserver, ["rss2.xml", "rss1.xml", "atom.xml"])
    one = _with(make_config(sources, name="one"), workers=1, load_batch=1)
    many = _with(make_config(sources, name="many"), workers=2, load_batch=2)
    runs_one = pipeline.ingest(one, one.enabled_sources())
    runs_many = pipeline.ingest(many, many.enabled_sources())
    assert sorted((r.source_id, r.status, r.items_seen, r.items_new) for r in runs_one) == \
        sorted((r.source_id, r.status, r.items_seen, r.items_new) for r in runs_many)
    assert {r.status for r in runs_many} == {"ok"}
    rows = _rows(one)
    assert rows["documents"] and rows["places"]
    assert _rows(many) == rows


def test_each_feed_is_parsed_once_and_the_load_reads_the_parse(httpserver, make_config, monkeypatch):
    """The fetch lands the body and its parse (gzip'd JSON of this parser version); the load and a rebuild read
    the parse and never parse the body again. A parse that is missing, damaged or of another parser version is
    not used: the body is parsed instead, with the same result."""
    config = _with(make_config(_serve(httpserver, ["rss2.xml"])), workers=1)
    pipeline.extract_all(config, config.enabled_sources())
    landing = Landing(config.settings.data_dir)
    [rec] = list(landing.records())
    parsed = landing.read_parsed(rec)
    assert rec.extra["parsed_file"].endswith(".items.json.gz") and json.loads(gzip.decompress(parsed))["parser"] == PARSER_VERSION
    assert decode_parsed(parsed).items == parse_feed(fixture_bytes("rss2.xml"), rec.url, rec.content_type).items

    import warehouse.documents as documents

    def no_parsing(*a, **k):
        raise AssertionError("the body was parsed again")

    with monkeypatch.context() as m:
        m.setattr(documents, "parse_feed", no_parsing)
        assert [r.status for r in pipeline.load(config)] == ["ok"]
        assert pipeline.rebuild(config)[0].status == "ok"
    expected = _rows(config)

    # another parser version, then a damaged parsed file: the body is parsed again, same rows
    other = json.loads(gzip.decompress(parsed))
    other["parser"] = PARSER_VERSION + "-older"
    assert decode_parsed(gzip.compress(json.dumps(other).encode())) is None
    path = config.settings.data_dir / rec.extra["parsed_file"]
    path.chmod(0o644)
    path.write_bytes(parsed[:-5])
    assert landing.read_parsed(rec) is None
    assert pipeline.rebuild(config)[0].status == "ok"
    assert _rows(config) == expected


def test_a_failing_feed_in_a_batch_fails_alone(httpserver, make_config, monkeypatch):
    """One batch of three feeds; the merge fails whenever feed rss1 is in it. The batch is rolled back and retried
    one feed per transaction: rss1 is recorded as failed with the reason, the other two load, nothing twice;
    the next ingest loads rss1 once the bug is gone, and a re-run adds nothing."""
    config = make_config(_serve(httpserver, ["rss2.xml", "rss1.xml", "atom.xml"]))
    rss = kinds.KINDS["rss"]
    real_merge = rss.load.merge

    def merge(ctx, batch):
        if any(rec.source_id == "rss1" for rec, _ in batch):
            raise RuntimeError("merge bug on rss1")
        return real_merge(ctx, batch)

    with monkeypatch.context() as m:
        m.setitem(kinds.KINDS, "rss", dataclasses.replace(rss, load=dataclasses.replace(rss.load, merge=merge)))
        runs = pipeline.ingest(config, config.enabled_sources())
    by_source = {r.source_id: r for r in runs}
    assert by_source["rss1"].status == "failed" and "merge bug on rss1" in by_source["rss1"].error
    assert by_source["rss1"].load_error
    assert (by_source["rss2"].status, by_source["rss2"].items_new) == ("ok", 3)
    assert (by_source["atom"].status, by_source["atom"].items_new) == ("ok", 2)
    assert query(config.settings, "SELECT source_id, count(*) FROM documents GROUP BY ALL ORDER BY 1") == \
        [("atom", 2), ("rss2", 3)]
    assert query(config.settings, "SELECT count(*), count(DISTINCT run_id) FROM ingest_runs") == [(3, 3)]
    # a failed load is not retried by itself (its fetch is recorded); the feed's next fetch loads
    httpserver.clear()
    _serve(httpserver, ["rss2.xml", "rss1.xml", "atom.xml"])
    pipeline.ingest(config, config.enabled_sources())
    assert query(config.settings, "SELECT source_id, count(*) FROM documents GROUP BY ALL ORDER BY 1") == \
        [("atom", 2), ("rss1", 2), ("rss2", 3)]
    pipeline.ingest(config, config.enabled_sources())
    assert query(config.settings, "SELECT count(*) FROM document_versions") == [(7,)]


def test_two_fetches_of_one_source_load_in_order(httpserver, make_config):
    """Fetches of one source waiting in landing (a load that did not run) commit in fetch order, never in one
    batch: the later content is the current version."""
    body = fixture_bytes("rss2.xml")
    httpserver.expect_ordered_request("/f").respond_with_data(body, content_type=RSS)
    httpserver.expect_ordered_request("/f").respond_with_data(body.replace(b"</title>", b" (updated)</title>", 2),
                                                              content_type=RSS)
    config = make_config([rss_source("wire", httpserver.url_for("/f"))])
    pipeline.extract_all(config, config.enabled_sources())
    pipeline.extract_all(config, config.enabled_sources())
    runs = pipeline.load(config)
    assert [(r.status, r.items_new, r.items_updated) for r in runs] == [("ok", 3, 0), ("ok", 0, 1)]
    assert query(config.settings, "SELECT max(version), count(*) FILTER (title LIKE '%(updated)') FROM documents") \
        == [(2, 1)]


def test_encode_parsed_round_trips_every_field():
    parsed = parse_feed(fixture_bytes("atom.xml"), "https://atom.example.org/feed", RSS)
    back = decode_parsed(encode_parsed(parsed))
    assert back == parsed


@pytest.mark.parametrize("workers", ["0", "two"])
def test_workers_setting_is_checked(workers):
    from tracktwo.core.errors import ConfigError
    from tracktwo.core.settings import Settings

    with pytest.raises(ConfigError, match="TRACKTWO_WORKERS"):
        Settings.from_env("config", "data", env={"TRACKTWO_WORKERS": workers})


def test_a_broken_worker_pool_loses_no_feed(httpserver, make_config, monkeypatch):
    """A worker killed (the out-of-memory killer, say) breaks the pool: every later submit raises. Parsing and
    preparing then happen in the ingest's own process; every feed is still landed and loaded."""
    from concurrent.futures import Executor
    from concurrent.futures.process import BrokenProcessPool
    from contextlib import contextmanager

    import tracktwo.pipeline as pipeline_module

    class Broken(Executor):
        def submit(self, fn, *args, **kwargs):
            raise BrokenProcessPool("a worker was killed")

    @contextmanager
    def broken_pool(*args, **kwargs):
        yield Broken()

    config = make_config(_serve(httpserver, ["rss2.xml", "rss1.xml", "atom.xml"]))
    monkeypatch.setattr(pipeline_module, "process_pool", broken_pool)
    runs = pipeline.ingest(config, config.enabled_sources())
    assert sorted((r.source_id, r.status, r.items_new) for r in runs) == [
        ("atom", "ok", 2), ("rss1", "ok", 2), ("rss2", "ok", 3)]
    assert all(r.extra.get("parsed_file") for r in Landing(config.settings.data_dir).records())


def test_a_worker_killed_mid_fetch_fails_that_feed_once(httpserver, make_config):
    """A worker process is killed (kill -9, as the out-of-memory killer does) while it fetches one feed: that
    feed is recorded as failed with the reason; the other worker finishes the feed it is fetching; the feed
    no worker had started yet is fetched in the ingest's own process; the next ingest loads the killed one."""
    import threading
    import time

    import psutil
    from werkzeug import Response

    asked, killed = threading.Event(), threading.Event()

    rss1_client: list[int] = []
    victims: list[int] = []

    def rss1(request):
        if not asked.is_set():  # the first request: held while the worker fetching it is killed
            rss1_client.append(int(request.environ["REMOTE_PORT"]))
            asked.set()
            threading.Event().wait(5)
        return Response(fixture_bytes("rss1.xml"), content_type=RSS)

    def rss2(_request):  # keeps the other worker busy until the kill: atom waits in the pool
        killed.wait(30)
        return Response(fixture_bytes("rss2.xml"), content_type=RSS)

    httpserver.expect_request("/rss1.xml").respond_with_handler(rss1)
    httpserver.expect_request("/rss2.xml").respond_with_handler(rss2)
    httpserver.expect_request("/atom.xml").respond_with_data(fixture_bytes("atom.xml"), content_type=RSS)
    sources = [rss_source(n.split(".")[0], httpserver.url_for(f"/{n}")) for n in ("rss1.xml", "rss2.xml", "atom.xml")]
    config = _with(make_config(sources), workers=2)

    def kill_the_worker_fetching_rss1():
        assert asked.wait(30)
        for child in psutil.Process().children(recursive=True):
            if any(c.laddr and c.laddr.port == rss1_client[0] for c in child.net_connections("tcp")):
                child.kill()  # the worker waiting for rss1's answer
                victims.append(child.pid)
                break
        time.sleep(0.5)  # the pool sees the death (it polls twice a second at least)
        killed.set()

    killer = threading.Thread(target=kill_the_worker_fetching_rss1)
    killer.start()
    runs = {r.source_id: r for r in pipeline.ingest(config, config.enabled_sources(), workers=1)}
    killer.join()
    assert len(victims) == 1
    assert runs["rss1"].status == "failed" and "worker process" in runs["rss1"].error
    assert (runs["rss2"].status, runs["rss2"].items_new) == ("ok", 3)
    assert (runs["atom"].status, runs["atom"].items_new) == ("ok", 2)
    runs = {r.source_id: r for r in pipeline.ingest(config, config.enabled_sources())}
    assert (runs["rss1"].status, runs["rss1"].items_new) == ("ok", 2)


def test_workers_exit_when_their_owner_is_killed(tmp_path):
    """kill -9 of the process that owns a pool leaves no worker and no fork server behind (they would otherwise
    wait for work forever)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    script = tmp_path / "owner.py"
    script.write_text(
        "import os, sys, time\n"
        "from tracktwo.core.workers import process_pool\n"
        "if __name__ == '__main__':\n"
        "    with process_pool(2) as pool:\n"
        "        print(sorted({pool.submit(os.getpid).result() for _ in range(8)}), flush=True)\n"
        "        time.sleep(60)\n")
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    owner.stdout.readline()
    helpers = [p.pid for p in psutil.Process(owner.pid).children(recursive=True)]
    assert helpers
    os.kill(owner.pid, signal.SIGKILL)  # not reaped yet: a zombie owner must not keep its workers alive

    def alive(pid):
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 10
    while any(alive(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in helpers if alive(p)]
    owner.wait()
    assert not left


def test_gazetteer_terms_must_start_with_a_word(tmp_path):
    import shutil

    import yaml

    from conftest import PROJECT_CONFIG
    from tracktwo.core.errors import ConfigError
    from tracktwo.core.settings import Settings

    cfg = tmp_path / "config"
    shutil.copytree(PROJECT_CONFIG, cfg)
    doc = yaml.safe_load((cfg / "regions.yaml").read_text())
    doc["regions"][0]["keywords"] = ["(DRC)"]
    (cfg / "regions.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(ConfigError, match=r"(?s)regions.yaml.*must start with a letter or digit"):
        pipeline.open_config(Settings(cfg, tmp_path / "data")).regions


def test_a_slow_source_does_not_keep_the_others_out_of_the_warehouse(httpserver, make_config):
    """One source answers at once, another holds its response. While the slow one is still downloading, the fast
    one's documents are already committed and readable (the writer commits what it holds when nothing has landed
    for a second), then the slow one's arrive."""
    import threading
    import time

    from werkzeug import Response

    release = threading.Event()

    def slow(_request):
        release.wait(30)
        return Response(fixture_bytes("atom.xml"), content_type=RSS)

    httpserver.expect_request("/rss2.xml").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/slow.xml").respond_with_handler(slow)
    config = make_config([rss_source("fast", httpserver.url_for("/rss2.xml")),
                          rss_source("slow", httpserver.url_for("/slow.xml"))],
                         http={"read_timeout": 40})
    done: list = []
    ingesting = threading.Thread(target=lambda: done.append(pipeline.ingest(config, config.enabled_sources())))
    ingesting.start()
    try:
        seen = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                seen = query(config.settings, "SELECT source_id, count(*) FROM documents GROUP BY ALL")
            except Exception:  # the lake may not exist yet
                seen = []
            if seen:
                break
            time.sleep(0.2)
        assert seen == [("fast", 3)]  # committed while "slow" is still being fetched
    finally:
        release.set()
        ingesting.join(60)
    assert sorted((r.source_id, r.status, r.items_new) for r in done[0]) == [("fast", "ok", 3), ("slow", "ok", 2)]
    assert query(config.settings, "SELECT source_id, count(*) FROM documents GROUP BY ALL ORDER BY 1") == \
        [("fast", 3), ("slow", 2)]


def test_an_ingest_whose_writer_is_busy_lands_every_fetch_then_fails(httpserver, make_config):
    """More sources than may wait for the writer (TRACKTWO_LOAD_BATCH 1 + 2 workers x 1 fetch = 3 of 8), and the
    writer lock held elsewhere past the wait: every source is still fetched and landed, the ingest raises
    WarehouseBusy instead of waiting forever for room the writer would have freed, and the next load stores all."""
    from warehouse.db import WarehouseBusy, writer_lock

    for name in ("rss2.xml", "rss1.xml", "atom.xml"):
        httpserver.expect_request(f"/{name}").respond_with_data(fixture_bytes(name), content_type=RSS)
    names = ["rss2.xml", "rss1.xml", "atom.xml"] * 3
    sources = [rss_source(f"s{i}", httpserver.url_for(f"/{n}")) for i, n in enumerate(names[:8])]
    config = _with(make_config(sources), workers=2, load_batch=1, lock_timeout=1.0)
    pipeline.load(config)  # the lake exists
    with writer_lock(config.settings, 0) as held:
        assert held
        with pytest.raises(WarehouseBusy):
            pipeline.ingest(config, config.enabled_sources(), workers=1)
    landed = [r for r in Landing(config.settings.data_dir).records() if r.status == "ok"]
    assert sorted(r.source_id for r in landed) == [f"s{i}" for i in range(8)]
    runs = pipeline.load(config)
    assert sorted((r.source_id, r.status) for r in runs) == [(f"s{i}", "ok") for i in range(8)]


@pytest.mark.parametrize("processes", [1, 2])
def test_an_interrupted_ingest_starts_no_more_fetches(httpserver, make_config, processes):
    """Ctrl-C (KeyboardInterrupt in the writer) while 24 sources wait: the ingest stops instead of fetching them
    all (the room for fetched sources is 1 + processes x 1: a few land), and the next ingest stores every one."""
    for name in ("rss2.xml", "rss1.xml", "atom.xml"):
        httpserver.expect_request(f"/{name}").respond_with_data(fixture_bytes(name), content_type=RSS)
    names = ["rss2.xml", "rss1.xml", "atom.xml"] * 8
    sources = [rss_source(f"s{i:02d}", httpserver.url_for(f"/{n}")) for i, n in enumerate(names)]
    config = _with(make_config(sources), workers=processes, load_batch=1)

    def interrupt(_run):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.ingest(config, config.enabled_sources(), workers=1, on_run=interrupt)
    landed = {r.source_id for r in Landing(config.settings.data_dir).records()}
    assert 1 <= len(landed) <= 12  # without the stop, all 24 (the fetcher would go on to the end)
    runs = pipeline.ingest(config, config.enabled_sources(), workers=1)
    stored = {r[0] for r in query(config.settings, "SELECT DISTINCT source_id FROM documents")}
    assert stored == {s["id"] for s in sources}
    assert all(r.status == "ok" for r in runs)

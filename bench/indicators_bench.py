"""Benchmark: indicators for 20 regions x 365 days from 10 million synthetic events.

Events (with GDELT's DATEADDED update slot) and 20,000 region documents (with their first
version) are generated inside DuckDB in a temporary warehouse, then timed: a full computation,
and the incremental update after one new 15-minute file (~2,000 events, some backdated). A plain scan-aggregate of
the events table in the same run is the baseline the times are compared with.
The incremental run's slowest statements are printed (IndicatorSummary.steps),
and a last full computation must write nothing (incremental = full at scale).

    .venv/bin/python -m bench.indicators_bench [--events 10000000] [--docs 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DAYS = 365
FIRST_DAY = date(2025, 1, 1)

GENERATE_EVENTS = """
INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_name, actor1_iso3,
                    actor2_name, actor2_iso3, event_code, base_code, root_code, quad_class, goldstein, num_mentions,
                    num_sources, num_articles, avg_tone, action_iso3, source_url, landing_file, run_id)
WITH c AS (SELECT list(iso3) AS l FROM (SELECT DISTINCT iso3 FROM bench_countries)),
g AS (
    SELECT i, hash(i) AS h1, hash(i + 7919) AS h2, hash(i + 104729) AS h3 FROM range($n) t(i)
)
SELECT 'gdelt:' || i, 'gdelt', i::VARCHAR, $first::DATE + (i * $days // $n)::INTEGER,
       -- added in one of the day's 96 update slots (GDELT DATEADDED), as every real event is
       ($first::DATE + (i * $days // $n)::INTEGER)::TIMESTAMP + to_minutes((15 * (h2 % 96))::INTEGER),
       NULL, c.l[1 + (h1 % len(c.l))::INTEGER], NULL, c.l[1 + (h2 % len(c.l))::INTEGER],
       lpad((1 + h3 % 20)::VARCHAR, 2, '0') || '0', NULL, lpad((1 + h3 % 20)::VARCHAR, 2, '0'),
       CASE WHEN h3 % 20 < 5 THEN 1 WHEN h3 % 20 < 9 THEN 2 WHEN h3 % 20 < 14 THEN 3 ELSE 4 END,
       (h1 % 200) / 10.0 - 10, 1 + (h2 % 20)::INTEGER, 1, 1, (h3 % 200) / 10.0 - 10,
       c.l[1 + (h3 % len(c.l))::INTEGER],
       'https://outlet' || (h2 % 500) || '.example.com/' || i, 'landing/bench.zip',
       'bench/file-' || (i * 35040 // $n)
FROM g, c
"""
GENERATE_RUNS = """
INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status)
SELECT 'bench/file-' || k, 'gdelt', 'gdelt_events', 'http://example.org/' || k, $t0, $t0, 'ok' FROM range(35040) t(k)
"""
GENERATE_DOCS = """
INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary, published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id)
SELECT 'doc' || i, 'bench-rss', 'Outlet ' || (i % 40), 'international', 'k' || i, 'https://doc' || (i % 40) || '.example.org/' || i,
       CASE WHEN i % 10 = 0 THEN 'Ceasefire talks resume' ELSE 'Clashes reported' END, '',
       $first::TIMESTAMP + to_seconds(i * 86400 * $days // $docs), $t0, $t0, 'en', 'h', 1, 'landing/f.xml', 'bench/rss'
FROM range($docs) t(i)
"""
GENERATE_VERSIONS = """
INSERT INTO document_versions (doc_id, version, content_hash, url, title, summary, published_at, seen_at, landing_file, run_id)
SELECT doc_id, version, content_hash, url, title, summary, published_at, fetched_at, landing_file, run_id FROM documents
"""
GENERATE_PLACES = """
INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions, reason)
SELECT 'doc' || i, 'region', r.region_id, 'x', 1 + i % 3, 'area'
FROM range($docs) t(i), (SELECT region_id, row_number() OVER (ORDER BY region_id) - 1 AS k FROM bench_regions) r
WHERE r.k = i % 20
"""
NEW_FILE = """
INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_iso3, actor2_iso3, event_code,
                    root_code, quad_class, goldstein, num_mentions, avg_tone, action_iso3, source_url, landing_file, run_id)
WITH c AS (SELECT list(iso3) AS l FROM (SELECT DISTINCT iso3 FROM bench_countries))
SELECT 'gdelt:new' || i, 'gdelt', 'new' || i,
       CASE WHEN i % 10 = 0 THEN $last::DATE - (i % 30)::INTEGER ELSE $last::DATE END,
       $last::DATE + INTERVAL 1 DAY,  -- the first update slot of the next day
       c.l[1 + (hash(i) % len(c.l))::INTEGER], c.l[1 + (hash(i + 1) % len(c.l))::INTEGER], '190', '19', 4, -10, 5, -6,
       c.l[1 + (hash(i + 2) % len(c.l))::INTEGER], 'https://late' || (i % 50) || '.example.com/' || i,
       'landing/new.zip', 'bench/new-file'
FROM range(2000) t(i), c
"""


def _config(tmp: Path):
    from tracktwo.core.settings import Settings
    from tracktwo.pipeline import open_config

    cfg = tmp / "config"
    cfg.mkdir(parents=True)
    regions = yaml.safe_load((ROOT / "config" / "regions.yaml").read_text())["regions"][:20]
    (cfg / "regions.yaml").write_text(yaml.safe_dump({"regions": regions}, sort_keys=False))
    (cfg / "indicators.yaml").write_text((ROOT / "config" / "indicators.yaml").read_text())
    (cfg / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"id": "gdelt", "kind": "gdelt_events", "url": "http://data.gdeltproject.org/gdeltv2/lastupdate.txt"},
        {"id": "bench-rss", "kind": "rss", "url": "https://example.org/feed.xml"},
    ]}))
    return open_config(Settings(cfg, tmp / "data")), regions


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _countries_table(con, codes: list[str]) -> None:
    """bench_countries: the countries events are drawn from (a temp table, per connection)."""
    con.execute("CREATE TEMP TABLE bench_countries (iso3 VARCHAR)")
    con.executemany("INSERT INTO bench_countries VALUES (?)", [[c] for c in codes])


def main(argv: list[str] | None = None) -> int:
    from warehouse.db import writer
    from warehouse.indicators import compute

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--keep", help="build the warehouse in this folder and keep it")
    args = ap.parse_args(argv)

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tracktwo-bench-"))
    try:
        config, regions = _config(tmp)
        t0 = datetime(2025, 1, 1)
        last_day = FIRST_DAY + timedelta(days=DAYS - 1)
        gen_s = time.perf_counter()
        with writer(config.settings) as con:
            con.execute("CREATE TEMP TABLE bench_regions AS SELECT * FROM (VALUES " +
                        ", ".join("(?)" for _ in regions) + ") t(region_id)", [r["id"] for r in regions])
            pairs = [(r["id"], c) for r in regions  # a region's countries: its sides' and its areas'
                     for c in sorted({c for side in r.get("sides", []) for c in side.get("countries", [])}
                                     | set(r.get("areas", {}).get("countries", [])))]
            # region countries plus as many outside countries, so about half the events fall outside every region
            others = ["USA", "DEU", "FRA", "GBR", "BRA", "JPN", "IND", "TUR", "MEX", "ARG", "CAN", "AUS", "ITA", "ESP",
                      "POL", "KEN", "ZAF", "IDN", "THA", "MYS", "NOR", "SWE", "FIN", "NLD", "BEL", "AUT", "CHE", "GRC",
                      "PRT", "IRL", "NZL", "CHL", "PER", "ECU", "BOL", "URY", "PRY", "CUB", "DOM", "JAM"]
            _countries_table(con, [c for _, c in pairs] + others)
            p = {"n": args.events, "first": FIRST_DAY, "days": DAYS, "t0": t0, "docs": args.docs}
            con.execute(GENERATE_RUNS, {"t0": t0})
            con.execute(GENERATE_EVENTS, {k: p[k] for k in ("n", "first", "days")})
            con.execute(GENERATE_DOCS, {k: p[k] for k in ("first", "days", "t0", "docs")})
            con.execute(GENERATE_VERSIONS)  # every stored document has its first version, as after a real load
            con.execute(GENERATE_PLACES, {"docs": args.docs})
            con.execute("CHECKPOINT")
            n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        gen_s = time.perf_counter() - gen_s

        with writer(config.settings) as con:
            base_s, _ = _timed(lambda: con.execute(
                "SELECT event_date, count(*), sum(goldstein * num_mentions) FROM events GROUP BY ALL").fetchall())
        full_s, full = _timed(lambda: compute(config, full=True))

        with writer(config.settings) as con:
            _countries_table(con, [c for _, c in pairs] + others)
            con.execute(NEW_FILE, {"last": last_day})
            loaded = datetime(2026, 1, 1)
            con.execute("INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status) "
                        "VALUES ('bench/new-file', 'gdelt', 'gdelt_events', 'http://example.org/new', ?, ?, 'ok')",
                        [loaded, loaded])
        inc_s, inc = _timed(lambda: compute(config))
        nothing_s, _ = _timed(lambda: compute(config))
        again_s, again = _timed(lambda: compute(config, full=True))

        result = {
            "events": n_events, "regions": len(regions), "days": DAYS, "documents": args.docs,
            "cpu_count": os.cpu_count(), "generate_s": round(gen_s, 2),
            "baseline_scan_s": round(base_s, 3),
            "full_s": round(full_s, 3), "full_vs_scan": round(full_s / base_s, 1),
            "full_rows_written": full.rows_written, "full_alerts": full.active_alerts,
            "incremental_s": round(inc_s, 3), "incremental_vs_scan": round(inc_s / base_s, 2),
            "incremental_days": inc.days_recomputed, "incremental_rows_written": inc.rows_written,
            "full_steps": dict(sorted(full.steps.items(), key=lambda kv: -kv[1])[:10]),
            "incremental_steps": dict(sorted(inc.steps.items(), key=lambda kv: -kv[1])[:8]),
            "no_new_data_s": round(nothing_s, 3),
            "full_again_s": round(again_s, 3),
            "full_again_rows_written": again.rows_written, "full_again_alerts_written": again.alerts_written,
            "targets": {"full_s": 10.0, "incremental_s": 1.0},
        }
        print(json.dumps(result, indent=2))
        ok = True
        for name, value, target in (("full", full_s, 10.0), ("incremental", inc_s, 1.0)):
            print(f"{name}: {value:.2f} s (target < {target:g} s): {'PASS' if value < target else 'MISS'}")
            ok &= value < target
        same = again.rows_written == 0 and again.alerts_written == 0
        print(f"full after incremental writes nothing: {'PASS' if same else 'MISS'}")
        return 0 if ok and same else 1  # exit code, like every bench: 1 on a MISS
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

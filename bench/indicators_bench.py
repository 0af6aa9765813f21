"""Benchmark: indicators for 20 regions x 365 days from 10 million synthetic events.

Events (every column a real GDELT row fills: actor codes with CAMEO types, a few known groups,
IsRootEvent, NumSources, DATEADDED update slots, geo types with coordinates, ADM1 codes and feature
ids), the loaded-file record of every 15-minute slot but a two-day outage's (gdelt_files: those days are
missing, not calm), and 20,000 region documents (with their first version) are generated inside DuckDB in a
temporary warehouse, then timed: a full computation, and the incremental update after one new
15-minute file (~2,000 events, some backdated). A plain scan-aggregate of the events table in the
same run is the baseline the times are compared with.
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
INSERT INTO events BY NAME
WITH c AS (SELECT list(iso3 ORDER BY iso3) AS l FROM (SELECT DISTINCT iso3 FROM bench_countries)),  -- ordered: the same data every run
g AS (
    SELECT i, hash(i) AS h1, hash(i + 7919) AS h2, hash(i + 104729) AS h3, hash(i + 15485863) AS h4 FROM range($n) t(i)
),
e AS (
    SELECT g.*, $first::DATE + (i * $days // $n)::INTEGER AS day,
           c.l[1 + (h1 % len(c.l))::INTEGER] AS a1, c.l[1 + (h2 % len(c.l))::INTEGER] AS a2,
           c.l[1 + (h3 % len(c.l))::INTEGER] AS place, lpad((1 + h3 % 20)::VARCHAR, 2, '0') AS root,
           -- CAMEO actor types after the country code, and GDELT's geo types: 1 country (its centroid),
           -- 3 US city, 4 world city (a place with coordinates, ADM1 code and feature id)
           ['', 'GOV', 'MIL', 'REB', 'CVL', 'MED', 'BUS', 'COP'][1 + (h4 % 8)::INTEGER] AS t1,
           ['', 'GOV', 'MIL', 'REB', 'CVL', 'MED', 'BUS', 'COP'][1 + ((h4 // 8) % 8)::INTEGER] AS t2,
           CASE WHEN (h4 // 64) % 10 < 2 THEN 1 WHEN (h4 // 64) % 10 < 3 THEN 3 ELSE 4 END AS geo
    FROM g, c
)
SELECT 'gdelt:' || i AS event_id, 'gdelt' AS source, i::VARCHAR AS source_event_id, day AS event_date,
       -- added in one of the day's 96 update slots (GDELT DATEADDED), as every real event is
       day::TIMESTAMP + to_minutes((15 * (h2 % 96))::INTEGER) AS date_added,
       a1 || t1 AS actor1_code, a1 AS actor1_name, a1 AS actor1_country, a1 AS actor1_iso3,
       a2 || t2 AS actor2_code, a2 AS actor2_name, a2 AS actor2_country, a2 AS actor2_iso3,
       CASE WHEN h4 % 100 = 0 THEN 'UNO' END AS actor1_group, CASE WHEN h4 % 100 = 1 THEN 'NGO' END AS actor2_group,
       h1 % 5 < 3 AS is_root_event, root || '0' AS event_code, root || '0' AS base_code, root AS root_code,
       CASE WHEN h3 % 20 < 5 THEN 1 WHEN h3 % 20 < 9 THEN 2 WHEN h3 % 20 < 14 THEN 3 ELSE 4 END AS quad_class,
       (h1 % 200) / 10.0 - 10 AS goldstein, 1 + (h2 % 20)::INTEGER AS num_mentions,
       1 + (h3 % 5)::INTEGER AS num_sources, 1 + (h2 % 20)::INTEGER AS num_articles,
       (h3 % 200) / 10.0 - 10 AS avg_tone,
       geo AS action_geo_type, place AS action_geo_name, substr(place, 1, 2) AS action_fips, place AS action_iso3,
       CASE WHEN geo > 1 THEN substr(place, 1, 2) || lpad((h4 % 30)::VARCHAR, 2, '0') END AS action_adm1,
       (hash(place) % 12000) / 100.0 - 50 + CASE WHEN geo > 1 THEN ((h4 // 1024) % 200) / 100.0 - 1 ELSE 0 END AS lat,
       (hash(place || '.') % 30000) / 100.0 - 150 + CASE WHEN geo > 1 THEN ((h4 // 4096) % 200) / 100.0 - 1 ELSE 0 END AS lon,
       CASE WHEN geo > 1 THEN '-' || (h4 % 100000)::VARCHAR END AS action_feature_id,
       'https://outlet' || (h2 % 500) || '.example.com/' || i AS source_url, 'landing/bench.zip' AS landing_file,
       'bench/file-' || (i * 35040 // $n) AS run_id
FROM e
"""
GENERATE_RUNS = """
INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status)
SELECT 'bench/file-' || k, 'gdelt', 'gdelt_events', 'http://example.org/' || k, $t0, $t0, 'ok' FROM range(35040) t(k)
"""
# One loaded export per 15-minute slot (the loads' gdelt_files rows), but for a two-day outage: those days are
# missing, not calm (docs/indicators.md, "Partial days"), so the file check runs on a realistic table.
GENERATE_FILES = """
INSERT INTO gdelt_files (file_url, md5, file_ts, run_id, landing_file, rows_read, rows_new, rows_malformed, loaded_at)
SELECT 'http://example.org/' || k || '.export.CSV.zip', 'm' || k, $first::TIMESTAMP + to_minutes((15 * k)::INTEGER),
       'bench/file-' || k, 'landing/bench.zip', 0, 0, 0, $t0
FROM range(35040) t(k)
WHERE k // 96 NOT IN (200, 201)
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
INSERT INTO events BY NAME
WITH c AS (SELECT list(iso3 ORDER BY iso3) AS l FROM (SELECT DISTINCT iso3 FROM bench_countries)),  -- ordered: the same data every run
e AS (
    SELECT i, c.l[1 + (hash(i) % len(c.l))::INTEGER] AS a1, c.l[1 + (hash(i + 1) % len(c.l))::INTEGER] AS a2,
           c.l[1 + (hash(i + 2) % len(c.l))::INTEGER] AS place
    FROM range(2000) t(i), c
)
SELECT 'gdelt:new' || i AS event_id, 'gdelt' AS source, 'new' || i AS source_event_id,
       CASE WHEN i % 10 = 0 THEN $last::DATE - (i % 30)::INTEGER ELSE $last::DATE END AS event_date,
       $last::DATE + INTERVAL 1 DAY AS date_added,  -- the first update slot of the next day
       a1 || 'MIL' AS actor1_code, a1 AS actor1_name, a1 AS actor1_country, a1 AS actor1_iso3,
       a2 || 'MIL' AS actor2_code, a2 AS actor2_name, a2 AS actor2_country, a2 AS actor2_iso3,
       true AS is_root_event, '190' AS event_code, '190' AS base_code, '19' AS root_code, 4 AS quad_class,
       -10 AS goldstein, 5 AS num_mentions, 2 AS num_sources, 5 AS num_articles, -6 AS avg_tone,
       4 AS action_geo_type, place AS action_geo_name, substr(place, 1, 2) AS action_fips, place AS action_iso3,
       substr(place, 1, 2) || '01' AS action_adm1, (hash(place) % 12000) / 100.0 - 50 AS lat,
       (hash(place || '.') % 30000) / 100.0 - 150 AS lon, '-' || (i % 300)::VARCHAR AS action_feature_id,
       'https://late' || (i % 50) || '.example.com/' || i AS source_url, 'landing/new.zip' AS landing_file,
       'bench/new-file' AS run_id
FROM e
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
            con.execute(GENERATE_FILES, {k: p[k] for k in ("first", "t0")})
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
            con.execute("INSERT INTO gdelt_files VALUES ('http://example.org/new.export.CSV.zip', 'new', ?, "
                        "'bench/new-file', 'landing/new.zip', 2000, 2000, 0, ?)",
                        [datetime.combine(last_day + timedelta(days=1), datetime.min.time()), datetime(2026, 1, 1)])
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

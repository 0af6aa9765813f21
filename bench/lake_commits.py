"""Benchmark: reads after many small commits, against the same reads after compaction.

The pipeline commits every 15 minutes (96 times a day); each commit adds small files to the lake, and
the maintenance DAG merges them: `tracktwo maintain --compact-only` every hour, the full `tracktwo maintain`
(with snapshot expiry) once a day. This simulates `--days` days of that in one lake: per 15-minute commit,
`--events` GDELT-like events and 3 documents with their places (committed by the same code path shape: one
transaction per fetch), a compaction every `--compact-every` commits (4: hourly, as shipped; 0: only the
daily maintenance) and the full maintenance once a day. At the end of the last day, just before the next
compaction would run (the worst moment: `--compact-every` commits after the last one, or 95 after the daily
maintenance with `--compact-every 0`), researcher queries are timed; then `maintain` runs and the same queries
are timed again, in the same run.

Target: before / after <= 1.5.

    .venv/bin/python -m bench.lake_commits [--days 30] [--events 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

QUERIES = {
    "events per day and quad class": "SELECT event_date, quad_class, count(*), avg(goldstein) FROM events GROUP BY ALL",
    "region documents (view)": "SELECT region_id, count(*), max(published_at) FROM v_region_documents GROUP BY ALL",
    "one week of events in Ukraine": "SELECT count(*), sum(num_mentions) FROM events "
                                     "WHERE action_iso3 = 'UKR' AND event_date >= DATE '2026-01-24'",
}

COMMIT_EVENTS = """
INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_code, actor1_iso3,
                    actor2_code, actor2_iso3, is_root_event, event_code, base_code, root_code, quad_class, goldstein,
                    num_mentions, num_sources, num_articles, avg_tone, action_iso3, lat, lon, source_url,
                    landing_file, run_id)
SELECT 'gdelt:' || ($base + i), 'gdelt', ($base + i)::VARCHAR, $day, $at,
       ['RUS', 'UKR', 'ISR', 'PSE', 'CHN', 'TWN'][1 + i % 6], ['RUS', 'UKR', 'ISR', 'PSE', 'CHN', 'TWN'][1 + i % 6],
       ['UKR', 'RUS', 'PSE', 'ISR', 'TWN', 'CHN'][1 + i % 6], ['UKR', 'RUS', 'PSE', 'ISR', 'TWN', 'CHN'][1 + i % 6],
       true, '190', '190', '19', 1 + (i % 4), -10.0 + (i % 20), 1 + i % 9, 1, 1 + i % 9, -3.5,
       ['UKR', 'RUS', 'ISR', 'PSE', 'TWN', 'CHN'][1 + i % 6], 48.0 + (i % 10) / 10, 37.0, 'https://n.example/' || i,
       'landing/bench.zip', $run
FROM range($n) t(i)
"""
COMMIT_DOCS = """
INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary, published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id)
SELECT $run || '-' || i, 'bench', 'Bench', 'international', $run || '-' || i,
       'https://b.example/' || $run || '-' || i, 'title ' || i, 'summary', $at, $at, $at, 'en', 'h', 1,
       'landing/bench.xml', $run
FROM range(3) t(i)
"""
COMMIT_PLACES = """
INSERT INTO document_places SELECT $run || '-' || i, 'region', ['russia-ukraine', 'taiwan-strait', 'israel-palestine'][1 + i],
       'kyiv', 1, 'area' FROM range(3) t(i)
"""


def _time(con, repeat: int) -> dict[str, float]:
    out = {}
    for name, sql in QUERIES.items():
        con.execute(sql).fetchall()  # warm: the same cache state before and after
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            con.execute(sql).fetchall()
            best = min(best, time.perf_counter() - t)
        out[name] = best
    return out


def main(argv: list[str] | None = None) -> int:
    from tracktwo.core.settings import Settings
    from warehouse.db import reader, writer
    from warehouse.maintain import data_files, maintain

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--events", type=int, default=300, help="events per 15-minute commit")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--compact-every", type=int, default=4,
                    help="commits between two compactions (4 = hourly, the shipped DAG; 0 = daily only)")
    ap.add_argument("--inline", type=int, default=None, help="(experiment) data_inlining_row_limit")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tracktwo-lake-bench-"))
    try:
        settings = Settings(tmp / "config", tmp)
        start = datetime(2026, 1, 1)
        gen = time.perf_counter()
        base = 1_000_000_000
        compactions, compact_s = 0, 0.0
        if args.inline is not None:
            from warehouse import lake

            lake.DATA_INLINING_ROW_LIMIT = args.inline
        every = args.compact_every or 96
        for day in range(args.days):
            for block in range(0, 96, every):  # the loads between two compactions, each a writer of its own
                if block:  # the hourly run of the maintenance DAG: its own writer, as in Airflow
                    compactions += 1
                    t_c = time.perf_counter()
                    maintain(settings, keep_days=90, expire=False)
                    compact_s += time.perf_counter() - t_c
                with writer(settings) as con:
                    for slot in range(block, min(block + every, 96)):
                        at = start + timedelta(days=day, minutes=15 * slot)
                        run = f"bench/{day:03d}-{slot:02d}"
                        con.execute("BEGIN")
                        con.execute(COMMIT_EVENTS, {"base": base, "day": at.date(), "at": at, "run": run,
                                                    "n": args.events})
                        con.execute(COMMIT_DOCS, {"run": run, "at": at})
                        con.execute(COMMIT_PLACES, {"run": run})
                        con.execute("COMMIT")
                        base += args.events
            if day < args.days - 1:
                maintain(settings, keep_days=90)  # the daily maintenance DAG
        gen = time.perf_counter() - gen
        with reader(settings) as con:
            files_before = data_files(con)
            before = _time(con, args.repeat)
        t = time.perf_counter()
        report = maintain(settings, keep_days=90)
        maintain_s = time.perf_counter() - t
        with reader(settings) as con:
            after = _time(con, args.repeat)
            rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
        ratio = {k: round(before[k] / after[k], 2) for k in QUERIES}
        worst = max(ratio.values())
        print(json.dumps({"days": args.days, "commits": args.days * 96, "events": rows, "generate_s": round(gen, 1),
                          "files_before": files_before, "files_after": report.files_after,
                          "maintain_s": round(maintain_s, 2), "compact_every": args.compact_every,
                          "compactions": compactions,
                          "compact_s_mean": round(compact_s / compactions, 3) if compactions else None,
                          "before_s": {k: round(v, 4) for k, v in before.items()},
                          "after_s": {k: round(v, 4) for k, v in after.items()},
                          "before_vs_after": ratio, "target": 1.5}, indent=2))
        print(f"worst before/after {worst:.2f} (target <= 1.5): {'PASS' if worst <= 1.5 else 'MISS'}")
        return 0 if worst <= 1.5 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

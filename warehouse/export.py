"""Researcher exports: every `v_*` view of the warehouse as Parquet, plus manifest.json.

Licences are followed: a restricted dataset's rows (ACLED) are left out of the row-level views unless
TRACKTWO_RAW_SHARING names it; its aggregates are exported; the manifest lists every dataset, its licence,
attribution and whether its rows were exported.

Read-only (never blocks the pipeline for long). A view with more than
`partition_rows` rows and a `day` column is written as Hive partitions by month
(`month=YYYY-MM/…parquet`), so a year of data opens piecewise; smaller views
are one file each. The manifest lists row counts, each file's SHA-256 and size,
and the license of every source whose data is in the warehouse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from extractors.landing import sha256_file
from tracktwo.core.config import Config
from tracktwo.core.datasets import DATASETS, raw_allowed
from warehouse.db import current_snapshot, reader
from tracktwo.core.clock import utc_now_naive

PARTITION_ROWS = 100_000

VIEWS = """
SELECT table_name FROM information_schema.tables
WHERE table_type = 'VIEW' AND table_schema = 'main' AND table_name LIKE 'v\\_%' ESCAPE '\\'
ORDER BY table_name
"""
COLUMNS = "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?"
# Sources whose rows are in the warehouse: documents by source, events through the fetch that loaded them.
SOURCES_INCLUDED = """
WITH used AS (
    SELECT DISTINCT source_id FROM documents
    UNION
    SELECT DISTINCT r.source_id FROM ingest_runs r
    WHERE r.run_id IN (SELECT DISTINCT run_id FROM events)
    UNION
    SELECT DISTINCT source_id FROM curated_events
)
SELECT u.source_id, s.publisher, s.kind, s.license
FROM used u LEFT JOIN sources s USING (source_id)
ORDER BY u.source_id
"""
# Views that can hold rows of a restricted dataset (tracktwo.core.datasets: ACLED's terms forbid redistributing
# its event rows): exported without those rows unless TRACKTWO_RAW_SHARING names the dataset. Aggregates
# (v_region_daily, v_curated_daily) are exported whole. $restricted: the datasets held back.
_CURATED_ITEM = "(item_type = 'curated_event' AND list_contains($restricted, split_part(item_id, ':', 1)))"
RESTRICTED_ROWS = {
    "v_curated_events": "SELECT * FROM v_curated_events WHERE NOT list_contains($restricted, dataset)",
    "v_alert_evidence": f"SELECT * FROM v_alert_evidence WHERE NOT {_CURATED_ITEM}",
    "v_alerts": "SELECT * REPLACE (list_filter(evidence, e -> NOT (e.item_type = 'curated_event' AND "
                "list_contains($restricted, split_part(e.item_id, ':', 1)))) AS evidence) FROM v_alerts",
}
DATASET_ROWS = "SELECT dataset, count(*) FROM curated_events GROUP BY dataset ORDER BY dataset"


def _iso(v) -> str | None:
    return None if v is None else v.isoformat(sep=" ")


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def export_views(con: duckdb.DuckDBPyConnection, out: Path, partition_rows: int = PARTITION_ROWS,
                 shared: tuple[str, ...] = ()) -> dict:
    """Write the views under `out` (replacing earlier exports of them) and return the manifest. Rows of a
    restricted dataset are left out unless `shared` (TRACKTWO_RAW_SHARING) names it."""
    out.mkdir(parents=True, exist_ok=True)
    views = [r[0] for r in con.execute(VIEWS).fetchall()]
    restricted = sorted(d for d in DATASETS if not raw_allowed(d, shared))
    entries = []
    for view in views:
        query = RESTRICTED_ROWS.get(view, f"SELECT * FROM {_quote(view)}")
        params = {"restricted": restricted} if view in RESTRICTED_ROWS else None
        rel = con.sql(query, params=params)
        rows = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
        cols = [r[0] for r in con.execute(COLUMNS, [view]).fetchall()]
        target = out / view
        single = out / f"{view}.parquet"
        for old in (target, single):
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        if rows > partition_rows and "day" in cols:
            rel.select("*, strftime(day, '%Y-%m') AS month").write_parquet(
                str(target), partition_by=["month"], write_partition_columns=False)
            files = sorted(p for p in target.rglob("*.parquet"))
            layout = "hive partitions by month (column `month`)"
        else:
            rel.write_parquet(str(single))
            files = [single]
            layout = "single file"
        entries.append({
            "view": view, "rows": rows, "layout": layout, "columns": cols,
            **({"rows_withheld_by_licence": restricted} if view in RESTRICTED_ROWS and restricted else {}),
            "files": [{"path": p.relative_to(out).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                      for p in files],
        })
    sources = [{"source_id": s, "publisher": p, "kind": k, "license": lic}
               for s, p, k, lic in con.execute(SOURCES_INCLUDED).fetchall()]
    datasets = [{"dataset": d, "rows_in_warehouse": n, "licence": DATASETS[d].licence if d in DATASETS else None,
                 "attribution": DATASETS[d].attribution if d in DATASETS else None,
                 "raw_rows_exported": raw_allowed(d, shared)}
                for d, n in con.execute(DATASET_ROWS).fetchall()]
    return {"generated_at": utc_now_naive().isoformat(timespec="seconds") + "Z", "format": "parquet",
            "lake_snapshot": current_snapshot(con).as_dict(),
            # the indicators' as-of, to the microsecond: region_daily_as_of(TIMESTAMP '<this>') returns these rows
            "indicators_as_of": _iso(con.execute("SELECT max(as_of) FROM indicator_runs").fetchone()[0]),
            "views": entries, "sources": sources,
            "datasets": datasets}


def export(config: Config, out: Path, partition_rows: int = PARTITION_ROWS) -> dict:
    """Export the researcher views of the configured warehouse; writes out/manifest.json."""
    out = Path(out)
    with reader(config.settings) as con:
        manifest = export_views(con, out, partition_rows, config.settings.raw_sharing)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return manifest

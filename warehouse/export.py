"""Researcher exports: every `v_*` view of the warehouse as Parquet, plus manifest.json.

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
)
SELECT u.source_id, s.publisher, s.kind, s.license
FROM used u LEFT JOIN sources s USING (source_id)
ORDER BY u.source_id
"""




def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def export_views(con: duckdb.DuckDBPyConnection, out: Path, partition_rows: int = PARTITION_ROWS) -> dict:
    """Write the views under `out` (replacing earlier exports of them) and return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    views = [r[0] for r in con.execute(VIEWS).fetchall()]
    entries = []
    for view in views:
        rel = con.sql(f"SELECT * FROM {_quote(view)}")
        rows = con.execute(f"SELECT count(*) FROM {_quote(view)}").fetchone()[0]
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
            "files": [{"path": p.relative_to(out).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                      for p in files],
        })
    sources = [{"source_id": s, "publisher": p, "kind": k, "license": lic}
               for s, p, k, lic in con.execute(SOURCES_INCLUDED).fetchall()]
    return {"generated_at": utc_now_naive().isoformat(timespec="seconds") + "Z", "format": "parquet",
            "lake_snapshot": current_snapshot(con).as_dict(), "views": entries, "sources": sources}


def export(config: Config, out: Path, partition_rows: int = PARTITION_ROWS) -> dict:
    """Export the researcher views of the configured warehouse; writes out/manifest.json."""
    out = Path(out)
    with reader(config.settings) as con:
        manifest = export_views(con, out, partition_rows)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return manifest

"""Researcher exports: every `v_*` view and the researcher tables behind them, as Parquet or CSV, with a
manifest.json that makes the export citable and checkable.

What: every `v_*` view (indicators, alerts and evidence, dyads, documents per region, sources, curated data)
plus the tables researchers join them with: documents with their places, coded events with their region
memberships, curated events' memberships and coverage, sources and regions (with their sides, the dyads).
Filters: `since`/`until` (UTC days, on each object's own date column; objects without one are exported whole)
and `regions` (objects with a region, and documents and events through their memberships).

Licences are followed: a restricted dataset's rows (ACLED) are left out of the row-level objects unless
TRACKTWO_RAW_SHARING names it; its aggregates are exported; the manifest lists every dataset, its licence,
attribution and whether its rows were exported.

The manifest records the lake snapshot read (`tracktwo.connect(as_of=...)` reproduces it), the indicators'
exact as-of and config hash, the filters, and per object its rows, columns with their descriptions (from
the warehouse's own data dictionary), files with SHA-256 and size. Read-only: never blocks the pipeline. An
object with more than `partition_rows` rows and a `day` column is written as Hive partitions by month.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from extractors.landing import sha256_file
from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import Config
from tracktwo.core.datasets import DATASETS, raw_allowed
from warehouse.db import current_snapshot, reader, upgrade
from warehouse.dictionary import dictionary

PARTITION_ROWS = 100_000
FORMATS = ("parquet", "csv")

VIEWS = """
SELECT table_name FROM information_schema.tables
WHERE table_type = 'VIEW' AND table_schema = 'main' AND table_name LIKE 'v\\_%' ESCAPE '\\'
ORDER BY table_name
"""
# The researcher tables exported beside the views (the others are history or operations: see docs/warehouse.md)
TABLES = ["documents", "document_places", "events", "event_regions", "curated_event_regions", "curated_coverage",
          "sources", "regions"]
# Each object's date column, for --since/--until (UTC days); objects not listed are exported whole.
DATE_COLUMNS = {
    "documents": "published_at", "v_region_documents": "published_at", "document_places": None,
    "events": "event_date", "event_regions": "day", "curated_event_regions": "day",
    "v_region_daily": "day", "v_dyad_daily": "day", "v_alerts": "day",
    "v_curated_daily": "day", "v_curated_events": "event_date", "v_indicator_runs": None,
    "v_alert_evidence": None,  # follows its alerts (PARENTS): an alert's evidence may predate --since
}
# Objects exported with exactly the rows of their parent object under the same filters: (key, parent, parent key)
PARENTS = {"v_alert_evidence": ("alert_id", "v_alerts", "alert_id"), "document_places": ("doc_id", "documents", "doc_id")}
# Objects tied to regions through another table (--region)
REGION_LINKS = {
    "documents": "doc_id IN (SELECT doc_id FROM document_places WHERE place_type = 'region' "
                 "AND list_contains($regions, place_id))",
    "events": "event_id IN (SELECT event_id FROM event_regions WHERE list_contains($regions, region_id))",
    "v_curated_events": "list_has_any(regions, $regions)",
}
# Objects that can hold rows of a restricted dataset (tracktwo.core.datasets: ACLED's terms forbid
# redistributing its event rows): exported without those rows unless TRACKTWO_RAW_SHARING names it.
_CURATED_ITEM = "(item_type = 'curated_event' AND list_contains($restricted, split_part(item_id, ':', 1)))"
RESTRICTED_ROWS = {
    "v_curated_events": "SELECT * FROM v_curated_events WHERE NOT list_contains($restricted, dataset)",
    "curated_event_regions": "SELECT * FROM curated_event_regions WHERE NOT list_contains($restricted, dataset)",
    "v_alert_evidence": f"SELECT * FROM v_alert_evidence WHERE NOT {_CURATED_ITEM}",
    "v_alerts": "SELECT * REPLACE (list_filter(evidence, e -> NOT (e.item_type = 'curated_event' AND "
                "list_contains($restricted, split_part(e.item_id, ':', 1)))) AS evidence, "
                "len(list_filter(evidence, e -> NOT (e.item_type = 'curated_event' AND "
                "list_contains($restricted, split_part(e.item_id, ':', 1)))))::INTEGER AS evidence_count) "
                "FROM v_alerts",
}
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
DATASET_ROWS = "SELECT dataset, count(*) FROM curated_events GROUP BY dataset ORDER BY dataset"
LAST_RUN = "SELECT as_of, config_hash FROM indicator_runs ORDER BY as_of DESC LIMIT 1"


@dataclass(frozen=True)
class ExportFilter:
    since: date | None = None   # UTC days, inclusive
    until: date | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "regions": list(self.regions)}


def _iso(v) -> str | None:
    return None if v is None else v.isoformat(sep=" ")


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _query(name: str, cols: list[str], flt: ExportFilter, restricted: list[str],
           described: dict | None = None) -> tuple[str, dict]:
    """The rows of one object under the filters, with the parameters it binds."""
    base = RESTRICTED_ROWS.get(name, f"SELECT * FROM {_quote(name)}")
    where, params = [], {}
    if name in PARENTS and described is not None and (flt.since or flt.until or flt.regions):
        key, parent, parent_key = PARENTS[name]
        pq, pp = _query(parent, [c.name for c in described[parent].columns], flt, restricted, described)
        params.update(pp)
        if name in RESTRICTED_ROWS:
            params["restricted"] = restricted
        return (f"SELECT * FROM ({base}) WHERE {_quote(key)} IN (SELECT {_quote(parent_key)} FROM ({pq}))", params)
    if name in RESTRICTED_ROWS:
        params["restricted"] = restricted
    day = DATE_COLUMNS.get(name, "day" if "day" in cols else None)
    if day and flt.since:
        where.append(f"CAST({_quote(day)} AS DATE) >= $since")
        params["since"] = flt.since
    if day and flt.until:
        where.append(f"CAST({_quote(day)} AS DATE) <= $until")
        params["until"] = flt.until
    if flt.regions:
        link = REGION_LINKS.get(name) or ("list_contains($regions, region_id)" if "region_id" in cols else None)
        if link:
            where.append(link)
            params["regions"] = list(flt.regions)
    if not where:
        return base, params
    return f"SELECT * FROM ({base}) WHERE " + " AND ".join(where), params


def _clear(out: Path, name: str) -> None:
    for old in (out / name, *(out / f"{name}.{ext}" for ext in FORMATS)):
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()


def export_views(con: duckdb.DuckDBPyConnection, out: Path, partition_rows: int = PARTITION_ROWS,
                 shared: tuple[str, ...] = (), fmt: str = "parquet", flt: ExportFilter = ExportFilter()) -> dict:
    """Write the views and researcher tables under `out` (replacing earlier exports of them) and return the
    manifest. Rows of a restricted dataset are left out unless `shared` (TRACKTWO_RAW_SHARING) names it."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    names = [r[0] for r in con.execute(VIEWS).fetchall()] + TABLES
    described = {e.name: e for e in dictionary(con)}
    restricted = sorted(d for d in DATASETS if not raw_allowed(d, shared))
    entries = []
    for name in names:
        entry = described[name]
        cols = [c.name for c in entry.columns]
        query, params = _query(name, cols, flt, restricted, described)
        if fmt == "csv":  # nested values (lists, structs) as JSON text: a CSV reader can parse them back
            nested = {c.name for c in entry.columns if c.type.endswith("]") or c.type.startswith(("STRUCT", "MAP"))}
            if nested:
                cols_sql = ", ".join(f"to_json({_quote(c)}) AS {_quote(c)}" if c in nested else _quote(c) for c in cols)
                query = f"SELECT {cols_sql} FROM ({query})"
        rel = con.sql(query, params=params or None)
        rows = con.execute(f"SELECT count(*) FROM ({query})", params or None).fetchone()[0]
        _clear(out, name)
        write = (lambda r, p, **kw: r.write_parquet(p, **kw)) if fmt == "parquet" else \
                (lambda r, p, **kw: r.write_csv(p, **kw))
        if rows > partition_rows and "day" in cols:
            target = out / name
            write(rel.select("*, strftime(day, '%Y-%m') AS month"), str(target), partition_by=["month"],
                  write_partition_columns=False)
            files = sorted(p for p in target.rglob(f"*.{fmt}"))
            layout = "hive partitions by month (column `month`)"
        else:
            single = out / f"{name}.{fmt}"
            write(rel, str(single))
            files = [single]
            layout = "single file"
        entries.append({
            "view": name, "kind": entry.kind, "description": entry.comment, "rows": rows, "layout": layout,
            "columns": cols,
            "column_descriptions": {c.name: c.comment for c in entry.columns},
            **({"rows_withheld_by_licence": restricted} if name in RESTRICTED_ROWS and restricted else {}),
            "files": [{"path": p.relative_to(out).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                      for p in files],
        })
    sources = [{"source_id": s, "publisher": p, "kind": k, "license": lic}
               for s, p, k, lic in con.execute(SOURCES_INCLUDED).fetchall()]
    datasets = [{"dataset": d, "rows_in_warehouse": n, "licence": DATASETS[d].licence if d in DATASETS else None,
                 "attribution": DATASETS[d].attribution if d in DATASETS else None,
                 "raw_rows_exported": raw_allowed(d, shared)}
                for d, n in con.execute(DATASET_ROWS).fetchall()]
    last = con.execute(LAST_RUN).fetchone()
    return {"generated_at": utc_now_naive().isoformat(timespec="seconds") + "Z", "format": fmt,
            "lake_snapshot": current_snapshot(con).as_dict(),
            # the indicators' as-of, to the microsecond: region_daily_as_of(TIMESTAMP '<this>') returns these rows
            "indicators_as_of": _iso(last[0]) if last else None,
            "config_hash": last[1] if last else None,  # indicators.yaml + regions: what computed them
            "filters": flt.as_dict(), "views": entries, "sources": sources, "datasets": datasets}


def export(config: Config, out: Path, partition_rows: int = PARTITION_ROWS, fmt: str = "parquet",
           flt: ExportFilter = ExportFilter()) -> dict:
    """Export the researcher views and tables of the configured warehouse; writes out/manifest.json."""
    out = Path(out)
    unknown = sorted(set(flt.regions) - {r.id for r in config.regions})
    if unknown:
        raise ValueError(f"--region: no region {unknown}; configured: {', '.join(r.id for r in config.regions)}")
    if flt.since and flt.until and flt.since > flt.until:
        raise ValueError(f"--since {flt.since} is after --until {flt.until}: no day is in that range")
    data = config.settings.data_dir.resolve()
    own = [config.settings.lake_path, config.settings.landing_dir, data / "lakes"]
    if "://" not in config.settings.lake_data_path:  # a local data path of a lake with its own catalog
        own.append(Path(config.settings.lake_data_path))
    inside = [p for p in own if out.resolve().is_relative_to(p.resolve())]
    if inside:  # the lake's files and the landing zone are the warehouse's own: an export is written elsewhere
        raise ValueError(f"--out {out} is inside {inside[0]}, which holds the warehouse's own files; "
                         "write the export to another folder")
    upgrade(config.settings)  # the views and the dictionary it reads come with the migrations
    with reader(config.settings) as con:
        manifest = export_views(con, out, partition_rows, config.settings.raw_sharing, fmt, flt)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return manifest

"""ingest, load, status, rebuild, sql, demo."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tracktwo.config import Config

STATUS_SQL = "status.sql"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="fetch sources into landing, then load the warehouse")
    p.add_argument("sources", nargs="*", metavar="SOURCE_ID", help="default: all enabled sources")
    p.add_argument("--workers", type=int, default=4, help="parallel fetches (default 4)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("load", help="load whatever the landing zone holds that the warehouse does not")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("status", help="per source: last success, last error, documents")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("rebuild", help="recreate the warehouse from the landing zone alone")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("sql", help="run a read-only query and print it as a table")
    p.add_argument("query")
    p.add_argument("--max-rows", type=int, default=200)
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("demo", help="run the whole pipeline offline on bundled sample data")
    p.add_argument("--out", help="data folder for the demo (default ./data/demo)")
    p.set_defaults(func=cmd_demo)


def _status_style(status: str) -> str:
    return {"ok": "green", "not_modified": "cyan", "failed": "red"}.get(status, "white")


def print_runs(console: Console, runs) -> None:
    t = Table(title="ingest summary", show_lines=False)
    for col in ("source", "status", "http", "seen", "new", "updated", "note"):
        t.add_column(col, justify="right" if col in ("http", "seen", "new", "updated") else "left")
    for r in runs:
        note = r.error or r.warning or ""
        t.add_row(r.source_id, f"[{_status_style(r.status)}]{r.status}[/]", str(r.http_status or ""),
                  str(r.items_seen), str(r.items_new), str(r.items_updated), escape(note[:120]))
    console.print(t)


def _line(console: Console, r) -> None:
    extra = f"{r.items_seen} seen, {r.items_new} new, {r.items_updated} updated" if r.status == "ok" else (r.error or "")
    console.print(f"  {r.source_id:<28} [{_status_style(r.status)}]{r.status:<12}[/] {escape(extra)}")


def run_ingest(config: Config, source_ids, console: Console, workers: int = 4) -> int:
    from tracktwo import pipeline

    sources = pipeline.select_sources(config, source_ids)
    console.print(f"fetching {len(sources)} source(s) into {config.settings.landing_dir}")

    def fetched(s, recs):
        for rec in recs:
            what = rec.error or (f"HTTP {rec.http_status}, {rec.bytes} bytes" if rec.bytes is not None else f"HTTP {rec.http_status}")
            console.print(f"  fetched {s.id:<20} [{_status_style(rec.status)}]{rec.status:<12}[/] {escape(str(what))}")

    pipeline.extract_all(config, sources, workers=workers, on_done=fetched)
    console.print(f"loading into {config.settings.warehouse_path}")
    runs = pipeline.load(config, on_run=lambda r: _line(console, r))
    print_runs(console, runs)
    return 1 if any(r.status == "failed" for r in runs) else 0


def cmd_ingest(args, config: Config, console: Console) -> int:
    return run_ingest(config, args.sources, console, args.workers)


def cmd_load(args, config: Config, console: Console) -> int:
    from tracktwo import pipeline

    runs = pipeline.load(config, on_run=lambda r: _line(console, r))
    print_runs(console, runs)
    return 1 if any(r.status == "failed" for r in runs) else 0


def cmd_status(args, config: Config, console: Console) -> int:
    from warehouse.db import reader, sql

    with reader(config.settings.warehouse_path) as con:
        cur = con.execute(sql(STATUS_SQL))
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    t = Table(title=f"sources in {config.settings.warehouse_path}")
    for c in cols:
        t.add_column(c)
    for row in rows:
        t.add_row(*[escape("" if v is None else str(v)) for v in row])
    console.print(t)
    return 0


def cmd_rebuild(args, config: Config, console: Console) -> int:
    from tracktwo import pipeline

    console.print(f"rebuilding {config.settings.warehouse_path} from {config.settings.landing_dir}")
    runs = pipeline.rebuild(config, on_run=lambda r: _line(console, r))
    console.print(f"replayed {len(runs)} fetch record(s)")
    return 0


def cmd_sql(args, config: Config, console: Console) -> int:
    import duckdb

    from warehouse.db import reader

    with reader(config.settings.warehouse_path) as con:
        try:
            cur = con.execute(args.query)
        except duckdb.Error as exc:
            console.print(f"[red]query failed:[/] {escape(str(exc))}")
            return 1
        if cur.description is None:
            return 0
        cols = [d[0] for d in cur.description]
        rows = cur.fetchmany(args.max_rows + 1)
    t = Table(show_lines=False)
    for c in cols:
        t.add_column(escape(c))
    for row in rows[: args.max_rows]:
        t.add_row(*[escape("NULL" if v is None else str(v)) for v in row])
    console.print(t)
    if len(rows) > args.max_rows:
        console.print(f"(first {args.max_rows} rows shown; use --max-rows or LIMIT)")
    return 0


def cmd_demo(args, config: Config, console: Console) -> int:
    from tracktwo.demo import run_demo

    return run_demo(console, out=args.out)

"""ingest, run, load, status, rebuild, sql, demo."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tracktwo.config import Config

STATUS_SQL = "status.sql"
# A source with more fetches than this in one ingest (a GDELT catch-up) is shown as one line, plus its failures.
MANY_FETCHES = 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="fetch sources into landing, then load the warehouse")
    p.add_argument("sources", nargs="*", metavar="SOURCE_ID", help="default: all enabled sources")
    p.add_argument("--workers", type=int, default=4, help="parallel fetches (default 4)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("run", help="the live pipeline once: ingest, incremental indicators, dashboard (`make run`)")
    p.add_argument("--workers", type=int, default=4, help="parallel fetches (default 4)")
    p.set_defaults(func=cmd_run)

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


@dataclass
class SourceTotals:
    """One source's runs summed up (a GDELT catch-up loads many files in one ingest)."""

    source_id: str
    status: str = "not_modified"
    http_status: int | None = None
    runs: int = 0
    failed: int = 0
    seen: int = 0
    new: int = 0
    updated: int = 0
    note: str = ""


def per_source(runs) -> list[SourceTotals]:
    """Runs grouped by source, in first-seen order; a source is failed when any of its runs failed."""
    out: dict[str, SourceTotals] = {}
    for r in runs:
        t = out.setdefault(r.source_id, SourceTotals(r.source_id))
        t.runs += 1
        t.seen, t.new, t.updated = t.seen + r.items_seen, t.new + r.items_new, t.updated + r.items_updated
        t.http_status = r.http_status or t.http_status
        if r.status == "failed":
            t.failed += 1
            t.status = "failed"
            t.note = t.note or (r.error or "")
        elif r.status == "ok" and t.status != "failed":
            t.status = "ok"
        if not t.note and r.warning:
            t.note = r.warning
    for t in out.values():
        if t.runs > 1 and t.failed:
            t.note = f"{t.failed} of {t.runs} files failed; first: {t.note}"
    return list(out.values())


def print_runs(console: Console, runs) -> None:
    t = Table(title="ingest summary", show_lines=False)
    for col in ("source", "status", "http", "fetches", "seen", "new", "updated", "note"):
        t.add_column(col, justify="left" if col in ("source", "status", "note") else "right")
    for s in per_source(runs):
        t.add_row(s.source_id, f"[{_status_style(s.status)}]{s.status}[/]", str(s.http_status or ""), str(s.runs),
                  str(s.seen), str(s.new), str(s.updated), escape(s.note[:160]))
    console.print(t)


def _line(console: Console, r) -> None:
    extra = f"{r.items_seen} seen, {r.items_new} new, {r.items_updated} updated" if r.status == "ok" else (r.error or "")
    console.print(f"  {r.source_id:<28} [{_status_style(r.status)}]{r.status:<12}[/] {escape(extra)}")


def _fetched(console: Console, source, recs) -> None:
    """One line per fetch; a many-file source (GDELT catch-up) gets one line plus its failures."""
    shown = recs if len(recs) <= MANY_FETCHES else [r for r in recs if r.status == "failed"]
    for rec in shown:
        what = rec.error or (f"HTTP {rec.http_status}, {rec.bytes} bytes" if rec.bytes is not None else f"HTTP {rec.http_status}")
        console.print(f"  fetched {source.id:<24} [{_status_style(rec.status)}]{rec.status:<12}[/] {escape(str(what))}")
    if len(recs) > MANY_FETCHES:
        ok = [r for r in recs if r.status == "ok"]
        size = sum(r.bytes or 0 for r in ok)
        console.print(f"  fetched {source.id:<24} {len(ok)} of {len(recs)} files, {size:,} bytes")


def run_ingest(config: Config, source_ids, console: Console, workers: int = 4) -> int:
    from tracktwo import pipeline

    sources = pipeline.select_sources(config, source_ids)
    console.print(f"fetching {len(sources)} source(s) into {config.settings.landing_dir}")
    fetched = pipeline.extract_all(config, sources, workers=workers, on_done=lambda s, recs: _fetched(console, s, recs))
    many = {sid for sid, recs in fetched.items() if len(recs) > MANY_FETCHES}
    console.print(f"loading into {config.settings.warehouse_path}")
    runs = pipeline.load(config, on_run=lambda r: None if r.source_id in many and r.status != "failed" else _line(console, r))
    print_runs(console, runs)
    return 1 if any(r.status == "failed" for r in runs) else 0


def cmd_ingest(args, config: Config, console: Console) -> int:
    return run_ingest(config, args.sources, console, args.workers)


def cmd_run(args, config: Config, console: Console) -> int:
    """Ingest, then indicators and dashboard on whatever loaded: a failed source does not stop the rest."""
    from reports.dashboard import build
    from tracktwo.commands.indicators import print_summary
    from warehouse.indicators import compute

    console.rule("ingest")
    rc = run_ingest(config, [], console, args.workers)
    console.rule("indicators")
    print_summary(config, console, compute(config), latest=12)
    console.rule("dashboard")
    index = build(config)
    console.print(f"dashboard: {index}", soft_wrap=True, markup=False, highlight=False)
    if rc:
        console.print("[red]some sources failed[/] (see the summary above and `tracktwo status`); the rest is stored")
    return rc


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
        t.add_column(c, no_wrap=c in ("source_id", "last_success", "last_failure"))
    for row in rows:
        t.add_row(*[escape("" if v is None else str(v)) for v in row])
    console.print(t)
    return 0


def cmd_rebuild(args, config: Config, console: Console) -> int:
    from tracktwo import pipeline

    from warehouse.load import RebuildFailed

    console.print(f"rebuilding {config.settings.warehouse_path} from {config.settings.landing_dir}")
    try:
        runs = pipeline.rebuild(config, on_run=lambda r: _line(console, r))
    except RebuildFailed as exc:
        console.print(f"[red]rebuild failed:[/] {escape(str(exc))}")
        return 1
    console.print(f"replayed {len(runs)} fetch record(s); indicator history and digest log carried over")
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

"""`tracktwo backfill gdelt --start D --end D`: every 15-minute GDELT export in a date range.

Resumable: files already landed ok (same URL and MD5) are not downloaded
again, and anything landed but not loaded (an interrupted run) is loaded
first. Memory stays bounded: files are fetched and loaded a small batch at a
time, each load is set-based inside DuckDB with a memory limit, and the
warehouse lock is held only while a batch loads.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from extractors import gdelt as ext
from extractors.gdelt import GdeltSource
from extractors.http import FetchError, session
from extractors.landing import Landing
from tracktwo import pipeline
from tracktwo.core.config import Config, ConfigError
from tracktwo.pipeline import kinds
from warehouse.db import writer
from warehouse.load import LoadContext, load_record


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backfill", help="load historical data for a source kind over a date range")
    kinds = p.add_subparsers(dest="backfill_kind", required=True, metavar="KIND")
    g = kinds.add_parser("gdelt", help="every GDELT 2.0 events export from --start to --end (UTC days, inclusive)")
    g.add_argument("--start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
    g.add_argument("--end", required=True, type=date.fromisoformat, help="last day (inclusive), YYYY-MM-DD")
    g.add_argument("--source", help="gdelt_events source id (default: the first enabled one)")
    g.add_argument("--batch", type=int, default=16, help="files fetched per warehouse load (default 16)")
    g.set_defaults(func=cmd_backfill_gdelt)


def _source(config: Config, source_id: str | None) -> GdeltSource:
    if source_id:
        s = config.source(source_id)
        if s.kind != "gdelt_events":
            raise ConfigError(f"source {source_id!r} is kind {s.kind!r}, not gdelt_events")
        return s
    sources = config.enabled_sources("gdelt_events")
    if not sources:
        raise ConfigError(f"{config.path('sources.yaml')}: no enabled source of kind gdelt_events")
    return sources[0]


def _load(config: Config, records) -> list:
    """Load the given landed records in one short writer session."""
    landing = Landing(config.settings.data_dir)
    with writer(config.settings) as con:
        ctx = LoadContext(con, config, landing)
        return [load_record(ctx, rec, kinds.loaders()) for rec in records]


def cmd_backfill_gdelt(args, config: Config, console: Console) -> int:
    if args.end < args.start:
        raise ConfigError(f"--end {args.end} is before --start {args.start}")
    source = _source(config, args.source)
    batch = max(1, args.batch)
    landing = Landing(config.settings.data_dir)
    leftover = pipeline.load(config, [source.id])  # files landed by an earlier, interrupted run
    if leftover:
        console.print(f"loaded {len(leftover)} file(s) landed by an earlier, interrupted run")

    start = datetime.combine(args.start, datetime.min.time())
    end = datetime.combine(args.end + timedelta(days=1), datetime.min.time())
    console.print(f"listing GDELT exports {args.start} .. {args.end} from {escape(ext.masterfilelist_url(source))}")
    try:
        files = ext.files_in_range(source, config.http_for(source), start, end)
    except FetchError as exc:
        console.print(f"[red]cannot read the file list:[/] {escape(str(exc))}")
        return 1
    state = ext.landed_state(landing, source)
    todo = [f for f in files if not state.is_landed(f)]
    done = len(files) - len(todo)
    console.print(f"{len(files)} export file(s) in range, {done} already loaded, {len(todo)} to fetch")

    rows = failed = 0
    columns = [TextColumn("[bold]gdelt backfill"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
               TextColumn("{task.fields[rows]:,} rows"), TextColumn("{task.fields[failed]} failed"),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn()]
    sess = session(config.http_for(source))
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("backfill", total=len(files), completed=done, rows=0, failed=0)
            for i in range(0, len(todo), batch):
                recs = [ext.fetch_export(source, config.http_for(source), landing, f, sess, listed_in="backfill")
                        for f in todo[i:i + batch]]
                for s in _load(config, recs):
                    rows += s.items_new
                    if s.status == "failed":
                        failed += 1
                        progress.console.print(f"  [red]failed[/] {escape(s.error or '')}")
                progress.update(task, advance=len(recs), rows=rows, failed=failed)
    finally:
        sess.close()
    console.print(f"backfill done: {len(files) - failed} of {len(files)} file(s) loaded, {rows:,} new event rows"
                  + (f", {failed} failed (re-run to retry)" if failed else ""))
    return 1 if failed else 0

"""ingest, run, load, status, rebuild, sql, demo."""

from __future__ import annotations

import argparse
from pathlib import Path

import pyarrow as pa

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tracktwo import pipeline
from tracktwo.commands.sql_output import FORMATS, Result, render, text, write_parquet
from tracktwo.console import print_run_line, print_runs, print_summary, run_ingest
from tracktwo.core.config import Config
from tracktwo.demo import DemoFolderTaken, run_demo
from warehouse.db import reader, refused_query, upgrade
from warehouse.dictionary import GuideError, dictionary, guide_blocks, markdown, update_guide
from warehouse.lake import exists as warehouse_exists
from warehouse.rebuild import RebuildFailed, interrupted_rebuild


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="fetch sources into landing, then load the warehouse")
    p.add_argument("sources", nargs="*", metavar="SOURCE_ID", help="default: all enabled sources")
    p.add_argument("--workers", type=int, default=4, help="fetches at once in each of the TRACKTWO_WORKERS worker processes (feeds, ReliefWeb), and in this process's threads (GDELT, UCDP, ACLED); default 4")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("run", help="the live pipeline once: ingest, incremental indicators, dashboard (`make run`)")
    p.add_argument("--workers", type=int, default=4, help="fetches at once in each of the TRACKTWO_WORKERS worker processes (feeds, ReliefWeb), and in this process's threads (GDELT, UCDP, ACLED); default 4")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("load", help="load whatever the landing zone holds that the warehouse does not")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("status", help="per source: last success, last error, documents")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("rebuild", help="recreate the warehouse from the landing zone alone")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("sql", help="run read-only queries; print each result (a table on a terminal, else CSV)")
    p.add_argument("query", help="one or more statements separated by ';', run in order, each result shown")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="table (only on a terminal: wraps long cells, stops at --max-rows), csv (the default "
                        "otherwise), json (an array of row objects per statement), parquet (needs --out), markdown; "
                        "every format but table writes every row and character")
    p.add_argument("--out", type=Path, help="write to this file instead of the terminal (parquet: FILE, FILE-2, ...)")
    p.add_argument("--max-rows", type=int, default=200, help="rows shown per result by the table format")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("describe", help="the data dictionary: what each table, view and column holds")
    p.add_argument("name", nargs="?", help="one table or view (default: all)")
    p.add_argument("--format", choices=("table", "markdown"), default="table")
    p.add_argument("--out", type=Path, help="write to this file (docs/dictionary.md is generated this way)")
    p.add_argument("--update", type=Path, metavar="GUIDE",
                   help="rewrite the column tables of a markdown guide in place, each between "
                        "<!-- columns: NAME --> and <!-- /columns --> (docs/warehouse.md is kept this way)")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("demo", help="run the whole pipeline offline on bundled sample data")
    p.add_argument("--out", help="data folder for the demo (default <data dir>/demo, so ./data/demo); replaced on "
                                 "every run, so only a folder an earlier demo made (or an empty one) is accepted")
    p.set_defaults(func=cmd_demo)


def cmd_ingest(args, config: Config, console: Console) -> int:
    return run_ingest(config, args.sources, console, args.workers)


def cmd_run(args, config: Config, console: Console) -> int:
    """Ingest, then indicators and dashboard on whatever loaded: a failed source does not stop the rest."""
    console.rule("ingest")
    rc = run_ingest(config, [], console, args.workers)
    console.rule("indicators")
    print_summary(config, console, pipeline.indicators(config), latest=12)
    console.rule("dashboard")
    index = pipeline.dashboard(config)
    console.print(f"dashboard: {index}", soft_wrap=True, markup=False, highlight=False)
    if rc:
        console.print("[red]some sources failed[/] (see the summary above and `tracktwo status`); the rest is stored")
    return rc


def cmd_load(args, config: Config, console: Console) -> int:
    runs = pipeline.load(config, on_run=lambda r: print_run_line(console, r))
    print_runs(console, runs)
    return 1 if any(r.status == "failed" for r in runs) else 0


def cmd_status(args, config: Config, console: Console) -> int:
    """Per source: last success, last failure and error, and what the warehouse holds (each kind's own count)."""
    old = config.settings.data_dir / "warehouse.duckdb"
    if old.exists():
        console.print(f"[yellow]{old} is a warehouse of tracktwo 0.1[/] (one DuckDB 2 file, which the lake's DuckDB "
                      "cannot open). The lake is built from landing by `tracktwo load`; its digest log is not carried "
                      "over (docs/warehouse.md, \"Migrating from warehouse.duckdb\"). Delete the file when done.",
                      soft_wrap=True)
    statuses = pipeline.source_status(config)
    t = Table(title=f"sources in {config.settings.warehouse_label}")
    for col in ("source_id", "kind", "enabled", "last_success", "last_failure", "last_error", "stored", "not loaded"):
        t.add_column(col, no_wrap=col in ("source_id", "last_success", "last_failure"))
    for s in statuses:
        when = [("" if v is None else str(v.replace(microsecond=0))) for v in (s.last_success, s.last_failure)]
        t.add_row(escape(s.source_id), s.kind, str(s.enabled).lower(), *when, escape(s.last_error or ""),
                  f"{s.stored:,} {s.stored_unit}", str(s.pending or ""))
    console.print(t)
    partial = interrupted_rebuild(config.settings)
    if partial:
        console.print(f"[yellow]a rebuild was interrupted[/]: {partial} is its partial file; the warehouse is the one "
                      "from before it, intact. Run `tracktwo rebuild` to start it over.", soft_wrap=True)
    waiting = sum(s.pending for s in statuses)
    if waiting:
        console.print(f"{waiting} landed fetch(es) not loaded yet (a load is running or was interrupted): "
                      "`tracktwo load` loads them")
    return 0


def cmd_rebuild(args, config: Config, console: Console) -> int:
    console.print(f"rebuilding {config.settings.warehouse_label} from {config.settings.landing_dir}")
    had_lake = warehouse_exists(config.settings)
    try:
        runs = pipeline.rebuild(config, on_run=lambda r: print_run_line(console, r))
    except RebuildFailed as exc:
        console.print(f"[red]rebuild failed:[/] {escape(str(exc))}")
        return 1
    carried = "; indicator history and digest log carried over" if had_lake else ""
    console.print(f"replayed {len(runs)} fetch record(s){carried}")
    return 0


def cmd_sql(args, config: Config, console: Console) -> int:
    fmt = args.format or ("table" if console.is_terminal and args.out is None else "csv")
    if fmt == "parquet" and args.out is None:
        console.print("[red]--format parquet needs --out FILE[/] (Parquet is binary)")
        return 2
    results: list[Result] = []
    with reader(config.settings, sandboxed=True) as con:
        try:
            refused = refused_query(con, args.query)
            if refused:
                console.print(f"[red]refused:[/] `tracktwo sql` reads the warehouse only: {escape(refused)}")
                return 2  # a usage error: nothing ran
            for stmt in con.extract_statements(args.query):
                rel = con.execute(stmt)
                if rel.description is None:
                    continue
                if fmt == "table":  # a person reads --max-rows of it: never load more than that (+1: "more")
                    batches = rel.fetch_record_batch(args.max_rows + 1)
                    try:
                        table = pa.Table.from_batches([batches.read_next_batch()])
                    except StopIteration:
                        table = batches.schema.empty_table()
                    results.append(Result(stmt.query.strip(), table))
                else:
                    results.append(Result(stmt.query.strip(), rel.to_arrow_table()))
        except duckdb.PermissionException as exc:
            console.print("[red]refused:[/] `tracktwo sql` reads the warehouse only: it cannot read or write other "
                          f"files, attach databases or install extensions ({escape(str(exc).splitlines()[0])})")
            return 2  # refused, as above: a usage error
        except duckdb.Error as exc:
            console.print(f"[red]query failed:[/] {escape(str(exc))}")
            return 1
    if fmt == "parquet":
        for path in write_parquet(results, args.out):
            console.print(f"wrote {path}", soft_wrap=True, markup=False, highlight=False)
        return 0
    if fmt == "table":
        if args.out is not None:  # the same table, in a file
            with open(args.out, "w", encoding="utf-8") as f:
                _print_tables(results, Console(file=f, width=console.width, highlight=False), args.max_rows)
        else:
            _print_tables(results, console, args.max_rows)
        return 0
    out = render(results, fmt)
    if args.out is not None:
        args.out.write_text(out, encoding="utf-8")
    else:
        console.file.write(out)
        console.file.flush()
    return 0


def _print_tables(results: list[Result], console: Console, max_rows: int) -> None:
    for i, r in enumerate(results):
        if len(results) > 1:
            console.rule(escape(r.statement[:100]))
        t = Table(show_lines=False)
        for c in r.table.column_names:
            t.add_column(escape(c))
        for row in r.table.slice(0, max_rows).to_pylist():
            t.add_row(*[escape("NULL" if v is None else text(v)) for v in row.values()])
        console.print(t)
        if r.table.num_rows > max_rows:
            console.print(f"(first {max_rows} rows shown; use --max-rows, LIMIT, or --format csv for all of them)")


def cmd_describe(args, config: Config, console: Console) -> int:
    upgrade(config.settings)  # the dictionary comes with the migrations
    with reader(config.settings) as con:
        entries = dictionary(con, None if args.update else args.name)  # a guide's blocks may name any object
    if not entries:
        console.print(f"[red]no table or view named {escape(repr(args.name or ''))}[/] (`tracktwo describe` lists them)")
        return 1
    if args.update:
        try:
            old = args.update.read_text(encoding="utf-8")
            new = update_guide(old, entries)
        except (OSError, GuideError) as e:
            console.print(f"[red]{escape(str(e))}[/]")
            return 1
        if new != old:
            args.update.write_text(new, encoding="utf-8")
        console.print(f"{escape(str(args.update))}: {len(guide_blocks(new))} column tables "
                      f"{'rewritten' if new != old else 'already up to date'}")
        return 0
    if args.format == "markdown":
        text_out = markdown(entries)
        if args.out:
            args.out.write_text(text_out, encoding="utf-8")
        else:
            console.file.write(text_out)
        return 0
    for e in entries:
        t = Table(title=f"{e.name} ({e.kind}): {escape(e.comment or '')}", title_justify="left")
        for col in ("column", "type", "meaning"):
            t.add_column(col, overflow="fold")
        for c in e.columns:
            t.add_row(escape(c.name), escape(c.type), escape(c.comment or ""))
        console.print(t)
    return 0


def cmd_demo(args, config: Config, console: Console) -> int:
    try:
        return run_demo(config.settings, console, out=args.out)
    except DemoFolderTaken as exc:
        Console(stderr=True, soft_wrap=True).print(f"[bold red]demo:[/] {escape(str(exc))}")
        return 2  # a usage error, as a configuration error is

"""indicators, export."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from rich.console import Console

from tracktwo import pipeline
from tracktwo.console import print_summary
from tracktwo.core.config import Config, ConfigError
from warehouse.export import FORMATS as EXPORT_FORMATS, ExportFilter, export

def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help="recompute tension indicators and alerts (days touched by new data)")
    p.add_argument("--start", type=_day, help="recompute from this day (YYYY-MM-DD)")
    p.add_argument("--end", type=_day, help="recompute up to this day (YYYY-MM-DD)")
    p.add_argument("--full", action="store_true", help="recompute every day")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("export", help="write the researcher views and tables as Parquet or CSV, with a manifest")
    p.add_argument("--format", default="parquet", choices=list(EXPORT_FORMATS))
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--since", type=_day, help="first UTC day (YYYY-MM-DD) of the rows, on each object's own date")
    p.add_argument("--until", type=_day, help="last UTC day (YYYY-MM-DD), inclusive")
    p.add_argument("--region", action="append", default=[], metavar="REGION_ID",
                   help="only these regions (repeat for several); documents and events through their memberships")
    p.set_defaults(func=cmd_export)


def cmd_indicators(args, config: Config, console: Console) -> int:
    if args.full and (args.start or args.end):
        raise ConfigError("--full recomputes every day; do not combine it with --start/--end")
    s = pipeline.indicators(config, start=args.start, end=args.end, full=args.full)
    print_summary(config, console, s)
    return 0


def cmd_export(args, config: Config, console: Console) -> int:
    out = Path(args.out)
    try:
        manifest = export(config, out, fmt=args.format,
                          flt=ExportFilter(args.since, args.until, tuple(args.region)))
    except ValueError as exc:
        console.print(f"[red]export refused:[/] {exc}")
        return 2
    for v in manifest["views"]:
        console.print(f"  {v['view']:<24} {v['rows']:>10} rows  {len(v['files'])} file(s)  {v['layout']}")
    console.print(f"manifest: {out / 'manifest.json'} ({len(manifest['sources'])} source(s) with licenses)")
    return 0

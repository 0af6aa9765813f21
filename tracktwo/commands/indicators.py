"""indicators, export."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tracktwo.config import Config, ConfigError

LATEST_SQL = """
SELECT r.region_id, r.day, r.tension_index, r.tension_index_z, r.material_conflict, r.dialogue_events,
       r.dialogue_documents, (SELECT count(*) FROM v_alerts a WHERE a.region_id = r.region_id AND a.day > r.day - 7) AS alerts_7d
FROM v_region_daily r
WHERE r.tension_index IS NOT NULL  -- the latest complete day (days after the last event file are partial)
QUALIFY row_number() OVER (PARTITION BY r.region_id ORDER BY r.day DESC) = 1
ORDER BY r.tension_index DESC, r.region_id
"""


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

    p = sub.add_parser("export", help="write the researcher views (v_*) as Parquet with a manifest")
    p.add_argument("--format", default="parquet", choices=["parquet"])
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=cmd_export)


def print_latest(config: Config, console: Console, limit: int = 30) -> None:
    """Regions by the tension index of their latest complete day."""
    from warehouse.db import query

    rows = query(config.settings.warehouse_path, LATEST_SQL)
    t = Table(title="latest tension index by region")
    for col in ("region", "day", "index", "index z", "material conflict", "dialogue ev", "dialogue docs", "alerts 7d"):
        t.add_column(col, justify="left" if col in ("region", "day") else "right")
    for rid, day, idx, z, mc, de, dd, na in rows[:limit]:
        t.add_row(escape(rid), str(day), f"{idx:.1f}", "" if z is None else f"{z:+.2f}", str(mc), str(de), str(dd), str(na))
    console.print(t)


def cmd_indicators(args, config: Config, console: Console) -> int:
    from warehouse.indicators import compute

    if args.full and (args.start or args.end):
        raise ConfigError("--full recomputes every day; do not combine it with --start/--end")
    s = compute(config, start=args.start, end=args.end, full=args.full)
    print_summary(config, console, s)
    return 0


def print_summary(config: Config, console: Console, s, latest: int = 30) -> None:
    """One line on what the computation did, then regions by latest index."""
    console.print(f"indicators ({s.mode}) as_of {s.as_of:%Y-%m-%d %H:%M:%S} UTC: {s.days_recomputed} day(s) recomputed, "
                  f"span {s.first_day} .. {s.last_day}, {s.rows_written} row(s) changed, "
                  f"{s.alerts_written} alert version(s) written, {s.active_alerts} active alert(s), {s.seconds:.2f}s")
    if s.first_day is not None and latest:
        print_latest(config, console, limit=latest)


def cmd_export(args, config: Config, console: Console) -> int:
    from warehouse.export import export

    out = Path(args.out)
    manifest = export(config, out)
    for v in manifest["views"]:
        console.print(f"  {v['view']:<24} {v['rows']:>10} rows  {len(v['files'])} file(s)  {v['layout']}")
    console.print(f"manifest: {out / 'manifest.json'} ({len(manifest['sources'])} source(s) with licenses)")
    return 0

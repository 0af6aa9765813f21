"""shell, maintain: the lake for people (the DuckDB CLI) and its upkeep."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from rich.console import Console

from tracktwo.core.config import Config, ConfigError
from warehouse import lake
from warehouse.db import require
from warehouse.maintain import DEFAULT_KEEP_DAYS, maintain


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("shell", help="the DuckDB CLI with the warehouse attached read-only (`-c SQL` runs one statement)")
    p.add_argument("-c", dest="command", metavar="SQL", help="run this and exit (like `duckdb -c`)")
    p.add_argument("--as-of", type=int, metavar="SNAPSHOT", help="the lake as it was at this snapshot id")
    p.set_defaults(func=cmd_shell)

    p = sub.add_parser("maintain", help="compact the lake's files and expire old snapshots")
    p.add_argument("--keep-days", type=int, default=DEFAULT_KEEP_DAYS,
                   help=f"time travel reaches back this many days (default {DEFAULT_KEEP_DAYS})")
    p.add_argument("--compact-only", action="store_true",
                   help="only compact (inlined rows to files, small files merged); expire nothing (hourly in Airflow)")
    p.set_defaults(func=cmd_maintain)


def duckdb_cli() -> Path:
    """The DuckDB CLI of the `duckdb-cli` wheel beside this Python (or on PATH), at the same DuckDB version."""
    found = Path(sys.executable).parent / "duckdb"
    path = found if found.is_file() else (Path(shutil.which("duckdb")) if shutil.which("duckdb") else None)
    wanted = f"v{duckdb.__version__}"
    hint = f"pip install duckdb-cli=={duckdb.__version__} (pinned in constraints.txt)"
    if path is None:
        raise ConfigError(f"no DuckDB CLI found: {hint}")
    version = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout.split()
    if not version or version[0] != wanted:
        raise ConfigError(f"{path} is DuckDB {version[0] if version else '?'}, not {wanted} like the warehouse "
                          f"library: {hint}")
    return path


def cmd_shell(args, config: Config, console: Console) -> int:
    settings = config.settings
    require(settings)
    init = ["SET TimeZone = 'UTC'", *lake.attach_statements(settings, read_only=True, snapshot_version=args.as_of),
            f"USE {lake.LAKE}"]
    argv = [str(duckdb_cli()), "-cmd", ";\n".join(init) + ";"]
    if args.command:
        argv += ["-c", args.command]
        return subprocess.run(argv).returncode
    console.print(f"DuckDB shell on {settings.warehouse_label} (read-only; `.quit` to leave)")
    sys.stdout.flush()
    os.execv(argv[0], argv)  # the CLI takes over the terminal
    return 0  # not reached


def cmd_maintain(args, config: Config, console: Console) -> int:
    if args.keep_days < 1:
        raise ConfigError("--keep-days must be at least 1: expiring today's snapshots would break open readers")
    report = maintain(config.settings, keep_days=args.keep_days, expire=not args.compact_only)
    kept = "none expired (--compact-only)" if args.compact_only else f"kept: the last {args.keep_days} days"
    console.print(f"data files {report.files_before} -> {report.files_after}; snapshots {report.snapshots_before} "
                  f"-> {report.snapshots_after} ({kept})")
    return 0

"""`tracktwo` command line: thin wiring over tracktwo.pipeline and friends.

Exit codes: 0 all good; 1 some source or step failed (the rest was stored);
2 configuration or usage error; 3 warehouse busy or missing.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_WAREHOUSE = 0, 1, 2, 3

# Commands that fetch or load in worker processes (tracktwo.core.workers).
WORKER_COMMANDS = {"ingest", "run", "load", "rebuild", "demo", "backfill"}


def build_parser() -> argparse.ArgumentParser:
    from tracktwo.commands import core, dashboard, digest, gdelt, indicators, lake

    p = argparse.ArgumentParser(prog="tracktwo", description="Conflict-monitoring pipeline for Track-II diplomacy.")
    p.add_argument("--config-dir", help="config folder (env TRACKTWO_CONFIG_DIR; default ./config, else the packaged defaults)")
    p.add_argument("--data-dir", help="data folder (env TRACKTWO_DATA_DIR, default ./data)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Each module exposes register(subparsers); its commands take (args, config, console) -> int.
    for module in (core, gdelt, indicators, dashboard, digest, lake):
        module.register(sub)
    return p


def _start_workers_early(argv: list[str]) -> None:
    """For a command that uses worker processes, start their fork server before this process imports the
    commands (DuckDB, pyarrow, lxml...: about half a second): the fork server imports what workers need on the
    other core meanwhile, so the first worker is up when the first fetch is handed out. A wrong guess (a
    source id named "load") only starts an idle fork server."""
    if not WORKER_COMMANDS & set(argv):
        return
    from tracktwo.core.settings import Settings
    from tracktwo.core.workers import start_fork_server

    try:
        if Settings.from_env().workers > 1:
            start_fork_server()
    except Exception:  # a bad TRACKTWO_* value: said properly once the command runs
        pass


def main(argv: list[str] | None = None) -> int:
    _start_workers_early(sys.argv[1:] if argv is None else argv)
    from rich.console import Console

    from tracktwo.core.errors import ConfigError
    from tracktwo.core.settings import Settings
    from tracktwo.pipeline import open_config
    from warehouse.db import WarehouseBusy, WarehouseMissing
    from warehouse.lake import EngineError

    parser = build_parser()
    args = parser.parse_args(argv)
    # soft_wrap: messages are not broken at the console's width, so a printed command or path stays one line
    # that can be copied (the terminal wraps it for display); rules and tables still fit the width.
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120  # logs and pipes: wide enough for the summary tables
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        # The one settings object of this process: flags, then TRACKTWO_* variables, then defaults.
        config = open_config(Settings.from_env(args.config_dir, args.data_dir))
        return int(args.func(args, config, console) or 0)
    except ConfigError as exc:
        err.print(f"[bold red]configuration error[/]\n{exc}", markup=True, soft_wrap=True)
        return EXIT_CONFIG
    except (WarehouseBusy, WarehouseMissing, EngineError) as exc:
        err.print(f"[bold red]warehouse:[/] {exc}", soft_wrap=True)
        return EXIT_WAREHOUSE
    except KeyboardInterrupt:
        err.print("interrupted; what was loaded so far is kept, re-run to continue")
        return 130


if __name__ == "__main__":
    sys.exit(main())

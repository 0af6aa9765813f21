"""`tracktwo` command line: thin wiring over tracktwo.pipeline and friends.

Exit codes: 0 all good; 1 some source or step failed (the rest was stored);
2 configuration or usage error; 3 warehouse busy or missing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from rich.console import Console

from tracktwo.config import Config, ConfigError, Settings

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_WAREHOUSE = 0, 1, 2, 3

# Each module exposes register(subparsers); its commands take (args, config, console) -> int.
COMMAND_MODULES = [
    "tracktwo.commands.core",
    "tracktwo.commands.gdelt",
    "tracktwo.commands.indicators",
    "tracktwo.commands.dashboard",
    "tracktwo.commands.digest",
]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracktwo", description="Conflict-monitoring pipeline for Track-II diplomacy.")
    p.add_argument("--config-dir", help="config folder (env TRACKTWO_CONFIG_DIR, default ./config)")
    p.add_argument("--data-dir", help="data folder (env TRACKTWO_DATA_DIR, default ./data)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120  # logs and pipes: wide enough for the summary tables
    err = Console(stderr=True, highlight=False)
    from warehouse.db import WarehouseBusy, WarehouseMissing

    try:
        config = Config(Settings.from_env(args.config_dir, args.data_dir))
        return int(args.func(args, config, console) or 0)
    except ConfigError as exc:
        err.print(f"[bold red]configuration error[/]\n{exc}", markup=True, soft_wrap=True)
        return EXIT_CONFIG
    except (WarehouseBusy, WarehouseMissing) as exc:
        err.print(f"[bold red]warehouse:[/] {exc}", soft_wrap=True)
        return EXIT_WAREHOUSE
    except KeyboardInterrupt:
        err.print("interrupted; what was loaded so far is kept, re-run to continue")
        return 130


if __name__ == "__main__":
    sys.exit(main())

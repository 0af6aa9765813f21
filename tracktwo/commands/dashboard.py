"""dashboard: write the static HTML site (index, one page per region, methodology)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from tracktwo import pipeline
from tracktwo.core.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="write the static dashboard (opens offline from file://, prints on A4)")
    p.add_argument("--out", metavar="DIR", help="output folder (default <data>/site)")
    p.set_defaults(func=cmd_dashboard)


def cmd_dashboard(args, config: Config, console: Console) -> int:
    index = pipeline.dashboard(config, out=Path(args.out).resolve() if args.out else None)
    console.print(str(index), soft_wrap=True, markup=False, highlight=False)
    return 0

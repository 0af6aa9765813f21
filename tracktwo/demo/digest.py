"""Demo stage: write the week's digest for the demo subscribers as .eml files (never sends)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from tracktwo import pipeline
from tracktwo.core.config import Config


def run(config: Config, console: Console) -> int:
    summary = pipeline.digest(config, send=False)
    for f in summary["files"]:
        console.print(f"  digest for {Path(f).stem}: {f}", soft_wrap=True)
    console.print(f"  {summary['messages']} digest(s) for {summary['week']} written (nothing sent); "
                  f"open the .eml in a mail client or the .html next to it in a browser", soft_wrap=True)
    return 0


STAGE = ("digest", lambda served, config_dir: [], run)

"""Demo stage: build the dashboard of the demo warehouse (after the indicators) and print its path."""

from __future__ import annotations

from rich.console import Console

from tracktwo import pipeline
from tracktwo.core.config import Config


def run(config: Config, console: Console) -> int:
    index = pipeline.dashboard(config)
    console.print(f"  dashboard: {index}", soft_wrap=True, markup=False, highlight=False)
    console.print(f"  open {index.as_uri()} in a browser (works offline; prints on A4)", soft_wrap=True,
                  markup=False, highlight=False)
    return 0


STAGE = ("dashboard", lambda served, config_dir: [], run)

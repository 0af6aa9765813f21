"""Demo stage: compute indicators and alerts over the demo warehouse."""

from __future__ import annotations

from rich.console import Console

from tracktwo import pipeline
from tracktwo.console import print_latest
from tracktwo.core.config import Config
from warehouse.db import reader


def run_indicators(config: Config, console: Console) -> int:
    """Compute indicators over the demo warehouse; show regions by latest index and the alerts."""
    s = pipeline.indicators(config)
    console.print(f"indicators ({s.mode}): {s.first_day} .. {s.last_day}, {s.active_alerts} alert(s), {s.seconds:.2f}s")
    if s.first_day is None:
        return 0
    print_latest(config, console, limit=12)
    with reader(config.settings) as con:
        kinds = con.execute("SELECT kind, count(*), sum(evidence_count) FROM v_alerts GROUP BY ALL ORDER BY 1").fetchall()
    for kind, n, ev in kinds:
        console.print(f"  {kind:<14} {n:>4} alert(s), {ev or 0} evidence row(s)")
    return 0


STAGE = ("indicators", lambda served, config_dir: [], run_indicators)

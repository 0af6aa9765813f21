"""Demo stage: compute indicators and alerts over the demo warehouse."""

from __future__ import annotations

from rich.console import Console

from tracktwo import pipeline
from tracktwo.console import print_latest
from tracktwo.core.config import Config
from warehouse.db import reader


# What the stories look like through the indicators (counted incidents), last days against the rest.
STORIES_SQL = """
WITH last AS (SELECT max(day) AS d FROM v_region_daily WHERE events_total IS NOT NULL)
SELECT region_id,
       avg(conflict_incidents) FILTER (WHERE day > d - 10), avg(conflict_incidents) FILTER (WHERE day <= d - 10),
       avg(dialogue_events) FILTER (WHERE day > d - 10), avg(dialogue_events) FILTER (WHERE day <= d - 10),
       sum(events_raw) - sum(events_total)
FROM v_region_daily, last
WHERE region_id IN ('russia-ukraine', 'israel-palestine', 'korean-peninsula', 'taiwan-strait') AND day <= d
GROUP BY region_id ORDER BY region_id
"""


def run_indicators(config: Config, console: Console) -> int:
    """Compute indicators over the demo warehouse; show regions by latest index and the alerts."""
    s = pipeline.indicators(config)
    console.print(f"indicators ({s.mode}): {s.first_day} .. {s.last_day}, {s.active_alerts} alert(s), {s.seconds:.2f}s")
    if s.first_day is None:
        return 0
    print_latest(config, console, limit=12)
    with reader(config.settings) as con:
        kinds = con.execute("SELECT kind, count(*), sum(evidence_count) FROM v_alerts GROUP BY ALL ORDER BY 1").fetchall()
        stories = con.execute(STORIES_SQL).fetchall()
    for kind, n, ev in kinds:
        console.print(f"  {kind:<17} {n:>4} alert(s), {ev or 0} evidence row(s)")
    console.print("  the demo's stories, counted incidents per day (last 10 days vs before; uncounted events):")
    for rid, c_now, c_before, d_now, d_before, dropped in stories:
        console.print(f"    {rid:<18} conflict {c_now or 0:5.1f} vs {c_before or 0:5.1f}   "
                      f"dialogue events {d_now or 0:4.1f} vs {d_before or 0:4.1f}   {dropped or 0} events filtered out")
    return 0


STAGE = ("indicators", lambda served, config_dir: [], run_indicators)

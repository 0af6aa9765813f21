"""tracktwo_ingest_gdelt: every 15 minutes, fetch new GDELT 2.0 event exports, then load them.

- `gdelt_sources` lists the enabled `kind: gdelt_events` sources (normally one,
  whose URL is GDELT's `lastupdate.txt`).
- `fetch` (mapped, one per source) lands every export file not fetched yet. The
  extractor catches up windows missed while the pipeline was down from
  `masterfilelist.txt`, oldest first, up to the source's `max_files_per_run`: the
  data's own cursor decides what is missing, not the run's date. A failed file is
  landed and recorded; the task then fails and is retried with exponential backoff.
- `load` runs in the one-slot `tracktwo_duckdb` pool after every fetch has finished
  (trigger rule `all_done`) and records failures in `ingest_runs`.
- `announce` updates the `tracktwo_events` Asset (triggering `tracktwo_indicators`)
  when at least one export file was loaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:  # Airflow adds the bundle root; plain DagBag/--local does not
    sys.path.append(str(Path(__file__).parent))

from _common import DAG_ARGS, EVENTS, FETCH_TASK_ARGS, WAREHOUSE_TASK_ARGS
from airflow.sdk import TriggerRule, dag, task


@dag(
    dag_id="tracktwo_ingest_gdelt",
    schedule="5,20,35,50 * * * *",  # GDELT publishes at :00/:15/:30/:45; give it five minutes
    max_active_runs=1,
    tags=["tracktwo", "ingest", "gdelt"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_ingest_gdelt():
    @task
    def gdelt_sources() -> list[str]:
        from _common import source_ids

        return source_ids("gdelt_events")

    @task(map_index_template="{{ source_id }}", **FETCH_TASK_ARGS)
    def fetch(source_id: str) -> list[dict]:
        from _common import fetch_source

        return fetch_source(source_id)

    @task(trigger_rule=TriggerRule.ALL_DONE, **WAREHOUSE_TASK_ARGS)
    def load() -> dict:
        from _common import load_kind

        return load_kind("gdelt_events")

    @task(outlets=[EVENTS])
    def announce(summary: dict) -> None:
        from _common import skip_unless

        skip_unless(summary["ok"] > 0, "GDELT export files")

    fetched = fetch.expand(source_id=gdelt_sources())
    loaded = load()
    fetched >> loaded
    announce(loaded)


tracktwo_ingest_gdelt()

"""tracktwo_ingest_feeds: every 30 minutes, fetch each enabled RSS/Atom source, then load the warehouse.

- `feed_sources` lists the enabled `kind: rss` sources in `sources.yaml` (read at run time).
- `fetch` is mapped: one task per source, in parallel, writing only to the landing
  zone (never DuckDB). A failed fetch is landed first, then the task fails, so
  Airflow retries it with exponential backoff and shows that source red.
- `load` runs in the one-slot `tracktwo_duckdb` pool once every fetch has finished,
  whatever their outcome (trigger rule `all_done`): the good sources are loaded and
  each failed fetch is recorded in `ingest_runs`.
- `announce` updates the `tracktwo_documents` Asset (which triggers
  `tracktwo_indicators`) only when new or changed documents were stored.

Same code path as `tracktwo ingest` (tracktwo.pipeline). No logical_date is used.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:  # Airflow adds the bundle root; plain DagBag/--local does not
    sys.path.append(str(Path(__file__).parent))

from _common import DAG_ARGS, DOCUMENTS, FETCH_TASK_ARGS, WAREHOUSE_TASK_ARGS
from airflow.sdk import TriggerRule, dag, task


@dag(
    dag_id="tracktwo_ingest_feeds",
    schedule="*/30 * * * *",
    max_active_runs=1,
    tags=["tracktwo", "ingest", "feeds"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_ingest_feeds():
    @task
    def feed_sources() -> list[str]:
        from _common import source_ids

        return source_ids("rss")

    @task(map_index_template="{{ source_id }}", **FETCH_TASK_ARGS)
    def fetch(source_id: str) -> list[dict]:
        from _common import fetch_source

        return fetch_source(source_id)

    @task(trigger_rule=TriggerRule.ALL_DONE, **WAREHOUSE_TASK_ARGS)
    def load() -> dict:
        from _common import load_kind

        return load_kind("rss")

    @task(outlets=[DOCUMENTS])
    def announce(summary: dict) -> None:
        from _common import skip_unless

        skip_unless(summary["items_new"] + summary["items_updated"] > 0, "documents")

    fetched = fetch.expand(source_id=feed_sources())
    loaded = load()
    fetched >> loaded
    announce(loaded)


tracktwo_ingest_feeds()

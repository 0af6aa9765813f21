"""Airflow DAGs tracktwo_ingest_ucdp and tracktwo_ingest_acled: curated conflict events with fatalities, daily.

- `ucdp_sources` / `acled_sources` list the enabled sources of the kind (`ucdp_ged`, `acled`).
- `fetch` (mapped, one per source) pages the API into landing. Credentials come from the worker's environment
  (`UCDP_ACCESS_TOKEN`; `ACLED_USERNAME`, `ACLED_PASSWORD`, or the names the source entry gives), never from
  the DAG; a source without them is landed as failed with a message naming the variable.
  UCDP: a release never changes, so a complete one is one `not_modified` record; ACLED: incremental by its
  `timestamp`, then its deleted-events list.
- `load` (one-slot `tracktwo_duckdb` pool, after every fetch, trigger rule `all_done`) merges the pages into
  `curated_events`, keeping earlier versions; deletions leave the indicators.
- `announce` updates the `tracktwo_events` Asset (triggering `tracktwo_indicators`) when an event was added,
  revised or deleted.

ACLED publishes weekly and UCDP Candidate monthly: a daily run finds a new release within a day. The task
graphs are built by `tracktwo.airflow.ingest_dag`, shared with the feeds and GDELT DAGs.
"""

from __future__ import annotations

from tracktwo.airflow import EVENTS, ingest_dag

tracktwo_ingest_ucdp = ingest_dag(
    dag_id="tracktwo_ingest_ucdp",
    schedule="40 4 * * *",
    kind="ucdp_ged",
    list_task_id="ucdp_sources",
    tags=["tracktwo", "ingest", "curated"],
    asset=EVENTS,
    changed=lambda summary: summary["items_new"] + summary["items_updated"] > 0,
    what="UCDP events",
    doc_md=__doc__,
)

tracktwo_ingest_acled = ingest_dag(
    dag_id="tracktwo_ingest_acled",
    schedule="50 4 * * *",
    kind="acled",
    list_task_id="acled_sources",
    tags=["tracktwo", "ingest", "curated"],
    asset=EVENTS,
    changed=lambda summary: summary["items_new"] + summary["items_updated"] > 0,
    what="ACLED events",
    doc_md=__doc__,
)

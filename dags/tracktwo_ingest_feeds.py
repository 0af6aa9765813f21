"""Airflow DAG tracktwo_ingest_feeds: every 30 minutes, fetch each enabled RSS/Atom source, then load the warehouse.

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
The task graph is built by `tracktwo.airflow.ingest_dag`, shared with `tracktwo_ingest_gdelt`.
"""

from __future__ import annotations

from tracktwo.airflow import DOCUMENTS, ingest_dag

tracktwo_ingest_feeds = ingest_dag(
    dag_id="tracktwo_ingest_feeds",
    schedule="*/30 * * * *",
    kind="rss",
    list_task_id="feed_sources",
    tags=["tracktwo", "ingest", "feeds"],
    asset=DOCUMENTS,
    changed=lambda summary: summary["items_new"] + summary["items_updated"] > 0,
    what="documents",
    doc_md=__doc__,
)

"""Airflow DAG tracktwo_ingest_reliefweb: every hour, ReliefWeb API reports as documents.

- `reliefweb_sources` lists the enabled `kind: reliefweb` sources (each with its approved `appname`).
- `fetch` (mapped, one per source) pages the reports changed since the last run into landing.
- `load` (one-slot `tracktwo_duckdb` pool, trigger rule `all_done`) merges them into `documents`, each report
  with its own organisations as publisher and ReliefWeb's countries as places.
- `announce` updates the `tracktwo_documents` Asset (triggering `tracktwo_indicators`) when a report was
  added or changed.

The task graph is built by `tracktwo.airflow.ingest_dag`, shared with the other ingest DAGs.
"""

from __future__ import annotations

from tracktwo.airflow import DOCUMENTS, ingest_dag

tracktwo_ingest_reliefweb = ingest_dag(
    dag_id="tracktwo_ingest_reliefweb",
    schedule="25 * * * *",
    kind="reliefweb",
    list_task_id="reliefweb_sources",
    tags=["tracktwo", "ingest", "reliefweb"],
    asset=DOCUMENTS,
    changed=lambda summary: summary["items_new"] + summary["items_updated"] > 0,
    what="ReliefWeb reports",
    doc_md=__doc__,
)

"""Airflow DAG tracktwo_ingest_gdelt: every 15 minutes, fetch new GDELT 2.0 event exports, then load them.

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

The task graph is built by `tracktwo.airflow.ingest_dag`, shared with `tracktwo_ingest_feeds`.
"""

from __future__ import annotations

from tracktwo.airflow import EVENTS, ingest_dag

tracktwo_ingest_gdelt = ingest_dag(
    dag_id="tracktwo_ingest_gdelt",
    schedule="5,20,35,50 * * * *",  # GDELT publishes at :00/:15/:30/:45; give it five minutes
    kind="gdelt_events",
    list_task_id="gdelt_sources",
    tags=["tracktwo", "ingest", "gdelt"],
    asset=EVENTS,
    changed=lambda summary: summary["ok"] > 0,
    what="GDELT export files",
    doc_md=__doc__,
)

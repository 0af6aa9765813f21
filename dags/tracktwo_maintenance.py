"""tracktwo_maintenance: compact the lake and expire old snapshots, daily at 03:15 UTC.

The pipeline commits every 15 minutes, each commit a small file; `maintain` (`tracktwo.pipeline.maintain`,
the same as `tracktwo maintain`) merges them so reads stay fast, and expires snapshots older than the retention
(90 days, docs/warehouse.md). It writes the lake, so it runs in the `tracktwo_duckdb` pool.
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from tracktwo.airflow import DAG_ARGS, WAREHOUSE_TASK_ARGS, maintain_lake


@dag(
    dag_id="tracktwo_maintenance",
    schedule=CronTriggerTimetable("15 3 * * *", timezone="UTC"),
    max_active_runs=1,
    tags=["tracktwo", "warehouse", "maintenance"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_maintenance():
    @task(**WAREHOUSE_TASK_ARGS)
    def compact() -> dict:
        return maintain_lake()

    compact()


tracktwo_maintenance()

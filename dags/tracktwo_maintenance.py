"""tracktwo_maintenance: compact the lake every hour at :15; at 03:15 UTC also expire old snapshots.

The pipeline commits every 15 minutes, each commit a small file; `maintain` (`tracktwo.pipeline.maintain`,
the same as `tracktwo maintain --compact-only`) merges them every hour so reads stay fast (a read opens the files
of at most four commits more than after a compaction: bench/lake_commits.py), and the 03:15 run also expires
snapshots older than the retention (90 days, docs/warehouse.md; `tracktwo maintain`). It writes the lake, so it
runs in the `tracktwo_duckdb` pool.
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from tracktwo.airflow import DAG_ARGS, WAREHOUSE_TASK_ARGS, maintain_lake


@dag(
    dag_id="tracktwo_maintenance",
    schedule=CronTriggerTimetable("15 * * * *", timezone="UTC"),
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

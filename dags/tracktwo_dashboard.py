"""tracktwo_dashboard: rebuild the static dashboard after new indicators, and daily at 05:30 UTC.

Scheduled by the `tracktwo_indicators` Asset or by the clock, whichever comes
first (AssetOrTimeSchedule). `build` calls `tracktwo.pipeline.dashboard(config)`,
which writes the site under `<data>/site/`. It only reads the lake, so it needs no
pool: readers never wait for a writer, and it shows the snapshot it opened on.
"""

from __future__ import annotations

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from tracktwo.airflow import DAG_ARGS, INDICATORS, READ_TASK_ARGS, write_dashboard


@dag(
    dag_id="tracktwo_dashboard",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("30 5 * * *", timezone="UTC"), assets=INDICATORS),
    max_active_runs=1,
    tags=["tracktwo", "reports", "dashboard"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_dashboard():
    @task(**READ_TASK_ARGS)
    def build() -> str:
        return write_dashboard()

    build()


tracktwo_dashboard()

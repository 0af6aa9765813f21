"""tracktwo_weekly_digest: Mondays at 06:00 UTC, email each subscriber the week's digest.

`send` calls `tracktwo.pipeline.digest(config, week, send=True)` for the last ISO
week completed before the run's `run_after` (never `logical_date`): subscribers come from
`config/digest.yaml`, SMTP from `TRACKTWO_SMTP_*` or Airflow's `smtp_default`
connection. Sending is idempotent (the `digest_log` table), so a retry never mails
anyone twice. It records deliveries in the warehouse, so it runs in the
`tracktwo_duckdb` pool.
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from tracktwo.airflow import DAG_ARGS, WAREHOUSE_TASK_ARGS, send_weekly_digest


@dag(
    dag_id="tracktwo_weekly_digest",
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="UTC"),
    max_active_runs=1,
    tags=["tracktwo", "reports", "digest"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_weekly_digest():
    @task(**WAREHOUSE_TASK_ARGS)
    def send() -> None:
        send_weekly_digest()

    send()


tracktwo_weekly_digest()

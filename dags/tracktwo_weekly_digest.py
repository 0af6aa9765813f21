"""tracktwo_weekly_digest: Mondays at 06:00 UTC, email each subscriber the week's digest.

`send` calls `reports.digest.run_weekly(config, week, send=True)` for the last ISO
week completed before the run's `run_after` (never `logical_date`): subscribers come from
`config/digest.yaml`, SMTP from `TRACKTWO_SMTP_*` or Airflow's `smtp_default`
connection. Sending is idempotent (the `digest_log` table), so a retry never mails
anyone twice. It records deliveries in the warehouse, so it runs in the
`tracktwo_duckdb` pool.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:  # Airflow adds the bundle root; plain DagBag/--local does not
    sys.path.append(str(Path(__file__).parent))

from _common import DAG_ARGS, WAREHOUSE_TASK_ARGS
from airflow.sdk import CronTriggerTimetable, dag, task


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
        from _common import load_config, log, run_after
        from reports.digest import last_complete_week, run_weekly

        # The week is the run's, not the wall clock's: a late run or a retry still mails the right week.
        week = last_complete_week(run_after().date())
        log.info("weekly digest for %s (run of %s)", week, run_after())
        result = run_weekly(load_config(), week=week, send=True)
        log.info("digest: %s", {k: v for k, v in result.items() if k != "files"})
        if result.get("failed"):  # a retry sends only to those not reached yet
            raise RuntimeError(f"digest for {week} not delivered to {len(result['failed'])} recipient(s): {result['failed']}")

    send()


tracktwo_weekly_digest()

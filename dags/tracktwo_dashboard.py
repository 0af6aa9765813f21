"""tracktwo_dashboard: rebuild the static dashboard after new indicators, and daily at 05:30 UTC.

Scheduled by the `tracktwo_indicators` Asset or by the clock, whichever comes
first (AssetOrTimeSchedule). `build` calls `reports.dashboard.build(config, out=None)`,
which writes the site under `<data>/site/`; it reads the warehouse, so it waits in
the `tracktwo_duckdb` pool (DuckDB will not open a file for reading while another
process writes it).
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:  # Airflow adds the bundle root; plain DagBag/--local does not
    sys.path.append(str(Path(__file__).parent))

from _common import DAG_ARGS, INDICATORS, WAREHOUSE_TASK_ARGS
from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag, task


@dag(
    dag_id="tracktwo_dashboard",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("30 5 * * *", timezone="UTC"), assets=INDICATORS),
    max_active_runs=1,
    tags=["tracktwo", "reports", "dashboard"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_dashboard():
    @task(**WAREHOUSE_TASK_ARGS)
    def build() -> str:
        from _common import load_config, log, run_after
        from reports.dashboard import build as build_dashboard

        log.info("building the dashboard for the run of %s", run_after())
        out = build_dashboard(load_config(), out=None)
        log.info("dashboard written to %s", out)
        return str(out)

    build()


tracktwo_dashboard()

"""tracktwo_indicators: recompute tension indicators when new documents or events are loaded.

Data-aware: runs when either ingest DAG updates the `tracktwo_documents` or
`tracktwo_events` Asset (no clock schedule, hence no logical_date; the run's time
is `dag_run.run_after`). `compute` calls `warehouse.indicators.compute(config)`,
which recomputes only the days touched by newly loaded data (incremental), in the
one-slot `tracktwo_duckdb` pool, and then updates the `tracktwo_indicators` Asset
that triggers `tracktwo_dashboard`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).parent) not in sys.path:  # Airflow adds the bundle root; plain DagBag/--local does not
    sys.path.append(str(Path(__file__).parent))

from _common import DAG_ARGS, DOCUMENTS, EVENTS, INDICATORS, WAREHOUSE_TASK_ARGS
from airflow.sdk import dag, task


@dag(
    dag_id="tracktwo_indicators",
    schedule=(DOCUMENTS | EVENTS),
    max_active_runs=1,
    tags=["tracktwo", "indicators"],
    doc_md=__doc__,
    **DAG_ARGS,
)
def tracktwo_indicators():
    @task(outlets=[INDICATORS], **WAREHOUSE_TASK_ARGS)
    def compute() -> None:
        from _common import load_config, log, run_after
        from warehouse.indicators import compute as compute_indicators

        log.info("computing indicators for the run of %s", run_after())
        result = compute_indicators(load_config())
        log.info("indicators: %s", result)

    compute()


tracktwo_indicators()

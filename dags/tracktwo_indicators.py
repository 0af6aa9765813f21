"""tracktwo_indicators: recompute tension indicators when new documents or events are loaded.

Data-aware: runs when either ingest DAG updates the `tracktwo_documents` or
`tracktwo_events` Asset (no clock schedule, hence no logical_date; the run's time
is `dag_run.run_after`). `compute` calls `tracktwo.pipeline.indicators(config)`,
which recomputes only the days touched by newly loaded data (incremental), in the
one-slot `tracktwo_duckdb` pool, and then updates the `tracktwo_indicators` Asset
that triggers `tracktwo_dashboard`.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from tracktwo.airflow import DAG_ARGS, DOCUMENTS, EVENTS, INDICATORS, WAREHOUSE_TASK_ARGS, compute_indicators


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
    def compute() -> dict:
        return compute_indicators()

    compute()


tracktwo_indicators()

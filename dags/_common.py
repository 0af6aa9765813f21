"""Shared wiring for the tracktwo DAGs: defaults, the DuckDB pool, Assets, failure notices.

Not a DAG file (.airflowignore keeps the DAG processor from parsing it); the
DAG files import it from the dags folder, which Airflow puts on sys.path.
Everything heavy (tracktwo, duckdb, feedparser) is imported inside functions
so that parsing the DAGs stays cheap.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from typing import Callable

from airflow.sdk import Asset, TriggerRule, dag, task

log = logging.getLogger("tracktwo.airflow")

ROOT = Path(__file__).resolve().parents[1]
OWNER = "tracktwo"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)

# DuckDB allows one read-write process per file, and a read-only process cannot
# open it while a writer holds it: every task that opens the warehouse runs here.
DUCKDB_POOL = "tracktwo_duckdb"

# Data-aware scheduling: ingest DAGs update these when new rows reached the warehouse.
DOCUMENTS = Asset(name="tracktwo_documents", uri="x-tracktwo://warehouse/documents")
EVENTS = Asset(name="tracktwo_events", uri="x-tracktwo://warehouse/events")
INDICATORS = Asset(name="tracktwo_indicators", uri="x-tracktwo://warehouse/region_daily")


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(os.environ.get(name, default)))


# A failed fetch is retried with exponential backoff (base delay, then 2x, ...);
# TRACKTWO_AIRFLOW_RETRY_DELAY (seconds) shortens it for tests and local trials.
FETCH_TASK_ARGS: dict[str, Any] = {
    "retries": 2,
    "retry_delay": _seconds("TRACKTWO_AIRFLOW_RETRY_DELAY", 60),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}

# Warehouse tasks wait in the one-slot pool; a retry covers a CLI user holding the lock.
WAREHOUSE_TASK_ARGS: dict[str, Any] = {
    "pool": DUCKDB_POOL,
    "pool_slots": 1,
    "retries": 2,
    "retry_delay": _seconds("TRACKTWO_AIRFLOW_RETRY_DELAY", 120),
}


def notify_failure(context: dict[str, Any]) -> None:
    """Task failure (after its retries): email through the SMTP provider if configured, else a log line."""
    ti = context.get("ti") or context.get("task_instance")
    what = (f"{getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')}"
            f" map_index={getattr(ti, 'map_index', -1)} try={getattr(ti, 'try_number', '?')}")
    error = context.get("exception")
    notifier, why_not = smtp_notifier()
    if notifier is None:
        log.error("tracktwo task failed: %s: %s (no failure email sent: %s)", what, error, why_not)
        return
    try:
        notifier(context)
        log.info("tracktwo task failed: %s: %s (failure email sent to %s)", what, error, notifier.to)
    except Exception as exc:  # a broken mail setup must not hide the original failure
        log.error("tracktwo task failed: %s: %s (failure email could not be sent: %s)", what, error, exc)


def _smtp_env_connection() -> str | None:
    """An Airflow connection (JSON) from TRACKTWO_SMTP_*, read by the same function as the digest's."""
    from reports.mail import smtp_from_env

    smtp = smtp_from_env()
    if smtp is None:
        return None
    extra: dict[str, Any] = {"disable_ssl": not smtp.ssl, "disable_tls": not smtp.starttls,
                             "timeout": int(smtp.timeout), "retry_limit": 2}
    if os.environ.get("TRACKTWO_SMTP_FROM"):
        extra["from_email"] = os.environ["TRACKTWO_SMTP_FROM"]
    return json.dumps({"conn_type": "smtp", "host": smtp.host, "port": smtp.port, "login": smtp.user,
                       "password": smtp.password, "extra": extra})


def _has_connection(conn_id: str) -> bool:
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
        return True
    except Exception:
        return False


def smtp_notifier() -> tuple[Any | None, str]:
    """The SmtpNotifier to use, or (None, reason) when SMTP or recipients are not configured."""
    to = [a.strip() for a in os.environ.get("TRACKTWO_ALERT_EMAIL", "").split(",") if a.strip()]
    conn_json = _smtp_env_connection()
    if conn_json:
        # Connections from AIRFLOW_CONN_<ID> are read from this process's environment.
        os.environ["AIRFLOW_CONN_TRACKTWO_SMTP"] = conn_json
        conn_id = "tracktwo_smtp"
    elif _has_connection("smtp_default"):
        conn_id = "smtp_default"
    else:
        return None, "SMTP is not configured (set TRACKTWO_SMTP_HOST or an Airflow smtp_default connection)"
    if not to:
        return None, "no recipient (set TRACKTWO_ALERT_EMAIL to a comma-separated list)"
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return SmtpNotifier(
        to=to, from_email=os.environ.get("TRACKTWO_SMTP_FROM") or None, smtp_conn_id=conn_id,
        subject="[tracktwo] {{ ti.dag_id }}.{{ ti.task_id }} failed",
    ), ""


DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 1,
    "retry_delay": _seconds("TRACKTWO_AIRFLOW_RETRY_DELAY", 120),
    "on_failure_callback": notify_failure,
}

DAG_ARGS: dict[str, Any] = {
    "start_date": START,
    "catchup": False,  # missed windows are caught up from the data's own cursor, not by backfill runs
    "default_args": DEFAULT_ARGS,
}


def load_config():
    """tracktwo's Config: TRACKTWO_CONFIG_DIR / TRACKTWO_DATA_DIR, else the project's config/ and data/."""
    from tracktwo.config import Config, Settings

    return Config(Settings.from_env(os.environ.get("TRACKTWO_CONFIG_DIR") or ROOT / "config",
                                    os.environ.get("TRACKTWO_DATA_DIR") or ROOT / "data"))


def run_after() -> datetime | None:
    """The run's time: asset-triggered and manual runs have no logical_date, every run has run_after."""
    from airflow.sdk import get_current_context

    return get_current_context()["dag_run"].run_after


def source_ids(kind: str) -> list[str]:
    """Enabled sources of one kind, read at run time (never at parse time)."""
    ids = [s.id for s in load_config().enabled_sources(kind)]
    log.info("%d enabled %s source(s): %s", len(ids), kind, ", ".join(ids) or "-")
    return ids


def fetch_source(source_id: str) -> list[dict[str, Any]]:
    """Fetch one source into landing (never DuckDB); raise after landing if any fetch failed."""
    from airflow.sdk import get_current_context

    from tracktwo import pipeline

    get_current_context()["source_id"] = source_id  # names the mapped task in the UI
    config = load_config()
    records = pipeline.extract_source(config, config.source(source_id))
    out = []
    for r in records:
        log.info("%s: %s http=%s bytes=%s %s", r.source_id, r.status, r.http_status, r.bytes, r.error or r.warning or "")
        out.append({"run_id": r.run_id, "status": r.status, "http_status": r.http_status, "bytes": r.bytes})
    failed = [r for r in records if r.status == "failed"]
    if failed:
        # Landed already, so the load task records it in ingest_runs; failing here makes Airflow retry and show it.
        raise RuntimeError(f"{source_id}: {len(failed)} of {len(records)} fetch(es) failed: {failed[0].error}")
    return out


def load_kind(kind: str) -> dict[str, Any]:
    """Load every pending landing record of one source kind (the one writer); a summary for XCom."""
    from tracktwo import pipeline

    config = load_config()
    runs = pipeline.load(config, [s.id for s in config.sources if s.kind == kind])
    for r in runs:
        log.info("loaded %s %s: %s seen, %s new, %s updated %s", r.source_id, r.status, r.items_seen,
                 r.items_new, r.items_updated, r.error or r.warning or "")
    return {
        "runs": len(runs),
        "ok": sum(r.status == "ok" for r in runs),
        "failed": [{"source_id": r.source_id, "run_id": r.run_id, "error": r.error} for r in runs if r.status == "failed"],
        "items_new": sum(r.items_new for r in runs),
        "items_updated": sum(r.items_updated for r in runs),
    }


def skip_unless(changed: bool, what: str) -> None:
    """Skip an announcing task, so its Asset gets no event, when nothing new reached the warehouse."""
    from airflow.sdk.exceptions import AirflowSkipException

    if not changed:
        raise AirflowSkipException(f"no new {what}: downstream DAGs are not triggered")


def ingest_dag(*, dag_id: str, schedule: str, kind: str, tags: list[str], asset: Asset,
               changed: Callable[[dict[str, Any]], bool], what: str, doc_md: str):
    """The ingest DAG of one source kind: list sources -> mapped fetch (landing only) -> load -> announce.

    - `<kind>_sources` lists the enabled sources of `kind`, read at run time (never at parse time).
    - `fetch` is mapped, one task per source, in parallel, writing only to the landing zone; a
      failed fetch is landed first, then the task fails, so Airflow retries it with backoff.
    - `load` runs in the one-slot pool once every fetch has finished, whatever their outcome
      (trigger rule `all_done`): the good fetches are loaded, the failed ones recorded.
    - `announce` updates `asset` (triggering `tracktwo_indicators`) only when `changed(summary)`.
    """
    list_id = {"rss": "feed_sources", "gdelt_events": "gdelt_sources"}.get(kind, f"{kind}_sources")

    @dag(dag_id=dag_id, schedule=schedule, max_active_runs=1, tags=tags, doc_md=doc_md, **DAG_ARGS)
    def ingest():
        @task(task_id=list_id)
        def list_sources() -> list[str]:
            return source_ids(kind)

        @task(map_index_template="{{ source_id }}", **FETCH_TASK_ARGS)
        def fetch(source_id: str) -> list[dict]:
            return fetch_source(source_id)

        @task(trigger_rule=TriggerRule.ALL_DONE, **WAREHOUSE_TASK_ARGS)
        def load() -> dict:
            return load_kind(kind)

        @task(outlets=[asset])
        def announce(summary: dict) -> None:
            skip_unless(changed(summary), what)

        fetched = fetch.expand(source_id=list_sources())
        loaded = load()
        fetched >> loaded
        announce(loaded)

    return ingest()

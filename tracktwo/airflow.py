"""Airflow wiring for the tracktwo DAGs: defaults, the DuckDB pool, Assets, tasks, failure notices.

The DAG files in dags/ are thin: they import this installed module (no sys.path
edits) and call the service verbs (`tracktwo.pipeline`) inside their tasks.
Everything heavy (the pipeline, DuckDB, feedparser, polars) is imported inside
the task functions here, on purpose: Airflow parses DAG files every few seconds
and that parse must stay cheap. Those function-local imports are the only ones
the layer contract allows for that reason (docs/architecture.md).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Callable

from airflow.sdk import Asset, TriggerRule, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from tracktwo.core.errors import ConfigError
from tracktwo.core.settings import Settings

if TYPE_CHECKING:
    from tracktwo.core.config import Config
    from tracktwo.core.settings import SmtpSettings

log = logging.getLogger("tracktwo.airflow")

OWNER = "tracktwo"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The lake takes one writer at a time (a lock file; readers are never blocked): every task that writes it runs
# in this one-slot pool, so writer tasks queue in Airflow instead of waiting on each other's lock.
DUCKDB_POOL = "tracktwo_duckdb"

# Data-aware scheduling: ingest DAGs update these when new rows reached the warehouse.
DOCUMENTS = Asset(name="tracktwo_documents", uri="x-tracktwo://warehouse/documents")
EVENTS = Asset(name="tracktwo_events", uri="x-tracktwo://warehouse/events")
INDICATORS = Asset(name="tracktwo_indicators", uri="x-tracktwo://warehouse/region_daily")


def settings() -> Settings:
    """The settings object of this process (TRACKTWO_* variables), built where a task or the parse needs it."""
    return Settings.from_env()


def _parse_time_retry_delay() -> float | None:
    """TRACKTWO_AIRFLOW_RETRY_DELAY, read once when the DAG files are parsed. A broken setting must not
    make every DAG fail to import (the scheduler would show only an import error): it is logged and the
    defaults apply; the tasks themselves build the settings again and report the error where it matters."""
    try:
        return Settings.from_env().airflow_retry_delay
    except ConfigError as exc:
        log.warning("tracktwo settings unusable at DAG parse time, default retry delays apply: %s", exc)
        return None


_RETRY_DELAY = _parse_time_retry_delay()


def _retry_delay(default: float) -> timedelta:
    return timedelta(seconds=default if _RETRY_DELAY is None else _RETRY_DELAY)


# A failed fetch is retried with exponential backoff (base delay, then 2x, ...);
# TRACKTWO_AIRFLOW_RETRY_DELAY (seconds) shortens it for tests and local trials.
FETCH_TASK_ARGS: dict[str, Any] = {
    # one source's fetch: each response is bounded by http.max_seconds (300 s); a GDELT catch-up lands up to
    # max_files_per_run files, and a killed fetch loses nothing (landing is written file by file)
    "execution_timeout": timedelta(minutes=30),
    "retries": 2,
    "retry_delay": _retry_delay(60),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}

# Warehouse tasks wait in the one-slot pool; a retry covers a CLI user holding the lock.
WAREHOUSE_TASK_ARGS: dict[str, Any] = {
    "execution_timeout": timedelta(hours=1),  # a full indicator run on 10 M events takes seconds
    "pool": DUCKDB_POOL,
    "pool_slots": 1,
    "retries": 2,
    "retry_delay": _retry_delay(120),
}


# Tasks that only read the lake (the dashboard) need no pool: readers never wait for a writer.
READ_TASK_ARGS: dict[str, Any] = {
    "execution_timeout": timedelta(hours=1),
    "retries": 2,
    "retry_delay": _retry_delay(120),
}


def failure_mail_setup(env: Settings) -> tuple["SmtpSettings | None", str]:
    """Where failure notices go: (SMTP settings, "") or (None, why not)."""
    from reports.mail import smtp_settings  # the mail stack is imported when a task fails, not at parse time

    smtp = smtp_settings(env)
    if smtp is None:
        return None, "SMTP is not configured (set TRACKTWO_SMTP_HOST or an Airflow smtp_default connection)"
    if not env.alert_email:
        return None, "no recipient (set TRACKTWO_ALERT_EMAIL to a comma-separated list)"
    return smtp, ""


def failure_message(what: str, error: object, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"[tracktwo] {what.split(' ')[0]} failed"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(f"tracktwo task failed after its retries:\n\n  {what}\n\nerror: {error}\n\n"
                    "See the task's log in Airflow and `tracktwo status`.\n")
    return msg


def notify_failure(context: dict[str, Any]) -> None:
    """Task failure (after its retries): email through tracktwo's mailer if configured, else a log line.

    The same SMTP settings, CA handling and password scrubbing as the digest (reports.mail).
    """
    ti = context.get("ti") or context.get("task_instance")
    what = (f"{getattr(ti, 'dag_id', '?')}.{getattr(ti, 'task_id', '?')}"
            f" map_index={getattr(ti, 'map_index', -1)} try={getattr(ti, 'try_number', '?')}")
    error = context.get("exception")
    try:
        env = settings()
        smtp, why_not = failure_mail_setup(env)
    except Exception as exc:  # a broken mail setup must not hide the original failure
        smtp, why_not = None, f"mail settings unusable: {exc}"
    if smtp is None:
        log.error("tracktwo task failed: %s: %s (no failure email sent: %s)", what, error, why_not)
        return
    from reports.mail import Mailer

    sender = env.smtp_from or f"tracktwo@{smtp.host}"
    msg = failure_message(what, smtp.scrub(str(error)), sender, env.alert_email)
    with Mailer(smtp) as mailer:
        results = [mailer.send(msg, to) for to in env.alert_email]
    failed = [r for r in results if not r.ok]
    if failed:
        log.error("tracktwo task failed: %s: %s (failure email not delivered to %s: %s)", what, smtp.scrub(str(error)),
                  ", ".join(r.recipient for r in failed), failed[0].error)
    else:
        log.info("tracktwo task failed: %s: %s (failure email sent to %s)", what, smtp.scrub(str(error)),
                 ", ".join(env.alert_email))


DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "execution_timeout": timedelta(hours=1),  # no task may hang forever (tasks with their own args set less)
    "retries": 1,
    "retry_delay": _retry_delay(120),
    "on_failure_callback": notify_failure,
}

DAG_ARGS: dict[str, Any] = {
    "start_date": START,
    "catchup": False,  # missed windows are caught up from the data's own cursor, not by backfill runs
    "default_args": DEFAULT_ARGS,
}


def load_config() -> "Config":
    """tracktwo's Config from TRACKTWO_CONFIG_DIR / TRACKTWO_DATA_DIR (the same defaults as the CLI)."""
    from tracktwo.pipeline import open_config

    return open_config(settings())


def run_after() -> datetime | None:
    """The run's time: asset-triggered and manual runs have no logical_date, every run has run_after."""
    return get_current_context()["dag_run"].run_after


def source_ids(kind: str) -> list[str]:
    """Enabled sources of one kind, read at run time (never at parse time)."""
    ids = [s.id for s in load_config().enabled_sources(kind)]
    log.info("%d enabled %s source(s): %s", len(ids), kind, ", ".join(ids) or "-")
    return ids


def fetch_source(source_id: str) -> list[dict[str, Any]]:
    """Fetch one source into landing (never DuckDB); raise after landing if any fetch failed."""
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


def compute_indicators() -> dict[str, Any]:
    """The indicators task: incremental recompute of the days new data touched."""
    from tracktwo import pipeline

    log.info("computing indicators for the run of %s", run_after())
    result = pipeline.indicators(load_config())
    log.info("indicators: %s", result)
    return {"mode": result.mode, "days": result.days_recomputed, "rows": result.rows_written,
            "alerts": result.alerts_written}


def write_dashboard() -> str:
    """The dashboard task: the static site under <data>/site/."""
    from tracktwo import pipeline

    log.info("writing the dashboard for the run of %s", run_after())
    index = pipeline.dashboard(load_config())
    log.info("dashboard written to %s", index)
    return str(index)


# The hour (UTC) of the day's full maintenance; the other hourly runs only compact.
EXPIRE_HOUR = 3


def maintain_lake() -> dict[str, Any]:
    """The maintenance task, hourly: compact the lake's small files; in the run of EXPIRE_HOUR also expire
    snapshots past the retention and delete unneeded files (the run's own time decides, not the clock)."""
    from tracktwo import pipeline

    when = run_after()
    expire = when is None or when.hour == EXPIRE_HOUR
    report = pipeline.maintain(load_config(), expire=expire)
    log.info("lake maintenance: %s", report)
    return {"files_before": report.files_before, "files_after": report.files_after, "expired": expire,
            "snapshots_before": report.snapshots_before, "snapshots_after": report.snapshots_after}


def send_weekly_digest() -> None:
    """The digest task: the week before the run's `run_after` (never the wall clock), sent idempotently."""
    from reports.digest import last_complete_week
    from tracktwo import pipeline

    # The week is the run's, not the wall clock's: a late run or a retry still mails the right week.
    week = last_complete_week(run_after().date())
    log.info("weekly digest for %s (run of %s)", week, run_after())
    result = pipeline.digest(load_config(), week=week, send=True)
    log.info("digest: %s", {k: v for k, v in result.items() if k != "files"})
    if result.get("failed"):  # a retry sends only to those not reached yet
        raise RuntimeError(f"digest for {week} not delivered to {len(result['failed'])} recipient(s): {result['failed']}")


def skip_unless(changed: bool, what: str) -> None:
    """Skip an announcing task, so its Asset gets no event, when nothing new reached the warehouse."""
    if not changed:
        raise AirflowSkipException(f"no new {what}: downstream DAGs are not triggered")


def ingest_dag(*, dag_id: str, schedule: str, kind: str, list_task_id: str, tags: list[str], asset: Asset,
               changed: Callable[[dict[str, Any]], bool], what: str, doc_md: str):
    """The ingest DAG of one source kind: list sources -> mapped fetch (landing only) -> load -> announce.

    - `list_task_id` lists the enabled sources of `kind`, read at run time (never at parse time).
    - `fetch` is mapped, one task per source, in parallel, writing only to the landing zone; a
      failed fetch is landed first, then the task fails, so Airflow retries it with backoff.
    - `load` runs in the one-slot pool once every fetch has finished, whatever their outcome
      (trigger rule `all_done`): the good fetches are loaded, the failed ones recorded.
    - `announce` updates `asset` (triggering `tracktwo_indicators`) only when `changed(summary)`.
    """
    @dag(dag_id=dag_id, schedule=schedule, max_active_runs=1, tags=tags, doc_md=doc_md, **DAG_ARGS)
    def ingest():
        @task(task_id=list_task_id)
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

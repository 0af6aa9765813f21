"""The pipeline's service verbs, shared by the CLI, the demo and the Airflow DAGs.

- `open_config`: the validated config for a settings object (the registry's kinds).
- `extract_source` / `extract_all`: sources -> landing (no DuckDB; safe to run in parallel).
- `load` / `rebuild`: landing -> warehouse (the one writer).
- `ingest`: both at once: fetches land while the writer loads what has landed (`tracktwo ingest`).
- `indicators`, `dashboard`, `digest`, `source_status`: warehouse -> indicators and reports.

Each verb is thin: it picks the kind's functions from the registry
(`tracktwo.pipeline.kinds`) and calls the layer below that does the work.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from extractors.landing import FetchRecord, Landing, iso
from reports import dashboard as dashboard_site
from reports.digest import run_weekly
from tracktwo.core.clock import utc_now
from tracktwo.core.config import Config, SourceBase
from tracktwo.core.locks import file_lock
from tracktwo.core.settings import Settings
from tracktwo.core.workers import InlineExecutor, process_pool
from tracktwo.pipeline import kinds
from warehouse import indicators as indicator_computation
from warehouse.db import reader, upgrade
from warehouse.load import RunSummary, load_pending, load_stream, pending, pending_records, worker_setup
from warehouse.maintain import DEFAULT_KEEP_DAYS, MaintenanceReport
from warehouse.maintain import maintain as maintain_lake
from warehouse.rebuild import rebuild as rebuild_warehouse
from warehouse.status import SourceStatus, read_status

log = logging.getLogger("tracktwo.pipeline")


def open_config(settings: Settings) -> Config:
    """The config of `settings`, validating sources.yaml against the registered kinds."""
    return Config(settings, kinds.settings_models())


def select_sources(config: Config, source_ids: Iterable[str] | None = None) -> list[SourceBase]:
    ids = list(source_ids or [])
    if not ids:
        return config.enabled_sources()
    return [config.source(i) for i in ids]


def _fetch_lock(config: Config, source: SourceBase):
    """An exclusive, non-blocking lock per source for the time of its fetch (yields True when held). Two
    ingests at once (a cron job and a person, two Airflow runs) would otherwise download and land the same
    files twice."""
    return file_lock(config.settings.data_dir / "locks" / f"fetch-{source.id}.lock")


def extract_source(config: Config, source: SourceBase, parsers: Executor | None = None) -> list[FetchRecord]:
    """One source's fetch, landed; nothing when another process is fetching the same source right now
    (its records will be loaded by whichever load runs next). Parsing runs in `parsers` (default: here)."""
    with _fetch_lock(config, source) as held:
        if not held:
            log.warning("source %s is being fetched by another process: skipped this time", source.id)
            return []
        return kinds.kind(source.kind).extract(source, config, parsers or InlineExecutor())


def extract_all(config: Config, sources: list[SourceBase], workers: int = 4,
                on_done: Callable[[SourceBase, list[FetchRecord]], None] | None = None,
                parsers: Executor | None = None) -> dict[str, list[FetchRecord]]:
    """Every source's fetch in `workers` threads (network waits overlap), parsing in `parsers`; `on_done` is
    called as each source finishes, in the order they finish."""
    out: dict[str, list[FetchRecord]] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(extract_source, config, s, parsers): s for s in sources}
        for fut in as_completed(futures):
            s = futures[fut]
            try:
                out[s.id] = fut.result()
            except Exception as exc:  # a bug or a full disk in one source must not stop the others
                out[s.id] = [record_crash(config, s, exc)]
            if on_done:
                on_done(s, out[s.id])
    return out


_FETCHES_DONE = object()
# When no fetch has landed for this long, the writer commits what it holds: the sources that answered are in the
# warehouse while a slow one is still downloading (up to its http.max_seconds).
IDLE_COMMIT_SECONDS = 1.0


def ingest(config: Config, sources: list[SourceBase], workers: int = 4,
           on_fetched: Callable[[SourceBase, list[FetchRecord]], None] | None = None,
           on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Fetch `sources` into landing and load the warehouse at the same time: fetches run in `workers` threads
    and parse in TRACKTWO_WORKERS processes, and each landed fetch goes to the one writer as soon as it is
    landed (prepared in the same processes, committed in batches). Whatever else waits in landing (a fetch
    whose load was interrupted) is loaded first, in its order.

    The writer lock is taken in turns (warehouse.load: given back when nothing has landed for a second, and
    after half of TRACKTWO_LOCK_TIMEOUT), so another writer (indicators, an Airflow load) gets in during a long
    ingest. If the writer cannot be had (another writer holds the lock past the wait), the fetches still
    finish and land, and the error is raised after them: the next load picks them up."""
    landed: queue.Queue = queue.Queue()
    fetch_errors: list[BaseException] = []

    def on_done(source: SourceBase, recs: list[FetchRecord]) -> None:
        for rec in recs:
            landed.put(rec)
        if on_fetched:
            try:
                on_fetched(source, recs)
            except Exception:  # printing a line must not stop the others being loaded
                log.exception("reporting the fetch of %s failed", source.id)

    def records(loaded: set[str]) -> Iterator[FetchRecord | None]:
        yield from pending_records(Landing(config.settings.data_dir), loaded)
        while True:
            try:
                rec = landed.get(timeout=IDLE_COMMIT_SECONDS)
            except queue.Empty:
                yield None  # nothing landed for a while: the writer commits what it has (a slow source waits alone)
                continue
            if rec is _FETCHES_DONE:
                return
            yield rec

    with process_pool(config.settings.workers, *worker_setup(config)) as parsers:
        def fetch() -> None:
            try:
                extract_all(config, sources, workers=workers, on_done=on_done, parsers=parsers)
            except BaseException as exc:  # raised in the caller's thread once the writer is done
                fetch_errors.append(exc)
            finally:
                landed.put(_FETCHES_DONE)

        fetcher = threading.Thread(target=fetch, name="tracktwo-fetch", daemon=True)
        fetcher.start()
        try:
            runs = load_stream(config, kinds.loaders(), records, pool=parsers, on_run=on_run)
        finally:
            fetcher.join()
            for exc in fetch_errors:  # logged whatever happens to the writer (its own error is what is raised)
                log.error("fetching failed: %s: %s", exc.__class__.__name__, exc)
        if fetch_errors:
            raise fetch_errors[0]
        return runs


def record_crash(config: Config, source: SourceBase, exc: Exception) -> FetchRecord:
    """Land a failed record for an unexpected extractor error, so the warehouse shows it."""
    now = utc_now()
    landing = Landing(config.settings.data_dir)
    rec = FetchRecord(run_id=landing.new_run_id(source.id, now), source_id=source.id, kind=source.kind,
                      url=source.url, started_at=iso(now), finished_at=iso(now), status="failed",
                      error=f"extractor error: {exc.__class__.__name__}: {exc}")
    try:
        landing.write(rec, None, "")
    except OSError:
        pass
    return rec


def load(config: Config, source_ids: Iterable[str] | None = None,
         on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    return load_pending(config, kinds.loaders(), source_ids, on_run=on_run)


def rebuild(config: Config, on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    return rebuild_warehouse(config, kinds.loaders(), on_run=on_run)


def indicators(config: Config, start: date | None = None, end: date | None = None,
               full: bool = False) -> indicator_computation.IndicatorSummary:
    return indicator_computation.compute(config, start=start, end=end, full=full)


def source_status(config: Config) -> list[SourceStatus]:
    """Per configured source: freshness, last error and what the warehouse holds (each kind's status query)."""
    upgrade(config.settings)
    stored = {k.name: (k.status_sql, k.stored_unit) for k in kinds.KINDS.values()}
    with reader(config.settings) as con:
        statuses = read_status(con, config, stored)
        waiting = Counter(r.source_id for r in pending(con, Landing(config.settings.data_dir)))
    return [replace(s, pending=waiting.get(s.source_id, 0)) for s in statuses]


def maintain(config: Config, keep_days: int = DEFAULT_KEEP_DAYS, expire: bool = True) -> MaintenanceReport:
    """Compact the lake and (`expire`) expire snapshots older than `keep_days` (warehouse/maintain.py)."""
    return maintain_lake(config.settings, keep_days=keep_days, expire=expire)


def dashboard(config: Config, out: Path | None = None) -> Path:
    """Write the static site; returns its index.html."""
    return dashboard_site.write_site(config, source_status(config), out=out)


def digest(config: Config, week: str | None = None, send: bool = False, to: str | None = None,
           resend: bool = False, on_result: Callable[[str, str, str], None] | None = None) -> dict[str, Any]:
    upgrade(config.settings)
    return run_weekly(config, week=week, send=send, to=to, resend=resend, on_result=on_result)

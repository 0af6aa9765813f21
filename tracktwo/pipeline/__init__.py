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
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from extractors.landing import FetchRecord, Landing, iso
from tracktwo.core.clock import utc_now
from tracktwo.core.config import Config, SourceBase
from tracktwo.core.locks import file_lock
from tracktwo.core.settings import Settings
from tracktwo.core.workers import NeverStarted, WorkerDied, process_pool
from tracktwo.pipeline import kinds
from warehouse import indicators as indicator_computation
from warehouse.db import reader, upgrade
from warehouse.gazetteer import shared_gazetteer
from warehouse.load import (PreparedRecord, RunSummary, load_pending, load_stream, pending, pending_records,
                            worker_setup)
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


def extract_source(config: Config, source: SourceBase) -> list[FetchRecord]:
    """One source's fetch, parsed and landed; nothing when another process is fetching the same source right
    now (its records will be loaded by whichever load runs next)."""
    with _fetch_lock(config, source) as held:
        if not held:
            log.warning("source %s is being fetched by another process: skipped this time", source.id)
            return []
        return kinds.kind(source.kind).extract(source, config)


def extract_all(config: Config, sources: list[SourceBase], workers: int = 4) -> dict[str, list[FetchRecord]]:
    """Every source's fetch in `workers` threads of this process (network waits overlap), with no warehouse:
    what an Airflow extract task or a test lands for a later load. `tracktwo ingest` spreads the same work
    over worker processes instead (`ingest`)."""
    out: dict[str, list[FetchRecord]] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(extract_source, config, s): s for s in sources}
        for fut in as_completed(futures):
            s = futures[fut]
            try:
                out[s.id] = fut.result()
            except Exception as exc:  # a bug or a full disk in one source must not stop the others
                out[s.id] = [record_crash(config, s, exc)]
    return out


_FETCHES_DONE = object()
_ROOM = object()  # after a source's records: the writer has taken them, another source may be fetched
# When no fetch has landed for this long, the writer commits what it holds: the sources that answered are in the
# warehouse while a slow one is still downloading (up to its http.max_seconds).
IDLE_COMMIT_SECONDS = 1.0

_WORKER_CONFIG: Config | None = None  # an ingest worker's config (set up once per worker process)


def _setup_ingest_worker(settings: Settings) -> None:
    """An ingest worker's initializer: the config and the gazetteer, built once per process."""
    global _WORKER_CONFIG
    _WORKER_CONFIG = open_config(settings)
    init, args = worker_setup(_WORKER_CONFIG)
    init(*args)


def _extract_and_prepare(source_id: str) -> list[tuple[FetchRecord, Any, BaseException | None]]:
    """One source fetched, parsed and landed, and each landed record prepared for the writer (the kind's
    `prepare`: stories and their places), in an ingest worker: (record, prepared, the prepare's error)."""
    config = _WORKER_CONFIG
    if config is None:
        raise RuntimeError("no ingest config in this process: _setup_ingest_worker runs first")
    source = config.source(source_id)
    landing = Landing(config.settings.data_dir)
    out: list[tuple[FetchRecord, Any, BaseException | None]] = []
    for rec in extract_source(config, source):
        spec = kinds.kind(rec.kind).load
        if rec.status != "ok" or spec.merge is None or spec.prepare is None:
            out.append((rec, None, None))
            continue
        try:
            out.append((rec, spec.prepare(landing, rec, shared_gazetteer()), None))
        except Exception as exc:  # recorded as this fetch's load failure by the writer
            out.append((rec, None, exc))
    return out


def _ready(rec: FetchRecord, prepared: Any, error: BaseException | None) -> FetchRecord | PreparedRecord:
    """A record for the writer, with its prepare's outcome when it has one."""
    if prepared is None and error is None:
        return rec
    fut: Future = Future()
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(prepared)
    return PreparedRecord(rec, fut)


def ingest(config: Config, sources: list[SourceBase], workers: int = 4,
           on_fetched: Callable[[SourceBase, list[FetchRecord]], None] | None = None,
           on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Fetch `sources` into landing and load the warehouse at the same time. A source of a kind whose records
    are prepared (feeds, ReliefWeb: parsed and tagged) is fetched, parsed, landed and prepared in one of
    TRACKTWO_WORKERS processes, each running `workers` fetches at once (network waits overlap, parsing uses
    every core); one of another kind (GDELT, UCDP, ACLED: DuckDB parses them at load) in one of `workers`
    threads of this process. Each goes to the one writer (this process) as soon as it is landed, committed in
    batches. At most TRACKTWO_LOAD_BATCH + TRACKTWO_WORKERS x `workers` fetched sources wait for the writer.
    Whatever else waits in landing (a fetch whose load was interrupted) is loaded first, in its order.

    When a worker dies, the sources it was fetching are recorded as failed (the next ingest loads whatever they
    landed), and the rest are fetched in this process.

    The writer lock is taken in turns (warehouse.load: given back when nothing has landed for a second, and
    after half of TRACKTWO_LOCK_TIMEOUT), so another writer (indicators, an Airflow load) gets in during a long
    ingest. If the writer cannot be had (another writer holds the lock past the wait) or fails, the fetches
    still finish and land, and the error is raised after them: the next load picks them up. Interrupted
    (Ctrl-C), no more fetches start; those under way finish and land."""
    settings = config.settings
    threads = max(1, workers)
    landed: queue.Queue = queue.Queue()
    fetch_errors: list[BaseException] = []
    room = threading.Semaphore(settings.load_batch + max(1, settings.workers) * threads)
    left = [len(sources)]
    left_lock = threading.Lock()
    writer_gone = threading.Event()  # the writer stopped: fetches are no longer queued for it
    interrupted = threading.Event()  # no more fetches start
    all_done = threading.Event()
    ours: set[str] = set()  # run ids this ingest landed (set.update is atomic)

    def finished(source: SourceBase, recs: list[FetchRecord], ready: list[FetchRecord | PreparedRecord]) -> None:
        """A source is done (fetched, failed, or not fetched at all): queued for the writer, reported, counted."""
        try:
            ours.update(r.run_id for r in recs)
            if not writer_gone.is_set():
                for item in ready:
                    landed.put(item)
                landed.put(_ROOM)
            if on_fetched:
                try:
                    on_fetched(source, recs)
                except Exception:  # printing a line must not stop the others being loaded
                    log.exception("reporting the fetch of %s failed", source.id)
        finally:
            with left_lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                landed.put(_FETCHES_DONE)
                all_done.set()

    def outcome(source: SourceBase, fut: Future) -> None:
        """A source's fetch has finished (in a worker, a thread or this process), or will never run. Whatever
        happens, the source is `finished` exactly once: the writer and the ingest wait for every one."""
        triples: list[tuple[FetchRecord, Any, BaseException | None]] = []
        ready: list[FetchRecord | PreparedRecord] = []
        handed_on = False
        try:
            try:
                triples = fut.result()
            except CancelledError:  # interrupted before it started: not fetched
                pass
            except NeverStarted:  # the pool broke before a worker took it: fetched here instead
                handed_on = True
                fetch_here(source)
            except BaseException as exc:  # a bug or a full disk in one source, or its worker died: the others go on
                if isinstance(exc, BrokenProcessPool):
                    exc = WorkerDied("the worker process fetching it died (out of memory?); what it landed loads "
                                     "with the next ingest")
                triples = [(record_crash(config, source, exc), None, None)]
            ready = [_ready(*t) for t in triples]
        except Exception:
            log.exception("the fetch of %s could not be reported", source.id)
            triples, ready = [], []
        finally:  # also when this thread is interrupted (the exception goes on after)
            if not handed_on:
                finished(source, [t[0] for t in triples], ready)

    def records(loaded: set[str]) -> Iterator[FetchRecord | PreparedRecord | None]:
        # what waited in landing before this ingest (what it landed itself comes through `landed`, prepared)
        yield from (r for r in pending_records(Landing(settings.data_dir), loaded) if r.run_id not in ours)
        while True:
            try:
                item = landed.get(timeout=IDLE_COMMIT_SECONDS)
            except queue.Empty:
                yield None  # nothing landed for a while: the writer commits what it has (a slow source waits alone)
                continue
            if item is _FETCHES_DONE:
                return
            if item is _ROOM:
                room.release()
                continue
            yield item

    if not sources:
        all_done.set()
        landed.put(_FETCHES_DONE)
    with process_pool(settings.workers, _setup_ingest_worker, (settings.for_worker(),), threads=threads) as pool, \
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tracktwo-fetch") as here:
        def fetch_here(source: SourceBase) -> None:
            """Fetch in a thread of this process (a kind without `prepare`, or the pool is broken: the writer
            prepares it); when that is no longer possible (the ingest is ending), the source is not fetched."""
            try:
                fut = here.submit(lambda: [(r, None, None) for r in extract_source(config, source)])
            except RuntimeError:
                finished(source, [], [])
                return
            fut.add_done_callback(lambda f: outcome(source, f))

        def fetch() -> None:
            def not_fetched(n: int) -> None:  # sources[n:] will not be fetched: each is finished, as none
                for rest in sources[n:]:
                    finished(rest, [], [])

            for n, source in enumerate(sources):
                try:
                    room.acquire()
                    if interrupted.is_set():
                        not_fetched(n)
                        return
                    if kinds.kind(source.kind).load.prepare is None:  # GDELT, UCDP, ACLED: no CPU work to
                        fetch_here(source)                             # move (DuckDB parses at load): a thread
                        continue
                    try:
                        fut = pool.submit(_extract_and_prepare, source.id)
                    except BrokenProcessPool:  # a worker died: the rest are fetched here
                        fetch_here(source)
                        continue
                except BaseException as exc:  # raised in the caller's thread once the writer is done
                    fetch_errors.append(exc)
                    not_fetched(n)
                    return
                fut.add_done_callback(lambda f, s=source: outcome(s, f))

        def interrupt() -> None:
            """Ctrl-C: no fetch starts any more (the ones under way finish and land)."""
            interrupted.set()
            room.release(len(sources) + 1)
            here.shutdown(wait=False, cancel_futures=True)

        fetcher = threading.Thread(target=fetch, name="tracktwo-fetch", daemon=True)
        fetcher.start()
        try:
            runs = load_stream(config, kinds.loaders(), records, pool=pool, on_run=on_run)
        except BaseException as exc:
            writer_gone.set()  # nothing reads the queue any more
            if not isinstance(exc, Exception):
                interrupt()  # before the fetcher is let go: it must see that it stops
            room.release(len(sources) + 1)  # the fetcher never waits for room the writer will not free
            raise
        finally:
            try:
                fetcher.join()
                if not interrupted.is_set():
                    all_done.wait()  # every fetch finishes and lands, even when the writer is gone
            except BaseException:  # interrupted while waiting for them
                interrupt()
                raise
            finally:
                for exc in fetch_errors:  # logged whatever happens to the writer (its own error is raised)
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
    from reports import dashboard as dashboard_site  # here: an ingest (and each of its workers) never needs it

    return dashboard_site.write_site(config, source_status(config), out=out)


def digest(config: Config, week: str | None = None, send: bool = False, to: str | None = None,
           resend: bool = False, on_result: Callable[[str, str, str], None] | None = None) -> dict[str, Any]:
    upgrade(config.settings)
    from reports.digest import run_weekly  # here: an ingest never needs it

    return run_weekly(config, week=week, send=send, to=to, resend=resend, on_result=on_result)

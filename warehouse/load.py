"""Load the landing zone into the warehouse: every fetch record not yet in `ingest_runs`.

The landing zone is the queue: fetches only write files, and this one writer
turns them into rows, oldest first. Re-running it is safe: a record already in
`ingest_runs` is skipped. How a record of a given source kind loads is the
caller's to say (`LoadSpec`s, from the pipeline's registry of kinds), so this
module knows no kind:

- a kind with `prepare` + `merge` (feeds: many small payloads) has each record
  prepared (parsed, tagged) in worker processes while this process writes, and
  merged a batch at a time: up to `TRACKTWO_LOAD_BATCH` fetches, one per source,
  in one transaction. When a batch fails, its fetches are retried one per
  transaction, so only the bad one is recorded as failed;
- a kind with `load` (GDELT: a file of up to a million rows) loads one record
  per transaction.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import duckdb
import pyarrow as pa

from extractors.landing import FetchRecord, Landing
from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import Config
from tracktwo.core.workers import NeverStarted, WorkerDied, process_pool, warn_broken
from warehouse.db import rollback, single_threaded, writer
from warehouse.gazetteer import Gazetteer, shared_gazetteer, use_gazetteer

# A batch is committed once its fetches hold this many items, whatever TRACKTWO_LOAD_BATCH says (memory).
BATCH_MAX_ITEMS = 100_000
# After giving the writer lock back because it was held long, wait this long before taking it again: a
# waiting writer polls at least once a second (tracktwo.core.locks.try_for), so it gets its turn.
GIVE_WAY_SECONDS = 1.2
log = logging.getLogger("tracktwo.load")


@dataclass
class RunSummary:
    run_id: str
    source_id: str
    status: str
    http_status: int | None
    items_seen: int = 0
    items_new: int = 0
    items_updated: int = 0
    error: str | None = None
    warning: str | None = None
    load_error: bool = False  # the payload was fetched fine but did not load (not a fetch failure)


@dataclass
class LoadContext:
    """What a loader gets: the writer connection (inside the record's transaction), config and landing."""

    con: duckdb.DuckDBPyConnection
    config: Config
    landing: Landing
    _gazetteer: Gazetteer | None = None
    # What a loader keeps for the rest of the session (e.g. reference tables refreshed); cleared when a
    # record's transaction rolls back, since the rollback undid whatever the entry stands for.
    session: dict[str, object] = field(default_factory=dict)

    @property
    def gazetteer(self) -> Gazetteer:
        """Built on first use: a load session of GDELT files alone never needs it."""
        if self._gazetteer is None:
            self._gazetteer = Gazetteer(self.config.gazetteer, self.config.regions)
        return self._gazetteer


Loader = Callable[[LoadContext, FetchRecord], RunSummary]
Preparer = Callable[[Landing, FetchRecord, Gazetteer], Any]
Merger = Callable[[LoadContext, list[tuple[FetchRecord, Any]]], list[RunSummary]]


@dataclass(frozen=True)
class LoadSpec:
    """How the records of one source kind load: `load` one per transaction, or `prepare` (in a worker
    process: landed record -> something with a `seen` count of items) then `merge` (in the writer, a batch
    of them inside the caller's transaction)."""

    load: Loader | None = None
    prepare: Preparer | None = None
    merge: Merger | None = None


def worker_setup(config: Config) -> tuple[Callable[..., None], tuple]:
    """The initializer of a load's worker processes, and its arguments: each builds the gazetteer once."""
    return use_gazetteer, (config.gazetteer, config.regions)


@dataclass(frozen=True)
class PreparedRecord:
    """A fetch record whose kind's `prepare` already ran where it was fetched (an ingest's worker): `prepared`
    is its result, or raises what the prepare raised."""

    rec: FetchRecord
    prepared: Future


class _PrepareHere(Exception):
    """The pool was broken before this record was submitted: prepare it in the writer."""


def _prepare_in_worker(prepare: Preparer, data_dir: Path, rec: FetchRecord) -> Any:
    return prepare(Landing(data_dir), rec, shared_gazetteer())

def timestamp(value: str | None) -> datetime | None:
    """A fetch record's ISO time as the warehouse's naive UTC TIMESTAMP."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _record_run(con: duckdb.DuckDBPyConnection, rec: FetchRecord, s: RunSummary) -> None:
    _record_runs(con, [(rec, s)])


def _failed(rec: FetchRecord, exc: BaseException | str) -> RunSummary:
    """A fetch that was fine but did not load: recorded as a failed run of its source; the others go on."""
    return RunSummary(rec.run_id, rec.source_id, "failed", rec.http_status, error=f"load failed: {exc}",
                      load_error=True)


def _record_alone(con: duckdb.DuckDBPyConnection, rec: FetchRecord, s: RunSummary) -> None:
    con.execute("BEGIN")
    _record_run(con, rec, s)
    con.execute("COMMIT")


def load_record(ctx: LoadContext, rec: FetchRecord, specs: Mapping[str, LoadSpec]) -> RunSummary:
    """One fetch record of a kind loaded one record per transaction (`LoadSpec.load`: GDELT), in its own
    transaction; a failure is recorded, never half-applied. Batched kinds go through `load_stream`."""
    con = ctx.con
    if rec.status != "ok":
        s = RunSummary(rec.run_id, rec.source_id, rec.status, rec.http_status, error=rec.error, warning=rec.warning)
        _record_alone(con, rec, s)
        return s
    spec = specs.get(rec.kind)
    con.execute("BEGIN")
    try:
        if spec is None or spec.load is None:
            raise ValueError(f"no one-record loader for source kind {rec.kind!r}")
        s = spec.load(ctx, rec)
        _record_run(con, rec, s)
        con.execute("COMMIT")
        return s
    except Exception as exc:  # recorded as a failed run of this source; the others go on
        rollback(con)
        ctx.session.clear()
        s = _failed(rec, exc)
        _record_alone(con, rec, s)
        return s


@dataclass
class _Entry:
    rec: FetchRecord
    spec: LoadSpec | None = None
    prepared: Any = None  # for spec.merge
    summary: RunSummary | None = None  # decided without merging (not modified, failed fetch, failed prepare)


class _WriterTurns:
    """The writer lock in turns: taken when there is something to commit, given back when nothing has landed
    for a while (`idle`) or once it has been held `hold` seconds (half the writer wait, TRACKTWO_LOCK_TIMEOUT),
    so a long ingest never keeps indicators, an Airflow load or another ingest waiting longer than the wait
    they are documented to take (the record being committed is never interrupted: one GDELT file, one batch).
    Each turn opens its own writer connection; records another writer loaded between two turns are skipped,
    never loaded twice."""

    def __init__(self, config: Config, landing: Landing, hold: float):
        self.config, self.landing, self.hold = config, landing, hold
        self._stack: ExitStack | None = None
        self._ctx: LoadContext | None = None
        self._all_cores: Callable[[], Any] | None = None
        self._since = 0.0
        self._gave_way_at: float | None = None
        self._synced = False
        self._gazetteer: Gazetteer | None = None  # built once, kept across turns
        self.known: set[str] = set()  # run ids in ingest_runs when the first turn began
        self.turns = 0

    def ctx(self) -> LoadContext:
        """The writer's context, taking the lock (and waiting for it, up to the writer wait) when not held."""
        if self._ctx is None:
            if self._gave_way_at is not None:
                time.sleep(max(0.0, GIVE_WAY_SECONDS - (time.monotonic() - self._gave_way_at)))
                self._gave_way_at = None
            stack = ExitStack()
            try:
                con = stack.enter_context(writer(self.config.settings))
                self._all_cores = stack.enter_context(single_threaded(con))
                if not self._synced:
                    sync_reference(con, self.config)
                    self._synced = True
                if self.turns == 0:  # what is loaded already (later turns ask only about their own records)
                    self.known = {r[0] for r in con.execute("SELECT run_id FROM ingest_runs").fetchall()}
            except BaseException:
                stack.close()
                raise
            self._ctx = LoadContext(con, self.config, self.landing, self._gazetteer)
            self._stack, self._since = stack, time.monotonic()
            self.turns += 1
        return self._ctx

    def all_cores(self):  # type: ignore[no-untyped-def]
        self.ctx()
        assert self._all_cores is not None
        return self._all_cores()

    def loaded_elsewhere(self, run_ids: list[str]) -> set[str]:
        """Which of these fetches another writer loaded while the lock was given back (none in the first turn:
        the lock has been held since `known` was read)."""
        if self.turns <= 1 or not run_ids:
            return set()
        con = self.ctx().con
        return {r[0] for r in con.execute("SELECT run_id FROM ingest_runs WHERE list_contains($ids, run_id)",
                                          {"ids": run_ids}).fetchall()}

    @property
    def held_long(self) -> bool:
        return self._ctx is not None and time.monotonic() - self._since >= self.hold

    def release(self, give_way: bool = False) -> None:
        """Give the lock back (nothing uncommitted is held: callers flush first)."""
        if self._stack is not None:
            self._gazetteer = self._ctx._gazetteer if self._ctx is not None else self._gazetteer
            stack, self._stack, self._ctx, self._all_cores = self._stack, None, None, None
            stack.close()
            if give_way:
                self._gave_way_at = time.monotonic()

    def __enter__(self) -> "_WriterTurns":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class _Batches:
    """Collects prepared fetches and commits them a batch at a time, in arrival order."""

    def __init__(self, turns: _WriterTurns, limit: int, emit: Callable[[RunSummary], None]):
        self.turns, self.limit, self.emit = turns, max(1, limit), emit
        self.entries: list[_Entry] = []
        self.merged_sources: set[str] = set()
        self.items = 0

    def add(self, entry: _Entry) -> None:
        if entry.spec is not None:
            if entry.rec.source_id in self.merged_sources:
                self.flush()  # two fetches of one source: the older commits first (its versions come first)
            self.merged_sources.add(entry.rec.source_id)
        self.entries.append(entry)
        self.items += getattr(entry.prepared, "seen", 0)
        if len(self.entries) >= self.limit or self.items >= BATCH_MAX_ITEMS:
            self.flush()

    def flush(self) -> None:
        entries, self.entries, self.items = self.entries, [], 0
        self.merged_sources = set()
        if not entries:
            return
        ctx = self.turns.ctx()
        elsewhere = self.turns.loaded_elsewhere([e.rec.run_id for e in entries])
        entries = [e for e in entries if e.rec.run_id not in elsewhere]  # loaded by another writer meanwhile
        if not entries:
            return
        con = ctx.con
        try:
            con.execute("BEGIN")
            summaries = self._merge(ctx, entries)
            _record_runs(con, [(e.rec, summaries[e.rec.run_id]) for e in entries])
            con.execute("COMMIT")
        except Exception as exc:
            rollback(con)
            ctx.session.clear()
            if len(entries) > 1:  # one transaction each: only the fetch at fault is recorded as failed
                for e in entries:
                    self.entries = [e]
                    self.flush()
                return
            summaries = {entries[0].rec.run_id: _failed(entries[0].rec, exc)}
            _record_alone(con, entries[0].rec, summaries[entries[0].rec.run_id])
        for e in entries:
            self.emit(summaries[e.rec.run_id])

    def _merge(self, ctx: LoadContext, entries: list[_Entry]) -> dict[str, RunSummary]:
        out = {e.rec.run_id: e.summary for e in entries if e.summary is not None}
        by_merger: dict[int, tuple[Merger, list[tuple[FetchRecord, Any]]]] = {}
        for e in entries:
            if e.summary is None:
                by_merger.setdefault(id(e.spec.merge), (e.spec.merge, []))[1].append((e.rec, e.prepared))
        for merge, batch in by_merger.values():
            out.update((s.run_id, s) for s in merge(ctx, batch))
        return out


def _record_runs(con: duckdb.DuckDBPyConnection, runs: list[tuple[FetchRecord, RunSummary]]) -> None:
    """The ingest_runs rows of a batch, in one insert."""
    loaded_at = utc_now_naive()
    rows = [{
        "run_id": rec.run_id, "source_id": rec.source_id, "kind": rec.kind, "url": rec.url,
        "started_at": timestamp(rec.started_at), "finished_at": timestamp(rec.finished_at), "loaded_at": loaded_at,
        "status": s.status, "http_status": s.http_status, "items_seen": s.items_seen, "items_new": s.items_new,
        "items_updated": s.items_updated, "error": s.error, "warning": s.warning,
        "landing_file": rec.body_file, "sha256": rec.sha256, "bytes": rec.bytes,
    } for rec, s in runs]
    schema = con.execute("SELECT * FROM ingest_runs LIMIT 0").to_arrow_table().schema
    con.register("staged_runs", pa.Table.from_pylist(rows, schema=schema))
    try:
        con.execute("INSERT INTO ingest_runs BY NAME SELECT * FROM staged_runs")
    finally:
        con.unregister("staged_runs")


def load_stream(config: Config, specs: Mapping[str, LoadSpec],
                records: Callable[[set[str]], Iterable[FetchRecord | PreparedRecord | None]], *,
                pool: Executor | None = None,
                on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Load the records `records(loaded)` yields (given the run ids already loaded), in order, as the one
    writer: each is prepared in `pool` (default: a new pool of TRACKTWO_WORKERS processes) a few ahead of the
    writer, and committed in batches. `records` may block (an ingest yields fetches as they land); it yields
    None when nothing has come for a while, and whatever is prepared by then is committed. A PreparedRecord
    (prepared where it was fetched) is not prepared again."""
    settings = config.settings
    landing = Landing(settings.data_dir)
    out: list[RunSummary] = []

    def emit(s: RunSummary) -> None:
        out.append(s)
        if on_run:
            try:
                on_run(s)
            except Exception:  # reporting a run (a console line) must not stop the load; the run is committed
                log.exception("reporting run %s failed", s.run_id)

    own_pool = process_pool(settings.workers, *worker_setup(config)) if pool is None else nullcontext(pool)
    turns = _WriterTurns(config, landing, hold=max(1.0, settings.lock_timeout / 2))
    with own_pool as ex, turns:
        turns.ctx()  # the first turn: the writer must be there before anything is prepared
        loaded = set(turns.known)
        batches = _Batches(turns, settings.load_batch, emit)
        ahead: deque[tuple[FetchRecord, Future | None]] = deque()
        window = max(4, 2 * settings.workers)  # prepared fetches in flight beside the batch
        broken = False

        def submit(spec: LoadSpec, rec: FetchRecord) -> Future:
            """The record's prepare in a worker; prepared here from now on once the pool is broken."""
            nonlocal broken
            if not broken:
                try:
                    return ex.submit(_prepare_in_worker, spec.prepare, settings.data_dir, rec)
                except BrokenProcessPool:  # a worker died (out of memory?): the pool takes no more work
                    warn_broken()
                    broken = True
            fut: Future = Future()
            fut.set_exception(_PrepareHere())
            return fut

        def take(rec: FetchRecord, fut: Future | None) -> None:
            spec = specs.get(rec.kind)
            if rec.status != "ok":
                batches.add(_Entry(rec, summary=RunSummary(rec.run_id, rec.source_id, rec.status, rec.http_status,
                                                           error=rec.error, warning=rec.warning)))
            elif spec is None:
                batches.add(_Entry(rec, summary=_failed(rec, f"no loader for source kind {rec.kind!r}")))
            elif fut is None:  # a kind loaded one record per transaction, in its place in the order
                batches.flush()
                ctx = turns.ctx()
                if turns.loaded_elsewhere([rec.run_id]):  # loaded by another writer between two turns
                    return
                with turns.all_cores():
                    emit(load_record(ctx, rec, specs))
            else:
                try:
                    try:
                        prepared = fut.result()
                    except (_PrepareHere, NeverStarted):  # the pool broke before a worker took this record
                        prepared = spec.prepare(landing, rec, turns.ctx().gazetteer)
                    except BrokenProcessPool as exc:  # its worker died while preparing it: not retried here,
                        warn_broken()              # it may be what killed the worker (`tracktwo rebuild` reloads it)
                        raise WorkerDied("the worker process preparing it died (out of memory?)") from exc
                except Exception as exc:
                    batches.add(_Entry(rec, summary=_failed(rec, exc)))
                    return
                batches.add(_Entry(rec, spec=spec, prepared=prepared))

        for item in records(loaded):
            if item is None:  # idle: commit what has arrived rather than wait for a slow source, and give the
                while ahead:  # lock back until something lands again
                    take(*ahead.popleft())
                batches.flush()
                turns.release()
                continue
            rec, ready = (item.rec, item.prepared) if isinstance(item, PreparedRecord) else (item, None)
            if rec.run_id in loaded:
                continue
            loaded.add(rec.run_id)
            spec = specs.get(rec.kind)
            batchable = rec.status == "ok" and spec is not None and spec.merge is not None
            ahead.append((rec, (ready or submit(spec, rec)) if batchable else None))
            while ahead and (len(ahead) > window or ahead[0][1] is None or ahead[0][1].done()):
                take(*ahead.popleft())
            if turns.held_long:  # held for half the writer wait: commit, and let a waiting writer in
                batches.flush()
                turns.release(give_way=True)
        while ahead:
            take(*ahead.popleft())
        batches.flush()
    return out


def _reference_rows(config: Config) -> tuple[list[tuple], list[tuple]]:
    """The rows of `sources` and `regions` for this config, in table column order."""
    sources = [(s.id, s.kind, s.url, s.publisher_name, s.perspective, s.license, s.enabled) for s in config.sources]
    regions = []
    for r in config.regions:
        a, b = (r.sides + [None, None])[:2]
        side = [(s.name, list(s.countries), list(s.actors)) if s else (None, None, None) for s in (a, b)]
        boxes = [{"name": x.name, "south": x.south, "north": x.north, "west": x.west, "east": x.east,
                  "country": x.country} for x in r.areas.boxes]
        regions.append((r.id, r.name, r.type, *side[0], *side[1], list(r.areas.countries), list(r.areas.adm1), boxes,
                        list(r.keywords), r.areas.admin1_keys))
    return sources, regions


def sync_reference(con: duckdb.DuckDBPyConnection, config: Config, in_transaction: bool = False) -> None:
    """Mirror sources.yaml and regions.yaml into tables researchers can join on.

    Nothing is written when the tables already hold exactly these rows (the usual case):
    loads and indicator runs call this each time. `in_transaction`: the caller's open transaction holds the
    change (the indicator run's, so the lake's snapshot is read once), else it is committed here on its own.
    """
    sources, regions = _reference_rows(config)
    have = (sorted(con.execute("SELECT * FROM sources").fetchall()),
            sorted(con.execute("SELECT * FROM regions").fetchall()))
    if have == (sorted(sources), sorted(regions)):
        return
    if not in_transaction:
        con.execute("BEGIN")
    con.execute("DELETE FROM sources")
    # one bulk insert (row-by-row took minutes for tens of thousands of sources, under the write lock)
    names = [d[0] for d in con.execute("SELECT * FROM sources LIMIT 0").description]
    rows = pa.table({n: [r[i] for r in sources] for i, n in enumerate(names)})
    con.register("_tracktwo_sources", rows)
    try:
        con.execute("INSERT INTO sources SELECT * FROM _tracktwo_sources")
    finally:
        con.unregister("_tracktwo_sources")
    con.execute("DELETE FROM regions")
    if regions:  # typed from the table itself, so nested lists and structs keep their shapes
        schema = con.execute("SELECT * FROM regions LIMIT 0").to_arrow_table().schema
        con.register("_tracktwo_regions", pa.table({n: [r[i] for r in regions] for i, n in enumerate(schema.names)},
                                                   schema=schema))
        try:
            con.execute("INSERT INTO regions SELECT * FROM _tracktwo_regions")
        finally:
            con.unregister("_tracktwo_regions")
    if not in_transaction:
        con.execute("COMMIT")


def pending_records(landing: Landing, loaded: set[str], source_ids: Iterable[str] | None = None) -> list[FetchRecord]:
    """Landed fetches not in `loaded`, oldest first: of every source (None) or of the given ones."""
    if source_ids is None:
        return list(landing.records(skip=loaded))
    recs = [r for sid in dict.fromkeys(source_ids) for r in landing.records(sid, skip=loaded)]
    recs.sort(key=lambda r: (r.started_at, r.run_id))
    return recs


def pending(con: duckdb.DuckDBPyConnection, landing: Landing, source_ids: Iterable[str] | None = None) -> list[FetchRecord]:
    """Landed fetches not loaded yet (per `ingest_runs`), oldest first."""
    loaded = {r[0] for r in con.execute("SELECT run_id FROM ingest_runs").fetchall()}
    return pending_records(landing, loaded, source_ids)


def load_pending(config: Config, specs: Mapping[str, LoadSpec], source_ids: Iterable[str] | None = None,
                 on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    landing = Landing(config.settings.data_dir)
    return load_stream(config, specs, lambda loaded: pending_records(landing, loaded, source_ids), on_run=on_run)

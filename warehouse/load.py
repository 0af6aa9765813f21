"""Load the landing zone into the warehouse: every fetch record not yet in `ingest_runs`.

The landing zone is the queue: fetches only write files, and this one writer
turns them into rows, one transaction per fetch, oldest first. Re-running it
is safe: a record already in `ingest_runs` is skipped. Which function loads a
record of a given source kind is the caller's to say (`loaders`, from the
pipeline's registry of kinds), so this module knows no kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Mapping

import duckdb
import pyarrow as pa

from extractors.landing import FetchRecord, Landing
from tracktwo.core.config import Config
from warehouse.db import rollback, writer
from warehouse.gazetteer import Gazetteer
from tracktwo.core.clock import utc_now_naive


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

INSERT_RUN = """
INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, finished_at, loaded_at, status, http_status,
                         items_seen, items_new, items_updated, error, warning, landing_file, sha256, bytes)
VALUES ($run_id, $source_id, $kind, $url, $started_at, $finished_at, $loaded_at, $status, $http_status,
        $items_seen, $items_new, $items_updated, $error, $warning, $landing_file, $sha256, $bytes)
"""


def timestamp(value: str | None) -> datetime | None:
    """A fetch record's ISO time as the warehouse's naive UTC TIMESTAMP."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _record_run(con: duckdb.DuckDBPyConnection, rec: FetchRecord, s: RunSummary) -> None:
    con.execute(INSERT_RUN, {
        "run_id": rec.run_id, "source_id": rec.source_id, "kind": rec.kind, "url": rec.url,
        "started_at": timestamp(rec.started_at), "finished_at": timestamp(rec.finished_at), "loaded_at": utc_now_naive(),
        "status": s.status, "http_status": s.http_status, "items_seen": s.items_seen, "items_new": s.items_new,
        "items_updated": s.items_updated, "error": s.error, "warning": s.warning,
        "landing_file": rec.body_file, "sha256": rec.sha256, "bytes": rec.bytes,
    })


def load_record(ctx: LoadContext, rec: FetchRecord, loaders: Mapping[str, Loader]) -> RunSummary:
    """One fetch record in one transaction; a failure is recorded, never half-applied."""
    con = ctx.con
    if rec.status != "ok":
        s = RunSummary(rec.run_id, rec.source_id, rec.status, rec.http_status, error=rec.error, warning=rec.warning)
        con.execute("BEGIN")
        _record_run(con, rec, s)
        con.execute("COMMIT")
        return s
    loader = loaders.get(rec.kind)
    con.execute("BEGIN")
    try:
        if loader is None:
            raise ValueError(f"no loader for source kind {rec.kind!r}")
        s = loader(ctx, rec)
        _record_run(con, rec, s)
        con.execute("COMMIT")
        return s
    except Exception as exc:  # recorded as a failed run of this source; the others go on
        rollback(con)
        ctx.session.clear()
        s = RunSummary(rec.run_id, rec.source_id, "failed", rec.http_status, error=f"load failed: {exc}",
                       load_error=True)
        con.execute("BEGIN")
        _record_run(con, rec, s)
        con.execute("COMMIT")
        return s


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
                        list(r.keywords)))
    return sources, regions


def sync_reference(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Mirror sources.yaml and regions.yaml into tables researchers can join on.

    Nothing is written when the tables already hold exactly these rows (the usual case):
    loads and indicator runs call this each time.
    """
    sources, regions = _reference_rows(config)
    have = (sorted(con.execute("SELECT * FROM sources").fetchall()),
            sorted(con.execute("SELECT * FROM regions").fetchall()))
    if have == (sorted(sources), sorted(regions)):
        return
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
    con.execute("COMMIT")


def pending(con: duckdb.DuckDBPyConnection, landing: Landing, source_ids: Iterable[str] | None = None) -> list[FetchRecord]:
    """Landed fetches not loaded yet, oldest first: of every source (None) or of the given ones."""
    done = {r[0] for r in con.execute("SELECT run_id FROM ingest_runs").fetchall()}
    if source_ids is None:
        return list(landing.records(skip=done))
    recs = [r for sid in dict.fromkeys(source_ids) for r in landing.records(sid, skip=done)]
    recs.sort(key=lambda r: (r.started_at, r.run_id))
    return recs


def load_pending(config: Config, loaders: Mapping[str, Loader], source_ids: Iterable[str] | None = None,
                 on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    settings = config.settings
    landing = Landing(settings.data_dir)
    out: list[RunSummary] = []
    with writer(settings) as con:
        sync_reference(con, config)
        ctx = LoadContext(con, config, landing)
        for rec in pending(con, landing, source_ids):
            s = load_record(ctx, rec, loaders)
            out.append(s)
            if on_run:
                on_run(s)
    return out

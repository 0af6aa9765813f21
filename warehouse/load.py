"""Load the landing zone into the warehouse: every fetch record not yet in `ingest_runs`.

The landing zone is the queue: fetches only write files, and this one writer
turns them into rows, one transaction per fetch, oldest first. Re-running it
is safe: a record already in `ingest_runs` is skipped. Which function loads a
record of a given source kind is the caller's to say (`loaders`, from the
pipeline's registry of kinds), so this module knows no kind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Mapping

import duckdb
import pyarrow as pa

from extractors.landing import FetchRecord, Landing
from tracktwo.core.config import Config
from tracktwo.core.settings import Settings
from warehouse.db import writer
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
        con.execute("ROLLBACK")
        ctx.session.clear()
        s = RunSummary(rec.run_id, rec.source_id, "failed", rec.http_status, error=f"load failed: {exc}",
                       load_error=True)
        con.execute("BEGIN")
        _record_run(con, rec, s)
        con.execute("COMMIT")
        return s


SYNC_REGION = "INSERT OR REPLACE INTO regions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


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
    con.executemany(SYNC_REGION, [list(r) for r in regions])
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


# Tables that do not come from landing: computed history (what past briefings saw, with the membership it was
# computed from) and the record of delivered digests (without it a rebuild would send every digest again).
CARRY_OVER = ("indicator_runs", "event_regions", "region_daily", "region_daily_current", "alerts", "alerts_current",
              "alert_evidence", "region_daily_v1", "region_daily_current_v1", "alerts_v1", "alerts_current_v1",
              "alert_evidence_v1", "digest_log")
REBUILD_SUFFIX = ".rebuild"  # the new warehouse while it is built, beside the live one
BACKUP_SUFFIX = ".before-rebuild-"  # + a UTC stamp: the warehouse a rebuild replaced, never overwritten


class RebuildFailed(Exception):
    """A landed payload that loaded before failed to load again: the old warehouse is kept."""


def interrupted_rebuild(settings: Settings) -> Path | None:
    """The partial file of a rebuild that was killed before it finished, if any (the live warehouse is intact)."""
    partial = settings.warehouse_path.with_name(settings.warehouse_path.name + REBUILD_SUFFIX)
    return partial if partial.exists() else None


def rebuild(config: Config, loaders: Mapping[str, Loader],
            on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Recreate the warehouse from landing alone, crash-safe at every point.

    The new warehouse is built beside the live one (`warehouse.duckdb.rebuild`), from landing; the history
    landing cannot recreate (indicators, digest log) is copied into it from the live file under the writer
    lock; then the live file is hard-linked to a backup that is never overwritten and the new file renamed
    over it, one atomic step. Killed before that rename, the live warehouse is the old one, untouched (the
    partial file is left, `tracktwo status` says so, and the next rebuild starts it over); killed after it,
    the new one. A payload that fetched fine but does not load now (a bug, a bad setting) stops the rebuild
    before the swap: replaying landing never silently loses data.
    """
    live: Path = config.settings.warehouse_path
    new_settings = replace(config.settings, warehouse_file=live.name + REBUILD_SUFFIX)
    new = new_settings.warehouse_path
    for stale in (new, new.with_name(new.name + ".wal")):  # an earlier rebuild's partial file
        stale.unlink(missing_ok=True)
    if live.exists():
        with writer(config.settings):  # fail now if another writer is busy; migrates and checkpoints the live file
            pass
    try:
        out = load_pending(Config(new_settings, config.source_kinds), loaders, on_run=on_run)
        broken = [r for r in out if r.load_error]
        if broken:
            raise RebuildFailed(f"{len(broken)} landed payload(s) failed to load, first {broken[0].run_id}: "
                                f"{broken[0].error}; the previous warehouse is kept")
        if live.exists():
            _carry_over(config.settings, new)
    except BaseException:
        new.unlink(missing_ok=True)
        new.with_name(new.name + ".wal").unlink(missing_ok=True)
        raise
    if live.exists():
        stamp = utc_now_naive().strftime("%Y%m%dT%H%M%S%f")
        os.link(live, live.with_name(live.name + BACKUP_SUFFIX + stamp))  # the old file stays reachable
    os.replace(new, live)  # atomic: the live path is the old warehouse or the new one, never neither
    return out


def _carry_over(settings: Settings, new: Path) -> None:
    """Copy what landing cannot recreate from the live warehouse into the new one, under the live file's lock."""
    with writer(settings) as con:
        live = con.execute("SELECT current_database()").fetchone()[0]  # named after the file by DuckDB
        con.execute("ATTACH ? AS new", [str(new)])
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [live]).fetchall()}
        con.execute("BEGIN")
        for table in CARRY_OVER:
            if table in have:  # table names come from the constant above, the database name from DuckDB
                con.execute(f'INSERT INTO new.main.{table} BY NAME SELECT * FROM "{live}".main.{table}')
        con.execute("COMMIT")
        con.execute("CHECKPOINT new")
        con.execute("DETACH new")

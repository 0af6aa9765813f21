"""`tracktwo rebuild`: recreate the lake from landing alone, crash-safe at every point.

The new lake is built in a folder of its own (`<data>/lakes/<stamp>/`) from landing, under the live lake's writer
lock (so nothing is written to the live lake meanwhile, and nothing written is lost by the swap); the history
landing cannot recreate (indicators with the membership they were computed from, the digest log) is copied into
it from the live lake; it is marked complete; then the link `<data>/lake` is pointed at it in one atomic step
(warehouse/lake.py). The old folder is kept: it is the backup, and readers that opened it before the swap keep
reading it, whole, until they close. Killed before the swap, the live lake is untouched (the partial folder is
left, `tracktwo status` says so, the next rebuild starts over in a new folder). A payload that fetched fine but
does not load now (a bug, a bad setting) stops the rebuild before the swap: replaying landing never silently
loses data. Snapshot ids restart in the new lake: each lake has its own `lake_id` (table `lake_info`), which
dashboards, digests and exports record beside the snapshot id.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Callable, Mapping

from tracktwo.core.config import Config
from tracktwo.core.locks import file_lock
from tracktwo.core.settings import Settings
from warehouse import lake
from warehouse.db import WarehouseBusy, writer, writer_lock_path
from warehouse.load import LoadSpec, RunSummary, load_pending

# Tables that do not come from landing: computed history (what past briefings saw, with the membership it was
# computed from) and the record of delivered digests (without it a rebuild would send every digest again).
CARRY_OVER = ("indicator_runs", "event_regions", "region_daily", "region_daily_current", "alerts", "alerts_current",
              "alert_evidence", "digest_log")


class RebuildFailed(Exception):
    """A landed payload that loaded before failed to load again: the old lake is kept."""


def interrupted_rebuild(settings: Settings) -> Path | None:
    """The partial folder of a rebuild that was killed before it finished, if any (the live lake is intact)."""
    live = settings.lake_path.resolve() if settings.embedded else None
    partial = [p for p in sorted(lake.lakes_dir(settings).glob("*"))
               if p.is_dir() and p != live and not (p / lake.COMPLETE_MARKER).exists()]
    return partial[-1] if partial and lake.exists(settings) else None


def rebuild(config: Config, loaders: Mapping[str, LoadSpec],
            on_run: Callable[[RunSummary], None] | None = None) -> list[RunSummary]:
    """Recreate the lake from landing (see the module docstring); the per-fetch summaries of the reload."""
    settings = config.settings
    if not settings.embedded:
        raise RebuildFailed("rebuild swaps the embedded lake's folder; with TRACKTWO_CATALOG / TRACKTWO_DATA_PATH "
                            "set, create an empty catalog database and data path, point the settings at them "
                            "and run `tracktwo load` (landing is the source of truth)")
    lake.finish_interrupted_swap(settings)
    with file_lock(writer_lock_path(settings), settings.lock_timeout) as held:
        if not held:
            raise WarehouseBusy(f"warehouse {settings.warehouse_label} is being written by another process; "
                                "rebuild when it finishes")
        for stale in lake.lakes_dir(settings).glob("*"):  # earlier rebuilds killed before they finished
            if stale.is_dir() and not (stale / lake.COMPLETE_MARKER).exists() and stale != settings.lake_path.resolve():
                shutil.rmtree(stale, ignore_errors=True)
        new_settings = replace(settings, lake_dir=lake.new_lake_name())
        new = new_settings.lake_path
        try:
            out = load_pending(Config(new_settings, config.source_kinds), loaders, on_run=on_run)
            broken = [r for r in out if r.load_error]
            if broken:
                raise RebuildFailed(f"{len(broken)} landed payload(s) failed to load, first {broken[0].run_id}: "
                                    f"{broken[0].error}; the previous warehouse is kept")
            if lake.exists(settings):
                _carry_over(settings, new_settings)
            lake.mark_complete(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        lake.point_live_at(settings, new)  # one atomic step; the old folder stays for its readers
    return out


def _carry_over(live: Settings, new: Settings) -> None:
    """Copy what landing cannot recreate from the live lake into the new one, in one transaction."""
    with writer(new) as con:
        lake.attach(con, live, "live", read_only=True)
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'live'").fetchall()}
        con.execute("BEGIN")
        for table in CARRY_OVER:
            if table in have:  # table names come from the constant above
                con.execute(f"INSERT INTO {lake.LAKE}.main.{table} BY NAME SELECT * FROM live.main.{table}")
        con.execute("COMMIT")
        con.execute("DETACH live")

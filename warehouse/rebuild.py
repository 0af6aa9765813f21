"""`tracktwo rebuild`: recreate the lake from landing alone, crash-safe at every point.

The new lake is built beside the live one (`<data>/lake.rebuild/`) from landing, under the live lake's writer
lock (so nothing is written to the live lake meanwhile, and nothing written is lost by the swap); the history
landing cannot recreate (indicators with the membership they were computed from, the digest log) is copied
into it from the live lake; the new folder is marked complete; then the live folder is renamed to
`<data>/lake.before-rebuild-<stamp>/` (never overwritten) and the new one into place. Killed before the marker,
the live lake is untouched (the partial folder is left, `tracktwo status` says so, the next rebuild starts it
over); killed between the two renames, the next open finishes the swap (warehouse/lake.py). A payload that
fetched fine but does not load now (a bug, a bad setting) stops the rebuild before the swap: replaying landing
never silently loses data. Readers that hold the old lake open keep reading it: its files stay in the backup.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Callable, Mapping

from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import Config
from tracktwo.core.locks import file_lock
from tracktwo.core.settings import Settings
from warehouse import lake
from warehouse.db import WarehouseBusy, writer, writer_lock_path
from warehouse.load import Loader, RunSummary, load_pending

# Tables that do not come from landing: computed history (what past briefings saw, with the membership it was
# computed from) and the record of delivered digests (without it a rebuild would send every digest again).
CARRY_OVER = ("indicator_runs", "event_regions", "region_daily", "region_daily_current", "alerts", "alerts_current",
              "alert_evidence", "digest_log")


class RebuildFailed(Exception):
    """A landed payload that loaded before failed to load again: the old lake is kept."""


def interrupted_rebuild(settings: Settings) -> Path | None:
    """The partial folder of a rebuild that was killed before it finished, if any (the live lake is intact)."""
    partial = lake.rebuild_path(settings)
    return partial if partial.exists() and settings.lake_path.exists() else None


def rebuild(config: Config, loaders: Mapping[str, Loader],
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
        new_settings = replace(settings, lake_dir=settings.lake_dir + lake.REBUILD_SUFFIX)
        new = new_settings.lake_path
        shutil.rmtree(new, ignore_errors=True)  # an earlier rebuild's partial folder
        try:
            out = load_pending(Config(new_settings, config.source_kinds), loaders, on_run=on_run)
            broken = [r for r in out if r.load_error]
            if broken:
                raise RebuildFailed(f"{len(broken)} landed payload(s) failed to load, first {broken[0].run_id}: "
                                    f"{broken[0].error}; the previous warehouse is kept")
            if lake.exists(settings):
                _carry_over(settings, new_settings)
            (new / lake.COMPLETE_MARKER).write_text("complete\n", encoding="utf-8")
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        live = settings.lake_path
        if live.exists():
            stamp = utc_now_naive().strftime("%Y%m%dT%H%M%S%f")
            os.rename(live, live.with_name(live.name + lake.BACKUP_SUFFIX + stamp))  # kept, never overwritten
        os.rename(new, live)
        (live / lake.COMPLETE_MARKER).unlink(missing_ok=True)
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

"""Lake maintenance: what keeps 96 small commits a day from slowing reads, and bounds the history kept.

DuckLake writes a Parquet file per commit (or, for a few rows, inlines them in the catalog). Over weeks that is
thousands of small files; reads then open them all. `maintain` (the `tracktwo maintain` command and the
Airflow maintenance DAG) does, under the writer lock:

1. flush inlined rows into Parquet files (`ducklake_flush_inlined_data`);
2. merge adjacent small files of each table (`ducklake_merge_adjacent_files`);
3. expire snapshots older than `keep_days` (`ducklake_expire_snapshots`): time travel (`AT (VERSION => n)`,
   `tracktwo.connect(as_of=...)`) reaches back `keep_days`; every briefing records its snapshot, so a briefing
   younger than that is reproducible exactly. Older ones are answered by the as-of history tables
   (`region_daily_as_of`, `alerts_as_of`), which are never expired;
4. delete the files no remaining snapshot needs (`ducklake_cleanup_old_files`).

Steps 1 and 2 alone (`expire=False`, `tracktwo maintain --compact-only`) run every hour in Airflow, merging only
files under HOURLY_MAX_FILE_BYTES and deleting the merged-away files at once: a read just before a compaction then
opens the files of at most four 15-minute commits more than just after it (bench/lake_commits.py); expiry runs
once a day.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracktwo.core.settings import Settings
from tracktwo.core.locks import file_lock
from warehouse.db import WarehouseBusy, maintenance_lock_path, writer
from warehouse.lake import LAKE

DEFAULT_KEEP_DAYS = 90


@dataclass
class MaintenanceReport:
    files_before: int
    files_after: int
    snapshots_before: int
    snapshots_after: int


def data_files(con) -> int:
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $lake", {"lake": LAKE}).fetchall()]
    total = 0
    for table in tables:
        total += con.execute("SELECT count(*) FROM ducklake_list_files($lake, $table)",
                             {"lake": LAKE, "table": table}).fetchone()[0]
    return total


def _snapshots(con) -> int:
    return con.execute("SELECT count(*) FROM ducklake_snapshots($lake)", {"lake": LAKE}).fetchone()[0]


def maintain(settings: Settings, keep_days: int = DEFAULT_KEEP_DAYS, expire: bool = True) -> MaintenanceReport:
    """Compact the lake and (`expire`) expire old snapshots (see the module docstring); safe to run at any time."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1: expiring today's snapshots would break open readers")
    # tracktwo's readers hold a shared lock for as long as they are open: compaction waits for them, and they
    # for it (DuckLake 1.5.5's flush and merge change what an open transaction reads; tests/test_lake.py)
    with file_lock(maintenance_lock_path(settings), settings.lock_timeout) as held:
        if not held:
            raise WarehouseBusy(f"warehouse {settings.warehouse_label}: readers kept it open for "
                                f"{settings.lock_timeout:g}s; maintenance will run next time")
        return _maintain(settings, keep_days, expire)


# The hourly compaction merges only files under this size: the day's 15-minute files merge into files of up to
# about this size, and no hourly run rewrites more than that per table (with the target file size, 512 MB, each
# run would rewrite a table's whole tail). The daily run merges up to the lake's target size.
HOURLY_MAX_FILE_BYTES = 8 * 1024 * 1024


def compact(con, max_file_bytes: int | None = None) -> None:
    """Steps 1 and 2 on a writer connection: inlined rows to Parquet, adjacent small files (under
    `max_file_bytes`, default the lake's target size) merged, and the merged-away files deleted at once (no
    snapshot refers to them: DuckLake maps the old snapshots onto the merged file). The caller holds the
    maintenance lock exclusively (no tracktwo reader open: compaction changes what they read)."""
    con.execute("CALL ducklake_flush_inlined_data($lake)", {"lake": LAKE})
    if max_file_bytes is None:
        con.execute("CALL ducklake_merge_adjacent_files($lake)", {"lake": LAKE})
    else:
        con.execute("CALL ducklake_merge_adjacent_files($lake, max_file_size => $bytes)",
                    {"lake": LAKE, "bytes": max_file_bytes})
    con.execute("CALL ducklake_cleanup_old_files($lake, cleanup_all => true)", {"lake": LAKE})


def _maintain(settings: Settings, keep_days: int, expire: bool) -> MaintenanceReport:
    with writer(settings) as con:
        files_before, snaps_before = data_files(con), _snapshots(con)
        compact(con, None if expire else HOURLY_MAX_FILE_BYTES)
        if expire:
            con.execute("CALL ducklake_expire_snapshots($lake, older_than => now() - to_days($days))",
                        {"lake": LAKE, "days": keep_days})
            con.execute("CALL ducklake_cleanup_old_files($lake, cleanup_all => true)", {"lake": LAKE})
        return MaintenanceReport(files_before, data_files(con), snaps_before, _snapshots(con))

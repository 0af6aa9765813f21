"""tracktwo: a self-hosted conflict-monitoring pipeline for Track-II diplomacy.

For researchers: `con = tracktwo.connect()` gives a read-only DuckDB connection to the warehouse (a DuckLake)
with every table, view and macro of docs/warehouse.md under its plain name.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__version__ = "0.1.0"


def connect(data_dir: str | None = None, as_of: int | str | datetime | dict | None = None,
            config_dir: str | None = None) -> "duckdb.DuckDBPyConnection":
    """A read-only connection to the warehouse, as it is now or as it was.

    `data_dir`: the data folder (default: TRACKTWO_DATA_DIR, else ./data; TRACKTWO_CATALOG / TRACKTWO_DATA_PATH
    are honoured). `as_of`: a lake snapshot id (int), the `lake_snapshot` record of a dashboard, digest or export
    (a dict: its `lake_id` is checked, since a rebuild starts snapshot ids over), or a UTC time (datetime or ISO
    text): the warehouse exactly as it was then. The connection takes no lock and blocks no writer. Without
    `as_of` each query sees the latest committed snapshot; inside `con.begin()` ... `con.rollback()` the queries
    share one. Close it when done (or use it in a `with` block).
    """
    from tracktwo.core.settings import Settings
    from warehouse import lake
    from warehouse.db import require

    settings = Settings.from_env(config_dir, data_dir)
    require(settings)
    lake_id = None
    if isinstance(as_of, dict):
        lake_id, as_of = as_of.get("lake_id"), as_of.get("snapshot_id")
    version = as_of if isinstance(as_of, int) and not isinstance(as_of, bool) else None
    when = None
    if isinstance(as_of, datetime):
        when = as_of.isoformat()
    elif isinstance(as_of, str):
        when = datetime.fromisoformat(as_of).isoformat()  # a clear ValueError for a malformed time
    elif as_of is not None and version is None:
        raise TypeError(f"as_of must be a snapshot id (int) or a time (datetime or ISO text), not {as_of!r}")
    if lake_id is not None:  # which lake this is, asked of the current lake before attaching the old snapshot
        current = lake.connect(settings, read_only=True)
        try:
            have = current.execute("SELECT min(lake_id) FROM lake_info").fetchone()[0]
        finally:
            current.close()
        if have != lake_id:
            raise ValueError(f"snapshot of lake {lake_id}, but {settings.warehouse_label} is lake {have} (rebuilt "
                             "since): the earlier lake's folder is kept under <data>/lakes/")
    return lake.connect(settings, read_only=True, snapshot_version=version, snapshot_time=when)

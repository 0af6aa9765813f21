"""Per source: freshness, the last error and what the warehouse holds (for `tracktwo status` and the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

import duckdb

from tracktwo.core.config import Config, ConfigError

STATUS_SQL = "SELECT * FROM v_source_status"


@dataclass(frozen=True)
class SourceStatus:
    source_id: str
    publisher: str
    kind: str
    enabled: bool
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str | None
    stored: int  # what the warehouse holds from it, in `stored_unit`s (its kind's status query)
    stored_unit: str
    in_warehouse: bool  # fetched at least once
    pending: int = 0  # landed fetches the warehouse has not loaded yet (an interrupted or running load)

    @property
    def failing(self) -> bool:
        """The latest attempt failed (an error newer than the last success)."""
        return self.last_failure is not None and (self.last_success is None or self.last_failure > self.last_success)


def read_status(con: duckdb.DuckDBPyConnection, config: Config,
                stored_queries: Mapping[str, tuple[str, str]]) -> list[SourceStatus]:
    """Configured sources first (even never fetched), then any others the warehouse knows.

    `stored_queries`: kind -> (query of rows (source_id, stored), unit), one per source kind.
    """
    cur = con.execute(STATUS_SQL)
    cols = [d[0] for d in cur.description]
    rows = {r["source_id"]: r for r in (dict(zip(cols, t)) for t in cur.fetchall())}
    stored: dict[str, tuple[int, str]] = {}
    for query, unit in stored_queries.values():
        for sid, n in con.execute(query).fetchall():
            stored[sid] = (int(n or 0), unit)
    try:
        configured = [(s.id, s.publisher_name, s.kind, s.enabled) for s in config.sources]
    except ConfigError:  # a broken sources.yaml must not hide what the warehouse knows
        configured = []
    units = {kind: unit for kind, (_, unit) in stored_queries.items()}
    out = []
    for sid, publisher, kind, enabled in configured:
        r = rows.pop(sid, None) or {}
        n, unit = stored.get(sid, (0, units.get(kind, "rows")))
        out.append(SourceStatus(sid, publisher, kind, enabled, r.get("last_success"), r.get("last_failure"),
                                r.get("last_error"), n, unit, bool(r.get("fetches"))))
    for sid, r in sorted(rows.items()):
        n, unit = stored.get(sid, (0, units.get(r.get("kind") or "", "rows")))
        out.append(SourceStatus(sid, r.get("publisher") or sid, r.get("kind") or "", bool(r.get("enabled")),
                                r.get("last_success"), r.get("last_failure"), r.get("last_error"), n, unit,
                                bool(r.get("fetches"))))
    return out

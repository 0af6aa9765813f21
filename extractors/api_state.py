"""What the paged-API extractors (ucdp, acled, reliefweb) share: a strictly increasing clock for their
page records, and where their progress and cursors live (mutable state beside the immutable landing)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from extractors.landing import Landing


class Clock:
    """Strictly increasing aware datetimes: landing orders a source's records by their start stamp, so
    the pages of one run must not share one (a fixed test clock would make them equal)."""

    def __init__(self, now: Callable[[], datetime] | None):
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._last: datetime | None = None

    def __call__(self) -> datetime:
        t = self._now()
        if self._last is not None and t <= self._last:
            t = self._last + timedelta(microseconds=1)
        self._last = t
        return t


def state_path(landing: Landing, source_id: str) -> Path:
    """<data>/state/curated/<source_id>.json: a curated-API source's progress and cursors (mutable)."""
    return landing.state_dir / "curated" / f"{source_id}.json"


def read_state(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}

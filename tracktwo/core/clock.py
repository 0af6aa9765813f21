"""UTC time, in the two forms the project needs, under names that say which is which."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """Aware UTC now: for HTTP dates, landing stamps and anything that leaves the process."""
    return datetime.now(timezone.utc)


def utc_now_naive() -> datetime:
    """Naive UTC now: every TIMESTAMP column in the warehouse holds UTC without a zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)

"""ISO weeks: the digest's unit of time (Monday to Sunday, UTC)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tracktwo.core.clock import utc_now_naive
from tracktwo.core.errors import ConfigError

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str) -> str:
    """'2026-W47' (validated, normalised)."""
    m = WEEK_RE.match(text.strip())
    if not m:
        raise ConfigError(f"--week {text!r}: expected an ISO week such as 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ConfigError(f"--week {text!r}: {year} has no week {week}") from None
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    year, num = (int(x) for x in WEEK_RE.match(week).groups())
    return date.fromisocalendar(year, num, 1)


def week_of(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def last_complete_week(today: date | None = None) -> str:
    """The ISO week that ended on the most recent Sunday (UTC)."""
    today = today or utc_now_naive().date()
    return week_of(today - timedelta(days=today.isoweekday()))


def previous_week(week: str) -> str:
    return week_of(week_start(week) - timedelta(days=7))

"""What the paged-API extractors (ucdp, acled, reliefweb) share: a strictly increasing clock for their
page records, the records themselves (`Pages`), and where their progress and cursors live (mutable state
beside the immutable landing)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from extractors.landing import FetchRecord, Landing, iso
from tracktwo.core.secrets import scrub, scrub_bytes

log = logging.getLogger("tracktwo.extractors")


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


class Pages:
    """The records of one run of a paged-API source: each page (or failure) becomes a FetchRecord, landed with its
    raw body as it came; errors are scrubbed of the run's secrets and logged. One place for what the UCDP, ACLED
    and ReliefWeb extractors would otherwise each write."""

    def __init__(self, landing: Landing, source_id: str, kind: str, clock: Clock, secrets: list[str] | None = None):
        self.landing, self.source_id, self.kind, self.clock = landing, source_id, kind, clock
        self.secrets = secrets if secrets is not None else []  # a list the caller may extend (new tokens)
        self.records: list[FetchRecord] = []

    def record(self, url: str, extra: dict[str, Any], when: datetime | None = None) -> FetchRecord:
        """A new page record, failed until the caller says otherwise; its URL scrubbed of secrets."""
        when = when or self.clock()
        return FetchRecord(run_id=self.landing.new_run_id(self.source_id, when), source_id=self.source_id,
                           kind=self.kind, url=scrub(url, self.secrets), started_at=iso(when), finished_at="",
                           status="failed", extra=dict(extra))

    def land(self, rec: FetchRecord, body: bytes | None) -> FetchRecord:
        """Land the page's body as it came, but for any credential a server echoed in it (an error page that
        repeats the token it was sent), which is masked and counted (`extra.credentials_masked`, a warning):
        secrets never reach landing."""
        if body is not None and self.secrets:
            body, masked = scrub_bytes(body, self.secrets)
            if masked:
                rec.extra["credentials_masked"] = masked
                note = f"the body echoed a credential: {masked} occurrence(s) masked (***) in the stored copy"
                rec.warning = f"{rec.warning}; {note}" if rec.warning else note
        if rec.warning:
            rec.warning = scrub(rec.warning, self.secrets)
        if rec.error:
            rec.error = scrub(rec.error, self.secrets)
            log.warning("%s: %s", self.source_id, rec.error)
        rec.finished_at = iso(self.clock())
        self.landing.write(rec, body, ".json")
        self.records.append(rec)
        return rec


def json_object(body: bytes, expected: str) -> dict[str, Any]:
    """A page's JSON object; ValueError saying what came instead (an HTML error page, a truncated body).
    `expected` names the envelope's keys, for the message."""
    try:
        doc = json.loads(body)
    except ValueError:
        # the excerpt as text, not as escaped bytes: a credential the server echoed is then the text the
        # scrubber looks for (a non-ASCII password read as b'\xd1\x81...' was not)
        raise ValueError(f"not JSON (starts with {body[:60].decode('utf-8', 'replace')!r})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"not a JSON object (expected {expected})")
    return doc

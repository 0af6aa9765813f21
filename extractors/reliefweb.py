"""ReliefWeb reports from the ReliefWeb API v2 (api.reliefweb.int), page by page into landing.

Incremental by `date.changed` (when a report was last edited): a run asks for reports changed at or
after the cursor, oldest change first (sort date.changed:asc, then id), each page starting at the last
change read (keyset paging: a report edited during the run is read again later, never skipped); the cursor is
the latest `date.changed` landed by earlier runs whose pages all landed OK. Because the order is
ascending, a run stopped by `max_pages` still moves the cursor forward and the next run continues from
there (a report at exactly the cursor comes again: the loader dedups by id). State:
<data>/state/curated/<source_id>.json.

`appname` is required on every call (a pre-approved one since 1 November 2025); it is not a secret.
Only the fields a document needs are asked for, which keeps a page of `limit` reports small.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timezone
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping
from urllib.parse import urlencode

from pydantic import Field, field_validator

from extractors.http import FetchError, fetch, session
from extractors.landing import FetchRecord, Landing, write_state
from extractors.api_state import Clock, Pages, json_object, read_state, state_path
from tracktwo.core.config import ISO3, HttpSettings, SourceBase, codes_matching

log = logging.getLogger(__name__)

ACCEPT = "application/json"
# id always comes back; these are what a document needs (text, publisher, places, dates, link)
FIELDS = ("title", "body", "source.name", "source.shortname", "source.type.name", "country.iso3",
          "primary_country.iso3", "date.original", "date.created", "date.changed", "url_alias", "url")


MIN_LIMIT = 10  # a page that is too large is asked again with half the reports, down to this many


class ReliefwebSource(SourceBase):
    """A `kind: reliefweb` entry. `url` is the API base, e.g. https://api.reliefweb.int/v2."""

    kind: Literal["reliefweb"]
    appname: str = Field(min_length=1, max_length=200)  # ReliefWeb's pre-approved application name
    countries: list[str] = []  # ISO3: reports tagged with any of them (country.iso3)
    limit: int = Field(500, ge=1, le=1000)  # reports per page (the API's maximum is 1000)
    max_pages: int = Field(20, ge=1)
    start_date: date | None = None  # first run: reports changed since this day (else: all, oldest first)

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return codes_matching(v, ISO3, "ISO3 codes")


def _key(source: ReliefwebSource) -> dict[str, Any]:
    """What decides which reports a query returns: when it changes, the cursor starts over."""
    return {"url": source.url.rstrip("/"), "countries": sorted(source.countries),
            "start_date": source.start_date.isoformat() if source.start_date else None}


def _page_url(source: ReliefwebSource, since: str | None, skip: int, limit: int | None = None) -> str:
    """Reports changed at or after `since`, oldest change first, skipping the first `skip`: keyset paging (each
    page starts at the last change read), so a report edited during a run moves past the reader, never out of
    its view (offset paging over a changing list skips the one after it). `skip` steps through a single
    instant only when a whole page shares it."""
    params: list[tuple[str, str]] = [("appname", source.appname)]
    conditions: list[list[tuple[str, str]]] = []
    if since:
        conditions.append([("[field]", "date.changed"), ("[value][from]", since)])
    if source.countries:
        conditions.append([("[field]", "country.iso3"), *(("[value][]", c) for c in sorted(source.countries)),
                           ("[operator]", "OR")])
    if conditions:
        params.append(("filter[operator]", "AND"))
        for i, cond in enumerate(conditions):
            params += [(f"filter[conditions][{i}]{k}", v) for k, v in cond]
    params += [("fields[include][]", f) for f in FIELDS]
    params += [("sort[]", "date.changed:asc"), ("sort[]", "id:asc"),
               ("offset", str(skip)), ("limit", str(limit or source.limit))]
    return f"{source.url.rstrip('/')}/reports?{urlencode(params, safe='[]')}"


def _when(text: str) -> datetime:
    """An ISO 8601 date.changed as an aware datetime (ReliefWeb writes +00:00; a bare one is taken as UTC)."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _changed(item: Any) -> tuple[datetime, str] | None:
    try:
        text = item["fields"]["date"]["changed"]
        return _when(text), text
    except (KeyError, TypeError, ValueError):
        return None


def parse_page(body: bytes) -> tuple[list[Any], int | None, str | None]:
    """(data, totalCount, latest date.changed) of a page; ValueError when it is not the API's JSON envelope."""
    doc = json_object(body, "totalCount, count, data")
    if not isinstance(doc.get("data"), list):
        raise ValueError("no data list in the response (expected totalCount, count, data)")
    rows = doc["data"]
    if any(not isinstance(r, dict) or "id" not in r or not isinstance(r.get("fields", {}), dict) for r in rows):
        raise ValueError("an item without id or fields")
    total = doc.get("totalCount")
    changed = [c for c in map(_changed, rows) if c is not None]
    return rows, total if isinstance(total, int) else None, max(changed)[1] if changed else None


def fetch_to_landing(source: ReliefwebSource, http: HttpSettings, landing: Landing, *,
                     env: Mapping[str, str] = MappingProxyType({}), sleep=time.sleep,
                     now: Callable[[], datetime] | None = None) -> list[FetchRecord]:
    """Land the reports changed since the cursor, one record per page (at most `max_pages`).

    Never raises for a source failure: a refused appname, a broken page each give a failed record saying
    which page and why. `env` is unused (ReliefWeb needs no secret); it is there so that every curated
    kind is called the same way."""
    clock = Clock(now)
    started = clock()
    path = state_path(landing, source.id)
    state = read_state(path)
    if state.get("key") != _key(source):
        state = {}
    cursor = state.get("cursor")
    since = cursor or (f"{source.start_date.isoformat()}T00:00:00+00:00" if source.start_date else None)
    fetch_id = landing.new_run_id(source.id, started, b"fetch")
    pages = Pages(landing, source.id, source.kind, clock)
    records = pages.records
    latest: tuple[datetime, str] | None = None
    all_ok = True
    limit = source.limit
    halved: list[str] = []  # page sizes given up for being over http.max_bytes, said on the next page landed
    skip = 0  # reports already read whose date.changed equals `since`
    with session(http) as sess:
        for page in range(source.max_pages):
            url = _page_url(source, since, skip, limit)
            rec = pages.record(url, {"dataset": "reliefweb", "endpoint": "reports", "page": page,
                                     "fetch_id": fetch_id, "rows": 0})
            body: bytes | None = None
            try:
                res = fetch(url, http, accept=ACCEPT, sess=sess, sleep=sleep)
                rec.http_status, rec.attempts = res.status, res.attempts
                rec.content_type = res.headers.get("Content-Type")
                body = res.body
                rows, _total, top = parse_page(body)
            except FetchError as exc:
                if "body too large" in str(exc) and limit > MIN_LIMIT:
                    # long reports: ask again with half as many (nothing was received, so nothing is landed; the
                    # page that does come says so in its warning, and the run is not a failure)
                    halved.append(f"{limit} reports a page were over the size cap ({exc}): asked for {limit // 2}")
                    limit //= 2
                    continue
                rec.http_status = exc.status
                rec.error = f"page {page}: {exc}"
                if exc.status == 403:
                    rec.error += " (ReliefWeb refuses an appname it has not approved: check `appname`)"
            except ValueError as exc:
                rec.error = f"page {page}: not a ReliefWeb API page: {exc}"
            else:
                rec.status = "ok"
                rec.extra["rows"] = len(rows)
                if halved:
                    rec.warning = "; ".join(halved)
                    halved.clear()
            pages.land(rec, body)
            if rec.status != "ok":
                all_ok = False
                break
            log.info("%s: ReliefWeb page %d landed (%d reports)", source.id, page, len(rows))
            if top is not None:
                mine = (_when(top), top)
                latest = mine if latest is None or mine[0] > latest[0] else latest
                if since is not None and _when(since) == mine[0]:
                    skip += len(rows)  # a whole page of one instant: step through that instant by offset
                else:
                    # the next page starts at the latest change read, offset 0: the reports of that instant come
                    # again (the load keeps one copy), and one edited meanwhile has moved ahead, never out of view
                    since, skip = top, 0
            else:  # no date.changed on the page (not the API's fields): plain offset paging
                skip += len(rows)
            if len(rows) < limit:
                break
    if all_ok:
        write_state(path, {"key": _key(source), "cursor": latest[1] if latest else since})
    return records

"""UCDP GED and GED Candidate events from the UCDP API (ucdpapi.pcr.uu.se), page by page into landing.

Each page of `GET <url>/gedevents/<version>?pagesize=..&page=..` is landed as it came (raw JSON, one fetch
record per page), so a failure on page 40 keeps pages 0..39 and the loader reads the API's own rows.

A release does not change (UCDP guarantees that a versioned call returns the same data for years), so
once every page of a version landed, later runs land one `not_modified` record and ask nothing: a new
release is a new `version` in sources.yaml. Progress within a version is kept in
<data>/state/curated/<source_id>.json, so a run capped by `max_pages`, or stopped by a failed page,
continues where it stopped (pages of a release are immutable, so resuming is safe).

Since February 2026 every request needs an access token in the `x-ucdp-access-token` header. The token
is read from the environment mapping the caller passes (never from config files), sent in that header
only (never in a URL), and scrubbed from every message.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import date, datetime
from typing import Any, Callable, Literal, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

from pydantic import Field

from extractors.api_state import Clock, Pages, json_object, read_state, state_path
from extractors.http import FetchError, fetch, session
from extractors.landing import FetchRecord, Landing, write_state
from tracktwo.core.config import HttpSettings, SourceBase

log = logging.getLogger(__name__)

TOKEN_HEADER = "x-ucdp-access-token"
ACCEPT = "application/json"
DATASET = {"ged": "ucdp_ged", "candidate": "ucdp_candidate"}
HEADER_VALUE = re.compile(r"[\x21-\x7e]+")  # a token that can go into an HTTP header as it is


class UcdpSource(SourceBase):
    """A `kind: ucdp_ged` entry: one UCDP GED (e.g. 25.1) or GED Candidate (e.g. 25.0.10) release.

    `url` is the API base, e.g. https://ucdpapi.pcr.uu.se/api."""

    kind: Literal["ucdp_ged"]
    version: str = Field(pattern=r"^\d{1,3}\.\d{1,3}(\.\d{1,3})?$")  # goes into the URL path: digits and dots only
    dataset: Literal["ged", "candidate"] = "ged"
    pagesize: int = Field(1000, ge=1, le=1000)  # the API's maximum is 1000
    max_pages: int = Field(500, ge=1)  # requests per run (the API allows about 5,000 a day per token)
    countries: list[int] = []  # Gleditsch-Ward codes -> Country=
    start_date: date | None = None  # -> StartDate
    end_date: date | None = None  # -> EndDate
    token_env: str = "UCDP_ACCESS_TOKEN"


def _key(source: UcdpSource) -> dict[str, Any]:
    """What decides the rows of a page: when any of it changes, landed progress no longer applies."""
    return {"url": source.url.rstrip("/"), "dataset": source.dataset, "version": source.version,
            "pagesize": source.pagesize, "countries": sorted(source.countries),
            "start_date": source.start_date.isoformat() if source.start_date else None,
            "end_date": source.end_date.isoformat() if source.end_date else None}


def _page_url(source: UcdpSource, page: int) -> str:
    """The URL of one page: built here from the configured base (never the API's NextPageUrl, so the token
    header only ever goes to the configured host)."""
    params: list[tuple[str, str]] = [("pagesize", str(source.pagesize)), ("page", str(page))]
    if source.countries:
        params.append(("Country", ",".join(str(c) for c in sorted(source.countries))))
    if source.start_date:
        params.append(("StartDate", source.start_date.isoformat()))
    if source.end_date:
        params.append(("EndDate", source.end_date.isoformat()))
    return f"{source.url.rstrip('/')}/gedevents/{source.version}?{urlencode(params)}"


def parse_page(body: bytes) -> tuple[list[Any], int | None, str]:
    """(Result, TotalPages, NextPageUrl) of a page; ValueError when it is not the API's JSON envelope."""
    doc = json_object(body, "TotalCount, TotalPages, NextPageUrl, Result")
    if not isinstance(doc.get("Result"), list):
        raise ValueError("no Result list in the response (expected TotalCount, TotalPages, NextPageUrl, Result)")
    pages = doc.get("TotalPages")
    if pages is not None and not isinstance(pages, int):
        raise ValueError(f"TotalPages is not a number: {str(pages)[:40]!r}")
    return doc["Result"], pages, str(doc.get("NextPageUrl") or "")


def _next_page(next_url: str, page: int) -> int | None:
    """The page after `page`, read from NextPageUrl (the API's own numbering); None when it is the last."""
    if not next_url:
        return None
    for k, v in parse_qsl(urlsplit(next_url).query):
        if k.lower() == "page" and v.isdigit() and int(v) > page:
            return int(v)
    return page + 1


def fetch_to_landing(source: UcdpSource, http: HttpSettings, landing: Landing, *, env: Mapping[str, str],
                     sleep=time.sleep, now: Callable[[], datetime] | None = None) -> list[FetchRecord]:
    """Land the pages of `source.version` not landed yet (at most `max_pages`), one record per page.

    Never raises for a source failure: a missing token, a refused token, a broken or throttled-out page
    each end the run with a failed record saying which page and why. `env` is where the token is read
    (the caller's environment: tracktwo reads it in one place)."""
    clock = Clock(now)
    started = clock()
    path = state_path(landing, source.id)
    state = read_state(path)
    if state.get("key") != _key(source):
        state = {}
    fetch_id = landing.new_run_id(source.id, started, b"fetch")
    token = (env.get(source.token_env) or "").strip()
    pages = Pages(landing, source.id, source.kind, clock, [token])
    records, land = pages.records, pages.land

    def record(page: int | None, url: str, when: datetime) -> FetchRecord:
        return pages.record(url, {"dataset": DATASET[source.dataset], "version": source.version, "endpoint": "events",
                                  "page": page, "pages": state.get("total_pages"), "fetch_id": fetch_id, "rows": 0},
                            when)

    if state.get("complete"):
        rec = record(None, _page_url(source, 0), started)
        rec.status = "not_modified"
        land(rec, None)
        return records
    if not HEADER_VALUE.fullmatch(token):
        rec = record(None, _page_url(source, 0), started)
        rec.error = (f"UCDP access token not set: set {source.token_env} (the UCDP API needs one since "
                     "February 2026; request it from the API maintainer, https://ucdp.uu.se/apidocs/)"
                     if not token else
                     f"UCDP access token in {source.token_env} has spaces or control characters: not sendable")
        land(rec, None)
        return records

    page = int(state.get("next_page") or 0)
    complete = False
    with session(http) as sess:
        for _ in range(source.max_pages):
            when = clock()
            url = _page_url(source, page)
            rec = record(page, url, when)
            body: bytes | None = None
            try:
                res = fetch(url, http, accept=ACCEPT, headers={TOKEN_HEADER: token}, sess=sess, sleep=sleep)
                rec.http_status, rec.attempts = res.status, res.attempts
                rec.content_type = res.headers.get("Content-Type")
                body = res.body
                rows, total_pages, next_url = parse_page(body)
            except FetchError as exc:
                rec.http_status = exc.status
                rec.error = f"page {page}: {exc}"
                if exc.status in (401, 403):
                    rec.error += f" (the UCDP API refused the access token: check {source.token_env})"
            except ValueError as exc:
                rec.error = f"page {page}: not a UCDP API page: {exc}"
            else:
                rec.status = "ok"
                rec.extra.update(pages=total_pages, rows=len(rows))
                state["total_pages"] = total_pages
            land(rec, body)
            if rec.status != "ok":
                break
            log.info("%s: UCDP %s page %d of %s landed (%d rows)", source.id, source.version, page,
                     rec.extra["pages"], len(rows))
            nxt = _next_page(next_url, page) if rows else None
            if nxt is None:
                complete = True
                break
            page = nxt
    write_state(path, {"key": _key(source), "complete": complete, "next_page": None if complete else page,
                       "total_pages": state.get("total_pages"), "fetch_id": fetch_id})
    return records

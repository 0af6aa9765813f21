"""ACLED events and deletions from ACLED's API (acleddata.com), page by page into landing.

Login is OAuth's password grant (POST <url>/oauth/token, client_id `acled`): the access token (valid 24
hours) and refresh token are kept in memory for the run only, never written anywhere. When the API
answers 401 mid-run the token is refreshed (or, if the refresh token is refused, the login repeated) and
that page asked once more.

Incremental: ACLED stamps every event with `timestamp` (when it was added or last changed). The events
cursor is the largest timestamp landed by earlier complete runs; a run asks `timestamp >= cursor` (the
loader dedups by event_id_cnty and keeps the latest). Then the deleted-events endpoint since its own
cursor. A cursor advances only when every page of its endpoint landed OK in the run; a run that stops at
`max_pages` with more to come keeps its place (same filter, next page) for the next run, and advances
the cursor only once that query has been read to the end. State: <data>/state/curated/<source_id>.json.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Literal, Mapping
from urllib.parse import urlencode

import pycountry
import requests
from pydantic import Field, field_validator

from extractors.http import FetchError, HttpResult, fetch, post_form, session
from extractors.landing import FetchRecord, Landing, write_state
from extractors.api_state import Clock, Pages, json_object, read_state, state_path
from tracktwo.core.config import ISO3, HttpSettings, SourceBase, codes_matching
from tracktwo.core.secrets import scrub

log = logging.getLogger(__name__)

ACCEPT = "application/json"
CLIENT_ID = "acled"
TOKEN_VALUE = re.compile(r"[\x21-\x7e]+")  # an access token that can go into an Authorization header
ENDPOINTS = {"events": ("/api/acled/read", "timestamp"), "deleted": ("/api/deleted/read", "deleted_timestamp")}


class AcledSource(SourceBase):
    """A `kind: acled` entry. `url` is the API base, e.g. https://acleddata.com."""

    kind: Literal["acled"]
    token_url: str | None = None  # default <url>/oauth/token
    countries: list[str] = []  # ISO3; sent as ACLED's numeric `iso` filter (ISO 3166 numeric)
    start_date: date | None = None  # lower bound of event_date (first run, and every run after)
    page_size: int = Field(5000, ge=1, le=5000)  # `limit`: 5,000 events is a few MB, well under http.max_bytes
    max_pages: int = Field(20, ge=1)  # per endpoint per run
    username_env: str = "ACLED_USERNAME"
    password_env: str = "ACLED_PASSWORD"

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        codes_matching(v, ISO3, "ISO3 codes")
        unknown = [c for c in v if pycountry.countries.get(alpha_3=c) is None]
        if unknown:
            raise ValueError(f"not ISO 3166 countries (no numeric code for ACLED's iso filter): {unknown}")
        return v

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http(s) URL")
        return v

    @property
    def oauth_url(self) -> str:
        return self.token_url or f"{self.url.rstrip('/')}/oauth/token"

    @property
    def iso_codes(self) -> list[int]:
        return sorted(int(pycountry.countries.get(alpha_3=c).numeric) for c in self.countries)


class AuthError(Exception):
    """The login (or the refresh after a 401) failed: the message names the endpoint and the status only."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class _Auth:
    """The run's OAuth tokens, in memory only; `secrets` holds every credential and token seen, to scrub."""

    source: AcledSource
    http: HttpSettings
    sess: requests.Session
    sleep: Callable[[float], None]
    username: str
    password: str
    access: str = ""
    refresh_token: str = ""
    secrets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.secrets += [self.username, self.password]

    def _token(self, form: dict[str, str], what: str) -> None:
        try:
            res = post_form(self.source.oauth_url, self.http, form, sess=self.sess, sleep=self.sleep)
        except FetchError as exc:
            if exc.status in (400, 401, 403):
                raise AuthError(f"ACLED {what} refused (HTTP {exc.status})", exc.status) from None
            raise AuthError(f"ACLED {what} failed: {scrub(str(exc), self.secrets)}", exc.status) from None
        try:
            doc = json.loads(res.body)
            access = doc["access_token"]
        except (ValueError, KeyError, TypeError):
            raise AuthError(f"ACLED {what} failed: the token endpoint answered without an access_token",
                            res.status) from None
        if not isinstance(access, str) or not TOKEN_VALUE.fullmatch(access):
            raise AuthError(f"ACLED {what} failed: the access_token is not a usable token", res.status)
        refresh = doc.get("refresh_token")
        self.access = access
        self.refresh_token = refresh if isinstance(refresh, str) else ""
        self.secrets += [access, self.refresh_token]

    def login(self) -> None:
        self._token({"username": self.username, "password": self.password, "grant_type": "password",
                     "client_id": CLIENT_ID, "scope": "authenticated"}, "login")

    def renew(self) -> None:
        """A new access token: with the refresh token, else (none, or refused) by logging in again."""
        if self.refresh_token:
            try:
                self._token({"grant_type": "refresh_token", "refresh_token": self.refresh_token,
                             "client_id": CLIENT_ID}, "token refresh")
                log.info("%s: ACLED access token refreshed", self.source.id)
                return
            except AuthError as exc:
                if exc.status not in (400, 401, 403):
                    raise
        self.login()

    def get(self, url: str) -> HttpResult:
        """GET with the bearer token; on 401, renew the token and ask once more."""
        try:
            return fetch(url, self.http, accept=ACCEPT, headers={"Authorization": f"Bearer {self.access}"},
                         sess=self.sess, sleep=self.sleep)
        except FetchError as exc:
            if exc.status != 401:
                raise
        self.renew()
        return fetch(url, self.http, accept=ACCEPT, headers={"Authorization": f"Bearer {self.access}"},
                     sess=self.sess, sleep=self.sleep)


def _key(source: AcledSource) -> dict[str, Any]:
    """What decides which events a query returns: when it changes, the cursors start over."""
    return {"url": source.url.rstrip("/"), "countries": sorted(source.countries), "page_size": source.page_size,
            "start_date": source.start_date.isoformat() if source.start_date else None}


def _page_url(source: AcledSource, endpoint: str, since: int | None, page: int) -> str:
    path, stamp = ENDPOINTS[endpoint]
    params: list[tuple[str, str]] = [("_format", "json")]
    if endpoint == "events":
        if source.countries:
            params.append(("iso", "|".join(str(c) for c in source.iso_codes)))
        if source.start_date:
            params += [("event_date", source.start_date.isoformat()), ("event_date_where", ">=")]
    if since is not None:
        params += [(stamp, str(since)), (f"{stamp}_where", ">=")]
    params += [("limit", str(source.page_size)), ("page", str(page))]
    return f"{source.url.rstrip('/')}{path}?{urlencode(params)}"


def parse_page(body: bytes, stamp: str) -> tuple[list[Any], int | None]:
    """(data, largest `stamp` in it) of a page; ValueError when it is not ACLED's JSON envelope."""
    doc = json_object(body, "status, success, data")
    if doc.get("success") is False or doc.get("status", 200) != 200:
        err = doc.get("error") or doc.get("message") or doc.get("messages") or "no message"
        raise ValueError(f"the API answered status {doc.get('status')!r}: {str(err)[:300]}")
    rows = doc.get("data")
    if not isinstance(rows, list):
        raise ValueError("no data list in the response (expected status, success, data)")
    stamps = []
    for r in rows:
        try:
            stamps.append(int(r[stamp]))
        except (KeyError, TypeError, ValueError):
            continue
    return rows, max(stamps, default=None)


def _max(*values: int | None) -> int | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def fetch_to_landing(source: AcledSource, http: HttpSettings, landing: Landing, *, env: Mapping[str, str],
                     sleep=time.sleep, now: Callable[[], datetime] | None = None) -> list[FetchRecord]:
    """Land new and changed events, then deletions, one record per page (at most `max_pages` each).

    Never raises for a source failure: missing or refused credentials, a refused refresh, a broken page
    each give a failed record saying which endpoint and page, and why. `env` is where the credentials
    are read (the caller's environment: tracktwo reads it in one place)."""
    clock = Clock(now)
    started = clock()
    path = state_path(landing, source.id)
    state = read_state(path)
    if state.get("key") != _key(source):
        # other events are asked for: their cursor starts over. Deletions are not filtered by country or date,
        # so their cursor carries on: a deletion made since the last run is still applied (the events that
        # are fetched again do not bring deleted ones back: the load keeps a deletion against older copies)
        state = {"key": _key(source), "deleted": state.get("deleted")} if state.get("deleted") else {"key": _key(source)}
    fetch_id = landing.new_run_id(source.id, started, b"fetch")
    username = (env.get(source.username_env) or "").strip()
    password = env.get(source.password_env) or ""
    secrets = [username, password]
    pages = Pages(landing, source.id, source.kind, clock, secrets)
    records, land = pages.records, pages.land

    def record(endpoint: str, page: int | None, url: str) -> FetchRecord:
        return pages.record(url, {"dataset": "acled", "endpoint": endpoint, "page": page, "fetch_id": fetch_id,
                                  "rows": 0, "max_timestamp": None})

    if not username or not password:
        rec = record("events", None, _page_url(source, "events", None, 1))
        rec.error = f"ACLED credentials not set: set {source.username_env} and {source.password_env}"
        land(rec, None)
        return records

    with session(http) as sess:
        auth = _Auth(source, http, sess, sleep, username, password)
        pages.secrets = auth.secrets  # grows with every token handed out
        try:
            auth.login()
        except AuthError as exc:
            rec = record("token", None, source.oauth_url)
            rec.http_status, rec.error = exc.status, str(exc)
            land(rec, None)
            return records

        def endpoint_run(endpoint: str, default_since: int | None) -> None:
            """Read one endpoint from its cursor (or where a capped run stopped); update its state if every
            page landed OK."""
            ep = state.get(endpoint) or {}
            resume = ep.get("resume")
            since = resume["since"] if resume else ep.get("cursor", default_since)
            page = resume["next_page"] if resume else 1
            seen = resume.get("max") if resume else None
            done = False
            for _ in range(source.max_pages):
                url = _page_url(source, endpoint, since, page)
                rec = record(endpoint, page, url)
                body: bytes | None = None
                try:
                    res = auth.get(url)
                    rec.http_status, rec.attempts = res.status, res.attempts
                    rec.content_type = res.headers.get("Content-Type")
                    body = res.body
                    rows, top = parse_page(body, ENDPOINTS[endpoint][1])
                except (FetchError, AuthError) as exc:
                    rec.http_status = exc.status
                    rec.error = f"{endpoint} page {page}: {exc}"
                except ValueError as exc:
                    rec.error = f"{endpoint} page {page}: not an ACLED API page: {exc}"
                else:
                    rec.status = "ok"
                    rec.extra.update(rows=len(rows), max_timestamp=top)
                land(rec, body)
                if rec.status != "ok":
                    return  # the cursor stays: the next run asks the same again
                log.info("%s: ACLED %s page %d landed (%d rows)", source.id, endpoint, page, len(rows))
                seen = _max(seen, top)
                if len(rows) < source.page_size:
                    done = True
                    break
                page += 1
            if done:
                state[endpoint] = {"cursor": _max(ep.get("cursor"), seen, since), "resume": None}
            else:
                state[endpoint] = {"cursor": ep.get("cursor"), "resume": {"since": since, "next_page": page,
                                                                          "max": seen}}

        endpoint_run("events", None)
        # deletions before this run are already reflected in what a first run lands: start from now
        endpoint_run("deleted", int(started.timestamp()))
    write_state(path, state)
    return records

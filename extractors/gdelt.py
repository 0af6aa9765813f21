"""GDELT 2.0 events: the export file layout, its listings, and fetching new files to landing.

GDELT publishes one `YYYYMMDDHHMMSS.export.CSV.zip` every 15 minutes; the
listings `lastupdate.txt` (newest files) and `masterfilelist.txt` (every file
since 2015) have lines `<bytes> <md5> <url>`. A file is "already loaded" when
the landing zone holds an ok record with the same file URL and MD5, so nothing
here needs the warehouse. A size/MD5 mismatch, an unreadable or truncated zip or
an HTTP error lands a failed record, which the next run retries (up to
`max_attempts`); a member failing its CRC (checked while the load unzips it) is a
failed load.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zipfile
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator, Literal
from urllib.parse import urljoin, urlsplit

import requests

from extractors.http import FetchError, fetch, fetch_tail, session, stream_lines
from tracktwo.core.clock import utc_now
from extractors.landing import FetchRecord, Landing, iso, write_state
from pydantic import Field

from tracktwo.core.config import HttpSettings, SourceBase

KIND = "gdelt_events"
EXT = ".export.CSV.zip"
INTERVAL = timedelta(minutes=15)
# masterfilelist.txt is hundreds of MB and grows at its end: a catch-up reads only its tail,
# from TAIL_START bytes (about a week of files) growing 4x until it covers the window.
TAIL_START = 256 * 1024
TAIL_MAX = 64 * 1024 * 1024

# The 61 tab-separated columns of a GDELT 2.0 export, in file order, with the
# DuckDB type each is read as. Codes stay VARCHAR: CAMEO codes have leading
# zeros ('0211'), FIPS/ADM codes are letters. SQLDATE and DATEADDED are parsed
# with the formats in READ_CSV_PARAMS.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("GLOBALEVENTID", "BIGINT"), ("SQLDATE", "DATE"), ("MonthYear", "INTEGER"), ("Year", "INTEGER"),
    ("FractionDate", "DOUBLE"),
    ("Actor1Code", "VARCHAR"), ("Actor1Name", "VARCHAR"), ("Actor1CountryCode", "VARCHAR"),
    ("Actor1KnownGroupCode", "VARCHAR"), ("Actor1EthnicCode", "VARCHAR"), ("Actor1Religion1Code", "VARCHAR"),
    ("Actor1Religion2Code", "VARCHAR"), ("Actor1Type1Code", "VARCHAR"), ("Actor1Type2Code", "VARCHAR"),
    ("Actor1Type3Code", "VARCHAR"),
    ("Actor2Code", "VARCHAR"), ("Actor2Name", "VARCHAR"), ("Actor2CountryCode", "VARCHAR"),
    ("Actor2KnownGroupCode", "VARCHAR"), ("Actor2EthnicCode", "VARCHAR"), ("Actor2Religion1Code", "VARCHAR"),
    ("Actor2Religion2Code", "VARCHAR"), ("Actor2Type1Code", "VARCHAR"), ("Actor2Type2Code", "VARCHAR"),
    ("Actor2Type3Code", "VARCHAR"),
    ("IsRootEvent", "INTEGER"), ("EventCode", "VARCHAR"), ("EventBaseCode", "VARCHAR"), ("EventRootCode", "VARCHAR"),
    ("QuadClass", "TINYINT"), ("GoldsteinScale", "DOUBLE"), ("NumMentions", "INTEGER"), ("NumSources", "INTEGER"),
    ("NumArticles", "INTEGER"), ("AvgTone", "DOUBLE"),
    ("Actor1Geo_Type", "TINYINT"), ("Actor1Geo_FullName", "VARCHAR"), ("Actor1Geo_CountryCode", "VARCHAR"),
    ("Actor1Geo_ADM1Code", "VARCHAR"), ("Actor1Geo_ADM2Code", "VARCHAR"), ("Actor1Geo_Lat", "DOUBLE"),
    ("Actor1Geo_Long", "DOUBLE"), ("Actor1Geo_FeatureID", "VARCHAR"),
    ("Actor2Geo_Type", "TINYINT"), ("Actor2Geo_FullName", "VARCHAR"), ("Actor2Geo_CountryCode", "VARCHAR"),
    ("Actor2Geo_ADM1Code", "VARCHAR"), ("Actor2Geo_ADM2Code", "VARCHAR"), ("Actor2Geo_Lat", "DOUBLE"),
    ("Actor2Geo_Long", "DOUBLE"), ("Actor2Geo_FeatureID", "VARCHAR"),
    ("ActionGeo_Type", "TINYINT"), ("ActionGeo_FullName", "VARCHAR"), ("ActionGeo_CountryCode", "VARCHAR"),
    ("ActionGeo_ADM1Code", "VARCHAR"), ("ActionGeo_ADM2Code", "VARCHAR"), ("ActionGeo_Lat", "DOUBLE"),
    ("ActionGeo_Long", "DOUBLE"), ("ActionGeo_FeatureID", "VARCHAR"),
    ("DATEADDED", "TIMESTAMP"), ("SOURCEURL", "VARCHAR"),
]
assert len(EXPORT_COLUMNS) == 61

# Bound parameters of DuckDB's read_csv for an export (warehouse/sql/gdelt_stage.sql): tab-separated, no
# header, no quoting (GDELT never quotes; a '"' in a name or URL is data), nothing sniffed, this schema.
READ_CSV_PARAMS: dict[str, object] = {
    "delim": "\t", "dateformat": "%Y%m%d", "timestampformat": "%Y%m%d%H%M%S", "columns": dict(EXPORT_COLUMNS),
}

_TS = re.compile(r"/(\d{14})\.export\.csv\.zip$", re.IGNORECASE)
log = logging.getLogger("tracktwo.gdelt")


class GdeltSource(SourceBase):
    """A `kind: gdelt_events` entry of sources.yaml: the URL of GDELT 2.0's lastupdate.txt."""

    kind: Literal["gdelt_events"]
    # how many missed 15-minute files one run may catch up
    max_files_per_run: int = Field(96, gt=0)
    # how many times a failed file (HTTP error, MD5 mismatch, corrupt zip) is tried
    max_attempts: int = Field(3, ge=1)
    # the most an export may unzip to: real 15-minute exports are a few MB, a day's backfill file tens of MB;
    # a zip bomb stops here (the 20 MB download cap alone lets a zip expand to about 20 GB)
    max_unzipped_bytes: int = Field(512_000_000, gt=0)


@dataclass(frozen=True)
class ListedFile:
    """One `<bytes> <md5> <url>` line of a GDELT listing."""

    size: int
    md5: str
    url: str

    @property
    def ts(self) -> datetime | None:
        return file_timestamp(self.url)

    @property
    def is_export(self) -> bool:
        return self.ts is not None


def file_timestamp(url: str) -> datetime | None:
    """The 15-minute window of an export file (naive UTC), from its name."""
    m = _TS.search(url)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _on_listing_host(url: str, base_url: str) -> str | None:
    """The entry's URL if it is a file on the listing's own host (and port), else None: a listing must not
    point the fetcher at another machine (a forged entry naming 127.0.0.1 or an internal address). GDELT's
    https listing names http URLs: the same host over the other scheme, default ports, is accepted as
    listed (the URL is the file's identity in landing and in gdelt_files, so it is not rewritten)."""
    try:
        entry, base = urlsplit(url), urlsplit(base_url)
        if entry.scheme not in ("http", "https") or entry.query or entry.fragment or entry.username or entry.password:
            return None
        if (entry.hostname or "").lower() != (base.hostname or "").lower():
            return None
        if entry.port != base.port and not (entry.scheme != base.scheme and entry.port is None and base.port is None):
            return None  # another port; the same host over the other scheme is GDELT's own (http entries)
    except ValueError:  # a port out of range or not a number, a broken IPv6 literal
        return None
    return url


def parse_listing_line(line: str, base_url: str | None = None) -> ListedFile | None:
    """`<bytes> <md5> <url>`; a relative URL (the offline demo's) is resolved against the listing's, and an
    entry on another host than the listing's is ignored (logged)."""
    parts = line.strip().split()
    if len(parts) != 3 or not parts[0].isdigit() or not re.fullmatch(r"[0-9a-fA-F]{32}", parts[1]):
        return None
    try:
        url = urljoin(base_url, parts[2]) if base_url else parts[2]
    except ValueError:
        log.warning("GDELT listing %s: unreadable entry ignored: %.200r", base_url, parts[2])
        return None
    if base_url:
        checked = _on_listing_host(url, base_url)
        if checked is None:
            log.warning("GDELT listing %s: entry not on the listing's host, ignored: %.200r", base_url, parts[2])
            return None
        url = checked
    return ListedFile(int(parts[0]), parts[1].lower(), url)


def export_entries(lines: Iterable[str], base_url: str | None = None) -> Iterator[ListedFile]:
    """Export files of a listing, in listing order (GDELT's is chronological)."""
    for line in lines:
        f = parse_listing_line(line, base_url)
        if f is not None and f.is_export:
            yield f


def masterfilelist_url(source: GdeltSource) -> str:
    return urljoin(source.url, "masterfilelist.txt")


class BadExport(Exception):
    """Downloaded bytes are not the file the listing announced."""


def check_export(body: bytes, listed: ListedFile) -> None:
    """Size, MD5, and a readable zip holding one CSV.

    The member's CRC is not checked here: that would inflate the whole file (a second time, after the load's
    own unzip, which checks the CRC as it streams and fails the load on a mismatch). The MD5 already proves the
    bytes are the ones GDELT published."""
    if len(body) != listed.size:
        raise BadExport(f"size mismatch: got {len(body)} bytes, listing says {listed.size}")
    md5 = hashlib.md5(body).hexdigest()
    if md5 != listed.md5:
        raise BadExport(f"MD5 mismatch: got {md5}, listing says {listed.md5}")
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            names = zf.namelist()
            if len(names) != 1:
                raise BadExport(f"zip holds {len(names)} members, expected one CSV")
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise BadExport(f"corrupt or truncated zip: {exc}") from None


# --- what the landing zone already holds -------------------------------------

@dataclass
class LandedState:
    ok: set[tuple[str, str]] = field(default_factory=set)  # (file_url, md5) landed ok
    failures: dict[str, tuple[int, ListedFile]] = field(default_factory=dict)  # url -> (attempts, listing)
    last_ok_ts: datetime | None = None
    pending_retries: list[ListedFile] = field(default_factory=list)

    def is_landed(self, f: ListedFile) -> bool:
        """Landed ok already (same URL and MD5): nothing to fetch, whether or not the warehouse loaded it yet."""
        return (f.url, f.md5) in self.ok


def _compact(rec: FetchRecord) -> list | None:
    """What landed_state needs of one fetch record (None: not an export file, e.g. a listing)."""
    if rec.kind != KIND or "file_url" not in rec.extra:
        return None
    return [rec.status, rec.extra["file_url"], rec.extra.get("md5"), rec.extra.get("listed_in"), rec.extra.get("size")]


def _landed_index(landing: Landing, source_id: str) -> dict[str, list | None]:
    """run_id -> compact record for every landed fetch of the source.

    Kept in <data>/state/gdelt/<source_id>.json and brought up to date from the landing
    zone's file names, so a run reads only the fetch records it has not seen (the landing
    zone gains ~35,000 GDELT files a year). The landing zone stays the truth: a missing or
    unreadable index is rebuilt from it.
    """
    path = landing.state_dir / "gdelt" / f"{source_id}.json"
    try:
        index: dict[str, list | None] = json.loads(path.read_text())["runs"]
    except (OSError, ValueError, KeyError, TypeError):
        index = {}
    metas = landing.meta_paths(source_id)
    new = {run_id: _compact(landing.read_record(p)) for run_id, p in metas.items() if run_id not in index}
    stale = index.keys() - metas.keys()
    if new or stale:
        index = {run_id: index[run_id] if run_id in index else new[run_id] for run_id in metas}
        write_state(path, {"version": 1, "runs": index})
    return index


def landed_state(landing: Landing, source: GdeltSource) -> LandedState:
    """Files landed ok, and failed ones still worth a retry (fewer than `max_attempts` tries)."""
    st = LandedState()
    ok_urls: set[str] = set()
    for run_id in sorted(index := _landed_index(landing, source.id)):
        c = index[run_id]
        if c is None:
            continue
        status, url, md5, listed_in, size = c
        if status == "ok":
            st.ok.add((url, md5))
            ok_urls.add(url)
            ts = file_timestamp(url)
            # a backfill of an old range must not make the live catch-up start there
            if ts and listed_in != "backfill" and (st.last_ok_ts is None or ts > st.last_ok_ts):
                st.last_ok_ts = ts
        elif status == "failed":
            n, _ = st.failures.get(url, (0, None))
            st.failures[url] = (n + 1, ListedFile(int(size or 0), md5 or "", url))
    for url, (n, listed) in st.failures.items():
        if url not in ok_urls and n < source.max_attempts and listed.md5:
            st.pending_retries.append(listed)
    return st


# --- fetching -------------------------------------------------------------------

def fetch_export(source: GdeltSource, http: HttpSettings, landing: Landing, listed: ListedFile,
                 sess: requests.Session | None = None, listed_in: str | None = None,
                 warning: str | None = None, listing_redirects: list[str] | None = None) -> FetchRecord:
    """Download one listed export, check it, land it (ok or failed). Never raises for source failures.

    `listing_redirects`: every URL the listings that named this file were redirected to (lastupdate.txt's
    chain, then masterfilelist.txt's on a catch-up), recorded with the file: the listings' final URLs are what
    vouched for it."""
    started = utc_now()
    rec = FetchRecord(
        run_id=landing.new_run_id(source.id, started, listed.url.encode()), source_id=source.id, kind=KIND,
        url=listed.url, started_at=iso(started), finished_at="", status="failed", warning=warning,
        extra={"file_url": listed.url, "size": listed.size, "md5": listed.md5, "listed_in": listed_in,
               "file_ts": listed.ts.strftime("%Y-%m-%dT%H:%M:%S") if listed.ts else None},
    )
    if listing_redirects:
        rec.extra["listing_redirects"] = list(listing_redirects)
    body: bytes | None = None
    try:
        res = fetch(listed.url, http, sess=sess)
        rec.http_status, rec.attempts = res.status, res.attempts
        rec.content_type = res.headers.get("Content-Type")
        if res.redirects:  # the whole chain, the last URL the one that answered
            rec.extra["redirects"] = res.redirects
        body = res.body
        check_export(body, listed)
        rec.status = "ok"
    except FetchError as exc:
        rec.http_status = exc.status if exc.status is not None else rec.http_status
        rec.error = f"{listed.url}: {exc}"
    except BadExport as exc:
        rec.error = f"{listed.url}: {exc} (kept for inspection, not loaded; retried next run)"
    rec.finished_at = iso(utc_now())
    return landing.write(rec, body if body else None, EXT)


def _listing_record(source: GdeltSource, landing: Landing, url: str, status: str, started: datetime,
                    http_status: int | None = None, error: str | None = None, extra: dict | None = None) -> FetchRecord:
    rec = FetchRecord(run_id=landing.new_run_id(source.id, started, b"listing"), source_id=source.id, kind=KIND,
                      url=url, started_at=iso(started), finished_at=iso(utc_now()), status=status,
                      http_status=http_status, error=error, extra=extra or {})
    return landing.write(rec, None, ".txt")


def plan_catch_up(latest: list[ListedFile], master: Iterable[ListedFile] | None, st: LandedState,
                  cap: int) -> list[ListedFile]:
    """Files to fetch this run, oldest first, at most `cap`.

    First run (nothing landed ok): the newest `cap` files up to the latest.
    Later runs: failed files still worth a retry, plus every file newer than
    the newest loaded one (from masterfilelist when a window was missed).
    `master` may be a stream; it is read once and never held in memory.
    """
    newest = max((f.ts for f in latest), default=None)
    wanted: dict[str, ListedFile] = {f.url: f for f in st.pending_retries}
    if master is not None:
        if st.last_ok_ts is None:
            window: deque[ListedFile] = deque(maxlen=cap)
            for f in master:
                if newest is None or f.ts <= newest:
                    window.append(f)
            candidates: Iterable[ListedFile] = window
        else:
            candidates = (f for f in master if f.ts > st.last_ok_ts and (newest is None or f.ts <= newest))
        for f in candidates:
            if not st.is_landed(f):
                wanted[f.url] = f
                if len(wanted) >= cap + len(st.pending_retries):
                    break
    for f in latest:
        if not st.is_landed(f) and (st.last_ok_ts is None or f.ts > st.last_ok_ts or f.url in wanted):
            wanted[f.url] = f
    return sorted(wanted.values(), key=lambda f: (f.ts, f.url))[:cap]


def listing_since(url: str, http: HttpSettings, sess: requests.Session,
                  covers: Callable[[list[ListedFile]], bool],
                  redirects: list[str] | None = None) -> Iterable[ListedFile]:
    """The export files of a listing, enough of its end for `covers`.

    Read with Range requests growing from TAIL_START; when the server does not serve ranges
    or the window is older than TAIL_MAX bytes of listing, the whole listing is streamed
    (lazily: its FetchError comes while iterating). `redirects` receives the listing's redirect chain.
    """
    n = TAIL_START
    while n <= min(TAIL_MAX, http.max_bytes):
        got = fetch_tail(url, http, n, sess=sess, redirects=redirects)
        if got is None:
            break
        body, total = got
        lines = body.decode("utf-8", errors="replace").splitlines()
        whole = total is not None and len(body) >= total
        if not whole:
            lines = lines[1:]  # the first line may start mid-way
        files = list(export_entries(lines, url))
        if whole or (files and covers(files)):
            return files
        n *= 4
    return export_entries(stream_lines(url, http, sess=sess, redirects=redirects), url)


def _since(ts: datetime) -> Callable[[list[ListedFile]], bool]:
    """A tail covers a window starting after `ts` when its oldest file is not newer than `ts`."""
    return lambda files: min(f.ts for f in files) <= ts


def _catch_up_listing(murl: str, http: HttpSettings, sess: requests.Session, st: LandedState,
                      newest: datetime, cap: int, redirects: list[str]) -> Iterable[ListedFile]:
    if st.last_ok_ts is not None:
        covers = _since(st.last_ok_ts)
    else:  # first run: the newest `cap` files up to the latest
        def covers(files: list[ListedFile]) -> bool:
            return sum(1 for f in files if f.ts <= newest) >= cap
    return listing_since(murl, http, sess, covers, redirects)


def fetch_new_files(source: GdeltSource, http: HttpSettings, landing: Landing) -> list[FetchRecord]:
    """lastupdate.txt -> the export files not landed yet (catching up missed windows) -> landing."""
    started = utc_now()
    cap = source.max_files_per_run
    st = landed_state(landing, source)
    sess = session(http)
    try:
        try:
            res = fetch(source.url, http, sess=sess, accept="text/plain")
            latest = list(export_entries(res.body.decode("utf-8", errors="replace").splitlines(), source.url))
            if not latest:
                raise FetchError("no export file listed in lastupdate.txt", res.status)
        except FetchError as exc:
            return [_listing_record(source, landing, source.url, "failed", started, exc.status, f"{source.url}: {exc}")]
        newest = max(f.ts for f in latest)
        out: list[FetchRecord] = []
        note = None
        listed_in = "lastupdate"
        master_redirects: list[str] = []
        if st.last_ok_ts is None or newest - st.last_ok_ts > INTERVAL:
            murl = masterfilelist_url(source)
            try:
                todo = plan_catch_up(latest, _catch_up_listing(murl, http, sess, st, newest, cap, master_redirects),
                                     st, cap)
                listed_in = "masterfilelist"
            except FetchError as exc:
                if st.last_ok_ts is None:  # first run: nothing to catch up with, load the newest file(s)
                    note = f"no catch-up, {murl}: {exc}; loaded the newest file(s) only"
                    todo = plan_catch_up(latest, None, st, cap)
                else:  # loading newer files would hide the gap: retry the whole window next run
                    out.append(_listing_record(
                        source, landing, murl, "failed", started, exc.status,
                        f"{murl}: {exc}; catch-up after {st.last_ok_ts:%Y-%m-%d %H:%M} postponed to the next run"))
                    todo = sorted(st.pending_retries, key=lambda f: (f.ts, f.url))[:cap]
        else:
            todo = plan_catch_up(latest, None, st, cap)
        if not todo and not out:
            return [_listing_record(source, landing, source.url, "not_modified", started, res.status,
                                    extra={"latest": [f.url for f in latest],
                                           **({"redirects": res.redirects} if res.redirects else {})})]
        # each file is recorded with the chains of the listings that named it (lastupdate, and the masterfilelist
        # of a catch-up)
        chains = res.redirects + (master_redirects if listed_in == "masterfilelist" else [])
        return out + [fetch_export(source, http, landing, f, sess, listed_in=listed_in, warning=note if i == 0 else None,
                                   listing_redirects=chains)
                      for i, f in enumerate(todo)]
    finally:
        sess.close()


def files_in_range(source: GdeltSource, http: HttpSettings, start: datetime, end: datetime) -> list[ListedFile]:
    """Backfill: every export listed in masterfilelist.txt with start <= window < end, oldest first."""
    sess = session(http)
    try:
        murl = masterfilelist_url(source)
        files = [f for f in listing_since(murl, http, sess, _since(start)) if start <= f.ts < end]
    finally:
        sess.close()
    return sorted({f.url: f for f in files}.values(), key=lambda f: (f.ts, f.url))

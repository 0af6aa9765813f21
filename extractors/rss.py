"""RSS 0.9x/1.0/2.0 and Atom: fetch to landing, and parse landed bytes into items.

Parsing is a pure function of the bytes so that `rebuild` reproduces the
warehouse from landing alone.
"""

from __future__ import annotations

import calendar
import gzip
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

import feedparser
from pydantic import Field

from extractors.http import FetchError, fetch
from extractors.landing import FetchRecord, HttpState, Landing, iso
from extractors.rss_fast import LXML_VERSION, RawFeed, extract, response_headers
from extractors.text import canonical_url, plain_text
from tracktwo.core.config import HttpSettings, SourceBase

# Bump the number when parse_feed's output changes for the same bytes (this module, extractors/text.py's
# plain_text and canonical_url): landed parses of another version are not used (the body is parsed again), so
# `tracktwo rebuild` applies the new parser. feedparser's and lxml's own versions are part of it.
# 2: skipped entries are counted in the warning. 3: well-formed UTF-8 feeds of the common shapes are read with lxml
# (extractors/rss_fast.py), meant to give feedparser's result exactly; parses landed by feedparser alone are
# made again, so that every landed parse comes from the code (and the lxml) that reads the feed today.
# 4: markup in a title or summary is read up to 8 times its cap (extractors/text.py: html.parser is quadratic on
# runs of unclosed tags).
PARSER_VERSION = f"4/feedparser-{feedparser.__version__}+lxml-{LXML_VERSION}"
PARSED_SUFFIX = ".items.json.gz"
TITLE_CAP = 500
SUMMARY_CAP = 4000
ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"


class RssSource(SourceBase):
    """A `kind: rss` entry of sources.yaml: an RSS 0.9x/1.0/2.0 or Atom feed URL."""

    kind: Literal["rss"]
    # a feed with more entries is refused (a real news feed carries tens to hundreds; 100,000 entries took
    # minutes to parse and load while holding the warehouse's write lock)
    max_items: int = Field(5_000, ge=1)


class FeedError(Exception):
    """The payload is not a usable feed."""


@dataclass(frozen=True)
class FeedItem:
    item_key: str
    url: str | None
    title: str | None
    summary: str | None
    published_at: datetime | None
    language: str | None
    content_hash: str


@dataclass
class ParsedFeed:
    items: list[FeedItem]
    warning: str | None
    title: str | None


def _when(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.fromtimestamp(calendar.timegm(t), tz=timezone.utc).replace(tzinfo=None)
            except (OverflowError, ValueError):
                continue
    return None


def item_hash(*parts: object) -> str:
    """A stable hash of an item's fields (its content hash, and its key when it has no id or link)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(b"\x1f" + str(p if p is not None else "").encode())
    return h.hexdigest()


_XML_ENCODING = re.compile(rb"""^\s*(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


def _says_utf8(body: bytes, content_type: str | None) -> bool:
    """Whether UTF-8 is what the feed says it is: its XML declaration and the server's charset, when given, both
    name UTF-8, and no UTF-16 byte order mark."""
    declared = []
    m = _XML_ENCODING.match(body[:1024])
    if m:
        declared.append(m.group(1).decode("ascii"))
    m = _CHARSET.search(content_type or "")
    if m:
        declared.append(m.group(1))
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 byte order mark
        return False
    return all(d.lower().replace("_", "-") in ("utf-8", "utf8") for d in declared)


def repair_utf8(body: bytes, content_type: str | None = None) -> tuple[bytes, int]:
    """A UTF-8 feed with a few invalid bytes, with only those bytes replaced (U+FFFD) and the count of
    replacements. feedparser, given such a body, falls back to a single-byte encoding for the whole
    document: one bad byte would turn every Cyrillic or Arabic title into mojibake.

    Repaired only when UTF-8 is what the feed says (its XML declaration, else the server's charset, else
    XML's default) and when the body is UTF-8 but for a few bytes (valid multi-byte characters in it, and
    invalid sequences at most 1 in 20 of them). A body declared otherwise, or mostly not UTF-8 (a
    windows-1251 feed that a server mislabels as utf-8), is left to feedparser's own fallback."""
    if not _says_utf8(body, content_type):
        return body, 0
    try:
        body.decode("utf-8")
        return body, 0
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - body.count("\ufffd".encode())
    multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if multibyte == 0 or replaced * 20 > multibyte:
        return body, 0
    return text.encode("utf-8"), replaced


def parse_feed(body: bytes, url: str | None = None, content_type: str | None = None,
               max_items: int | None = None) -> ParsedFeed:
    """Bytes to items; raises FeedError when nothing usable comes out.

    The server's Content-Type is passed on (its charset decides the decoding); when it is
    unknown, feedparser sniffs the XML declaration instead of flagging the feed malformed.
    A well-formed UTF-8 feed of the common shapes is read by the fast path (extractors/rss_fast.py), which
    gives what feedparser would; anything else goes to feedparser.
    """
    return _parse_feed(body, url, content_type, max_items, fast=True)


def _parse_feed(body: bytes, url: str | None, content_type: str | None, max_items: int | None,
                fast: bool) -> ParsedFeed:
    """parse_feed, with the fast path switched off by `fast=False` (tests and measurements compare the two)."""
    if not body.strip():
        raise FeedError("empty body")
    body, replaced = repair_utf8(body, content_type)
    raw = extract(body, url, content_type) if fast else None  # extract reads only what feedparser reads as UTF-8
    return _normalise(raw or _feedparser_raw(body, url, content_type), body, replaced, max_items)


def _feedparser_raw(body: bytes, url: str | None, content_type: str | None) -> RawFeed:
    """feedparser's reading of the body, reduced to what parse_feed uses."""
    # a stream, never the bytes themselves: given bytes, feedparser first tries them as a local file name, so a
    # server answering with a path would have feedparser read that file from this machine
    parsed = feedparser.parse(io.BytesIO(body), response_headers=response_headers(url, content_type),
                              sanitize_html=False, resolve_relative_uris=False)
    malformed = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    return RawFeed(entries=parsed.entries, title=parsed.feed.get("title"), language=parsed.feed.get("language"),
                   malformed=malformed)


def _normalise(raw: RawFeed, body: bytes, replaced: int, max_items: int | None) -> ParsedFeed:
    """Entries to items (canonical URL, plain text, date, key, language), the same for either parser."""
    problems = []
    if replaced:
        problems.append(f"{replaced} invalid UTF-8 byte sequence{'s' if replaced > 1 else ''} replaced")
    if raw.malformed is not None:
        problems.append(f"malformed feed: {raw.malformed}")
    warning = "; ".join(problems) or None
    if max_items is not None and len(raw.entries) > max_items:
        raise FeedError(f"feed has {len(raw.entries):,} entries, more than max_items ({max_items:,})")
    feed_lang = raw.language
    items: list[FeedItem] = []
    skipped = 0
    for e in raw.entries:
        link = canonical_url(e.get("link"))
        title = plain_text(e.get("title"), TITLE_CAP)
        summary = plain_text(e.get("summary") or e.get("description"), SUMMARY_CAP)
        published = _when(e)
        if not (link or title):
            skipped += 1
            continue
        key = (e.get("id") or e.get("guid") or link or item_hash(title, published))[:1000]
        items.append(
            FeedItem(
                item_key=key,
                url=link,
                title=title,
                summary=summary,
                published_at=published,
                language=(e.get("language") or feed_lang or None),
                content_hash=item_hash(link, title, summary, published),
            )
        )
    if skipped and items:  # a mostly-broken feed loads what it can, and says so on its fetch record
        share = "mostly unusable: " if skipped > len(items) else ""
        problems.append(f"{share}{skipped} of {skipped + len(items)} entries skipped (neither a link nor a title)")
        warning = "; ".join(problems)
    if not items:
        head = body[:512].lstrip().lower()
        if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
            raise FeedError("not a feed: got an HTML page")
        reason = f" ({warning})" if warning else ""
        raise FeedError(f"feed yields no entries{reason}")
    return ParsedFeed(items=items, warning=warning, title=plain_text(raw.title, TITLE_CAP))


_ITEM_FIELDS = ("item_key", "url", "title", "summary", "published_at", "language", "content_hash")


def encode_parsed(parsed: ParsedFeed) -> bytes:
    """A parse as the landed parsed file: gzip'd JSON, tagged with the parser version."""
    items = [[i.item_key, i.url, i.title, i.summary, i.published_at.isoformat() if i.published_at else None,
              i.language, i.content_hash] for i in parsed.items]
    doc = {"parser": PARSER_VERSION, "title": parsed.title, "warning": parsed.warning, "fields": _ITEM_FIELDS,
           "items": items}
    return gzip.compress(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=1)


def decode_parsed(data: bytes) -> ParsedFeed | None:
    """A landed parsed file back into a ParsedFeed; None when another parser version wrote it."""
    doc = json.loads(gzip.decompress(data))
    if doc.get("parser") != PARSER_VERSION or tuple(doc.get("fields", ())) != _ITEM_FIELDS:
        return None
    items = [FeedItem(key, url, title, summary, datetime.fromisoformat(when) if when else None, lang, chash)
             for key, url, title, summary, when, lang, chash in doc["items"]]
    return ParsedFeed(items=items, warning=doc.get("warning"), title=doc.get("title"))


@dataclass(frozen=True)
class ParseOutcome:
    """What a fetch needs from parsing its body: the record's fields and the landed parsed file."""

    error: str | None  # not a usable feed: the fetch is recorded as failed with this reason
    warning: str | None
    items: int
    parsed: bytes | None  # encode_parsed(...), landed beside the body


def parse_for_landing(body: bytes, url: str | None, content_type: str | None, max_items: int | None) -> ParseOutcome:
    """Parse a fetched body once, for the fetch record and the landed parsed file."""
    try:
        parsed = parse_feed(body, url, content_type, max_items)
    except FeedError as exc:
        return ParseOutcome(str(exc), None, 0, None)
    return ParseOutcome(None, parsed.warning, len(parsed.items), encode_parsed(parsed))


def fetch_to_landing(source: RssSource, http: HttpSettings, landing: Landing, state: HttpState) -> FetchRecord:
    """Fetch one feed, land what came back, and return the record (never raises for source failures).

    The body is parsed here once and what it gave is landed with it (the warehouse loads that, never parsing
    again); `tracktwo ingest` runs this in a worker process."""
    started = datetime.now(timezone.utc)
    run_id = landing.new_run_id(source.id, started)
    validators = state.get(source.id)
    if validators.get("url") != source.url:
        validators = {}
    rec = FetchRecord(run_id=run_id, source_id=source.id, kind=source.kind, url=source.url,
                      started_at=iso(started), finished_at="", status="failed")
    body: bytes | None = None
    parsed_file: tuple[str, bytes] | None = None
    try:
        res = fetch(source.url, http, etag=validators.get("etag"), last_modified=validators.get("last_modified"), accept=ACCEPT)
        rec.http_status, rec.attempts = res.status, res.attempts
        rec.etag = res.headers.get("ETag")
        rec.last_modified = res.headers.get("Last-Modified")
        rec.content_type = res.headers.get("Content-Type")
        if res.redirects:  # the whole chain, the last URL the one that answered
            rec.extra["redirects"] = res.redirects
        if res.not_modified:
            rec.status = "not_modified"
        else:
            body = res.body
            outcome = parse_for_landing(body, source.url, rec.content_type, source.max_items)
            if outcome.error is None and outcome.parsed is not None:
                rec.status = "ok"
                rec.warning = outcome.warning
                rec.extra["items"] = outcome.items
                parsed_file = (PARSED_SUFFIX, outcome.parsed)
            else:
                rec.error = outcome.error
    except FetchError as exc:
        rec.http_status = exc.status
        rec.error = str(exc)
    rec.finished_at = iso(datetime.now(timezone.utc))
    landing.write(rec, body, ".xml", parsed_file)
    if rec.status == "ok":
        state.put(source.id, rec.etag, rec.last_modified, source.url)
    return rec

"""Merge parsed feed items into `documents`, `document_versions` and `document_places`.

A story is one canonical URL per source (else its feed item id): feeds list the same
story under several item ids, which become aliases (`document_aliases`), so document
counts and corroboration are not inflated. A changed item becomes a new version (the
old one stays in document_versions); a re-seen item changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from extractors.landing import FetchRecord, Landing
from extractors.rss import FeedItem, ParsedFeed, decode_parsed, parse_feed
from tracktwo.core.errors import ConfigError
from warehouse.db import run_script, sql
from warehouse.gazetteer import Gazetteer
from warehouse.load import LoadContext, RunSummary, timestamp

ITEMS_SCHEMA = pa.schema([
    ("pos", pa.int64()), ("doc_id", pa.string()), ("story", pa.string()), ("item_key", pa.string()),
    ("url", pa.string()), ("title", pa.string()), ("summary", pa.string()), ("published_at", pa.timestamp("us")),
    ("language", pa.string()), ("content_hash", pa.string()),
    ("item_publisher", pa.string()),  # the item's own publisher (a ReliefWeb report's organisations), else NULL
])
ALIASES_SCHEMA = pa.schema([("story", pa.string()), ("item_key", pa.string())])
PLACES_SCHEMA = pa.schema([
    ("pos", pa.int64()), ("place_type", pa.string()), ("place_id", pa.string()), ("matched_term", pa.string()),
    ("mentions", pa.int32()), ("reason", pa.string()),
])
COUNTS = "SELECT run_id, count(*) FILTER (is_new), count(*) FILTER (NOT is_new) FROM doc_stage GROUP BY run_id"


def doc_id(source_id: str, item_key: str) -> str:
    return hashlib.sha1(f"{source_id}\x1f{item_key}".encode()).hexdigest()[:20]


@dataclass
class PreparedFeed:
    """One landed feed, parsed and tagged, ready for the writer (built in a worker process)."""

    items: pa.Table  # one row per story (ITEMS_SCHEMA), in feed order
    aliases: pa.Table  # every item's (story, item_key) (ALIASES_SCHEMA)
    places: pa.Table  # the places each story names (PLACES_SCHEMA), by its pos
    seen: int  # items in the feed
    warning: str | None


def parsed_feed(landing: Landing, rec: FetchRecord) -> ParsedFeed:
    """The feed of a landed record: its landed parse when there is one of this parser version, else the body
    parsed now (records landed before parsed files existed, or after a parser change)."""
    data = landing.read_parsed(rec)
    parsed = decode_parsed(data) if data is not None else None
    if parsed is None:
        parsed = parse_feed(landing.read_body(rec), rec.url, rec.content_type)
    return parsed


def prepare_feed(landing: Landing, rec: FetchRecord, gazetteer: Gazetteer) -> PreparedFeed:
    """Loader step 1 of kind rss, in a worker process: stories of a landed feed and their places."""
    return prepare_items(rec.source_id, parsed_feed(landing, rec), gazetteer)


def prepare_items(source_id: str, parsed: ParsedFeed, gazetteer: Gazetteer,
                  publishers: dict[str, str] | None = None,
                  coded_countries: dict[str, list[str]] | None = None) -> PreparedFeed:
    """A feed's stories and their places, as the tables `merge_feeds` takes.

    A story is one canonical URL per source, else its item id; the first occurrence wins (feeds list newest
    first). Every story is tagged here, where the CPU is; the writer keeps the tags of new and changed ones.
    `publishers` (item key -> publisher) and `coded_countries` (item key -> ISO3 codes) carry what an API
    gives per item (ReliefWeb: each report's organisations and countries)."""
    unique: dict[str, FeedItem] = {}
    for it in parsed.items:
        unique.setdefault(it.url or it.item_key, it)
    stories = list(unique.values())
    publishers, coded_countries = publishers or {}, coded_countries or {}
    cols = {
        "pos": list(range(len(stories))),
        "doc_id": [doc_id(source_id, it.item_key) for it in stories],
        "story": list(unique),
        "item_key": [it.item_key for it in stories],
        "url": [it.url for it in stories],
        "title": [it.title for it in stories],
        "summary": [it.summary for it in stories],
        "published_at": [it.published_at for it in stories],
        "language": [it.language for it in stories],
        "content_hash": [it.content_hash for it in stories],
        "item_publisher": [publishers.get(it.item_key) for it in stories],
    }
    places: dict[str, list] = {n: [] for n in PLACES_SCHEMA.names}
    for pos, it in enumerate(stories):
        for p in gazetteer.places(f"{it.title or ''} \n {it.summary or ''}", coded_countries.get(it.item_key, ())):
            places["pos"].append(pos)
            places["place_type"].append(p.place_type)
            places["place_id"].append(p.place_id)
            places["matched_term"].append(p.matched_term)
            places["mentions"].append(p.mentions)
            places["reason"].append(p.reason)
    aliases = {"story": [it.url or it.item_key for it in parsed.items], "item_key": [it.item_key for it in parsed.items]}
    return PreparedFeed(items=pa.table(cols, schema=ITEMS_SCHEMA), aliases=pa.table(aliases, schema=ALIASES_SCHEMA),
                        places=pa.table(places, schema=PLACES_SCHEMA), seen=len(parsed.items), warning=parsed.warning)


def _publisher(ctx: LoadContext, source_id: str) -> tuple[str, str]:
    try:
        src = ctx.config.source(source_id)
        return src.publisher_name, src.perspective
    except ConfigError:  # a source removed from sources.yaml since it was fetched: its landed data still load
        return source_id, "international"


def _with(table: pa.Table, offset: int, **constants: object) -> pa.Table:
    """`table` with its pos moved by `offset` and a constant column per keyword (the fetch's own values)."""
    n = table.num_rows
    if "pos" in table.column_names:
        shifted = pc.add(table.column("pos"), pa.scalar(offset, pa.int64()))
        table = table.set_column(table.schema.get_field_index("pos"), "pos", shifted)
    for name, value in constants.items():
        table = table.append_column(name, pa.repeat(value, n) if value is not None else pa.nulls(n, pa.string()))
    return table


def merge_feeds(ctx: LoadContext, batch: list[tuple[FetchRecord, PreparedFeed]]) -> list[RunSummary]:
    """Loader step 2 of kind rss, in the writer: a batch of prepared feeds (one fetch per source at most) merged
    with set-based SQL, inside the caller's transaction. A story seen before with the same content changes
    nothing; a changed one becomes a new version (the old one stays in document_versions)."""
    items, aliases, places = [], [], []
    offset = 0
    for rec, prep in batch:
        publisher, perspective = _publisher(ctx, rec.source_id)
        items.append(_with(prep.items, offset, run_id=rec.run_id, source_id=rec.source_id, publisher=publisher,
                           perspective=perspective, landing_file=rec.body_file or "",
                           seen_at=pa.scalar(timestamp(rec.started_at), pa.timestamp("us"))))
        aliases.append(_with(prep.aliases, offset, run_id=rec.run_id))
        places.append(_with(prep.places, offset))
        offset += prep.items.num_rows
    con = ctx.con
    con.register("staged_items", pa.concat_tables(items))
    con.register("staged_aliases", pa.concat_tables(aliases))
    con.register("staged_places", pa.concat_tables(places))
    try:
        run_script(con, sql("documents_merge.sql"))
        counts = {run_id: (new, changed) for run_id, new, changed in con.execute(COUNTS).fetchall()}
        con.execute("DROP TABLE doc_stage")
    finally:
        for name in ("staged_items", "staged_aliases", "staged_places"):
            con.unregister(name)
    out = []
    for rec, prep in batch:
        new, changed = counts.get(rec.run_id, (0, 0))
        out.append(RunSummary(rec.run_id, rec.source_id, "ok", rec.http_status, prep.seen, new, changed,
                              warning=prep.warning))
    return out

"""Merge parsed feed items into `documents`, `document_versions` and `document_places`.

A story is one canonical URL per source (else its feed item id): feeds list the same
story under several item ids, which become aliases (`document_aliases`), so document
counts and corroboration are not inflated. A changed item becomes a new version (the
old one stays in document_versions); a re-seen item changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl
import pyarrow as pa

from extractors.landing import FetchRecord
from extractors.rss import FeedItem, parse_feed
from tracktwo.core.errors import ConfigError
from warehouse.gazetteer import Gazetteer
from warehouse.load import LoadContext, RunSummary, timestamp

STAGE_SCHEMA = {
    "pos": pl.Int64, "doc_id": pl.String, "story": pl.String, "item_key": pl.String, "url": pl.String, "title": pl.String,
    "summary": pl.String, "published_at": pl.Datetime("us"), "language": pl.String, "content_hash": pl.String,
}

# A staged story takes the id of a stored document of the same source with the same canonical URL, if any.
# Two stories can land on one id (an item whose link moved, and another item now at its old link): the first in
# feed order wins, so a load never writes two versions of one document (a lake has no key to refuse them).
MAP_TO_STORED = """
CREATE OR REPLACE TEMP TABLE staged_mapped AS
SELECT s.* REPLACE (coalesce(d.doc_id, s.doc_id) AS doc_id)
FROM staged_items s
LEFT JOIN (SELECT url, min(doc_id) AS doc_id FROM documents WHERE source_id = $source_id AND url IS NOT NULL
           GROUP BY url) d ON d.url = s.url
QUALIFY row_number() OVER (PARTITION BY coalesce(d.doc_id, s.doc_id) ORDER BY s.pos) = 1
"""
CREATE_STAGE = """
CREATE OR REPLACE TEMP TABLE doc_stage AS
SELECT s.*,
       d.doc_id IS NULL AS is_new,
       coalesce(d.version, 0) + 1 AS next_version
FROM staged_mapped s
LEFT JOIN documents d USING (doc_id)
WHERE d.doc_id IS NULL OR d.content_hash <> s.content_hash
"""
# Every item id of a story other than its document's own: an alias (kept once).
INSERT_ALIASES = """
INSERT INTO document_aliases
SELECT DISTINCT m.doc_id, a.item_key, $seen_at
FROM staged_aliases a
JOIN staged_mapped m ON m.story = a.story
JOIN documents d ON d.doc_id = m.doc_id
WHERE a.item_key <> d.item_key
  AND NOT EXISTS (SELECT 1 FROM document_aliases x WHERE x.doc_id = m.doc_id AND x.item_key = a.item_key)
"""

INSERT_VERSIONS = """
INSERT INTO document_versions
SELECT doc_id, next_version, content_hash, url, title, summary, published_at, $seen_at, $landing_file, $run_id
FROM doc_stage
"""

INSERT_NEW = """
INSERT INTO documents
SELECT doc_id, $source_id, $publisher, $perspective, item_key, url, title, summary, published_at,
       $seen_at, $seen_at, language, content_hash, 1, $landing_file, $run_id
FROM doc_stage WHERE is_new
"""

UPDATE_CHANGED = """
UPDATE documents AS d SET
    url = s.url, title = s.title, summary = s.summary, published_at = s.published_at,
    language = s.language, content_hash = s.content_hash, version = s.next_version,
    updated_at = $seen_at, landing_file = $landing_file, run_id = $run_id
FROM doc_stage s
WHERE d.doc_id = s.doc_id AND NOT s.is_new
"""

DELETE_PLACES = "DELETE FROM document_places WHERE doc_id IN (SELECT doc_id FROM doc_stage)"
SELECT_CHANGED_TEXT = "SELECT doc_id, coalesce(title, '') || ' \n ' || coalesce(summary, '') FROM doc_stage"


@dataclass
class MergeCounts:
    seen: int
    new: int
    updated: int


def doc_id(source_id: str, item_key: str) -> str:
    return hashlib.sha1(f"{source_id}\x1f{item_key}".encode()).hexdigest()[:20]


def merge_items(
    con: duckdb.DuckDBPyConnection,
    items: list[FeedItem],
    *,
    source_id: str,
    publisher: str,
    perspective: str,
    run_id: str,
    landing_file: str,
    seen_at: datetime,
    gazetteer: Gazetteer,
) -> MergeCounts:
    """Caller owns the transaction."""
    unique: dict[str, FeedItem] = {}
    for it in items:  # one per story (canonical URL, else item id); first occurrence wins: feeds list newest first
        unique.setdefault(it.url or it.item_key, it)
    frame = pl.DataFrame(
        [
            {"pos": pos, "doc_id": doc_id(source_id, i.item_key), "story": story, "item_key": i.item_key, "url": i.url,
             "title": i.title, "summary": i.summary, "published_at": i.published_at, "language": i.language,
             "content_hash": i.content_hash}
            for pos, (story, i) in enumerate(unique.items())
        ],
        schema=STAGE_SCHEMA,
    )
    aliases = pl.DataFrame([{"story": it.url or it.item_key, "item_key": it.item_key} for it in items],
                           schema={"story": pl.String, "item_key": pl.String})
    con.register("staged_items", frame.to_arrow())
    con.register("staged_aliases", aliases.to_arrow())
    try:
        con.execute(MAP_TO_STORED, {"source_id": source_id})
        con.execute(CREATE_STAGE)
        params = {"seen_at": seen_at, "landing_file": landing_file, "run_id": run_id}
        con.execute(INSERT_VERSIONS, params)
        con.execute(INSERT_NEW, params | {"source_id": source_id, "publisher": publisher, "perspective": perspective})
        con.execute(UPDATE_CHANGED, params)
        new, changed = con.execute("SELECT count(*) FILTER (is_new), count(*) FILTER (NOT is_new) FROM doc_stage").fetchone()
        texts = con.execute(SELECT_CHANGED_TEXT).fetchall()
        con.execute(DELETE_PLACES)
        places = [(d, p) for d, text in texts for p in gazetteer.places(text)]
        if places:  # one set-based insert (executemany ran at a few hundred rows a second)
            staged_places = pa.table({
                "doc_id": [d for d, _ in places], "place_type": [p.place_type for _, p in places],
                "place_id": [p.place_id for _, p in places], "matched_term": [p.matched_term for _, p in places],
                "mentions": pa.array([p.mentions for _, p in places], pa.int32()),
                "reason": [p.reason for _, p in places]})
            con.register("staged_places", staged_places)
            try:
                con.execute("INSERT INTO document_places BY NAME SELECT * FROM staged_places")
            finally:
                con.unregister("staged_places")
        con.execute(INSERT_ALIASES, {"seen_at": seen_at})
        con.execute("DROP TABLE doc_stage")
        con.execute("DROP TABLE staged_mapped")
    finally:
        con.unregister("staged_items")
        con.unregister("staged_aliases")
    return MergeCounts(seen=len(items), new=new, updated=changed)


def load_feed(ctx: LoadContext, rec: FetchRecord) -> RunSummary:
    """Loader of kind rss: one landed feed -> documents (inside the caller's transaction)."""
    parsed = parse_feed(ctx.landing.read_body(rec), rec.url, rec.content_type)
    try:
        src = ctx.config.source(rec.source_id)
        publisher, perspective = src.publisher_name, src.perspective
    except ConfigError:  # a source removed from sources.yaml since it was fetched: its landed data still load
        publisher, perspective = rec.source_id, "international"
    counts = merge_items(
        ctx.con, parsed.items, source_id=rec.source_id, publisher=publisher, perspective=perspective,
        run_id=rec.run_id, landing_file=rec.body_file or "", seen_at=timestamp(rec.started_at),
        gazetteer=ctx.gazetteer,
    )
    return RunSummary(rec.run_id, rec.source_id, "ok", rec.http_status, counts.seen, counts.new, counts.updated,
                      warning=parsed.warning)

"""Kind `rss`: RSS 0.9x/1.0/2.0 and Atom feeds, stored as documents (with versions and places)."""

from __future__ import annotations

from concurrent.futures import Executor

from extractors.landing import FetchRecord, HttpState, Landing
from extractors.rss import ParseOutcome, RssSource, fetch_to_landing, parse_for_landing
from tracktwo.core.config import Config
from tracktwo.core.workers import WorkerDied, call
from tracktwo.pipeline.kinds.base import SourceKind
from warehouse.documents import merge_feeds, prepare_feed
from warehouse.load import LoadSpec


def extract(source: RssSource, config: Config, workers: Executor) -> list[FetchRecord]:
    """Fetch in this thread; parse in a worker process (feedparser is CPU-bound: threads would share one core)."""
    def parse(body: bytes, url: str | None, content_type: str | None, max_items: int | None) -> ParseOutcome:
        try:
            return call(workers, parse_for_landing, body, url, content_type, max_items)
        except WorkerDied as exc:  # a failed fetch, retried on the next run; not parsed here (it may be the cause)
            return ParseOutcome(f"not parsed: {exc}", None, 0, None)

    data = config.settings.data_dir
    return [fetch_to_landing(source, config.http_for(source), Landing(data), HttpState(data), parse)]


KIND = SourceKind(
    name="rss",
    settings=RssSource,
    extract=extract,
    load=LoadSpec(prepare=prepare_feed, merge=merge_feeds),
    status_sql="SELECT source_id, count(*) AS stored FROM documents GROUP BY source_id",
    stored_unit="documents",
)

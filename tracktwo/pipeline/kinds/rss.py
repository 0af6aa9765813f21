"""Kind `rss`: RSS 0.9x/1.0/2.0 and Atom feeds, stored as documents (with versions and places)."""

from __future__ import annotations

from concurrent.futures import Executor

from extractors.landing import FetchRecord, HttpState, Landing
from extractors.rss import ParseOutcome, RssSource, fetch_to_landing, parse_for_landing
from tracktwo.core.config import Config
from tracktwo.core.workers import call
from tracktwo.pipeline.kinds.base import SourceKind
from warehouse.documents import merge_feeds, prepare_feed
from warehouse.load import LoadSpec


def extract(source: RssSource, config: Config, workers: Executor) -> list[FetchRecord]:
    """Fetch in this thread; parse in a worker process (feedparser is CPU-bound: threads would share one core)."""
    def parse(body: bytes, url: str | None, content_type: str | None, max_items: int | None) -> ParseOutcome:
        return call(workers, parse_for_landing, body, url, content_type, max_items)

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

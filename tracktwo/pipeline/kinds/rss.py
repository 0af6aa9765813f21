"""Kind `rss`: RSS 0.9x/1.0/2.0 and Atom feeds, stored as documents (with versions and places)."""

from __future__ import annotations

from extractors.landing import FetchRecord, HttpState, Landing
from extractors.rss import RssSource, fetch_to_landing
from tracktwo.core.config import Config
from tracktwo.pipeline.kinds.base import SourceKind
from warehouse.documents import merge_feeds, prepare_feed
from warehouse.load import LoadSpec


def extract(source: RssSource, config: Config) -> list[FetchRecord]:
    """Fetch, parse and land one feed (an ingest runs this in a worker process: parsing is CPU-bound)."""
    data = config.settings.data_dir
    return [fetch_to_landing(source, config.http_for(source), Landing(data), HttpState(data))]


KIND = SourceKind(
    name="rss",
    settings=RssSource,
    extract=extract,
    load=LoadSpec(prepare=prepare_feed, merge=merge_feeds),
    status_sql="SELECT source_id, count(*) AS stored FROM documents GROUP BY source_id",
    stored_unit="documents",
)

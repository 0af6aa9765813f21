"""Kind `reliefweb`: ReliefWeb API v2 reports, stored as documents with each report's own publisher."""

from __future__ import annotations

from extractors.reliefweb import ReliefwebSource, fetch_to_landing
from tracktwo.pipeline.kinds.base import SourceKind, paged_api_extract
from warehouse.documents import merge_feeds
from warehouse.load import LoadSpec
from warehouse.reliefweb import prepare_reports

KIND = SourceKind(
    name="reliefweb",
    settings=ReliefwebSource,
    extract=paged_api_extract(fetch_to_landing),
    load=LoadSpec(prepare=prepare_reports, merge=merge_feeds),  # pages prepared in workers, merged like feeds
    status_sql="SELECT source_id, count(*) AS stored FROM documents GROUP BY source_id",
    stored_unit="documents",
)

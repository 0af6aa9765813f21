"""Kind `acled`: ACLED events and deletions through ACLED's API, stored as curated events."""

from __future__ import annotations

from extractors.acled import AcledSource, fetch_to_landing
from tracktwo.pipeline.kinds.base import SourceKind, paged_api_extract
from warehouse.curated import CURATED_STATUS, load_curated
from warehouse.load import LoadSpec

KIND = SourceKind(
    name="acled",
    settings=AcledSource,
    extract=paged_api_extract(fetch_to_landing),
    load=LoadSpec(load=load_curated),  # events pages merge with versions; deleted-events pages remove
    status_sql=CURATED_STATUS,
    stored_unit="events",
)

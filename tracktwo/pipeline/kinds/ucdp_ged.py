"""Kind `ucdp_ged`: UCDP GED and GED Candidate events through UCDP's API, stored as curated events."""

from __future__ import annotations

from extractors.ucdp import UcdpSource, fetch_to_landing
from tracktwo.pipeline.kinds.base import SourceKind, paged_api_extract
from warehouse.curated import CURATED_STATUS, load_curated
from warehouse.load import LoadSpec

KIND = SourceKind(
    name="ucdp_ged",
    settings=UcdpSource,
    extract=paged_api_extract(fetch_to_landing),
    load=LoadSpec(load=load_curated),  # a page per transaction: versions kept, fatalities per event
    status_sql=CURATED_STATUS,
    stored_unit="events",
)

"""What a source kind declares (see the registry in `tracktwo.pipeline.kinds`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from extractors.landing import FetchRecord, Landing
from tracktwo.core.config import Config, SourceBase
from warehouse.load import LoadSpec


@dataclass(frozen=True)
class SourceKind:
    name: str  # the `kind:` value in sources.yaml
    settings: type[SourceBase]  # validates its entries; a misspelt field is an error naming it
    # fetch to landing (parsed where it is fetched: an ingest runs it in a worker process); never raises for a
    # source failure
    extract: Callable[[SourceBase, Config], list[FetchRecord]]
    load: LoadSpec  # landed fetch records -> rows (one per transaction, or prepared in workers and merged in batches)
    status_sql: str  # rows (source_id, stored): what the warehouse holds per source of this kind
    stored_unit: str  # what `stored` counts, e.g. "documents"


def paged_api_extract(fetch_to_landing: Callable[..., list[FetchRecord]]) -> Callable[[SourceBase, Config], list[FetchRecord]]:
    """The `extract` of a paged-API kind (UCDP, ACLED, ReliefWeb): its pages fetched in this thread and landed
    as they came (no CPU-heavy parsing), with credentials from the settings' environment by the variable
    names the source entry gives."""
    def extract(source: SourceBase, config: Config) -> list[FetchRecord]:
        return fetch_to_landing(source, config.http_for(source), Landing(config.settings.data_dir),
                                env=config.settings.credentials)
    return extract


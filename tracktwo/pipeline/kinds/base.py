"""What a source kind declares (see the registry in `tracktwo.pipeline.kinds`)."""

from __future__ import annotations

from dataclasses import dataclass
from concurrent.futures import Executor
from typing import Callable

from extractors.landing import FetchRecord
from tracktwo.core.config import Config, SourceBase
from warehouse.load import LoadSpec


@dataclass(frozen=True)
class SourceKind:
    name: str  # the `kind:` value in sources.yaml
    settings: type[SourceBase]  # validates its entries; a misspelt field is an error naming it
    # fetch to landing; never raises for a source failure; CPU work (parsing) may go to the Executor's processes
    extract: Callable[[SourceBase, Config, Executor], list[FetchRecord]]
    load: LoadSpec  # landed fetch records -> rows (one per transaction, or prepared in workers and merged in batches)
    status_sql: str  # rows (source_id, stored): what the warehouse holds per source of this kind
    stored_unit: str  # what `stored` counts, e.g. "documents"

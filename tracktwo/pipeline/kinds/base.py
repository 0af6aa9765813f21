"""What a source kind declares (see the registry in `tracktwo.pipeline.kinds`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from extractors.landing import FetchRecord
from tracktwo.core.config import Config, SourceBase
from warehouse.load import Loader


@dataclass(frozen=True)
class SourceKind:
    name: str  # the `kind:` value in sources.yaml
    settings: type[SourceBase]  # validates its entries; a misspelt field is an error naming it
    extract: Callable[[SourceBase, Config], list[FetchRecord]]  # fetch to landing; never raises for a source failure
    load: Loader  # one landed fetch record -> rows, inside the caller's transaction
    status_sql: str  # rows (source_id, stored): what the warehouse holds per source of this kind
    stored_unit: str  # what `stored` counts, e.g. "documents"

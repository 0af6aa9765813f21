"""The registry of source kinds: the one place a kind is made known.

A kind is one module here that declares a `KIND` (`SourceKind`): its settings
model (the fields of its sources.yaml entries), its extract function (source ->
landing, no warehouse), its load function (landed record -> warehouse, no HTTP)
and its status query (what the warehouse holds per source). Adding a kind means
writing that module (plus, below it, an extractor and a loader) and adding it to
`KINDS` here; nothing else changes. docs/architecture.md walks through it.
"""

from __future__ import annotations

from tracktwo.core.config import SourceBase
from tracktwo.core.errors import ConfigError
from tracktwo.pipeline.kinds import acled, gdelt_events, reliefweb, rss, ucdp_ged
from tracktwo.pipeline.kinds.base import SourceKind
from warehouse.load import LoadSpec

KINDS: dict[str, SourceKind] = {k.name: k for k in (rss.KIND, gdelt_events.KIND, ucdp_ged.KIND, acled.KIND,
                                                   reliefweb.KIND)}


def kind(name: str) -> SourceKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ConfigError(f"no source kind {name!r}; known kinds: {', '.join(sorted(KINDS))}") from None


def loaders() -> dict[str, LoadSpec]:
    return {name: k.load for name, k in KINDS.items()}


def settings_models() -> list[type[SourceBase]]:
    return [k.settings for k in KINDS.values()]

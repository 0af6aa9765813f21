"""One config loader: YAML files in the config dir, validated by pydantic.

Errors name the file, the entry (by index and id) and the field, because a
typo in a 60-source file must be findable without reading a traceback.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Sequence, TypeVar, Union

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, ValidationError, create_model, field_validator, model_validator

from tracktwo.core.errors import ConfigError
from tracktwo.core.settings import Settings

ISO3 = re.compile(r"^[A-Z]{3}$")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class HttpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_agent: str = "tracktwo/0.1 (+https://github.com/tracktwo/tracktwo; conflict-monitoring research)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    max_bytes: int = Field(20_000_000, gt=0)
    retries: int = Field(3, ge=0, le=10)
    backoff_base: float = Field(1.0, ge=0)
    backoff_max: float = Field(60.0, ge=0)
    max_retry_after: float = Field(120.0, ge=0)


class SourceBase(BaseModel):
    """The fields every source has; each kind's model (its module's SETTINGS) adds its own and a `kind` literal."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored

    id: str
    kind: str
    url: str
    enabled: bool = True
    publisher: str | None = None
    perspective: str = "international"
    license: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not SOURCE_ID.match(v):
            raise ValueError("must be lowercase letters, digits, '-', '_' or '.' (max 64)")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("perspective")
    @classmethod
    def _perspective(cls, v: str) -> str:
        if v in ("un", "international") or ISO3.match(v):
            return v
        raise ValueError("must be 'un', 'international' or an ISO3 country code such as 'UKR'")

    @property
    def publisher_name(self) -> str:
        return self.publisher or self.id


class Region(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    countries: list[str] = Field(min_length=1)
    dyads: list[tuple[str, str]] = []
    keywords: list[str] = []

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not ISO3.match(c)]
        if bad:
            raise ValueError(f"not ISO3 codes: {bad}")
        return v

    @model_validator(mode="after")
    def _dyads(self) -> "Region":
        for a, b in self.dyads:
            for c in (a, b):
                if not ISO3.match(c):
                    raise ValueError(f"dyad member {c!r} is not an ISO3 code")
        return self


M = TypeVar("M", bound=BaseModel)


class GazetteerCountry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    terms: list[str] = Field(min_length=1)
    ambiguous: list[str] = []
    negative_context: list[str] = []


def _format_error(file: Path, err: ValidationError, entries: list[Any] | None, list_key: str) -> str:
    lines = [f"{file}: invalid configuration"]
    for e in err.errors():
        loc = list(e["loc"])
        where = []
        if loc and loc[0] == list_key and len(loc) > 1 and isinstance(loc[1], int):
            idx = loc[1]
            entry = entries[idx] if entries and idx < len(entries) and isinstance(entries[idx], dict) else {}
            ident = entry.get("id")
            where.append(f"{list_key}[{idx}]" + (f" (id={ident!r})" if ident else ""))
            loc = loc[2:]
            if loc and loc[0] == entry.get("kind"):  # a union of kinds names the chosen kind first
                loc = loc[1:]
            if e["type"] in ("union_tag_invalid", "union_tag_not_found"):  # no model for this `kind`
                loc = ["kind"]
        field = ".".join(str(p) for p in loc) or "(entry)"
        where.append(f"field '{field}'")
        lines.append(f"  {' '.join(where)}: {e['msg']}")
    return "\n".join(lines)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


class _SourcesFileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    http: HttpSettings = HttpSettings()
    sources: list[SourceBase]

    @model_validator(mode="after")
    def _unique(self) -> "_SourcesFileBase":
        seen: set[str] = set()
        for s in self.sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return self


def sources_file_model(kinds: Sequence[type[SourceBase]]) -> type[_SourcesFileBase]:
    """The model of sources.yaml for the registered source kinds: `kind` picks the entry's model."""
    if not kinds:
        raise ConfigError("no source kinds registered")
    entry = kinds[0] if len(kinds) == 1 else Annotated[Union[tuple(kinds)], Discriminator("kind")]
    return create_model("SourcesFile", __base__=_SourcesFileBase, sources=(list[entry], ...))


class _RegionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    regions: list[Region]

    @model_validator(mode="after")
    def _unique(self) -> "_RegionsFile":
        ids = [r.id for r in self.regions]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate region ids {sorted(dup)}")
        return self


class _GazetteerFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    countries: dict[str, GazetteerCountry]


class Config:
    """Lazily loaded, validated view of the config dir.

    `source_kinds` are the settings models of the registered source kinds (the
    pipeline's registry passes them: `tracktwo.pipeline.open_config`), so this
    ground-floor module validates sources.yaml without knowing any kind.
    """

    def __init__(self, settings: Settings, source_kinds: Sequence[type[SourceBase]]):
        self.settings = settings
        self.source_kinds = tuple(source_kinds)

    def path(self, name: str) -> Path:
        return self.settings.config_dir / name

    @cached_property
    def _sources_file(self) -> _SourcesFileBase:
        return self.settings_file("sources.yaml", sources_file_model(self.source_kinds), "sources", required=True)

    @property
    def http(self) -> HttpSettings:
        return self._sources_file.http

    @property
    def sources(self) -> list[SourceBase]:
        return self._sources_file.sources

    def enabled_sources(self, kind: str | None = None) -> list[SourceBase]:
        return [s for s in self.sources if s.enabled and (kind is None or s.kind == kind)]

    def source(self, source_id: str) -> SourceBase:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise ConfigError(f"{self.path('sources.yaml')}: no source with id {source_id!r}")

    @cached_property
    def regions(self) -> list[Region]:
        return self.settings_file("regions.yaml", _RegionsFile, "regions", required=True).regions

    @cached_property
    def gazetteer(self) -> dict[str, GazetteerCountry]:
        return self.settings_file("gazetteer.yaml", _GazetteerFile, "countries", required=True).countries

    def settings_file(self, name: str, model: type[M], list_key: str | None = None, required: bool = False) -> M:
        """The one way to read a validated settings file from config/ (errors name file, entry, field).

        Optional files (required=False) fall back to the model's defaults when absent.
        """
        p = self.path(name)
        if not p.exists() and not required:
            return model.model_validate({})
        raw = _read_yaml(p)
        if raw is None and not required:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{p}: expected a mapping at the top level")
        if list_key and list_key not in raw:
            raise ConfigError(f"{p}: expected a top-level '{list_key}:' key")
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            entries = raw.get(list_key) if list_key and isinstance(raw.get(list_key), list) else None
            raise ConfigError(_format_error(p, exc, entries, list_key or "")) from None

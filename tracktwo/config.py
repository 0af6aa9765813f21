"""One config loader: YAML files in the config dir, validated by pydantic.

Errors name the file, the entry (by index and id) and the field, because a
typo in a 60-source file must be findable without reading a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ISO3 = re.compile(r"^[A-Z]{3}$")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class ConfigError(Exception):
    """A config file is missing, unreadable or invalid."""


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


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored

    id: str
    kind: Literal["rss", "gdelt_events"]
    url: str
    enabled: bool = True
    publisher: str | None = None
    perspective: str = "international"
    license: str | None = None
    # gdelt_events: how many missed 15-minute files one run may catch up.
    max_files_per_run: int = Field(96, gt=0)
    # gdelt_events: how many times a failed file (HTTP error, MD5 mismatch, corrupt zip) is tried.
    max_attempts: int = Field(3, ge=1)

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
            ident = None
            if entries and idx < len(entries) and isinstance(entries[idx], dict):
                ident = entries[idx].get("id")
            where.append(f"{list_key}[{idx}]" + (f" (id={ident!r})" if ident else ""))
            loc = loc[2:]
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


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    http: HttpSettings = HttpSettings()
    sources: list[Source]

    @model_validator(mode="after")
    def _unique(self) -> "_SourcesFile":
        seen: set[str] = set()
        for s in self.sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return self


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


@dataclass(frozen=True)
class Settings:
    """Where config is read from and where data is written."""

    config_dir: Path
    data_dir: Path

    @classmethod
    def from_env(cls, config_dir: str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None) -> "Settings":
        cfg = Path(config_dir or os.environ.get("TRACKTWO_CONFIG_DIR") or "config")
        data = Path(data_dir or os.environ.get("TRACKTWO_DATA_DIR") or "data")
        return cls(cfg.resolve(), data.resolve())

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"


class Config:
    """Lazily loaded, validated view of the config dir."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def path(self, name: str) -> Path:
        return self.settings.config_dir / name

    @cached_property
    def _sources_file(self) -> _SourcesFile:
        return self.settings_file("sources.yaml", _SourcesFile, "sources", required=True)

    @property
    def http(self) -> HttpSettings:
        return self._sources_file.http

    @property
    def sources(self) -> list[Source]:
        return self._sources_file.sources

    def enabled_sources(self, kind: str | None = None) -> list[Source]:
        return [s for s in self.sources if s.enabled and (kind is None or s.kind == kind)]

    def source(self, source_id: str) -> Source:
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

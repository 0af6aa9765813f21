"""One config loader: YAML files in the config dir, validated by pydantic.

Errors name the file, the entry (by index and id) and the field, because a
typo in a 60-source file must be findable without reading a traceback.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Sequence, TypeVar, Union

import yaml
from pydantic import (BaseModel, ConfigDict, Discriminator, Field, ValidationError, ValidationInfo, create_model,
                      field_validator, model_validator)

from tracktwo.core.errors import ConfigError
from tracktwo.core.settings import Settings, packaged_config_dir

ISO3 = re.compile(r"^[A-Z]{3}$")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class HttpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_agent: str = "tracktwo/0.1 (+https://github.com/tracktwo/tracktwo; conflict-monitoring research)"
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    # the whole download of one response: a server that drips a byte now and then never hits read_timeout
    max_seconds: float = Field(300.0, gt=0)
    max_redirects: int = Field(5, ge=0, le=20)  # followed by hand: only http(s), never into a private network
    max_bytes: int = Field(20_000_000, gt=0)
    # the defaults are the shipped sources.yaml's values, so trimming its http: block changes nothing
    retries: int = Field(3, ge=0, le=10)
    backoff_base: float = Field(2.0, ge=0)  # seconds: the n-th retry waits backoff_base * 2**(n-1), at most backoff_max
    backoff_max: float = Field(60.0, ge=0)
    max_retry_after: float = Field(300.0, ge=0)  # a longer Retry-After fails the fetch instead of waiting


class SourceBase(BaseModel):
    """The fields every source has; each kind's model (its module's SETTINGS) adds its own and a `kind` literal."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not silently ignored

    id: str
    kind: str
    url: str
    enabled: bool = True
    max_seconds: float | None = Field(None, gt=0)  # this source's download deadline, over http.max_seconds
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
    def _perspective(cls, v: str, info: ValidationInfo) -> str:
        if v in ("un", "international"):
            return v
        if ISO3.match(v):
            return _known([v], info)[0]
        raise ValueError("must be 'un', 'international' or an ISO3 country code such as 'UKR'")

    @property
    def publisher_name(self) -> str:
        return self.publisher or self.id


# GDELT ActionGeo_ADM1Code: FIPS 10-4 country + subdivision, or a bare FIPS code of a territory that is itself a
# theatre, which GDELT writes as the ADM1 code of an event placed only at the territory's centroid (Gaza Strip, West
# Bank, Paracel and Spratly Islands); a country's own code (UP) is not accepted: its centroid says nothing of where
ADM1 = re.compile(r"^([A-Z]{2}[A-Z0-9]{2}|GZ|WE|PF|PG)$")
ACTOR = re.compile(r"^[A-Z0-9]{3}$")  # a CAMEO actor code block, e.g. HMS (Hamas), HEZ (Hezbollah)


def codes_matching(v: list[str], pattern: re.Pattern[str], what: str) -> list[str]:
    """The list unchanged if every code matches `pattern`; else a ValueError naming the ones that do not."""
    bad = [c for c in v if not pattern.match(c)]
    if bad:
        raise ValueError(f"not {what}: {bad}")
    return v


KNOWN_COUNTRIES = "known_countries"  # the validation context's key: ISO3 codes of the reference tables (Config)
COUNTRY_TABLES = ("cameo_countries.csv", "fips_iso3.csv", "gw_iso3.csv")


def _known(codes: list[str], info: ValidationInfo | None) -> list[str]:
    """The codes unchanged when each is a country of the reference tables (the validation context's
    known_countries, when given): a well-formed code that none holds (a typo, UKT for UKR) can never match
    an event, a place or a curated row, so it is an error, not a region that silently counts nothing."""
    known = (info.context or {}).get(KNOWN_COUNTRIES) if info is not None else None
    unknown = [c for c in codes if known is not None and c not in known]
    if unknown:
        raise ValueError(f"unknown country codes {unknown}: in none of config/{', config/'.join(COUNTRY_TABLES)}")
    return codes


def _iso3_list(v: list[str], info: ValidationInfo | None = None) -> list[str]:
    return _known(codes_matching(v, ISO3, "ISO3 codes"), info)


class Side(BaseModel):
    """One party of a dyadic conflict: states by ISO3 (GDELT actor countries), non-state actors by CAMEO code."""

    model_config = ConfigDict(extra="forbid")

    name: str
    countries: list[str] = []
    actors: list[str] = []

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str], info: ValidationInfo) -> list[str]:
        return _iso3_list(v, info)

    @field_validator("actors")
    @classmethod
    def _actors(cls, v: list[str]) -> list[str]:
        return codes_matching(v, ACTOR, "3-character CAMEO actor codes")

    @model_validator(mode="after")
    def _someone(self) -> "Side":
        if not self.countries and not self.actors:
            raise ValueError("a side needs at least one of 'countries' or 'actors'")
        return self


class Box(BaseModel):
    """A latitude/longitude box (a sea, a strait, a border strip); `country` limits it to events geocoded in that
    country or at sea (in no country), so a box drawn over water does not take in the towns of the other shores."""

    model_config = ConfigDict(extra="forbid")

    name: str
    south: float = Field(ge=-90, le=90)
    north: float = Field(ge=-90, le=90)
    west: float = Field(ge=-180, le=180)
    east: float = Field(ge=-180, le=180)
    country: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Box":
        if self.south >= self.north:
            raise ValueError(f"box {self.name!r}: south ({self.south}) must be below north ({self.north})")
        if self.west >= self.east:
            raise ValueError(f"box {self.name!r}: west ({self.west}) must be left of east ({self.east}); "
                             "split a box that crosses the antimeridian in two")
        if self.country is not None and not ISO3.match(self.country):
            raise ValueError(f"box {self.name!r}: country {self.country!r} is not an ISO3 code")
        return self

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None, info: ValidationInfo) -> str | None:
        return v if v is None or not ISO3.match(v) else _known([v], info)[0]


ADMIN1 = re.compile(r"^[A-Z]{3}:\S.{0,98}$")  # curated data's first-level subdivision: ISO3 + ':' + its name


def admin1_key(iso3: str | None, name: str | None) -> str | None:
    """How an ACLED/UCDP subdivision is compared with a region's `admin1` entries: 'ISO3:name', the name
    folded (case, accents, punctuation) and without the unit word UCDP appends ('Donetsk oblast',
    'Nord Kivu province', 'North-West region'), so 'UKR:Donetsk', ACLED's 'Donetsk' and UCDP's
    'Donetsk oblast' are one key. The SQL side (warehouse/sql/curated_membership.sql) stores this key."""
    if not iso3 or not name:
        return None
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    while len(words) > 1 and words[-1] in ADMIN1_UNIT_WORDS:
        words.pop()
    return f"{iso3}:{' '.join(words)}" if words else None


# unit words UCDP appends to subdivision names (GED codebook, adm_1); dropped when comparing names
ADMIN1_UNIT_WORDS = frozenset({"oblast", "province", "region", "governorate", "state", "district", "department",
                               "county", "division", "prefecture", "krai", "republic", "territory", "municipality"})


class Areas(BaseModel):
    """Where a conflict happens: whole countries, subdivisions (GDELT ADM1 codes; curated data's names),
    latitude/longitude boxes."""

    model_config = ConfigDict(extra="forbid")

    countries: list[str] = []
    adm1: list[str] = []
    # the same subdivisions as curated datasets name them (ACLED admin1, UCDP adm_1): 'ISO3:Name', e.g.
    # 'RUS:Belgorod' (docs/indicators.md, "Regions and membership"); list every spelling the datasets use
    admin1: list[str] = []
    boxes: list[Box] = []

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str], info: ValidationInfo) -> list[str]:
        return _iso3_list(v, info)

    @field_validator("adm1")
    @classmethod
    def _adm1(cls, v: list[str]) -> list[str]:
        return codes_matching(v, ADM1, "GDELT ADM1 codes (FIPS country + 2 characters, e.g. RS09, or one of the "
                                       "territories GZ, WE, PF, PG)")

    @field_validator("admin1")
    @classmethod
    def _admin1(cls, v: list[str]) -> list[str]:
        return codes_matching(v, ADMIN1, "subdivision names as 'ISO3:Name' (e.g. 'RUS:Belgorod')")

    @property
    def admin1_keys(self) -> list[str]:
        return sorted({k for a in self.admin1 if (k := admin1_key(*a.split(":", 1)))})

    @property
    def empty(self) -> bool:
        return not (self.countries or self.adm1 or self.admin1 or self.boxes)


def _starts_with_a_word(terms: list[str]) -> list[str]:
    """Gazetteer terms and region keywords are matched as whole words from their first character on."""
    for t in terms:
        if not re.match(r"\w", t):
            raise ValueError(f"term {t!r} must start with a letter or digit (terms are matched as whole words)")
    return terms


class Region(BaseModel):
    """A conflict region (docs/indicators.md, "Regions"): `dyadic` (two sides) or `internal` (places)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    type: Literal["dyadic", "internal"]
    sides: list[Side] = []
    areas: Areas = Areas()
    keywords: list[str] = []  # place names and terms for documents (gazetteer), matched case-sensitively

    @field_validator("keywords")
    @classmethod
    def _whole_words(cls, v: list[str]) -> list[str]:
        return _starts_with_a_word(v)

    @model_validator(mode="after")
    def _shape(self) -> "Region":
        if self.type == "dyadic":
            if len(self.sides) != 2:
                raise ValueError(f"a dyadic region has exactly two sides, not {len(self.sides)}")
            a, b = self.sides
            both = (set(a.countries) & set(b.countries)) | (set(a.actors) & set(b.actors))
            if both:
                raise ValueError(f"{sorted(both)} on both sides")
        else:
            if self.sides:
                raise ValueError("an internal region has no sides (use type: dyadic)")
            if self.areas.empty:
                raise ValueError("an internal region needs areas (countries, adm1 or boxes)")
        return self

    @property
    def side_countries(self) -> set[str]:
        return {c for s in self.sides for c in s.countries}


M = TypeVar("M", bound=BaseModel)


class GazetteerCountry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    terms: list[str] = Field(min_length=1)
    ambiguous: list[str] = []
    # a list: the contexts of every ambiguous term; a mapping: each ambiguous term's own contexts ("DRC" is the
    # Danish Refugee Council, "M23" a motorway by Gatwick: one context must not silence the other term)
    negative_context: list[str] | dict[str, list[str]] = []

    @field_validator("terms", "ambiguous")
    @classmethod
    def _whole_words(cls, v: list[str]) -> list[str]:
        return _starts_with_a_word(v)

    @field_validator("name")
    @classmethod
    def _name_whole_word(cls, v: str) -> str:
        return _starts_with_a_word([v])[0]

    @field_validator("negative_context")
    @classmethod
    def _no_empty_context(cls, v: list[str] | dict[str, list[str]]) -> list[str] | dict[str, list[str]]:
        contexts = [t for ts in v.values() for t in ts] if isinstance(v, dict) else v
        if any(not t.strip() for t in contexts):  # an empty term would match everywhere, silencing the term
            raise ValueError("an empty negative_context term")
        return v

    @model_validator(mode="after")
    def _contexts_of_ambiguous_terms(self) -> "GazetteerCountry":
        if isinstance(self.negative_context, dict):
            stray = sorted(set(self.negative_context) - set(self.ambiguous))
            if stray:
                raise ValueError(f"negative_context names {stray}, which are not in `ambiguous`")
        return self

    def negative_contexts(self, term: str) -> list[str]:
        """The contexts in which the ambiguous `term` is about something else."""
        if isinstance(self.negative_context, dict):
            return self.negative_context.get(term, [])
        return self.negative_context


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


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when installed: 4x faster
    """YAML's safe loader, refusing a key twice in one mapping (YAML itself would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (line {key_node.start_mark.line + 1})", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.object[exc.start:exc.start + 1]!r}); "
                          "save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


# A sources.yaml beyond this is a mistake (a generated file, a loop): every run would hold the warehouse's
# write lock while mirroring it. Checked before the entries are validated one by one.
MAX_SOURCES = 5_000


def _unique_ids(what: str, ids: list[str], list_key: str) -> None:
    """A ValueError naming each id given twice and the entries that give it, so the file can be fixed at once."""
    where: dict[str, list[int]] = {}
    for i, x in enumerate(ids):
        where.setdefault(x, []).append(i)
    dup = {x: at for x, at in where.items() if len(at) > 1}
    if dup:
        said = "; ".join(f"{x!r} in " + " and ".join(f"{list_key}[{i}]" for i in at) for x, at in dup.items())
        raise ValueError(f"duplicate {what} id{'s' if len(dup) > 1 else ''}: {said}")


class _SourcesFileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    http: HttpSettings = HttpSettings()
    sources: list[SourceBase]

    @field_validator("sources", mode="before")
    @classmethod
    def _not_too_many(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) > MAX_SOURCES:
            raise ValueError(f"{len(v):,} sources; at most {MAX_SOURCES:,} are supported in one sources.yaml")
        return v

    @model_validator(mode="after")
    def _unique(self) -> "_SourcesFileBase":
        _unique_ids("source", [s.id for s in self.sources], "sources")
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
        _unique_ids("region", [r.id for r in self.regions], "regions")
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

    def http_for(self, source: SourceBase) -> HttpSettings:
        """The HTTP settings a source's fetches use: the http block with the source's own deadline, if set."""
        if source.max_seconds is None:
            return self.http
        return self.http.model_copy(update={"max_seconds": source.max_seconds})

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

    @cached_property
    def known_countries(self) -> frozenset[str] | None:
        """The ISO3 codes of the reference tables (GDELT actor countries, GDELT places, curated data's states),
        each from config/ or else the packaged copy: a region's or a source's country must be one of them. None
        when a table cannot be read (its own loader then says why), so the check never hides that error."""
        codes: set[str] = set()
        for name in COUNTRY_TABLES:
            path = self.path(name) if self.path(name).exists() else packaged_config_dir() / name
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    codes |= {(row.get("iso3") or "").strip() for row in csv.DictReader(f)}
            except (OSError, UnicodeDecodeError, csv.Error):
                return None
        return frozenset(codes - {""})

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
            return model.model_validate(raw, context={KNOWN_COUNTRIES: self.known_countries})
        except ValidationError as exc:
            entries = raw.get(list_key) if list_key and isinstance(raw.get(list_key), list) else None
            raise ConfigError(_format_error(p, exc, entries, list_key or "")) from None

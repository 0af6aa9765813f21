"""Load curated conflict data (UCDP GED / Candidate, ACLED) from landed API pages into curated_events.

Each landed page is one record (the extractors in `extractors.ucdp` / `extractors.acled` write them); this
module turns a page's rows into the dataset-neutral columns of `curated_event_versions` and merges them:
a new event gets version 1, a revised one (different content) the next version, the same content again
nothing; an ACLED deleted-events page adds a `deleted` version and takes the event out of
`curated_events` (so indicators drop it) while every earlier version stays queryable. Re-loading a page
changes nothing. Country codes become ISO3 here: ACLED's numeric ISO 3166 code through pycountry, UCDP's
Gleditsch-Ward number through config/gw_iso3.csv.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pycountry

from extractors.landing import FetchRecord
from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import admin1_key
from tracktwo.core.errors import ConfigError
from tracktwo.core.datasets import DATASETS
from tracktwo.core.settings import packaged_config_dir
from warehouse.db import execute, sql, statements
from warehouse.load import LoadContext, RunSummary

CURATED_STATUS = "SELECT source_id, count(*) AS stored FROM curated_events GROUP BY source_id"  # per source
TEXT_CAP = 2_000  # free text from the datasets (notes, headlines) is untrusted input: capped
NAME_CAP = 255
# ACLED event types that are armed political violence (ACLED codebook: disorder type "Political violence"
# without its "Strategic developments"); protests and riots are demonstrations
ACLED_VIOLENCE = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
UCDP_VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}
# UCDP where_prec: 1 exact place, 2 within 25 km, 3 second-order unit, 4 first-order unit, 5 linear/area
# feature, 6 country, 7 international waters/airspace. ACLED geo_precision: 1 town, 2 near a town, 3 region.
# UCDP precisions that a box may take: a place or district (1-3), a linear feature or named area (5: "Line of
# Contact", "Nagorno-Karabakh", a border), placed on the feature or at the area's centre (docs/indicators.md says
# why boxes may take that), and international waters or airspace (7: placed on the water, where the boxes over
# seas, straits and lakes are drawn; rules revision 24); not a province at its centroid (4), as ACLED's region
# level (3) never was, nor the country (6)
UCDP_IN_BOXES = frozenset({1, 2, 3, 5, 7})
ACLED_BELOW_COUNTRY = 2

COLUMNS = pa.schema([
    ("event_id", pa.string()), ("dataset", pa.string()), ("source_event_id", pa.string()),
    ("content_hash", pa.string()), ("event_date", pa.date32()), ("date_end", pa.date32()),
    ("date_precision", pa.int8()), ("event_type", pa.string()), ("sub_event_type", pa.string()),
    ("political_violence", pa.bool_()), ("actor1", pa.string()), ("actor2", pa.string()),
    ("actor1_iso3", pa.string()), ("actor2_iso3", pa.string()), ("conflict_name", pa.string()),
    ("country", pa.string()), ("country_iso3", pa.string()), ("admin1", pa.string()), ("admin1_key", pa.string()),
    ("admin2", pa.string()), ("location", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
    ("geo_precision", pa.int8()), ("below_country", pa.bool_()), ("fatalities_best", pa.int32()),
    ("fatalities_low", pa.int32()), ("fatalities_high", pa.int32()), ("source_notes", pa.string()),
    ("sources", pa.string()), ("source_timestamp", pa.int64()), ("dataset_version", pa.string()),
    ("licence", pa.string()),
])
HASHED = [f.name for f in COLUMNS if f.name not in ("event_id", "dataset", "source_event_id", "content_hash",
                                                     "dataset_version", "licence")]


class PageRejected(Exception):
    """A landed page that is not the dataset's envelope or has no usable row."""


@dataclass
class PageRows:
    rows: list[dict[str, Any]]
    skipped: int  # rows without an id or a date (reported, not loaded)
    problems: list[str]


def _text(v: Any, cap: int = NAME_CAP) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s[:cap] if s else None


def _int(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _date(v: Any) -> date | None:
    """ACLED '2022-06-30'; UCDP '2013-01-03 00:00:00.000' or '2013-01-03T00:00:00'."""
    s = _text(v, 40)
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


# ACLED's country names that neither config/cameo_countries.csv nor ISO 3166 (pycountry) spell as ACLED does
# (checked against ACLED's own country table: tests/test_curated.py)
ACLED_COUNTRY_NAMES = {
    "democratic republic of congo": "COD", "republic of congo": "COG", "bailiwick of guernsey": "GGY",
    "bailiwick of jersey": "JEY", "caribbean netherlands": "BES", "saint-barthelemy": "BLM", "saint-martin": "MAF",
    "vatican city": "VAT",
}


@lru_cache(maxsize=4)
def state_names(config_dir: Path) -> pa.Table:
    """Country name (lower case) -> ISO3, for the state an ACLED actor's name designates ("Military Forces of
    Russia (2000-)", "Police Forces of the Ivory Coast (1993-1999)"): ACLED names states by their country, with
    no code (curated_membership.sql reads the name). ACLED's own spellings first, then config/cameo_countries.csv
    (the packaged copy when the config dir has none), then ISO 3166's names; a name two countries share is left
    out rather than guessed."""
    path = config_dir / "cameo_countries.csv"
    if not path.is_file():
        path = packaged_config_dir() / "cameo_countries.csv"
    with open(path, encoding="utf-8", newline="") as f:
        cameo = [(r["name"], r["iso3"]) for r in csv.DictReader(f) if (r.get("iso3") or "").strip()]
    iso = [(getattr(c, attr), c.alpha_3) for c in pycountry.countries
           for attr in ("name", "common_name", "official_name") if hasattr(c, attr)]
    names: dict[str, str | None] = {}
    for tier in (list(ACLED_COUNTRY_NAMES.items()), cameo, iso):
        found: dict[str, set[str]] = {}
        for name, code in tier:
            found.setdefault(name.strip().lower(), set()).add(code.strip())
        for name, codes in found.items():
            if name not in names:
                names[name] = codes.pop() if len(codes) == 1 else None
    kept = sorted((n, c) for n, c in names.items() if c)
    return pa.table({"name": [n for n, _ in kept], "iso3": [c for _, c in kept]})


def state_names_digest(config_dir: Path) -> str:
    """A digest of `state_names`: part of the indicators' configuration hash, so an edit of cameo_countries.csv
    (or a pycountry upgrade) that moves an ACLED actor's state recomputes every day, not only the new ones."""
    table = state_names(config_dir)
    blob = json.dumps([table.column("name").to_pylist(), table.column("iso3").to_pylist()])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _gw_rows(config_dir: Path) -> list[dict[str, str]]:
    """config/gw_iso3.csv (the packaged copy when the config dir has none)."""
    path = config_dir / "gw_iso3.csv"
    if not path.is_file():
        path = packaged_config_dir() / "gw_iso3.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def gw_iso3(config_dir: Path) -> dict[int, str]:
    """Gleditsch-Ward state number -> ISO3 (config/gw_iso3.csv)."""
    return {int(r["gw"]): r["iso3"] for r in _gw_rows(config_dir)}


@lru_cache(maxsize=4)
def state_since(config_dir: Path) -> dict[str, date]:
    """ISO3 -> the day the state entered Gleditsch and Ward's list (`since` in config/gw_iso3.csv), for the states
    that did after the curated datasets begin (UCDP GED 1989) and whose land was another state's before (Ukraine
    1991-12-01, South Sudan 2011-07-09): before that day the datasets code its events under that other state
    (UCDP: Sudan, 625, for Upper Nile in 2001), so they cannot cover a region there (warehouse.curated_coverage)."""
    out = {}
    for r in _gw_rows(config_dir):
        value = (r.get("since") or "").strip()
        if value:
            try:
                out[r["iso3"]] = date.fromisoformat(value)
            except ValueError:
                raise ConfigError(f"gw_iso3.csv: state {r.get('gw')} ({r.get('iso3')}) field 'since': {value!r} is not "
                                  "a date (YYYY-MM-DD)") from None
    return out


@lru_cache(maxsize=512)
def numeric_iso3(code: int | None, country: str | None) -> str | None:
    """ACLED's `iso` (ISO 3166 numeric) as ISO3; ACLED gives Kosovo 0, which has no ISO code (XKX, as GDELT)."""
    if code:
        c = pycountry.countries.get(numeric=f"{code:03d}")
        if c is not None:
            return c.alpha_3
    if country and country.strip().lower() == "kosovo":
        return "XKX"
    return None


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    payload = json.dumps([row.get(k) for k in HASHED], default=str, ensure_ascii=False)
    row["content_hash"] = hashlib.sha256(payload.encode()).hexdigest()[:32]
    row["event_id"] = f"{row['dataset']}:{row['source_event_id']}"
    return row


def acled_row(r: dict[str, Any], licence: str) -> dict[str, Any] | None:
    """One ACLED API row (every value a string, as the API sends them) in curated columns."""
    eid, day = _text(r.get("event_id_cnty"), 64), _date(r.get("event_date"))
    if not eid or not day:
        return None
    iso3 = _text(r.get("iso3"), 3) or numeric_iso3(_int(r.get("iso")), _text(r.get("country")))
    precision = _int(r.get("geo_precision"))
    event_type = _text(r.get("event_type"))
    return _finish({
        "dataset": "acled", "source_event_id": eid, "event_date": day, "date_end": None,
        "date_precision": _int(r.get("time_precision")), "event_type": event_type,
        "sub_event_type": _text(r.get("sub_event_type")), "political_violence": event_type in ACLED_VIOLENCE,
        "actor1": _text(r.get("actor1")), "actor2": _text(r.get("actor2")), "actor1_iso3": None, "actor2_iso3": None,
        "conflict_name": None, "country": _text(r.get("country")), "country_iso3": iso3,
        "admin1": _text(r.get("admin1")), "admin1_key": admin1_key(iso3, _text(r.get("admin1"))),
        "admin2": _text(r.get("admin2")), "location": _text(r.get("location")),
        "lat": _float(r.get("latitude")), "lon": _float(r.get("longitude")), "geo_precision": precision,
        "below_country": precision is not None and precision <= ACLED_BELOW_COUNTRY,
        "fatalities_best": _int(r.get("fatalities")), "fatalities_low": None, "fatalities_high": None,
        "source_notes": _text(r.get("notes"), TEXT_CAP), "sources": _text(r.get("source"), TEXT_CAP),
        "source_timestamp": _int(r.get("timestamp")), "dataset_version": None, "licence": licence,
    })


def ucdp_row(r: dict[str, Any], dataset: str, version: str | None, licence: str, gw: dict[int, str]) -> dict[str, Any] | None:
    """One UCDP API `Result` row (GED or Candidate: the same columns) in curated columns."""
    eid, day = _text(r.get("id"), 64), _date(r.get("date_start"))
    if not eid or not day:
        return None
    iso3 = gw.get(_int(r.get("country_id")) or -1)
    precision = _int(r.get("where_prec"))
    violence = _int(r.get("type_of_violence"))
    return _finish({
        "dataset": dataset, "source_event_id": eid, "event_date": day, "date_end": _date(r.get("date_end")),
        "date_precision": _int(r.get("date_prec")), "event_type": UCDP_VIOLENCE.get(violence or 0),
        "sub_event_type": None, "political_violence": True,
        "actor1": _text(r.get("side_a")), "actor2": _text(r.get("side_b")),
        "actor1_iso3": gw.get(_int(r.get("gwnoa")) or -1), "actor2_iso3": gw.get(_int(r.get("gwnob")) or -1),
        "conflict_name": _text(r.get("conflict_name")), "country": _text(r.get("country")), "country_iso3": iso3,
        "admin1": _text(r.get("adm_1")), "admin1_key": admin1_key(iso3, _text(r.get("adm_1"))),
        "admin2": _text(r.get("adm_2")), "location": _text(r.get("where_coordinates")),
        "lat": _float(r.get("latitude")), "lon": _float(r.get("longitude")), "geo_precision": precision,
        "below_country": precision in UCDP_IN_BOXES,
        "fatalities_best": _int(r.get("best")), "fatalities_low": _int(r.get("low")),
        "fatalities_high": _int(r.get("high")),
        "source_notes": _text(r.get("source_headline"), TEXT_CAP), "sources": _text(r.get("source_office"), TEXT_CAP),
        "source_timestamp": None, "dataset_version": version, "licence": licence,
    })


def _envelope(body: bytes, key: str, what: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PageRejected(f"{what} page is not JSON: {exc}") from None
    rows = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise PageRejected(f"{what} page has no '{key}' list (keys: {sorted(doc)[:10] if isinstance(doc, dict) else type(doc).__name__})")
    return [r for r in rows if isinstance(r, dict)]


def page_rows(rec: FetchRecord, body: bytes, licence: str, config_dir: Path) -> PageRows:
    """The rows of one landed events page, in curated columns (one per event: the last of duplicates)."""
    dataset = rec.extra.get("dataset") or ("acled" if rec.kind == "acled" else "ucdp_ged")
    if dataset == "acled":
        raw = _envelope(body, "data", "ACLED")
        convert: Callable[[dict], dict | None] = lambda r: acled_row(r, licence)  # noqa: E731
    else:
        raw = _envelope(body, "Result", "UCDP")
        gw = gw_iso3(config_dir)
        version = rec.extra.get("version")
        convert = lambda r: ucdp_row(r, dataset, version, licence, gw)  # noqa: E731
    rows: dict[str, dict[str, Any]] = {}
    skipped = 0
    for r in raw:
        row = convert(r)
        if row is None:
            skipped += 1
            continue
        old = rows.get(row["event_id"])
        if old is None or (row["source_timestamp"] or 0) >= (old["source_timestamp"] or 0):
            rows[row["event_id"]] = row
    mostly = "mostly unusable: " if skipped > len(raw) - skipped else ""  # flagged, the usable rows still load
    problems = [f"{mostly}{skipped} of {len(raw)} row(s) without an id or a date skipped"] if skipped else []
    return PageRows(list(rows.values()), skipped, problems)


def deleted_ids(body: bytes) -> dict[str, int | None]:
    """ACLED deleted-events page -> event id ('acled:<event_id_cnty>') -> when ACLED deleted it (the latest
    `deleted_timestamp` when an id is listed twice)."""
    out: dict[str, int | None] = {}
    for r in _envelope(body, "data", "ACLED deleted-events"):
        eid, when = _text(r.get("event_id_cnty"), 64), _int(r.get("deleted_timestamp"))
        if eid:
            key = f"acled:{eid}"
            out[key] = max(filter(None, (out.get(key), when)), default=None)
    return out


def _script(con, name: str, params: dict[str, Any], **identifiers: object) -> tuple:
    """Run a warehouse/sql script (a template rendered with `identifiers`); its last statement's row is the result."""
    *head, last = statements(sql(name, **identifiers))
    for stmt in head:
        execute(con, stmt, params)
    return execute(con, last, params).fetchone()


def _licence(ctx: LoadContext, rec: FetchRecord, dataset: str) -> str:
    try:
        own = ctx.config.source(rec.source_id).license
    except Exception:  # a source removed from sources.yaml since it was fetched: the dataset's own terms
        own = None
    return own or DATASETS[dataset].licence


def load_curated(ctx: LoadContext, rec: FetchRecord) -> RunSummary:
    """Loader for kinds ucdp_ged and acled: one landed page -> curated_events (inside the caller's transaction)."""
    summary = RunSummary(rec.run_id, rec.source_id, rec.status, rec.http_status, warning=rec.warning)
    if rec.status != "ok" or not rec.body_file:
        return summary
    body = ctx.landing.read_body(rec)
    meta = {"run_id": rec.run_id, "landing_file": rec.body_file, "seen_at": utc_now_naive()}
    if rec.extra.get("endpoint") == "deleted":
        ids = deleted_ids(body)
        summary.items_seen = len(ids)
        ctx.con.register("cur_deleted_ids", pa.table({"event_id": pa.array(list(ids), pa.string()),
                                                      "deleted_timestamp": pa.array(list(ids.values()), pa.int64())}))
        try:
            summary.items_updated = _script(ctx.con, "curated_delete.sql", meta)[0]
        finally:
            ctx.con.unregister("cur_deleted_ids")
        return summary
    dataset = rec.extra.get("dataset") or ("acled" if rec.kind == "acled" else "ucdp_ged")
    page = page_rows(rec, body, _licence(ctx, rec, dataset), ctx.config.settings.config_dir)
    summary.items_seen = len(page.rows) + page.skipped
    if not page.rows and page.skipped:
        raise PageRejected(f"no usable row: {'; '.join(page.problems)}")
    table = pa.Table.from_pylist(page.rows, schema=COLUMNS)
    ctx.con.register("cur_stage", table)
    try:
        new, updated = _script(ctx.con, "curated_merge.sql.j2", {**meta, "source_id": rec.source_id},
                               hashed=HASHED)
    finally:
        ctx.con.unregister("cur_stage")
    summary.items_new, summary.items_updated = new or 0, updated or 0
    notes = ([rec.warning] if rec.warning else []) + page.problems
    summary.warning = "; ".join(notes) or None
    return summary

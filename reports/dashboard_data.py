"""What the dashboard shows, read from the warehouse into plain objects (no HTML here).

One short read-only connection. Every configured region gets a RegionData, with
zeros on days (or whole ranges) the warehouse has nothing for, so a quiet region
is visibly quiet rather than missing. When the indicator views do not exist yet
(nothing computed), the snapshot says so and still lists sources and documents.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from extractors.text import safe_href
from tracktwo.config import Config, Region
from warehouse.db import reader, sql, utcnow

COUNT_COLUMNS = ("events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
                 "documents", "publishers", "un_documents", "dialogue_events", "dialogue_documents")
MEAN_COLUMNS = ("goldstein_mean", "tone_mean", "conflict_share", "fatalities")
STATUS_SQL = "status.sql"  # per source: last success, last error, documents (shared with `tracktwo status`)

OBJECTS_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
# The report day: the last day with coded events anywhere (the index is built from events; a day with
# only early news items would show every region at 0), else the last day with any row.
LAST_DAY_SQL = "SELECT coalesce(max(day) FILTER (WHERE events_total > 0), max(day)) FROM v_region_daily"
LAST_DOC_DAY_SQL = "SELECT max(published_at)::DATE FROM documents"
DAILY_SQL = "SELECT * FROM v_region_daily WHERE day BETWEEN $start AND $end ORDER BY region_id, day"
ALERTS_SQL = """
SELECT * FROM v_alerts
WHERE day >= $start
ORDER BY day DESC, CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, kind
"""
# Coded events stored per source (events carry the run that loaded them).
EVENTS_PER_SOURCE_SQL = """
SELECT r.source_id, count(*) AS events FROM events e JOIN ingest_runs r USING (run_id) GROUP BY r.source_id
"""
LAST_RUN_SQL = "SELECT max(as_of) FROM indicator_runs"
# The latest documents per region, through document_places (the gazetteer's region match).
LATEST_DOCS_SQL = """
WITH hits AS (
    SELECT place_id AS region_id, doc_id, sum(mentions) AS mentions
    FROM document_places
    WHERE place_type = 'region' AND list_contains($regions::VARCHAR[], place_id)
    GROUP BY place_id, doc_id
)
SELECT h.region_id, d.doc_id, d.title, d.url, d.publisher, d.source_id,
       d.published_at, d.fetched_at, h.mentions
FROM hits h JOIN documents d USING (doc_id)
QUALIFY row_number() OVER (PARTITION BY h.region_id
                           ORDER BY coalesce(d.published_at, d.fetched_at) DESC, d.doc_id) <= $n
ORDER BY h.region_id, coalesce(d.published_at, d.fetched_at) DESC, d.doc_id
"""

@dataclass(frozen=True)
class Evidence:
    rank: int
    item_type: str  # event | document
    title: str
    url: str | None  # as stored (shown as text)
    href: str | None  # the same, only when it is http(s)
    publisher: str | None
    day: date | None
    score: float | None


@dataclass(frozen=True)
class Alert:
    region_id: str
    day: date
    kind: str  # escalation | de-escalation | dialogue-gap
    severity: str  # low | medium | high
    trigger: str
    values: dict[str, Any]  # the numbers that triggered it (name -> value)
    corroboration: int | None
    evidence: list[Evidence]


@dataclass(frozen=True)
class Document:
    title: str
    url: str | None
    href: str | None
    publisher: str | None
    published_at: datetime | None


@dataclass
class RegionData:
    region: Region
    slug: str  # file-name-safe id
    days: list[date]
    series: dict[str, list[float | int | None]]  # column -> values aligned with days (zeros where no row)
    has_data: bool  # any event or document in the window (else the page says it shows zeros)
    alerts: list[Alert] = field(default_factory=list)  # in the window, newest first
    active_alerts: list[Alert] = field(default_factory=list)  # within the active window
    documents: list[Document] = field(default_factory=list)

    def value(self, column: str, offset: int = 0) -> float | int | None:
        """The value `offset` days before the report day."""
        vals = self.series.get(column) or []
        i = len(vals) - 1 - offset
        return vals[i] if 0 <= i < len(vals) else None

    def window_sum(self, column: str, days: int) -> float:
        vals = (self.series.get(column) or [])[-days:]
        return float(sum(v for v in vals if v is not None))

    @property
    def tension(self) -> float:
        return float(self.value("tension_index") or 0.0)

    @property
    def tension_change(self) -> float | None:
        """tension_index_chg7 from the indicators when present, else today minus 7 days ago."""
        chg = self.value("tension_index_chg7")
        if chg is not None:
            return float(chg)
        before = self.value("tension_index", 7)
        return None if before is None else self.tension - float(before)


@dataclass(frozen=True)
class SourceStatus:
    source_id: str
    publisher: str
    kind: str
    enabled: bool
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str | None
    documents: int
    events: int
    in_warehouse: bool

    @property
    def failing(self) -> bool:
        """The latest attempt failed (an error newer than the last success)."""
        return self.last_failure is not None and (self.last_success is None or self.last_failure > self.last_success)


@dataclass
class Snapshot:
    report_day: date  # the last day with indicators ("today" on the page)
    generated_at: datetime  # UTC
    indicators_as_of: datetime | None  # the indicator run the numbers come from
    indicators_available: bool
    days: list[date]
    regions: list[RegionData]
    sources: list[SourceStatus]
    active_days: int


def slug(region_id: str, taken: set[str]) -> str:
    """A file-name-safe, unique version of a region id."""
    base = re.sub(r"[^a-z0-9_-]+", "-", region_id.lower()).strip("-") or "region"
    s, i = base, 2
    while s in taken:
        s, i = f"{base}-{i}", i + 1
    taken.add(s)
    return s


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> list[dict[str, Any]]:
    cur = con.execute(query, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _evidence(raw: Any) -> list[Evidence]:
    out = []
    for e in raw or []:
        url = e.get("url")
        out.append(Evidence(rank=int(e.get("rank") or len(out) + 1), item_type=str(e.get("item_type") or ""),
                            title=str(e.get("title") or e.get("item_id") or ""), url=url, href=safe_href(url),
                            publisher=e.get("publisher"), day=e.get("day"), score=_clean(e.get("score"))))
    return sorted(out, key=lambda e: e.rank)


_ALERT_KEYS = {"alert_id", "as_of", "region_id", "day", "kind", "severity", "trigger", "corroboration",
               "evidence", "evidence_count", "evidence_hash", "status", "computed_at"}


def _alert(row: dict[str, Any]) -> Alert:
    values = {k: _clean(v) for k, v in row.items() if k not in _ALERT_KEYS and v is not None
              and isinstance(v, (int, float))}
    return Alert(region_id=row["region_id"], day=row["day"], kind=row["kind"], severity=row["severity"],
                 trigger=str(row.get("trigger") or ""), values=values, corroboration=row.get("corroboration"),
                 evidence=_evidence(row.get("evidence")))


def _sources(con: duckdb.DuckDBPyConnection, config: Config, has_events: bool) -> list[SourceStatus]:
    """Freshness per source: configured sources first (even never fetched), then any others in the warehouse."""
    stored = {r["source_id"]: r for r in _rows(con, sql(STATUS_SQL))}
    events = dict(con.execute(EVENTS_PER_SOURCE_SQL).fetchall()) if has_events else {}
    try:
        configured = list(config.sources)
    except Exception:  # a broken sources.yaml must not hide what the warehouse knows
        configured = []
    out = []
    for s in configured:
        r = stored.pop(s.id, None) or {}
        out.append(SourceStatus(s.id, s.publisher_name, s.kind, s.enabled, r.get("last_success"),
                                r.get("last_failure"), r.get("last_error"), int(r.get("documents") or 0),
                                int(events.get(s.id, 0)), bool(r)))
    for sid, r in sorted(stored.items()):
        out.append(SourceStatus(sid, sid, r.get("kind") or "", bool(r.get("enabled")), r.get("last_success"),
                                r.get("last_failure"), r.get("last_error"), int(r.get("documents") or 0),
                                int(events.get(sid, 0)), True))
    return out


def load(config: Config, *, window_days: int = 90, active_days: int = 7, latest_documents: int = 15,
         now: datetime | None = None) -> Snapshot:
    """Read everything the pages need in one short read-only connection."""
    regions = list(config.regions)
    now = now or utcnow()
    with reader(config.settings.warehouse_path) as con:
        objects = {r[0] for r in con.execute(OBJECTS_SQL).fetchall()}
        has_daily = "v_region_daily" in objects
        has_alerts = "v_alerts" in objects
        last = con.execute(LAST_DAY_SQL).fetchone()[0] if has_daily else None
        available = last is not None
        if last is None and "documents" in objects:
            last = con.execute(LAST_DOC_DAY_SQL).fetchone()[0]
        end: date = last or now.date()
        start = end - timedelta(days=window_days - 1)
        params = {"start": start, "end": end}
        daily = _rows(con, DAILY_SQL, params) if has_daily else []
        alerts = [_alert(r) for r in _rows(con, ALERTS_SQL, {"start": start})] if has_alerts else []
        as_of = con.execute(LAST_RUN_SQL).fetchone()[0] if "indicator_runs" in objects else None
        docs = _rows(con, LATEST_DOCS_SQL, {"regions": [r.id for r in regions], "n": latest_documents}) \
            if {"documents", "document_places"} <= objects else []
        sources = _sources(con, config, "events" in objects) if {"sources", "ingest_runs", "documents"} <= objects else []

    days = [start + timedelta(days=i) for i in range(window_days)]
    index = {d: i for i, d in enumerate(days)}
    columns = sorted({k for r in daily for k in r} - {"region_id", "day", "as_of"}) or \
        list(COUNT_COLUMNS + MEAN_COLUMNS + ("tension_index",))
    by_region: dict[str, list[dict[str, Any]]] = {}
    for r in daily:
        by_region.setdefault(r["region_id"], []).append(r)
    taken: set[str] = set()
    active_from = end - timedelta(days=active_days - 1)
    out = []
    for region in regions:
        rows = by_region.get(region.id, [])
        series: dict[str, list[Any]] = {}
        for c in columns:
            zero: Any = 0 if (c in COUNT_COLUMNS or c == "tension_index") else None
            series[c] = [zero] * len(days)
        for r in rows:
            i = index.get(r["day"])
            if i is None:
                continue
            for c in columns:
                if c in r:
                    series[c][i] = _clean(r[c])
        ra = [a for a in alerts if a.region_id == region.id]
        rd = [Document(title=str(d["title"] or "(untitled)"), url=d["url"], href=safe_href(d["url"]),
                       publisher=d["publisher"] or d["source_id"], published_at=d["published_at"]) for d in docs if d["region_id"] == region.id]
        out.append(RegionData(region=region, slug=slug(region.id, taken), days=days, series=series,
                              has_data=any(series.get("events_total", [])) or any(series.get("documents", [])), alerts=ra, active_alerts=[a for a in ra if a.day >= active_from],
                              documents=rd))
    return Snapshot(report_day=end, generated_at=now, indicators_as_of=as_of, indicators_available=available,
                    days=days, regions=out, sources=sources, active_days=active_days)

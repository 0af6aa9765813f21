"""What the dashboard shows, read from the warehouse's documented views into plain objects (no HTML here).

One short read-only connection. Every configured region gets a RegionData, with
None on days (or whole ranges) whose numbers are not known: a partial or missing
day, or outside the indicators' span (never 0: an outage is not a calm day); a
region with known zero days is visibly quiet rather than missing. When no
indicators have been computed yet, the snapshot says so and still lists sources
and documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import duckdb

from extractors.text import safe_href
from reports.alerts import Alert, curated_datasets, finite, read_alerts
from tracktwo.core.datasets import DATASETS
from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import Config, Region
from warehouse.db import current_snapshot, reader, sql
from warehouse.status import SourceStatus

COUNT_COLUMNS = ("events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
                 "documents", "publishers", "un_documents", "dialogue_events", "dialogue_documents")
MEAN_COLUMNS = ("goldstein_mean", "tone_mean", "conflict_share", "fatalities")
# The report day: the last day with coded events anywhere (the index is built from events; a day with
# only early news items would show every region at 0), else the last day with any row.
LAST_DAY_SQL = "SELECT coalesce(max(day) FILTER (WHERE events_total > 0), max(day)) FROM v_region_daily"
LAST_DOC_DAY_SQL = "SELECT max(published_at)::DATE FROM v_region_documents"
# The last day whose event numbers are known anywhere (after it, or when a day's GDELT files are missing, they are not)
EVENTS_KNOWN_SQL = "SELECT max(day) FILTER (WHERE events_total IS NOT NULL) FROM v_region_daily"
DAILY_SQL = "SELECT * FROM v_region_daily WHERE day BETWEEN $start AND $end ORDER BY region_id, day"
LAST_RUN_SQL = "SELECT max(as_of) FROM v_indicator_runs"
# Where each region's counted events of the active window happened (geocoded below country level), for the map;
# days whose event numbers are known only (as the page's numbers and its list of counted events)
PLACES_SQL = """
SELECT er.region_id, round(e.lat, 1) AS lat, round(e.lon, 1) AS lon, count(*) AS events,
       any_value(e.action_geo_name ORDER BY e.event_id) AS name
FROM event_regions er
JOIN v_region_daily d ON d.region_id = er.region_id AND d.day = er.day AND d.events_total IS NOT NULL
JOIN events e USING (event_id)
WHERE er.counted AND er.day BETWEEN $start AND $end AND e.lat IS NOT NULL AND e.lon IS NOT NULL
  AND e.action_geo_type >= 2
GROUP BY ALL
"""
# Who reported on each region in the active window (the balance of perspectives)
PERSPECTIVES_SQL = """
SELECT region_id, coalesce(perspective, 'international') AS perspective, count(*) AS documents
FROM v_region_documents
WHERE published_at >= $start AND published_at < $end
GROUP BY ALL
"""
# The latest documents per region (the gazetteer's region match).
LATEST_DOCS_SQL = """
SELECT region_id, doc_id, title, url, publisher, source_id, published_at, fetched_at, mentions
FROM v_region_documents
WHERE list_contains($regions::VARCHAR[], region_id)
QUALIFY row_number() OVER (PARTITION BY region_id ORDER BY coalesce(published_at, fetched_at) DESC, doc_id) <= $n
ORDER BY region_id, coalesce(published_at, fetched_at) DESC, doc_id
"""


# (label, region_daily column prefix, datasets behind it)
CURATED_SERIES = (("ACLED", "acled", ("acled",)), ("UCDP", "ucdp", ("ucdp_ged", "ucdp_candidate")))


@dataclass(frozen=True)
class CuratedSummary:
    label: str
    fatalities: int
    events: int
    covered_days: int  # days of the window the series covers (their sum is the number shown)
    window_days: int
    through: date  # the last covered day of the window
    attribution: str


QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass(frozen=True)
class Incident:
    """One counted incident of a region (warehouse/sql/dashboard_counted_events.sql): the events sharing an
    incident_id, named by the first of them; every field but the counts is untrusted GDELT text."""

    day: date
    events: int  # counted events of the region in it (the same happening coded several times)
    articles: int  # distinct source URLs among them
    quad_class: int | None  # the highest of its events' (NULL when GDELT gave none and the code is unknown)
    event_id: str  # the first event's (lowest GDELT id)
    actor1: str | None
    actor2: str | None
    event_code: str | None
    description: str | None  # CAMEO description of event_code
    place: str | None
    url: str | None
    href: str | None  # the URL, only when http(s)
    landing_file: str | None
    reason: str

    @property
    def kind(self) -> str:
        return QUAD_CLASSES.get(self.quad_class, "class not known")  # None too

    @property
    def outlet(self) -> str | None:
        """The link's host without www.: who published the article GDELT coded it from (None for a source
        that is no http(s) link; safe_href has already refused malformed URLs)."""
        try:
            host = urlsplit(self.href).hostname if self.href else None
        except ValueError:
            return None
        return re.sub(r"^www\d*\.", "", host) if host else None


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
    # column -> values aligned with days; None where unknown: a partial or missing day's event numbers, and days
    # outside the indicators' span (no row), so an outage never reads as a calm day
    series: dict[str, list[float | int | None]]
    has_data: bool  # any event or document in the window (else the page says so)
    alerts: list[Alert] = field(default_factory=list)  # in the window, newest first
    active_alerts: list[Alert] = field(default_factory=list)  # within the active window
    documents: list[Document] = field(default_factory=list)
    perspectives: dict[str, int] = field(default_factory=dict)  # documents of the active window by perspective
    places: list[tuple[float, float, int, str]] = field(default_factory=list)  # (lat, lon, events, name), active window
    incidents: list[Incident] = field(default_factory=list)  # the active window's counted incidents, the first n
    incident_total: int = 0  # how many counted incidents the active window has
    configured_perspectives: frozenset[str] = frozenset()  # perspectives of the configured sources
    # the curated datasets the warehouse holds: a series is credited to those of its datasets only (UCDP's
    # series is GED and/or Candidate); None: credit every dataset of the series (never fewer than shown)
    datasets: frozenset[str] | None = None

    def credits(self, datasets: tuple[str, ...]) -> str:
        """The attributions of those of a series' `datasets` the warehouse holds ("" when none)."""
        return "; ".join(DATASETS[ds].attribution for ds in datasets if self.datasets is None or ds in self.datasets)

    def value(self, column: str, offset: int = 0) -> float | int | None:
        """The value `offset` days before the report day."""
        vals = self.series.get(column) or []
        i = len(vals) - 1 - offset
        return vals[i] if 0 <= i < len(vals) else None

    def window_sum(self, column: str, days: int) -> float | None:
        """The sum over the last `days` days of the days whose value is known; None when none is
        (`known_days` says how many were summed)."""
        vals = [v for v in (self.series.get(column) or [])[-days:] if v is not None]
        return float(sum(vals)) if vals else None

    def known_days(self, column: str, days: int) -> int:
        """How many of the last `days` days have a known value of `column`."""
        return sum(v is not None for v in (self.series.get(column) or [])[-days:])

    def overlaps(self, days: int) -> tuple[int, list[str]]:
        """Counted events of the last `days` days that also belong to other regions, and those regions' ids
        (v_region_daily.shared_events, overlapping_regions): overlapping regions count such events in each."""
        shared = int(self.window_sum("shared_events", days) or 0)
        others = {r for v in (self.series.get("overlapping_regions") or [])[-days:] if v for r in v}
        return shared, sorted(others)

    @property
    def tension(self) -> float | None:
        """The report day's tension index; None when unknown (a partial or missing day), never 0."""
        v = self.value("tension_index")
        return None if v is None else float(v)

    def before_indicators(self, days: int) -> tuple[date, int] | None:
        """When the last `days` days begin before the indicators' span: its first day and how many days of the
        window come before it (None when the span holds the whole window, or no day of it). Every day of the span
        has a row (its document count is never NULL); the days before it were not computed (the pipeline started
        later), so what the curated datasets hold for them is in v_curated_daily only, not in these sums."""
        docs = (self.series.get("documents") or [])[-days:]
        first = next((i for i, v in enumerate(docs) if v is not None), None)
        if not first:  # None (nothing computed) or 0 (the whole window computed)
            return None
        return self.days[len(self.days) - len(docs) + first], first

    def curated(self, days: int) -> list["CuratedSummary"]:
        """Fatalities and events of each curated series over the last `days` days: only the days the series
        covers are summed (the others are unknown, not zero), and how many those are is said."""
        days = min(days, len(self.days))
        out = []
        for label, prefix, datasets in CURATED_SERIES:
            fat = (self.series.get(f"{prefix}_fatalities") or [])[-days:]
            ev = (self.series.get(f"{prefix}_events") or [])[-days:]
            covered = [i for i, v in enumerate(fat) if v is not None]
            if not covered:
                continue
            out.append(CuratedSummary(label, int(sum(fat[i] for i in covered)), int(sum(ev[i] or 0 for i in covered)),
                                      len(covered), days, self.days[len(self.days) - days + covered[-1]],
                                      self.credits(datasets)))
        return out

    @property
    def tension_change(self) -> float | None:
        """The indicators' tension_change: conflict incidents of the last 7 days against the 7 before, in percent."""
        chg = self.value("tension_change")
        return None if chg is None else float(chg)

    @property
    def coverage(self) -> str | None:
        """Dyadic regions: whether a dialogue gap could be seen at all ('observed' or 'no coverage')."""
        return self.value("coverage")


@dataclass
class Snapshot:
    report_day: date  # the last day with indicators ("today" on the page)
    events_known_through: date | None  # the last day whose event numbers are known (None: no such day)
    generated_at: datetime  # UTC
    indicators_as_of: datetime | None  # the indicator run the numbers come from
    indicators_available: bool
    lake_snapshot: dict[str, object] | None  # {snapshot_id, snapshot_time}: what the pages were read from
    days: list[date]
    regions: list[RegionData]
    sources: list[SourceStatus]
    active_days: int
    attributions: list[str] = field(default_factory=list)  # curated datasets whose numbers the pages use

    @property
    def active_from(self) -> date:
        """The first day of the active window (alerts, the map, the counted events)."""
        return self.report_day - timedelta(days=self.active_days - 1)


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


def read_snapshot(config: Config, sources: list[SourceStatus], *, window_days: int = 90, active_days: int = 7,
                  latest_documents: int = 15, counted_incidents: int = 50, now: datetime | None = None) -> Snapshot:
    """Read everything the pages need in one short read-only connection (`sources`: the pipeline's status)."""
    regions = list(config.regions)
    now = now or utc_now_naive()
    with reader(config.settings) as con:
        last = con.execute(LAST_DAY_SQL).fetchone()[0]
        available = last is not None
        if last is None:
            last = con.execute(LAST_DOC_DAY_SQL).fetchone()[0]
        end: date = last or now.date()
        events_known = con.execute(EVENTS_KNOWN_SQL).fetchone()[0]
        start = end - timedelta(days=window_days - 1)
        daily = _rows(con, DAILY_SQL, {"start": start, "end": end})
        alerts = read_alerts(con, start, end, shared=config.settings.raw_sharing)
        as_of = con.execute(LAST_RUN_SQL).fetchone()[0]
        docs = _rows(con, LATEST_DOCS_SQL, {"regions": [r.id for r in regions], "n": latest_documents})
        lake_snapshot = current_snapshot(con).as_dict()
        present = curated_datasets(con)
        credits = [DATASETS[ds].attribution for ds in present]
        active_start = end - timedelta(days=active_days - 1)
        where: dict[str, list[tuple[float, float, int, str]]] = {}
        for region_id, lat, lon, n, name in con.execute(PLACES_SQL, {"start": active_start, "end": end}).fetchall():
            where.setdefault(region_id, []).append((float(lat), float(lon), int(n), name or ""))
        incidents: dict[str, list[Incident]] = {}
        incident_total: dict[str, int] = {}
        for r in _rows(con, sql("dashboard_counted_events.sql"), {"start": active_start, "end": end,
                                                                   "n": counted_incidents}):
            incident_total[r["region_id"]] = int(r["region_incidents"])
            incidents.setdefault(r["region_id"], []).append(Incident(
                day=r["day"], events=int(r["events"]), articles=int(r["articles"]), quad_class=r["quad_class"],
                event_id=r["event_id"], actor1=r["actor1"], actor2=r["actor2"], event_code=r["event_code"],
                description=r["event_description"], place=r["place"], url=r["source_url"],
                href=safe_href(r["source_url"]), landing_file=r["landing_file"], reason=r["reason"]))
        voices: dict[str, dict[str, int]] = {}
        for region_id, persp, n in con.execute(PERSPECTIVES_SQL, {"start": active_start,
                                                                   "end": end + timedelta(days=1)}).fetchall():
            voices.setdefault(region_id, {})[persp] = n

    configured = frozenset(src.perspective for src in config.sources if src.enabled)
    days = [start + timedelta(days=i) for i in range(window_days)]
    index = {d: i for i, d in enumerate(days)}
    columns = sorted({k for r in daily for k in r} - {"region_id", "day", "as_of"}) or \
        list(COUNT_COLUMNS + MEAN_COLUMNS + ("tension_index",))
    by_region: dict[str, list[dict[str, Any]]] = {}
    for r in daily:
        by_region.setdefault(r["region_id"], []).append(r)
    taken: set[str] = set()
    active_from = active_start  # Snapshot.active_from, the same day
    out = []
    for region in regions:
        rows = by_region.get(region.id, [])
        series: dict[str, list[Any]] = {}
        for c in columns:  # a day with no row is outside the indicators' span: unknown, not zero
            series[c] = [None] * len(days)
        for r in rows:
            i = index.get(r["day"])
            if i is None:
                continue
            for c in columns:
                if c in r:
                    series[c][i] = finite(r[c])
        ra = [a for a in alerts if a.region_id == region.id]
        rd = [Document(title=str(d["title"] or "(untitled)"), url=d["url"], href=safe_href(d["url"]),
                       publisher=d["publisher"] or d["source_id"], published_at=d["published_at"]) for d in docs if d["region_id"] == region.id]
        out.append(RegionData(region=region, slug=slug(region.id, taken), days=days, series=series,
                              has_data=any(series.get("events_total", [])) or any(series.get("documents", [])), alerts=ra, active_alerts=[a for a in ra if a.day >= active_from],
                              documents=rd, perspectives=voices.get(region.id, {}), places=where.get(region.id, []),
                              incidents=incidents.get(region.id, []), incident_total=incident_total.get(region.id, 0),
                              configured_perspectives=configured, datasets=frozenset(present)))
    return Snapshot(report_day=end, events_known_through=events_known, generated_at=now, indicators_as_of=as_of, indicators_available=available,
                    lake_snapshot=lake_snapshot, days=days, regions=out, sources=sources, active_days=active_days,
                    attributions=credits)

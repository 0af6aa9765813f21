"""What one digest says, as data: per region the week's numbers, alerts, stories and changes.

Reads documented views (v_region_daily, v_alerts through reports.alerts, v_region_documents, v_indicator_runs),
curated_events (the datasets' attributions) and the digest log (warehouse.digest_log) over the caller's read-only
connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from datetime import date, datetime, timedelta

import duckdb

from extractors.text import safe_href
from reports.alerts import SEVERITY_RANK, Alert, attributions, read_alerts, story_key
from reports.digest.settings import DigestSettings, Subscriber
from reports.digest.weeks import previous_week, week_start
from reports.svg import half_up
from tracktwo.core.clock import utc_now_naive
from tracktwo.core.config import Config, Region
from tracktwo.core.errors import ConfigError
from warehouse import digest_log
from warehouse.db import current_snapshot, sql

FLAT = 0.5  # index points below which a change shows as flat


@dataclass
class Link:
    title: str
    url: str | None  # only http(s); None renders the title without a link
    publisher: str | None
    day: date | None
    perspective: str | None = None
    item_type: str | None = None  # evidence: event, document, curated_event (only documents' titles are stories)
    also: tuple[str, ...] = ()  # a top story: the other publishers that carried it in the week, in order
    note: str = ""  # evidence: why a listed item counts towards no publisher (Evidence.rerun_note)
    first: tuple[date, str | None] | None = None  # a top story older than the week: first published when, by whom


@dataclass
class AlertItem:
    """One kind of alert over the week: the daily alerts of that kind, merged."""

    day: date  # the most severe day (highest severity, then smallest p, then latest); its values are shown
    kind: str
    severity: str
    triggers: list[tuple[str, str]]
    evidence: list[Link]
    # independent publishers behind the evidence (corroboration) of the most severe day (`day`); None for a
    # dialogue-gap, an absence that no publisher can corroborate (docs/indicators.md, "Alerts")
    publishers: int | None
    first_day: date | None = None
    last_day: date | None = None
    days: int = 1
    window_from: date | None = None  # the first day of the earliest test window: evidence can predate the week


def printed_change(now: float, before: float) -> float:
    """The change between two values as they are printed (one decimal), so a reader's own subtraction agrees."""
    return float(half_up(now, 1) - half_up(before, 1))


@dataclass
class WeekStats:
    days: int = 0
    # the event numbers sum the week's days whose numbers are known (`event_days` of them); None when no day's
    # are (a day with too few GDELT update files, or not loaded yet, is unknown, not a day without events)
    event_days: int = 0
    unknown_days: int = 0  # days of the indicators' span whose event numbers are unknown
    events: int | None = None
    documents: int = 0
    tension: float | None = None  # mean of the daily index over the `tension_days` days it is known
    tension_days: int = 0
    dialogue_events: int | None = None
    dialogue_documents: int = 0
    material_conflict: int | None = None
    # a dyad with no dialogue event this week whose dialogue could not be observed on any day of it
    # (v_region_daily.coverage): its 0 means "cannot tell", not "no dialogue"
    no_coverage: bool = False
    # days of the week a dyad's dialogue could not be observed ('no coverage') and could ('observed')
    uncovered_days: int = 0
    observed_days: int = 0
    alerts: int = 0  # alert-days (one kind on one day)
    alert_kinds: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return bool(self.events) or self.documents > 0

    @property
    def tension_basis(self) -> str:
        """What the week's index is the mean of (one known day is not a weekly mean)."""
        if self.tension_days >= 7:
            return "weekly mean"
        return f"mean of the {self.tension_days} day{'s' if self.tension_days != 1 else ''} known" \
            if self.tension_days else "not known"

    @property
    def days_note(self) -> str:
        """How many days the event numbers sum, when not all 7."""
        return "" if self.event_days >= 7 or not self.event_days else f" ({self.event_days} of 7 days known)"

    def dialogue_phrase(self, inner: bool = False) -> str:
        """The week's dialogue events as printed, with what qualifies the count: a 0 on days whose dialogue could
        not be observed says so ("0 (no coverage)"; a dyad whose sources began reporting mid-week: "0 (observable
        on 3 of 7 days)"), and a count over fewer known days says how many. `inner`: for inside parentheses
        ("0, no coverage")."""
        if self.dialogue_events is None:
            return "not known"
        parts = []
        if self.dialogue_events == 0 and self.uncovered_days:
            parts.append(f"observable on {self.observed_days} of 7 days" if self.observed_days
                         else "no coverage")
        if 0 < self.event_days < 7:
            parts.append(f"{self.event_days} of 7 days known")
        if not parts:
            return f"{self.dialogue_events}"
        return f"{self.dialogue_events}, {'; '.join(parts)}" if inner else \
            f"{self.dialogue_events} ({'; '.join(parts)})"

    @property
    def events_unknown(self) -> bool:
        """Some day of the week within the indicators' span has no known event numbers (events may have
        arrived, but too few of its GDELT files): its silence says nothing. Days before the span received
        nothing at all ("no data", as before)."""
        return self.unknown_days > 0


@dataclass
class Section:
    region_id: str
    name: str
    now: WeekStats
    before: WeekStats
    alerts: list[AlertItem]
    stories: list[Link]
    changes: list[str] = field(default_factory=list)
    since_week: str | None = None
    since_sent: bool = False  # since_week is the week of a digest sent to this subscriber (else the week before)
    dyadic: bool = True  # an internal region has no sides: no dialogue events between them, only documents on talks

    @property
    def has_data(self) -> bool:
        return self.now.has_data

    @property
    def delta(self) -> float | None:
        """The change of the weekly means as printed (one decimal), so the reader's own subtraction agrees."""
        if self.now.tension is None or self.before.tension is None:
            return None
        return printed_change(self.now.tension, self.before.tension)

    @property
    def direction(self) -> str:
        d = self.delta
        if d is None:
            return "none"
        return "up" if d >= FLAT else "down" if d <= -FLAT else "flat"

    @property
    def perspectives(self) -> list[str]:
        return sorted({s.perspective for s in self.stories if s.perspective})


@dataclass
class Digest:
    week: str
    start: date
    end: date  # inclusive (Sunday)
    recipient: str
    name: str | None
    sections: list[Section]
    subject: str
    dashboard_url: str | None
    as_of: datetime | None
    generated_at: datetime
    indicators_available: bool
    lake_snapshot: dict[str, object] | None  # {snapshot_id, snapshot_time}: what the numbers were read from
    unsubscribe: list[str]
    attributions: list[str] = field(default_factory=list)  # curated datasets whose numbers the digest uses

    @property
    def has_data(self) -> bool:
        return any(s.has_data for s in self.sections)

    @property
    def active(self) -> list[Section]:
        return [s for s in self.sections if s.has_data]

    @property
    def silence(self) -> str | None:
        """What a week without data in every followed region means, said once for the opening banner and the run
        summary: "quiet" (some region's days known), "unknown" (no day known, some within the indicators' span),
        "no_data" (no document, no event numbers computed); None when some region has data."""
        if self.has_data:
            return None
        if self.quiet:
            return "quiet"
        return "unknown" if self.unknown else "no_data"

    @property
    def quiet(self) -> list[Section]:
        """Regions with no counted event and no document on the week's days whose event numbers are known (at least
        one): one line, so an `all` subscription stays short, each saying how many days it rests on when not 7
        (a day known to be quiet is not a day nothing is known of)."""
        return [s for s in self.sections if not s.has_data and s.now.event_days > 0]

    @property
    def quiet_by_days(self) -> list[tuple[str, list[Section]]]:
        """The quiet regions grouped by the days they rest on, most first, each with its qualifier ("" for all
        7 days, else " (on the 3 of its 7 days whose event numbers are known)"), so the line says it once."""
        groups: dict[int, list[Section]] = {}
        for s in self.quiet:
            groups.setdefault(min(s.now.event_days, 7), []).append(s)
        return [("" if k >= 7 else f" (on the {k} of its 7 days whose event numbers are known)", groups[k])
                for k in sorted(groups, reverse=True)]

    @property
    def unknown(self) -> list[Section]:
        """Regions without documents this week whose event numbers are known on no day, though some day is
        within the indicators' span (too few GDELT update files): nothing can be said of them, not even that
        they were quiet."""
        return [s for s in self.sections if not s.has_data and not s.now.event_days and s.now.events_unknown]

    @property
    def empty(self) -> list[Section]:
        """Regions with no document and no event numbers computed for the week's days: no day within
        the indicators' span (before the first data, or indicators not computed)."""
        return [s for s in self.sections if not s.has_data and not s.now.event_days and not s.now.events_unknown]


def perspective_label(p: str | None, config: Config) -> str | None:
    if not p:
        return None
    if p == "un":
        return "UN"
    if p == "international":
        return "international"
    try:
        country = config.gazetteer.get(p)
    except ConfigError:
        country = None
    return f"{country.name} ({p})" if country else p


DAILY_SQL = """
SELECT region_id, day, tension_index, events_total, documents, dialogue_events, dialogue_documents, material_conflict,
       coverage
FROM v_region_daily
WHERE region_id = ? AND day BETWEEN ? AND ?
ORDER BY day
"""
DOCS_WEEK_SQL = "SELECT count(*) FROM v_region_documents WHERE region_id = ? AND published_at >= ? AND published_at < ?"
LAST_RUN_SQL = "SELECT max(as_of) FROM v_indicator_runs"


class WarehouseView:
    """Cached reads for one digest run over one read-only connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: Config, settings: DigestSettings):
        self.con = con
        self.config = config
        self.settings = settings
        self._stats: dict[tuple[str, str], WeekStats] = {}
        self._alerts: dict[tuple[str, str], list[AlertItem]] = {}
        # The indicator run the numbers come from; None until indicators have been computed once.
        self.as_of: datetime | None = con.execute(LAST_RUN_SQL).fetchone()[0]
        self.lake_snapshot = current_snapshot(con).as_dict()
        self.attributions = attributions(con)

    @property
    def has_indicators(self) -> bool:
        return self.as_of is not None

    def sent(self, week: str) -> set[str]:
        """Recipients (lower-cased) whose digest for `week` was delivered."""
        return digest_log.sent_recipients(self.con, week)

    def previous_sent(self, recipient: str, week: str) -> str | None:
        return digest_log.previous_sent_week(self.con, recipient, week)

    def stats(self, region_id: str, week: str) -> WeekStats:
        key = (region_id, week)
        if key in self._stats:
            return self._stats[key]
        start = week_start(week)
        end = start + timedelta(days=6)
        st = WeekStats()
        rows = self.con.execute(DAILY_SQL, [region_id, start, end]).fetchall()
        if rows:
            idx = [r[2] for r in rows if r[2] is not None]
            known = [r for r in rows if r[3] is not None]  # the days whose event numbers are known

            def known_sum(i: int) -> int | None:
                return sum(r[i] or 0 for r in known) if known else None

            st = WeekStats(
                days=len(rows), event_days=len(known), unknown_days=len(rows) - len(known), events=known_sum(3),
                documents=sum(r[4] or 0 for r in rows),
                tension=(sum(idx) / len(idx)) if idx else None, tension_days=len(idx),
                dialogue_events=known_sum(5), dialogue_documents=sum(r[6] or 0 for r in rows),
                material_conflict=known_sum(7),
                no_coverage=(not any(r[5] for r in rows) and any(r[8] == "no coverage" for r in rows)
                             and not any(r[8] == "observed" for r in rows)),
                uncovered_days=sum(r[8] == "no coverage" for r in rows),
                observed_days=sum(r[8] == "observed" for r in rows))
        else:  # indicators not computed (yet) for these days: documents still tell whether there was data
            st.documents = self.con.execute(DOCS_WEEK_SQL, [region_id, start, end + timedelta(days=1)]).fetchone()[0]
        alerts = self.alerts(region_id, week)
        st.alerts = sum(a.days for a in alerts)
        st.alert_kinds = tuple(sorted({a.kind for a in alerts}))
        self._stats[key] = st
        return st

    def alerts(self, region_id: str, week: str) -> list[AlertItem]:
        """The week's alerts, one item per kind (a daily alert repeated 7 times is one line)."""
        key = (region_id, week)
        if key in self._alerts:
            return self._alerts[key]
        start = week_start(week)
        by_kind: dict[str, list[Alert]] = {}
        for a in read_alerts(self.con, start, start + timedelta(days=6), region_id, self.config.settings.raw_sharing):
            by_kind.setdefault(a.kind, []).append(a)
        out = [self._merge(same) for same in by_kind.values()]
        out.sort(key=lambda a: (SEVERITY_RANK.get(a.severity, 9), -a.last_day.toordinal(), a.kind))
        self._alerts[key] = out
        return out

    def _merge(self, alerts: list[Alert]) -> AlertItem:
        """One kind's daily alerts as one item: the most severe day's numbers (the smallest p-value among the
        days of the highest severity, then the latest), all days' evidence."""
        days = sorted(a.day for a in alerts)

        def p(a: Alert) -> float:
            value = a.values.get("p_value")
            return value if isinstance(value, (int, float)) else 1.0

        peak = min(alerts, key=lambda a: (SEVERITY_RANK.get(a.severity, 9), p(a), -a.day.toordinal()))
        # The peak day's evidence first, then the other days' (latest first) by rank, each report once.
        links: list[Link] = []
        seen: set[str] = set()
        for a in [peak] + sorted((a for a in alerts if a is not peak), key=lambda a: a.day, reverse=True):
            for e in a.evidence:
                ident = str(e.item_id or e.url or e.title)
                if ident not in seen:
                    seen.add(ident)
                    links.append(Link(title=e.title or e.url or "(untitled)", url=e.href, publisher=e.publisher,
                                      day=e.day, item_type=e.item_type, note=e.rerun_note))
        # the most severe day's corroboration, as its other values: the largest over the days was printed beside
        # the peak day's values and could not be found in that day's alert (a review of the demo's digest)
        publishers = (None if peak.kind == "dialogue-gap" else peak.corroboration
                      if isinstance(peak.corroboration, int)
                      else len({link.publisher for link in links if link.publisher}))
        window_from = min(a.day - timedelta(days=int(a.values.get("window_days") or 1) - 1) for a in alerts)
        return AlertItem(day=peak.day, kind=peak.kind, severity=peak.severity, triggers=peak.triggers,
                         evidence=_pick_evidence(links, self.settings.evidence_per_alert),
                         publishers=publishers, first_day=days[0], last_day=days[-1], days=len(days),
                         window_from=window_from)

    def stories(self, region: Region, week: str) -> list[Link]:
        """The week's top stories: each credited to the outlet that first published it when that outlet carried
        it this week, else to its first copy of the week (publisher, perspective, day), with the others that
        carried it; a story first published before the week says when and by whom, and ranks after the week's
        own stories (warehouse/sql/digest_stories.sql)."""
        start = week_start(week)
        rows = self.con.execute(sql("digest_stories.sql"), {"region": region.id, "start": start,
                                                            "end": start + timedelta(days=7)}).fetchall()
        copies: dict[str, list[_StoryCopy]] = {}
        for c in map(_StoryCopy._make, rows):  # ranked: a story's place is its best-ranked copy's
            copies.setdefault(c.story, []).append(c)
        week_start_at = datetime.combine(start, datetime.min.time())
        stories = []
        for same in copies.values():
            # the story's first publisher's copy when it carried the story this week, else the week's first copy
            first, *others = sorted(same, key=lambda c: (c.publisher is None or c.publisher != c.story_by,
                                                         c.published_at, c.doc_id))
            also = tuple(dict.fromkeys(c.publisher for c in sorted(others, key=lambda c: (c.published_at, c.doc_id))
                                       if c.publisher and c.publisher != first.publisher))
            older = (first.story_first.date(), first.story_by) if first.story_first < week_start_at else None
            stories.append(Link(title=first.title, url=safe_href(first.url), publisher=first.publisher,
                                day=first.published_at.date(), perspective=perspective_label(first.perspective,
                                                                                             self.config),
                                also=also, first=older))
        return pick_stories(stories, self.settings.top_stories)


def _pick_evidence(links: list[Link], n: int) -> list[Link]:
    """The top n by rank, preferring one report per publisher and per story (a wire story's second masthead is
    no second report), so that corroboration shows; rank order kept."""
    chosen: list[int] = []
    publishers: set[str | None] = set()
    stories: set[str] = set()
    for i, link in enumerate(links):
        story = story_key(link.title) if link.item_type in (None, "document") else ""
        if len(chosen) < n and link.publisher not in publishers and not (story and story in stories):
            chosen.append(i)
            publishers.add(link.publisher)
            stories.add(story)
    for i in range(len(links)):
        if len(chosen) >= n:
            break
        if i not in chosen:
            chosen.append(i)
    return [links[i] for i in sorted(chosen)]


class _StoryCopy(NamedTuple):
    """One row of warehouse/sql/digest_stories.sql: a copy of a story published in the digest's week."""

    doc_id: str
    title: str
    url: str | None
    publisher: str | None
    perspective: str | None
    published_at: datetime
    mentions: int
    story: str
    story_first: datetime  # when the story was first published about the region
    story_by: str | None  # by whom


def pick_stories(ranked: list[Link], n: int) -> list[Link]:
    """Top stories, one per perspective in turn, so at least two perspectives show when available; a story is
    its first copy's (WarehouseView.stories), so an outlet re-running another's story does not take its place."""
    seen_titles: set[str] = set()
    by_perspective: dict[str | None, list[Link]] = {}
    for link in ranked:
        key = link.title.strip().lower()
        if key in seen_titles:
            continue
        seen_titles.add(key)
        by_perspective.setdefault(link.perspective, []).append(link)
    out: list[Link] = []
    queues = list(by_perspective.values())
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def _changes(now: WeekStats, then: WeekStats, since: str, dyadic: bool = True) -> list[str]:
    """Plain-language differences against the week of the previous digest."""
    if not then.has_data and not now.has_data:
        return []
    if not then.has_data:
        return [f"nothing is known of {since} (no document, event numbers not known for one or more days)"
                if then.events_unknown else f"{since} had no data"]
    out = []
    if now.tension is not None and then.tension is not None:
        d = printed_change(now.tension, then.tension)
        word = "rose" if d >= FLAT else "fell" if d <= -FLAT else "held steady"
        out.append(f"tension index {word}: {half_up(then.tension, 1)} in {since} → {half_up(now.tension, 1)}")
    new_kinds = sorted(set(now.alert_kinds) - set(then.alert_kinds))
    gone_kinds = sorted(set(then.alert_kinds) - set(now.alert_kinds))
    if new_kinds:
        out.append("new alert types: " + ", ".join(new_kinds))
    if gone_kinds:
        out.append("no longer alerting: " + ", ".join(gone_kinds))
    if now.alerts != then.alerts:
        out.append(f"alert-days: {then.alerts} → {now.alerts}")

    # a sum over fewer known days, or a 0 on days without coverage, says so (WeekStats.dialogue_phrase)
    known = dyadic and (now.dialogue_events is not None or then.dialogue_events is not None)
    if known and (now.dialogue_phrase() != then.dialogue_phrase()):
        out.append(f"dialogue: {then.dialogue_phrase()} → {now.dialogue_phrase()} events, "
                   f"{then.dialogue_documents} → {now.dialogue_documents} documents")
    elif now.dialogue_documents != then.dialogue_documents:
        out.append(f"dialogue documents: {then.dialogue_documents} → {now.dialogue_documents}")
    if now.documents != then.documents:
        out.append(f"documents: {then.documents} → {now.documents}")
    if not out and not now.event_days and not then.event_days:
        return [f"no change in documents or alerts since {since}; the event numbers of both weeks are not known"]
    return out or [f"no notable change since {since}"]


def regions_for(sub: Subscriber, config: Config) -> list[Region]:
    if sub.regions == "all":
        return list(config.regions)
    by_id = {r.id: r for r in config.regions}
    return [by_id[r] for r in sub.regions]


def subject_for(settings: DigestSettings, week: str, regions: list[Region], name: str | None) -> str:
    names = [r.name for r in regions]
    label = ", ".join(names) if len(names) <= 3 else ", ".join(names[:3]) + f" +{len(names) - 3} more"
    return " ".join(settings.subject.format(week=week, regions=label, name=name or "").split())


def assemble(view: WarehouseView, settings: DigestSettings, sub: Subscriber, week: str,
             now: datetime | None = None) -> Digest:
    """Everything one message says, as data; rendering is separate."""
    config = view.config
    regions = regions_for(sub, config)
    prev = previous_week(week)
    sent = view.previous_sent(sub.email, week)
    since = sent or prev
    sections = []
    for region in regions:
        this, before, then = view.stats(region.id, week), view.stats(region.id, prev), view.stats(region.id, since)
        sections.append(Section(
            region_id=region.id, name=region.name, now=this, before=before,
            alerts=view.alerts(region.id, week)[: settings.alerts_per_region],
            stories=view.stories(region, week), changes=_changes(this, then, since, region.type == "dyadic"),
            since_week=since, since_sent=sent is not None, dyadic=region.type == "dyadic"))
    start = week_start(week)
    return Digest(week=week, start=start, end=start + timedelta(days=6), recipient=sub.email, name=sub.name,
                  sections=sections, subject=subject_for(settings, week, regions, sub.name),
                  dashboard_url=settings.dashboard_url, as_of=view.as_of,
                  generated_at=now or utc_now_naive().replace(microsecond=0),
                  indicators_available=view.has_indicators, unsubscribe=settings.unsubscribe_for(sub.email),
                  lake_snapshot=view.lake_snapshot, attributions=view.attributions)

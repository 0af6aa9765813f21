"""Weekly email digest: per subscriber, a short sourced account of the regions they follow.

Reads the warehouse (v_region_daily, v_alerts and their evidence, documents) over a
read-only connection, renders text + HTML with jinja2 (HTML autoescaped: feed text
is untrusted), then either writes `.eml`/`.html` files under `<data>/digests/<week>/`
or delivers over SMTP. Delivery is idempotent through `digest_log`, the only table
the digest writes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator

from extractors.text import safe_href
from tracktwo.config import Config, ConfigError, Region
from warehouse.db import utcnow

log = logging.getLogger("tracktwo.digest")

CONFIG_FILE = "digest.yaml"
TEMPLATES = Path(__file__).parent / "templates"
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
FLAT = 0.5  # index points below which a change shows as flat

# ---------------------------------------------------------------- config


class Subscriber(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    name: str | None = None
    regions: list[str] | Literal["all"] = "all"

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip()
        if not EMAIL_RE.match(v):
            raise ValueError("not an email address")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and ("\n" in v or "\r" in v):
            raise ValueError("must be one line")
        return v


class DigestSettings(BaseModel):
    """config/digest.yaml."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: str = Field(alias="from")
    dashboard_url: str | None = None
    subject: str = "tracktwo weekly digest {week}: {regions}"
    # List-Unsubscribe targets; {email} is replaced by the URL-encoded recipient.
    unsubscribe: list[str] = []
    top_stories: int = Field(4, ge=1, le=20)
    evidence_per_alert: int = Field(3, ge=1, le=20)
    alerts_per_region: int = Field(5, ge=1, le=50)
    subscribers: list[Subscriber]

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        if not EMAIL_RE.match(parseaddr(v)[1]) or "\n" in v:
            raise ValueError("must be an address such as 'tracktwo <digest@example.org>'")
        return v

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard(cls, v: str | None) -> str | None:
        if v and not re.match(r"^https?://\S+$", v):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("unsubscribe")
    @classmethod
    def _unsub(cls, v: list[str]) -> list[str]:
        for u in v:
            if not re.match(r"^(mailto:|https://)\S+$", u):
                raise ValueError(f"{u!r}: must be a mailto: or https:// URL")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        try:
            v.format(week="2026-W01", regions="x", name="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"unknown placeholder {exc}; use {{week}}, {{regions}}, {{name}}") from None
        return v

    def unsubscribe_for(self, email: str) -> list[str]:
        targets = self.unsubscribe or [f"mailto:{parseaddr(self.sender)[1]}?subject=unsubscribe%20{{email}}"]
        return [u.replace("{email}", quote(email, safe="@")) for u in targets]


def load_settings(config: Config) -> DigestSettings:
    path = config.path(CONFIG_FILE)
    if not path.exists():
        raise ConfigError(f"{path}: file not found (the digest needs subscribers, a sender and a subject)")
    settings = config.settings_file(CONFIG_FILE, DigestSettings, "subscribers", required=True)
    known = {r.id for r in config.regions}
    seen: set[str] = set()
    for i, s in enumerate(settings.subscribers):
        if s.email.lower() in seen:
            raise ConfigError(f"{path}: subscribers[{i}] ({s.email}): listed twice; give one entry per address")
        seen.add(s.email.lower())
        if s.regions != "all":
            bad = [r for r in s.regions if r not in known]
            if bad:
                raise ConfigError(f"{path}: subscribers[{i}] ({s.email}) field 'regions': unknown region ids {bad}; "
                                  f"known: {sorted(known)} or 'all'")
    return settings


# ---------------------------------------------------------------- weeks


def parse_week(text: str) -> str:
    """'2026-W47' (validated, normalised)."""
    m = WEEK_RE.match(text.strip())
    if not m:
        raise ConfigError(f"--week {text!r}: expected an ISO week such as 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ConfigError(f"--week {text!r}: {year} has no week {week}") from None
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    year, num = (int(x) for x in WEEK_RE.match(week).groups())
    return date.fromisocalendar(year, num, 1)


def week_of(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def last_complete_week(today: date | None = None) -> str:
    """The ISO week that ended on the most recent Sunday (UTC)."""
    today = today or utcnow().date()
    return week_of(today - timedelta(days=today.isoweekday()))


def previous_week(week: str) -> str:
    return week_of(week_start(week) - timedelta(days=7))


# ---------------------------------------------------------------- content


@dataclass
class Link:
    title: str
    url: str | None  # only http(s); None renders the title without a link
    publisher: str | None
    day: date | None
    perspective: str | None = None


@dataclass
class AlertItem:
    """One kind of alert over the week: the daily alerts of that kind, merged."""

    day: date  # the most severe (then latest) day; its values are the triggers shown
    kind: str
    severity: str
    triggers: list[tuple[str, str]]
    evidence: list[Link]
    publishers: int  # independent publishers behind the evidence (corroboration), at most on one day
    first_day: date | None = None
    last_day: date | None = None
    days: int = 1


@dataclass
class WeekStats:
    days: int = 0
    events: int = 0
    documents: int = 0
    tension: float | None = None  # mean of the daily index over the week
    dialogue_events: int = 0
    dialogue_documents: int = 0
    material_conflict: int = 0
    alerts: int = 0  # alert-days (one kind on one day)
    alert_kinds: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return self.events > 0 or self.documents > 0


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

    @property
    def has_data(self) -> bool:
        return self.now.has_data

    @property
    def delta(self) -> float | None:
        if self.now.tension is None or self.before.tension is None:
            return None
        return self.now.tension - self.before.tension

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
    unsubscribe: list[str]

    @property
    def has_data(self) -> bool:
        return any(s.has_data for s in self.sections)

    @property
    def active(self) -> list[Section]:
        return [s for s in self.sections if s.has_data]

    @property
    def quiet(self) -> list[Section]:
        """Regions without data this week: one line, so an `all` subscription stays short."""
        return [s for s in self.sections if not s.has_data]


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
SELECT region_id, day, tension_index, events_total, documents, dialogue_events, dialogue_documents, material_conflict
FROM v_region_daily
WHERE region_id = ? AND day BETWEEN ? AND ?
ORDER BY day
"""
ALERTS_SQL = """
SELECT * FROM v_alerts WHERE region_id = ? AND day BETWEEN ? AND ? ORDER BY day DESC
"""
STORIES_SQL = """
SELECT d.doc_id, d.title, d.url, d.publisher, coalesce(d.perspective, s.perspective) AS perspective,
       d.published_at, sum(p.mentions) AS mentions
FROM documents d
JOIN document_places p ON p.doc_id = d.doc_id AND p.place_type = 'region' AND p.place_id = ?
LEFT JOIN sources s ON s.source_id = d.source_id
WHERE d.published_at >= ? AND d.published_at < ? AND d.title IS NOT NULL
GROUP BY ALL
ORDER BY mentions DESC, d.published_at DESC, d.doc_id
LIMIT 200
"""
DOCS_WEEK_SQL = """
SELECT count(DISTINCT d.doc_id)
FROM documents d JOIN document_places p ON p.doc_id = d.doc_id AND p.place_type = 'region' AND p.place_id = ?
WHERE d.published_at >= ? AND d.published_at < ?
"""
OBJECTS_SQL = "SELECT table_name FROM information_schema.tables"
PREVIOUS_SENT_SQL = """
SELECT max(week) FROM digest_log WHERE recipient = ? AND status = 'sent' AND week < ?
"""
SENT_SQL = "SELECT DISTINCT recipient FROM digest_log WHERE week = ? AND status = 'sent'"
LOG_SQL = """
INSERT INTO digest_log (week, recipient, message_id, status, error, regions, subject, resend, sent_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


class WarehouseView:
    """Cached reads for one digest run over one read-only connection."""

    def __init__(self, con, config: Config, settings: DigestSettings):
        self.con = con
        self.config = config
        self.settings = settings
        self.objects = {r[0] for r in con.execute(OBJECTS_SQL).fetchall()}
        self.has_indicators = "v_region_daily" in self.objects
        self.has_alerts = "v_alerts" in self.objects
        self._stats: dict[tuple[str, str], WeekStats] = {}
        self._alerts: dict[tuple[str, str], list[AlertItem]] = {}
        self.as_of: datetime | None = (con.execute("SELECT max(as_of) FROM v_region_daily").fetchone()[0]
                                       if self.has_indicators else None)

    def sent(self, week: str) -> set[str]:
        """Recipients (lower-cased) whose digest for `week` was delivered."""
        if "digest_log" not in self.objects:
            return set()
        return {r[0] for r in self.con.execute(SENT_SQL, [week]).fetchall()}

    def previous_sent(self, recipient: str, week: str) -> str | None:
        if "digest_log" not in self.objects:
            return None
        return self.con.execute(PREVIOUS_SENT_SQL, [recipient.lower(), week]).fetchone()[0]

    def stats(self, region_id: str, week: str) -> WeekStats:
        key = (region_id, week)
        if key in self._stats:
            return self._stats[key]
        start = week_start(week)
        end = start + timedelta(days=6)
        st = WeekStats()
        if self.has_indicators:
            rows = self.con.execute(DAILY_SQL, [region_id, start, end]).fetchall()
            if rows:
                idx = [r[2] for r in rows if r[2] is not None]
                st = WeekStats(
                    days=len(rows), events=sum(r[3] or 0 for r in rows), documents=sum(r[4] or 0 for r in rows),
                    tension=(sum(idx) / len(idx)) if idx else None,
                    dialogue_events=sum(r[5] or 0 for r in rows), dialogue_documents=sum(r[6] or 0 for r in rows),
                    material_conflict=sum(r[7] or 0 for r in rows))
        if st.days == 0:  # indicators not computed (yet) for these days: documents still tell whether there was data
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
        by_kind: dict[str, list[dict[str, Any]]] = {}
        if self.has_alerts:
            start = week_start(week)
            cur = self.con.execute(ALERTS_SQL, [region_id, start, start + timedelta(days=6)])
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                r = dict(zip(cols, row))
                by_kind.setdefault(str(r["kind"]), []).append(r)
        out = [self._alert(rows) for rows in by_kind.values()]
        out.sort(key=lambda a: (_SEVERITY.get(a.severity, 9), -a.last_day.toordinal(), a.kind))
        self._alerts[key] = out
        return out

    def _alert(self, rows: list[dict[str, Any]]) -> AlertItem:
        days = sorted(_as_date(r["day"]) for r in rows)
        peak = min(rows, key=lambda r: (_SEVERITY.get(str(r.get("severity")), 9), -_as_date(r["day"]).toordinal()))
        # v_alerts.evidence: LIST of STRUCT(rank, item_type, item_id, url, publisher, day, title, score), ranked.
        # Across days: the peak day's evidence first, then the others by rank, each report once.
        evidence: list[dict[str, Any]] = []
        seen: set[str] = set()
        ordered = [peak] + sorted((r for r in rows if r is not peak), key=lambda r: _as_date(r["day"]), reverse=True)
        for r in ordered:
            for e in sorted((e for e in (r.get("evidence") or []) if isinstance(e, dict)),
                            key=lambda e: e.get("rank") or 0):
                ident = str(e.get("item_id") or e.get("url") or e.get("title"))
                if ident not in seen:
                    seen.add(ident)
                    evidence.append(e)
        links = [Link(title=e.get("title") or e.get("url") or "(untitled)", url=safe_href(e.get("url")),
                      publisher=e.get("publisher"), day=_as_date(e.get("day"))) for e in evidence]
        corroboration = [r["corroboration"] for r in rows if isinstance(r.get("corroboration"), int)]
        publishers = max(corroboration) if corroboration else len({e.get("publisher") for e in evidence if e.get("publisher")})
        return AlertItem(day=_as_date(peak["day"]), kind=str(peak["kind"]), severity=str(peak.get("severity") or ""),
                         triggers=_triggers(peak), evidence=_pick_evidence(links, self.settings.evidence_per_alert),
                         publishers=publishers, first_day=days[0], last_day=days[-1], days=len(days))

    def stories(self, region: Region, week: str) -> list[Link]:
        start = week_start(week)
        rows = self.con.execute(STORIES_SQL, [region.id, start, start + timedelta(days=7)]).fetchall()
        return pick_stories(
            [Link(title=r[1], url=safe_href(r[2]), publisher=r[3], day=_as_date(r[5]),
                  perspective=perspective_label(r[4], self.config)) for r in rows],
            self.settings.top_stories)


_SEVERITY = {"high": 0, "critical": 0, "medium": 1, "warning": 1, "low": 2, "info": 3}
# v_alerts columns shown as "what triggered it", in this order, when present and not NULL.
_TRIGGER_COLUMNS = [("trigger", "rule"), ("trigger_value", "value"), ("threshold", "threshold"),
                    ("tension_index", "tension index"), ("material_conflict", "material conflict"),
                    ("dialogue_activity", "dialogue activity"), ("dialogue_baseline_low", "dialogue baseline low")]
_ALERT_SKIP = {"region_id", "day", "kind", "severity", "evidence", "alert_id", "as_of", "computed_at", "region_name",
               "status", "corroboration", "evidence_count", "evidence_hash"}


def _as_date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return None


def _fmt_value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _triggers(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The values that triggered an alert: the known trigger columns, else any other scalar column."""
    known = [(label, _fmt_value(row[col])) for col, label in _TRIGGER_COLUMNS if row.get(col) is not None]
    if known:
        return known
    out = []
    for k, v in row.items():
        if k in _ALERT_SKIP or v is None or isinstance(v, bool) or not isinstance(v, (int, float, str)):
            continue
        out.append((k.replace("_", " "), _fmt_value(v)))
    return out[:6]


def _pick_evidence(links: list[Link], n: int) -> list[Link]:
    """The top n by rank, preferring one report per publisher so that corroboration shows; rank order kept."""
    chosen: list[int] = []
    publishers: set[str | None] = set()
    for i, link in enumerate(links):
        if len(chosen) < n and link.publisher not in publishers:
            chosen.append(i)
            publishers.add(link.publisher)
    for i in range(len(links)):
        if len(chosen) >= n:
            break
        if i not in chosen:
            chosen.append(i)
    return [links[i] for i in sorted(chosen)]


def pick_stories(ranked: list[Link], n: int) -> list[Link]:
    """Top stories, one per perspective in turn, so at least two perspectives show when available."""
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


def _changes(now: WeekStats, then: WeekStats, since: str) -> list[str]:
    """Plain-language differences against the week of the previous digest."""
    if not then.has_data and not now.has_data:
        return []
    if not then.has_data:
        return [f"first week with data since {since}"]
    out = []
    if now.tension is not None and then.tension is not None:
        d = now.tension - then.tension
        word = "rose" if d >= FLAT else "fell" if d <= -FLAT else "held steady"
        out.append(f"tension index {word}: {then.tension:.1f} in {since} → {now.tension:.1f}")
    new_kinds = sorted(set(now.alert_kinds) - set(then.alert_kinds))
    gone_kinds = sorted(set(then.alert_kinds) - set(now.alert_kinds))
    if new_kinds:
        out.append("new alert types: " + ", ".join(new_kinds))
    if gone_kinds:
        out.append("no longer alerting: " + ", ".join(gone_kinds))
    if now.alerts != then.alerts:
        out.append(f"alert-days: {then.alerts} → {now.alerts}")
    if now.dialogue_events != then.dialogue_events or now.dialogue_documents != then.dialogue_documents:
        out.append(f"dialogue: {then.dialogue_events} → {now.dialogue_events} events, "
                   f"{then.dialogue_documents} → {now.dialogue_documents} documents")
    if now.documents != then.documents:
        out.append(f"documents: {then.documents} → {now.documents}")
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
    since = view.previous_sent(sub.email, week) or prev
    sections = []
    for region in regions:
        this, before, then = view.stats(region.id, week), view.stats(region.id, prev), view.stats(region.id, since)
        sections.append(Section(
            region_id=region.id, name=region.name, now=this, before=before,
            alerts=view.alerts(region.id, week)[: settings.alerts_per_region],
            stories=view.stories(region, week), changes=_changes(this, then, since), since_week=since))
    start = week_start(week)
    return Digest(week=week, start=start, end=start + timedelta(days=6), recipient=sub.email, name=sub.name,
                  sections=sections, subject=subject_for(settings, week, regions, sub.name),
                  dashboard_url=settings.dashboard_url, as_of=view.as_of,
                  generated_at=now or utcnow().replace(microsecond=0),
                  indicators_available=view.has_indicators, unsubscribe=settings.unsubscribe_for(sub.email))


# ---------------------------------------------------------------- rendering


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = lambda v, nd=1: "n/a" if v is None else f"{v:.{nd}f}"
    env.filters["signed"] = lambda v: "n/a" if v is None else f"{v:+.1f}"
    env.filters["day"] = lambda d: d.strftime("%a %d %b %Y") if d else "undated"
    return env


def render(digest: Digest) -> tuple[str, str]:
    """(plain text, HTML)."""
    env = _env()
    return (env.get_template("digest_email.txt.j2").render(d=digest),
            env.get_template("digest_email.html.j2").render(d=digest))


def build(digest: Digest, settings: DigestSettings) -> EmailMessage:
    from reports.mail import build_message

    text, html = render(digest)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2]
    return build_message(subject=digest.subject, sender=settings.sender, to_email=digest.recipient,
                         to_name=digest.name, text=text, html=html, unsubscribe=digest.unsubscribe,
                         message_id=make_msgid(idstring=f"digest.{digest.week}", domain=domain))


# ---------------------------------------------------------------- running


def _file_stem(email: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", email.lower())


def write_files(out_dir: Path, digest: Digest, msg: EmailMessage) -> Path:
    """`<stem>.eml` (exactly the message) and `<stem>.html` (its HTML part, for a browser)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(digest.recipient)
    eml = out_dir / f"{stem}.eml"
    eml.write_bytes(msg.as_bytes())
    html = msg.get_body(preferencelist=("html",))
    (out_dir / f"{stem}.html").write_text(html.get_content() if html else "", encoding="utf-8")
    return eml


def select_subscribers(settings: DigestSettings, to: str | None) -> list[Subscriber]:
    """All subscribers, or the one with that address; an address not subscribed gets all regions (a preview)."""
    if not to:
        return list(settings.subscribers)
    match = [s for s in settings.subscribers if s.email.lower() == to.strip().lower()]
    return match or [Subscriber(email=to, regions="all")]


def run_weekly(config: Config, week: str | None = None, send: bool = False, to: str | None = None,
               resend: bool = False, on_result=None) -> dict[str, Any]:
    """Assemble every subscriber's digest for `week` (default the last complete one); write or send it.

    Returns a summary: week, mode, messages, files, sent, skipped (already sent), failed
    ([{recipient, error}]), no_data (recipients whose week had no data).
    """
    from warehouse.db import reader, writer

    settings = load_settings(config)
    week = parse_week(week) if week else last_complete_week(utcnow().date())
    subscribers = select_subscribers(settings, to)
    smtp = None
    path = config.settings.warehouse_path
    if send:
        from reports.mail import resolve_smtp

        smtp = resolve_smtp()

    with reader(path) as con:  # WarehouseMissing here, before anything is written or sent
        view = WarehouseView(con, config, settings)
        digests = [assemble(view, settings, s, week) for s in subscribers]
        already = view.sent(week) if send else set()

    out_dir = config.settings.data_dir / "digests" / week
    summary: dict[str, Any] = {"week": week, "mode": "send" if send else "files", "messages": 0, "files": [],
                               "sent": [], "skipped": [], "failed": [],
                               "no_data": [d.recipient for d in digests if not d.has_data]}
    pending = []
    for d in digests:
        if send and not resend and d.recipient.lower() in already:
            summary["skipped"].append(d.recipient)
            _report(on_result, d.recipient, "skipped", "already sent for this week (use --resend)")
            continue
        msg = build(d, settings)
        summary["files"].append(str(write_files(out_dir, d, msg)))
        summary["messages"] += 1
        pending.append((d, msg))
        if not send:
            _report(on_result, d.recipient, "written", summary["files"][-1])

    if send and pending:
        from reports.mail import Mailer

        log.info("sending %d digest(s) for %s via %s:%s (%s)", len(pending), week, smtp.host, smtp.port, smtp.origin)
        with Mailer(smtp) as mailer:
            for d, msg in pending:
                result = mailer.send(msg, d.recipient)
                with writer(path) as con:
                    con.execute(LOG_SQL, [week, d.recipient.lower(), str(msg["Message-ID"]),
                                          "sent" if result.ok else "failed", result.error,
                                          [s.region_id for s in d.sections], d.subject, resend, utcnow()])
                if result.ok:
                    summary["sent"].append(d.recipient)
                    _report(on_result, d.recipient, "sent", str(msg["Message-ID"]))
                else:
                    summary["failed"].append({"recipient": d.recipient, "error": result.error})
                    log.warning("digest to %s refused: %s", d.recipient, result.error)
                    _report(on_result, d.recipient, "failed", result.error or "")
    return summary


def _report(cb, recipient: str, status: str, detail: str) -> None:
    if cb is not None:
        cb(recipient, status, detail)

"""The static dashboard: index.html, one page per region and methodology.html.

Pages are self-contained (CSS inlined, charts as inline SVG, no JavaScript, a
Content-Security-Policy that forbids any remote load), so the site opens from
file:// with no network and prints on A4. Feed text only ever reaches the page
through jinja2 autoescaping, and only http(s) URLs become links.

Optional settings in config/dashboard.yaml: window_days (chart and sparkline
span, default 90), active_days (what counts as recent/active, default 7),
latest_documents (per region page, default 15) and counted_incidents (the
active window's counted incidents listed per region page, default 50).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from extractors.text import safe_href
from reports import svg
from reports.alerts import SEVERITY_RANK
from reports.dashboard_data import CURATED_SERIES, RegionData, Snapshot, read_snapshot
from tracktwo.core.config import Config
from warehouse.status import SourceStatus

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
CSS = HERE / "static" / "dashboard.css"
METHODOLOGY_MD = HERE / "methodology.md"  # package data: the page must not depend on a checkout
SETTINGS_FILE = "dashboard.yaml"
# shaded zone of the index chart: 5 conflict incidents a day at a conflict share of 1 is 100 x (0.7 x 5/10 + 0.3) =
# 65 from the news alone; the index is the larger of that and the level with fatalities, so deaths only raise it
HIGH_BAND = 65.0


class DashboardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(90, ge=7, le=3660)
    active_days: int = Field(7, ge=1, le=90)
    latest_documents: int = Field(15, ge=0, le=500)
    counted_incidents: int = Field(50, ge=1, le=1000)


def load_settings(config: Config) -> DashboardSettings:
    return config.settings_file(SETTINGS_FILE, DashboardSettings)


# ---- formatting filters (all return plain text; jinja2 escapes it) ----

def _num(v: Any, digits: int = 1) -> str:
    return svg.fmt(v, digits)


def _idx(v: Any) -> str:
    """The tension index, always with one decimal (0.0 to 100.0)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{svg.half_up(v, 1)}"


def _pct(v: Any) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{svg.half_up(100 * float(v), 0)}%"


def _exact(v: datetime | None) -> str:
    """An as-of time to the microsecond, as a SQL literal: pasted into region_daily_as_of(...) or
    alerts_as_of(...), it returns exactly what the page shows (a time rounded to the minute would not)."""
    return "–" if v is None else f"TIMESTAMP '{v.isoformat(sep=' ')}'"


def _utc(v: datetime | date | None) -> str:
    if v is None:
        return "–"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M UTC")
    return v.isoformat()


def _label(name: str) -> str:
    return name.replace("_chg7", " 7-day change").replace("_z", " z").replace("_", " ")


def environment() -> Environment:
    """jinja2 with autoescape ON for every template (the .j2 suffix would defeat select_autoescape)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(num=_num, idx=_idx, pct=_pct, utc=_utc, exact=_exact, label=_label, href=safe_href)
    return env


# ---- methodology: reports/methodology.md rendered without raw HTML, images or non-http(s) links ----

_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_SAFE_LINK = re.compile(r"^(https?://|#)", re.IGNORECASE)


def _unlink(children: list) -> list:
    """Drop link tokens whose target is not http(s) or an anchor (e.g. a repo-relative .md), keeping the text."""
    out, dropping = [], []
    for t in children:
        if t.type == "link_open":
            keep = bool(_SAFE_LINK.match(str(t.attrs.get("href", ""))))
            dropping.append(not keep)
            if keep:
                out.append(t)
        elif t.type == "link_close":
            if not (dropping.pop() if dropping else False):
                out.append(t)
        else:
            out.append(t)
    return out


def render_markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML disabled (shown as text), no images, http(s)/#anchor links only."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.disable("image")
    # Any other scheme (javascript:, data:, ...) stays literal text; relative links lose their link below.
    md.validateLink = lambda url: not _SCHEME.match(url) or bool(_SAFE_LINK.match(url.strip()))
    tokens = md.parse(text)
    for t in tokens:
        if t.type in ("heading_open", "heading_close"):  # the page has its own h1/h2: shift one level down
            t.tag = f"h{min(int(t.tag[1]) + 1, 6)}"
        if t.type == "inline" and t.children:
            t.children = _unlink(t.children)
    return Markup(md.renderer.render(tokens, md.options, {}))


def methodology_html(path: Path = METHODOLOGY_MD) -> Markup:
    """The methodology page's body (a missing file is an installation error, not an empty page)."""
    return render_markdown(path.read_text(encoding="utf-8"))


# ---- per-region view model ----

@dataclass
class Dialogue:
    status: str  # gap | active | none
    text: str


@dataclass(frozen=True)
class AlertBadge:
    kind: str
    severity: str  # the highest among the kind's active alerts
    count: int
    latest: date
    corroboration: int | None  # the most independent publishers behind one of those alerts; None: a dialogue-gap
    varies: bool = False  # the alerts' corroboration differs from day to day: the badge says "up to" the most


@dataclass
class RegionView:
    data: RegionData
    page: str
    spark: Markup
    change_text: str
    change_class: str
    dialogue: Dialogue
    badges: list[AlertBadge]
    spark_range: str = ""  # the sparkline's scale, printed beside it
    voices: list = ()  # balance(): who reported on the region recently


def _badges(d: RegionData) -> list[AlertBadge]:
    """One badge per alert kind among the active alerts: highest severity, how many days, the latest day."""
    out = []
    for kind in sorted({a.kind for a in d.active_alerts}):
        same = [a for a in d.active_alerts if a.kind == kind]
        sev = min((a.severity for a in same), key=lambda s: SEVERITY_RANK.get(s, 9))
        counts = {a.corroboration or 0 for a in same}
        out.append(AlertBadge(kind, sev, len(same), max(a.day for a in same),
                              None if kind == "dialogue-gap" else max(counts), varies=len(counts) > 1))
    return sorted(out, key=lambda b: (SEVERITY_RANK.get(b.severity, 9), b.kind))


def _change(d: RegionData) -> tuple[str, str]:
    """tension_change: conflict incidents of the week against the week before, in percent (smoothed)."""
    c = d.tension_change
    if c is None:
        return "–", "flat"
    r = svg.half_up(c, 0)  # as printed: 0.5 is +1 %, never "+0 %"
    if not r:
        return "±0 %", "flat"
    return (f"▲ +{r} %", "up") if r > 0 else (f"▼ −{abs(r)} %", "down")


def _paren(qualifier: str) -> str:
    return f" ({qualifier})" if qualifier else ""


def _dialogue(d: RegionData, days: int) -> Dialogue:
    """The front page's dialogue label over the last `days` days. Whether a 0 is an observed absence or "cannot
    tell" is decided over the window, as the digest does: a dyad not observable on any of its days ("no coverage"
    on each day whose coverage is known) has "no coverage of events"; observable on some days only, its 0 says on
    how many. An internal region has no sides, so only its documents on talks."""
    docs = int(d.window_sum("dialogue_documents", days) or 0)
    if d.region.type != "dyadic":
        return Dialogue("active", f"active: {svg.plural(docs, 'document')} on talks") if docs else \
            Dialogue("none", f"no documents on talks in {days} days")
    ev_sum = d.window_sum("dialogue_events", days)
    ev = int(ev_sum or 0)
    known = d.known_days("dialogue_events", days)
    cov = (d.series.get("coverage") or [])[-days:]
    observed, uncovered = sum(c == "observed" for c in cov), sum(c == "no coverage" for c in cov)
    # events of the days whose numbers are known (a partial or missing day's are not): said when not all are
    note = f"{known} of {days} days known" if known < days else ""
    no_cov = ev_sum is not None and not ev and uncovered > 0 and not observed  # a 0 there is "cannot tell"
    qual = "; ".join(q for q in (f"observable on {observed} of {days} days" if not ev and uncovered else "", note)
                     if q)
    if ev_sum is None:
        events = "events not known"
    elif no_cov:
        events = "no coverage of events" + _paren(note)
    else:
        events = svg.plural(ev, "event") + _paren(qual)
    counts = f"{events}, {svg.plural(docs, 'document')}"
    if any(a.kind == "dialogue-gap" for a in d.active_alerts):
        return Dialogue("gap", f"gap: {counts}")
    if any(a.kind == "dialogue-opening" for a in d.active_alerts):
        return Dialogue("active", f"opening: {counts}")
    if ev or docs:  # contacts were seen, whatever the baseline could tell
        return Dialogue("active", f"active: {counts}")
    if ev_sum is None:
        return Dialogue("none", f"not known: {counts}")
    if no_cov:  # "none" would claim an absence
        return Dialogue("none", counts)
    return Dialogue("none", f"none in {days} days{_paren(qual)}")


def region_view(d: RegionData, active_days: int) -> RegionView:
    text, cls = _change(d)
    lo, hi = spark_range(d.series.get("tension_index") or [])
    spark = svg.sparkline(d.series.get("tension_index") or [], uid=f"spark-{d.slug}", lo=lo, hi=hi, days=d.days,
                          title=f"{d.region.name}: tension index, last {len(d.days)} days, {lo:.0f} to {hi:.0f}")
    return RegionView(d, f"region-{d.slug}.html", spark, text, cls, _dialogue(d, active_days), _badges(d),
                      f"{lo:.0f}–{hi:.0f}", balance(d))


SPARK_MIN_SPAN = 10.0  # index points: a flat series is not stretched into noise


def spark_range(values: list) -> tuple[float, float]:
    """Each region's sparkline spans its own range over the window (at least 10 index points, within 0-100), so
    its movement shows; the range is printed beside it."""
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not vals:
        return 0.0, 100.0
    lo, hi = math.floor(min(vals)), math.ceil(max(vals))
    if hi - lo < SPARK_MIN_SPAN:  # widen around the middle, shifted back inside 0-100 (never narrowed by it)
        lo = min(max(0.0, (hi + lo) / 2 - SPARK_MIN_SPAN / 2), 100.0 - SPARK_MIN_SPAN)
        hi = lo + SPARK_MIN_SPAN
    return math.floor(lo), math.ceil(hi)


@dataclass(frozen=True)
class Voice:
    label: str  # e.g. "Russia", "Ukraine", "UN", "international"
    documents: int
    configured: bool  # a configured source carries this perspective
    warning: str | None


def balance(d: RegionData) -> list[Voice]:
    """Who reported on the region in the recent window: each side's own outlets (dyadic regions), the UN, the
    rest; a side whose outlets are silent, or that has no outlet configured at all, is called out."""
    by = d.perspectives
    out = []
    if d.region.type == "dyadic":
        for side in d.region.sides:
            n = sum(by.get(c, 0) for c in side.countries)
            configured = any(c in d.configured_perspectives for c in side.countries)
            warning = None if n else (f"no outlet of {side.name} is configured" if not configured
                                      else f"{side.name}'s outlets published nothing about it")
            out.append(Voice(side.name, n, configured, warning))
    sides = {c for side in d.region.sides for c in side.countries}
    out.append(Voice("UN", by.get("un", 0), "un" in d.configured_perspectives, None))
    out.append(Voice("international and others", sum(v for k, v in by.items() if k != "un" and k not in sides),
                     True, None))
    return out


def _sum(*cols: list) -> list[float | None]:
    """Day by day, the sum; None on a day one of its parts is unknown (a partial day's dialogue activity is not
    its documents alone, as v_region_daily.dialogue_activity is NULL then)."""
    return [None if any(v is None for v in vals) else sum(float(v) for v in vals) for vals in zip(*cols)]


def region_charts(d: RegionData) -> dict[str, Markup]:
    s, days, name = d.series, d.days, d.region.name
    zeros = [0] * len(days)
    ok = svg.OKABE_ITO
    quad = [svg.Series(label, s.get(col) or zeros, svg.QUAD_COLOURS[col]) for col, label in (
        ("verbal_coop", "verbal cooperation"), ("material_coop", "material cooperation"),
        ("verbal_conflict", "verbal conflict"), ("material_conflict", "material conflict"))]
    return {
        "index": svg.line_chart(days, [svg.Series("tension index", s.get("tension_index") or zeros, ok["vermillion"])],
                                uid="c-index", title=f"{name}: tension index", y_min=0, y_max=100,
                                bands=[(HIGH_BAND, 100, ok["vermillion"])]),
        "quad": svg.stacked_bars(days, quad, uid="c-quad", title=f"{name}: events per day by quad class"),
        "tone": svg.dual_chart(days, svg.Series("Goldstein", s.get("goldstein_mean") or [None] * len(days),
                                                ok["blue"]),
                               svg.Series("tone", s.get("tone_mean") or [None] * len(days), ok["orange"], dash="6 3"),
                               uid="c-tone", title=f"{name}: mean Goldstein scale and tone",
                               left_range=(-10, 10)),
        "dialogue": svg.dual_chart(
            days, svg.Series("conflict events", _sum(s.get("verbal_conflict") or zeros,
                                                     s.get("material_conflict") or zeros), ok["vermillion"]),
            svg.Series("dialogue activity", _sum(s.get("dialogue_events") or zeros,
                                                 s.get("dialogue_documents") or zeros), ok["bluish_green"], dash="6 3"),
            uid="c-dialogue", title=f"{name}: dialogue activity against conflict events",
            left_range=(0, None), right_range=(0, None)),
    }


def map_places(d: RegionData) -> list[svg.Place]:
    """The region's event places of the active window, and its active alerts at their busiest place."""
    places = [svg.Place(lat, lon, n, f"{d.region.name}: {n} event{'s' if n != 1 else ''} at {name or 'an unnamed place'}")
              for lat, lon, n, name in d.places]
    if d.active_alerts and d.places:
        lat, lon, _, name = max(d.places, key=lambda p: p[2])
        kinds = ", ".join(sorted({a.kind for a in d.active_alerts}))
        places.append(svg.Place(lat, lon, 0, f"{d.region.name}: active alert ({kinds}), centred on {name}", alert=True))
    return places


def region_box(d: RegionData) -> tuple[float, float, float, float] | None:
    """The map's crop for a region: its event places with a margin of 8 degrees (None: the world)."""
    if not d.places:
        return None
    lats, lons = [p[0] for p in d.places], [p[1] for p in d.places]
    south, north, west, east = min(lats) - 8, max(lats) + 8, min(lons) - 8, max(lons) + 8
    if north - south < 24:  # at least 24 degrees tall, and twice as wide as tall (a page-wide strip)
        mid = (north + south) / 2
        south, north = mid - 12, mid + 12
    if east - west < 2 * (north - south):
        mid = (east + west) / 2
        west, east = mid - (north - south), mid + (north - south)
    return (max(-60, south), min(85, north), max(-180, west), min(180, east))


def _recent(d: RegionData, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(len(d.days) - 1, max(len(d.days) - 1 - n, -1), -1):
        row = {c: v[i] for c, v in d.series.items()}
        row["day"] = d.days[i]
        for c in ("tension_index", "events_total", "material_conflict", "conflict_share", "goldstein_mean",
                  "tone_mean", "documents", "publishers", "dialogue_events", "dialogue_documents"):
            row.setdefault(c, None)
        if not row["events_total"]:  # no events: the share is 0 of 0, unknown ("–"), not 0 %
            row["conflict_share"] = None
        out.append(row)
    return out


# ---- writing ----

def _write(path: Path, text: str) -> None:
    """Write next to the target and rename, so a web server never serves half a page."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stored_copy_href(data_dir: Path | None, site_dir: Path | None) -> Callable[[str | None], str | None]:
    """Evidence's "stored copy" link: the landed file's path relative to the site, URL-quoted; None when no
    data folder is given, the file is not there (pruned, or on other storage), or the path is not a plain
    relative one under landing/ (it is our own path, but a page never links anywhere else)."""
    root = Path(os.path.relpath(data_dir.resolve(), site_dir.resolve())).as_posix() if data_dir and site_dir else None

    def href(landing_file: str | None) -> str | None:
        if root is None or not landing_file:
            return None
        rel = PurePosixPath(landing_file)
        if rel.is_absolute() or not rel.parts or rel.parts[0] != "landing" or ".." in rel.parts:
            return None
        if not (data_dir / rel).is_file():
            return None
        return "/".join([quote(root), *(quote(part) for part in rel.parts)])
    return href


def render(snap: Snapshot, methodology: Markup, env: Environment | None = None,
           stored: Callable[[str | None], str | None] | None = None) -> dict[str, str]:
    """File name -> HTML for every page of the site; `stored` gives an evidence item's link to its stored copy
    (`stored_copy_href`: it opens from disk, or wherever the data folder's landing/ is served beside the
    site), None for no such links."""
    env = env or environment()
    css = Markup(CSS.read_text(encoding="utf-8"))  # our own file, not feed text
    views = [region_view(d, snap.active_days) for d in snap.regions]
    # "Where is tension rising?": by the 7-day change, the level beside it; then by level
    views.sort(key=lambda v: (-(v.data.tension_change if v.data.tension_change is not None else -1e9),
                              -(v.data.tension if v.data.tension is not None else -1.0), v.data.region.name))
    active = sum(len(v.data.active_alerts) for v in views)
    common = {"snap": snap, "css": css, "stored": stored or stored_copy_href(None, None)}
    world = svg.world_map([p for v in views for p in map_places(v.data)], uid="map-world",
                          title=f"Where GDELT placed the regions' counted events of the last {snap.active_days} days")
    pages = {"index.html": env.get_template("dashboard_index.html.j2").render(
        **common, rows=views, active_alert_count=active, changed=what_changed(views, snap.active_days),
        world_map=world)}
    for v in views:
        pages[v.page] = env.get_template("dashboard_region.html.j2").render(
            **common, d=v.data, r=v, charts=region_charts(v.data), recent=_recent(v.data, 14),
            earlier=[a for a in v.data.alerts if a not in v.data.active_alerts], high_band=HIGH_BAND,
            csv=csv_name(v.data),
            region_map=svg.world_map(map_places(v.data), uid="map-region", box=region_box(v.data),
                                     title=f"{v.data.region.name}: where GDELT placed its counted events of "
                                           f"the last {snap.active_days} days"))
    pages["methodology.html"] = env.get_template("dashboard_methodology.html.j2").render(
        **common, methodology=methodology)
    return pages


def csv_name(d: RegionData) -> str:
    return f"region-{d.slug}.csv"


def _cell(v: Any) -> Any:
    """A CSV cell: empty for NULL (unknown), JSON for a list (overlapping_regions)."""
    if v is None:
        return ""
    return json.dumps(v) if isinstance(v, (list, tuple, dict)) else v


def csv_attribution(d: RegionData) -> str | None:
    """The attribution of every curated dataset whose numbers are in the region's series (fatalities, ACLED and
    UCDP counts, and the level, which weighs fatalities), as their terms require wherever the numbers go."""
    used = [datasets for _, prefix, datasets in CURATED_SERIES
            if any(v is not None for c in (f"{prefix}_events", f"{prefix}_fatalities") for v in d.series.get(c) or [])]
    return "; ".join(c for c in (d.credits(datasets) for datasets in used) if c) or None


def region_csv(d: RegionData) -> str:
    """The region's daily series over the window, exactly the values the charts draw (empty = NULL: unknown).

    When curated data are in it, a last column `attribution` names their sources on every row, so a row
    copied on its own still says where its fatalities come from."""
    cols = sorted(d.series)
    credit = csv_attribution(d)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["region_id", "day", *cols, *(["attribution"] if credit else [])])
    for i, day in enumerate(d.days):
        w.writerow([d.region.id, day.isoformat(), *(_cell(d.series[c][i]) for c in cols),
                    *([credit] if credit else [])])
    return buf.getvalue()


@dataclass(frozen=True)
class Move:
    region: str
    page: str
    text: str


@dataclass
class Changes:
    """What changed since the previous week: alerts that started or ended, and the largest moves."""

    new_alerts: list[Move]
    ended_alerts: list[Move]
    moves: list[Move]


def what_changed(views: list[RegionView], days: int) -> Changes:
    new, ended, moves = [], [], []
    for v in views:
        d = v.data
        cut = d.days[-1] - timedelta(days=days - 1) if d.days else None
        this = {a.kind for a in d.alerts if cut and a.day >= cut}
        before = {a.kind for a in d.alerts if cut and cut - timedelta(days=days) <= a.day < cut}
        new += [Move(d.region.name, v.page, k) for k in sorted(this - before)]
        ended += [Move(d.region.name, v.page, k) for k in sorted(before - this)]
        now, then = d.value("tension_index"), d.value("tension_index", days)
        if now is not None and then is not None:
            now, then = svg.half_up(now, 1), svg.half_up(then, 1)  # as printed: the change is their difference
            if now != then:
                moves.append((float(abs(now - then)), Move(d.region.name, v.page,
                                                            f"tension index {then} → {now} "
                                                            f"({f'{now - then:+}'.replace('-', '−')})")))
    moves.sort(key=lambda m: (-m[0], m[1].region))
    return Changes(new, ended, [m for _, m in moves[:5]])


def write_site(config: Config, sources: list[SourceStatus], out: Path | None = None) -> Path:
    """Write the site (default `<data>/site/`) and return the path of its index.html.

    `sources` is the per-source status the pipeline gathered (each kind's status query).
    """
    settings = load_settings(config)
    out = Path(out) if out is not None else config.settings.data_dir / "site"
    snap = read_snapshot(config, sources, window_days=settings.window_days, active_days=settings.active_days,
                         latest_documents=settings.latest_documents, counted_incidents=settings.counted_incidents)
    out.mkdir(parents=True, exist_ok=True)
    pages = render(snap, methodology_html(), stored=stored_copy_href(config.settings.data_dir, out))
    for name, html in pages.items():
        _write(out / name, html)
    for d in snap.regions:  # each region's daily series, for a spreadsheet (linked next to its charts)
        _write(out / csv_name(d), region_csv(d))
    # which lake snapshot the pages were read from, for scripts (the footer says it for people)
    _write(out / "snapshot.json", json.dumps({"generated_at": snap.generated_at.isoformat() + "Z",
                                              "lake_snapshot": snap.lake_snapshot}, indent=2) + "\n")
    for stale in out.glob("region-*.html"):  # regions removed from the config
        if stale.name not in pages:
            stale.unlink()
    return out / "index.html"

"""Inline SVG charts for the static dashboard: no JavaScript, no external files.

Every chart is an `<svg role="img">` with a `<title>` (its name) and a `<desc>`
(a sentence per series: latest value, range), so a screen reader, a text
browser and a printed page all carry the numbers. Colours are the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies); series
also differ by dash pattern, so charts survive greyscale printing.

All text placed in the SVG is escaped here; callers pass plain strings.
Functions return markupsafe.Markup so jinja2 (autoescape on) embeds them as is.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from markupsafe import Markup, escape

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Cooperation in blues, conflict in orange/vermillion: the split survives deuteranopia and protanopia.
QUAD_COLOURS = {
    "verbal_coop": OKABE_ITO["sky_blue"],
    "material_coop": OKABE_ITO["blue"],
    "verbal_conflict": OKABE_ITO["orange"],
    "material_conflict": OKABE_ITO["vermillion"],
}

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
AXIS = "#555555"
GRID = "#dddddd"

Value = float | int | None


@dataclass(frozen=True)
class Series:
    """One named series of a chart, aligned with the chart's days."""

    name: str
    values: Sequence[Value]
    colour: str = OKABE_ITO["blue"]
    dash: str | None = None  # SVG stroke-dasharray, e.g. "6 3"


def half_up(v: float | int, digits: int = 1) -> Decimal:
    """`v` rounded as DuckDB's round(DOUBLE, digits) does it (the double times 10^digits, rounded half away from
    zero), so a page agrees with the SQL a reader runs: 33.65 is 33.7 (33.65 x 10 is 336.5 as a double), where
    Python's format gives 33.6 (the double just below 33.65); 1.005 to 2 digits is 1.00, as in DuckDB. A zero is
    never negative (no '-0.0' on a page)."""
    scaled = Decimal(float(v) * 10 ** digits).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (scaled if scaled else abs(scaled)).scaleb(-digits)


def plural(n: int, word: str) -> str:
    """A count with its noun as printed on every page and message: "1 event", "2 events", "1,000 events"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def fmt(v: Value, digits: int = 1) -> str:
    """A number for people: no trailing '.0' on integers, '–' for missing."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{half_up(v, digits):,}"


def _num(v: float) -> str:
    """Coordinates with two decimals, no '-0'."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _finite(values: Sequence[Value]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5, 5 x 10^n steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks = []
    t = start
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _summary(s: Series, days: Sequence[date] | None) -> str:
    """One sentence about a series for <desc>: latest, minimum, maximum."""
    vals = _finite(s.values)
    if not vals:
        return f"{s.name}: no data."
    last_i = max(i for i, v in enumerate(s.values) if v is not None)
    when = f" on {days[last_i].isoformat()}" if days else ""
    return (f"{s.name}: latest {fmt(s.values[last_i])}{when}; "
            f"lowest {fmt(min(vals))}, highest {fmt(max(vals))}.")


def _open(uid: str, width: int, height: int, title: str, desc: str, cls: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(cls)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(uid)}-t {escape(uid)}-d" '
        f'preserveAspectRatio="xMinYMid meet" style="{FONT}">',
        f'<title id="{escape(uid)}-t">{escape(title)}</title>',
        f'<desc id="{escape(uid)}-d">{escape(desc)}</desc>',
    ]


def _segments(xs: Sequence[float], values: Sequence[Value], y) -> list[list[tuple[float, float]]]:
    """Polyline segments; a missing value breaks the line instead of inventing a zero."""
    segs: list[list[tuple[float, float]]] = [[]]
    for x, v in zip(xs, values):
        if v is None or not math.isfinite(float(v)):
            if segs[-1]:
                segs.append([])
            continue
        segs[-1].append((x, y(float(v))))
    return [s for s in segs if s]


def _polyline(points: list[tuple[float, float]], colour: str, width: float, dash: str | None) -> str:
    dash_attr = f' stroke-dasharray="{escape(dash)}"' if dash else ""
    if len(points) == 1:
        x, y = points[0]
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(width)}" fill="{escape(colour)}"/>'
    pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
    return (f'<polyline points="{pts}" fill="none" stroke="{escape(colour)}" stroke-width="{_num(width)}" '
            f'stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>')


def sparkline(values: Sequence[Value], *, uid: str, title: str, width: int = 120, height: int = 28,
              lo: float | None = None, hi: float | None = None, colour: str = OKABE_ITO["vermillion"],
              days: Sequence[date] | None = None) -> Markup:
    """A small line without axes; the last point is marked. lo/hi fix the scale (e.g. 0-100)."""
    pad = 3.0
    vals = _finite(values)
    s = Series(title, values, colour)
    parts = _open(uid, width, height, title, _summary(s, days), "spark")
    if vals:
        a = min(vals) if lo is None else lo
        b = max(vals) if hi is None else hi
        if b <= a:
            b = a + 1.0
        n = len(values)
        xs = [pad + (width - 2 * pad) * (i / max(n - 1, 1)) for i in range(n)]

        def y(v: float) -> float:
            return height - pad - (height - 2 * pad) * (min(max(v, a), b) - a) / (b - a)

        parts.append(f'<line x1="{_num(pad)}" y1="{_num(y(a))}" x2="{_num(width - pad)}" y2="{_num(y(a))}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        for seg in _segments(xs, values, y):
            parts.append(_polyline(seg, colour, 1.5, None))
        last = max(i for i, v in enumerate(values) if v is not None)
        parts.append(f'<circle cx="{_num(xs[last])}" cy="{_num(y(float(values[last])))}" r="2.2" '
                     f'fill="{escape(colour)}"/>')
    else:
        parts.append(f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" font-size="10" '
                     f'fill="{AXIS}">no data</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class _Frame:
    """Plot area geometry shared by the axis charts."""

    width: int
    height: int
    left: float = 46.0
    right: float = 14.0
    top: float = 28.0
    bottom: float = 26.0

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:  # bottom of the plot area
        return self.height - self.bottom

    @property
    def y1(self) -> float:  # top of the plot area
        return self.top


def _xs(frame: _Frame, n: int, band: bool) -> tuple[list[float], float]:
    """x centre of each day; with band=True (bars) each day owns an equal slot."""
    span = frame.x1 - frame.x0
    if band:
        slot = span / max(n, 1)
        return [frame.x0 + slot * (i + 0.5) for i in range(n)], slot
    return [frame.x0 + span * (i / max(n - 1, 1)) for i in range(n)], span / max(n - 1, 1)


def _date_ticks(days: Sequence[date]) -> list[int]:
    """Indices of days to label: month starts on long ranges, Mondays on short ones."""
    n = len(days)
    if n == 0:
        return []
    if n <= 14:
        idx = list(range(0, n, max(1, n // 7)))
    elif n <= 62:
        idx = [i for i, d in enumerate(days) if d.weekday() == 0]
    else:
        idx = [i for i, d in enumerate(days) if d.day == 1]
        if len(idx) > 8:
            step = math.ceil(len(idx) / 8)
            idx = idx[::step]
    return idx or [0]


def _x_axis(frame: _Frame, days: Sequence[date], xs: Sequence[float]) -> list[str]:
    out = [f'<line x1="{_num(frame.x0)}" y1="{_num(frame.y0)}" x2="{_num(frame.x1)}" y2="{_num(frame.y0)}" '
           f'stroke="{AXIS}" stroke-width="1"/>']
    for i in _date_ticks(days):
        x = xs[i]
        out.append(f'<line x1="{_num(x)}" y1="{_num(frame.y0)}" x2="{_num(x)}" y2="{_num(frame.y0 + 4)}" '
                   f'stroke="{AXIS}"/>')
        out.append(f'<text x="{_num(x)}" y="{_num(frame.y0 + 16)}" text-anchor="middle" font-size="10" '
                   f'fill="{AXIS}">{escape(days[i].strftime("%d %b"))}</text>')
    return out


def _y_axis(frame: _Frame, ticks: Sequence[float], y, side: str = "left", colour: str = AXIS,
            grid: bool = True) -> list[str]:
    out = []
    for t in ticks:
        yy = y(t)
        if grid:
            out.append(f'<line x1="{_num(frame.x0)}" y1="{_num(yy)}" x2="{_num(frame.x1)}" y2="{_num(yy)}" '
                       f'stroke="{GRID}" stroke-width="1"/>')
        if side == "left":
            out.append(f'<text x="{_num(frame.x0 - 5)}" y="{_num(yy + 3.5)}" text-anchor="end" font-size="10" '
                       f'fill="{escape(colour)}">{escape(fmt(t))}</text>')
        else:
            out.append(f'<text x="{_num(frame.x1 + 5)}" y="{_num(yy + 3.5)}" text-anchor="start" font-size="10" '
                       f'fill="{escape(colour)}">{escape(fmt(t))}</text>')
    return out


def _legend(frame: _Frame, series: Sequence[Series], swatch: str = "line") -> list[str]:
    """A legend row above the plot, inside the SVG so it prints with the chart."""
    out = []
    x = frame.x0
    for s in series:
        if swatch == "box":
            out.append(f'<rect x="{_num(x)}" y="8" width="12" height="10" fill="{escape(s.colour)}"/>')
        else:
            dash = f' stroke-dasharray="{escape(s.dash)}"' if s.dash else ""
            out.append(f'<line x1="{_num(x)}" y1="13" x2="{_num(x + 16)}" y2="13" stroke="{escape(s.colour)}" '
                       f'stroke-width="2.5"{dash}/>')
        label = s.name
        out.append(f'<text x="{_num(x + 20)}" y="17" font-size="11" fill="#222">{escape(label)}</text>')
        x += 28 + 6.2 * len(label)
    return out


def _scale(lo: float, hi: float, frame: _Frame):
    def y(v: float) -> float:
        return frame.y0 - (frame.y0 - frame.y1) * (v - lo) / (hi - lo)
    return y


def _range(series: Sequence[Series], y_min: float | None, y_max: float | None) -> tuple[list[float], float, float]:
    vals = [v for s in series for v in _finite(s.values)]
    lo = min(vals, default=0.0) if y_min is None else y_min
    hi = max(vals, default=1.0) if y_max is None else y_max
    if y_min is None and lo > 0:
        lo = 0.0 if lo < (hi - lo) else lo
    ticks = nice_ticks(lo, hi)
    return ticks, min(ticks[0], lo), max(ticks[-1], hi)


def line_chart(days: Sequence[date], series: Sequence[Series], *, uid: str, title: str, width: int = 720,
               height: int = 220, y_min: float | None = None, y_max: float | None = None,
               bands: Sequence[tuple[float, float, str]] = ()) -> Markup:
    """Lines on a shared y axis; `bands` shades (lo, hi, colour) ranges such as alert zones."""
    frame = _Frame(width, height)
    desc = " ".join(_summary(s, days) for s in series) + _span(days)
    parts = _open(uid, width, height, title, desc, "chart")
    ticks, lo, hi = _range(series, y_min, y_max)
    y = _scale(lo, hi, frame)
    for b_lo, b_hi, colour in bands:
        parts.append(f'<rect x="{_num(frame.x0)}" y="{_num(y(b_hi))}" width="{_num(frame.x1 - frame.x0)}" '
                     f'height="{_num(y(b_lo) - y(b_hi))}" fill="{escape(colour)}" opacity="0.12"/>')
    parts += _y_axis(frame, ticks, y)
    xs, _ = _xs(frame, len(days), band=False)
    parts += _x_axis(frame, days, xs)
    for s in series:
        for seg in _segments(xs, s.values, y):
            parts.append(_polyline(seg, s.colour, 2.0, s.dash))
    parts += _legend(frame, series)
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(days: Sequence[date], layers: Sequence[Series], *, uid: str, title: str, width: int = 720,
                 height: int = 220) -> Markup:
    """Daily bars stacked bottom-up in the order of `layers` (missing values count as 0)."""
    frame = _Frame(width, height)
    totals = [sum(float(s.values[i] or 0) for s in layers) for i in range(len(days))]
    known = [t for i, t in enumerate(totals) if any(s.values[i] is not None for s in layers)]
    highest = fmt(max(known)) if known else "not known"  # days with no known value are not days of 0
    desc = " ".join(_summary(s, days) for s in layers) + f" Highest daily total: {highest}." + _span(days)
    parts = _open(uid, width, height, title, desc, "chart")
    ticks = nice_ticks(0.0, max(totals, default=0.0) or 1.0)
    y = _scale(0.0, max(ticks[-1], 1.0), frame)
    parts += _y_axis(frame, ticks, y)
    xs, slot = _xs(frame, len(days), band=True)
    bar_w = max(slot * 0.8, 0.8)
    for s in layers:
        parts.append(f'<g fill="{escape(s.colour)}">')
        for i, x in enumerate(xs):
            v = float(s.values[i] or 0)
            if v <= 0:
                continue
            below = sum(float(t.values[i] or 0) for t in layers[: layers.index(s)])
            top, bottom = y(below + v), y(below)
            parts.append(f'<rect x="{_num(x - bar_w / 2)}" y="{_num(top)}" width="{_num(bar_w)}" '
                         f'height="{_num(bottom - top)}"/>')
        parts.append("</g>")
    parts += _x_axis(frame, days, xs)
    parts += _legend(frame, layers, swatch="box")
    parts.append("</svg>")
    return Markup("".join(parts))


def dual_chart(days: Sequence[date], left: Series, right: Series, *, uid: str, title: str, width: int = 720,
               height: int = 220, left_range: tuple[float | None, float | None] = (None, None),
               right_range: tuple[float | None, float | None] = (None, None)) -> Markup:
    """Two series with their own y axes (left and right), tick labels in the series' colours."""
    frame = _Frame(width, height, right=46.0)
    desc = f"{_summary(left, days)} {_summary(right, days)} Left axis: {left.name}; right axis: {right.name}." \
        + _span(days)
    parts = _open(uid, width, height, title, desc, "chart")
    xs, _ = _xs(frame, len(days), band=False)
    lt, llo, lhi = _range([left], *left_range)
    rt, rlo, rhi = _range([right], *right_range)
    ly, ry = _scale(llo, lhi, frame), _scale(rlo, rhi, frame)
    parts += _y_axis(frame, lt, ly, "left", left.colour)
    parts += _y_axis(frame, rt, ry, "right", right.colour, grid=False)
    parts += _x_axis(frame, days, xs)
    for s, y in ((left, ly), (right, ry)):
        for seg in _segments(xs, s.values, y):
            parts.append(_polyline(seg, s.colour, 2.0, s.dash))
    parts += _legend(frame, [left, right])
    parts.append("</svg>")
    return Markup("".join(parts))


def _span(days: Sequence[date]) -> str:
    return f" Daily values from {days[0].isoformat()} to {days[-1].isoformat()}." if days else " No days."


# ---- the map ------------------------------------------------------------------------------------------

WORLD_PATHS = Path(__file__).resolve().parent / "static" / "world-110m.paths"


@dataclass(frozen=True)
class Place:
    """A dot on the map: where events happened (size by count) or an alert's place (a ring)."""

    lat: float
    lon: float
    count: int
    label: str
    alert: bool = False


@lru_cache(maxsize=1)
def _world() -> tuple[str, ...]:
    """Country outlines (Natural Earth 1:110m, public domain), in x = lon + 180, y = 90 - lat."""
    return tuple(line.split("\t", 2)[2] for line in WORLD_PATHS.read_text(encoding="utf-8").splitlines() if line)


def world_map(places: Sequence[Place], *, uid: str, title: str, width: int = 720,
              box: tuple[float, float, float, float] | None = None) -> Markup:
    """A static equirectangular map: country outlines, event places as dots (area by count), alert places as
    rings. `box` (south, north, west, east) crops it to a region (with a margin); default: the world."""
    south, north, west, east = box or (-60.0, 85.0, -180.0, 180.0)
    x0, x1, y0, y1 = west + 180, east + 180, 90 - north, 90 - south
    vw, vh = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    height = max(int(width * vh / vw), 120)
    n = sum(p.count for p in places)
    dots = sum(not p.alert for p in places)  # an alert is a ring of its own (count 0), beside the region's dots
    rings = len(places) - dots
    desc = (f"{n} event{'s' if n != 1 else ''} at {dots} place{'s' if dots != 1 else ''}; "
            f"{rings} alert place{'s' if rings != 1 else ''}.")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="{x0:g} {y0:g} {vw:g} {vh:g}" '
             f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(uid)}-t {escape(uid)}-d" '
             f'preserveAspectRatio="xMidYMid meet" style="{FONT}">',
             f'<title id="{escape(uid)}-t">{escape(title)}</title>', f'<desc id="{escape(uid)}-d">{escape(desc)}</desc>',
             f'<rect x="{x0:g}" y="{y0:g}" width="{vw:g}" height="{vh:g}" fill="#f4f8fb"/>',
             f'<path d="{"".join(_world())}" fill="#e6e6e6" stroke="#ffffff" stroke-width="{vw / 1200:.3f}"/>']
    unit = vw / 200  # dot sizes in proportion to the crop: the same on the page whatever the zoom
    biggest = max((p.count for p in places if not p.alert), default=1)
    for p in sorted(places, key=lambda p: -p.count):
        x, y = p.lon + 180, 90 - p.lat
        if p.alert:
            parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{unit * 2.2:.2f}" fill="none" '
                         f'stroke="{OKABE_ITO["vermillion"]}" stroke-width="{unit / 2.5:.2f}">'
                         f'<title>{escape(p.label)}</title></circle>')
        else:
            r = unit * (0.6 + 1.4 * math.sqrt(p.count / biggest))
            parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" fill="{OKABE_ITO["blue"]}" '
                         f'fill-opacity="0.55"><title>{escape(p.label)}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))

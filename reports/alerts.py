"""Active alerts and their evidence, read from `v_alerts` into plain objects: one reader for dashboard and digest."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from extractors.text import safe_href
from reports.svg import half_up
from tracktwo.core.datasets import DATASETS, raw_allowed

# Alerts newest first, then by severity, then kind. Region filter optional ($region NULL = all).
ALERTS_SQL = """
SELECT * FROM v_alerts
WHERE day BETWEEN $start AND $end AND ($region IS NULL OR region_id = $region)
ORDER BY day DESC, severity DESC, kind  -- severity is an ENUM ordered low < medium < high
"""
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
# Columns of v_alerts that are not the numbers behind the alert.
_NOT_VALUES = {"alert_id", "as_of", "region_id", "day", "kind", "severity", "trigger", "corroboration",
               "evidence", "evidence_count", "evidence_hash", "coverage", "curated_support"}
# The numbers shown as "what triggered it", in this order, when present and not NULL.
TRIGGER_COLUMNS = [("observed", "observed"), ("expected", "expected"), ("window_days", "days"),
                   ("p_value", "p"), ("alpha", "threshold"), ("tension_index", "tension index"),
                   ("tension_change", "7-day change, %"), ("conflict_incidents", "conflict incidents"),
                   ("dialogue_activity", "dialogue events + documents that day")]  # not the incidents tested


@dataclass(frozen=True)
class Evidence:
    rank: int
    item_type: str  # event | document | curated_event | curated_summary (a restricted dataset's aggregate)
    item_id: str | None
    relevance: str  # why it supports the claim: conflict event, reports conflict, cooperation event, ...
    title: str
    url: str | None  # as stored (shown as text)
    href: str | None  # the same, only when it is http(s)
    publisher: str | None
    day: date | None
    score: float | None
    landing_file: str | None = None  # the stored copy it was read from, relative to the data folder

    @property
    def rerun_note(self) -> str:
        """What the relevance says of a re-run (rules revision 25), for the pages and digests: a listed item that
        no publisher count includes says why ("" for any other item)."""
        _, sep, note = self.relevance.partition(" (a re-run of ")
        return f"a re-run of {note.rstrip(')')}" if sep else ""


@dataclass(frozen=True)
class Alert:
    region_id: str
    day: date
    kind: str  # escalation | de-escalation | dialogue-gap | dialogue-opening
    severity: str  # low | medium | high
    trigger: str  # the rule that fired
    values: dict[str, Any]  # the numbers behind it (column -> value)
    corroboration: int | None
    evidence: list[Evidence]
    curated_support: str | None = None  # which curated datasets agree (alerts_curated_support.sql)

    @property
    def distinct_items(self) -> int:
        """Evidence items counting a story once: a document whose title is another's (story_key) is a copy, on
        another day or under another masthead, of one report (corroboration counts its publisher once)."""
        keys = {(story_key(e.title) if e.item_type == "document" else "") or f"{e.item_type}:{e.item_id}:{e.rank}"
                for e in self.evidence}
        return len(keys)

    @property
    def triggers(self) -> list[tuple[str, str]]:
        """(label, value) pairs of what triggered the alert: the rule, then the known numbers."""
        out = [("rule", self.trigger)] if self.trigger else []
        out += [(label, format_value(self.values[col])) for col, label in TRIGGER_COLUMNS
                if self.values.get(col) is not None]
        return out + ([("curated data", self.curated_support)] if self.curated_support else [])


def story_key(title: str | None) -> str:
    """A title as the warehouse compares stories (the story_title_key and is_story macros, migration 026: lower
    case, letters, marks and digits, at least 5 words; "" for a shorter, generic title, which is no story to
    merge). Lower case as DuckDB's lower() has it, one character for one ('İ' is 'i', where str.lower() adds a
    combining dot); a test holds the two to the same keys."""
    text = "".join(_lower(c) if unicodedata.category(c)[0] in "LMN" else " " for c in (title or ""))
    words = text.split()
    return " ".join(words) if len(words) >= 5 else ""


def _lower(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else low[0]


def format_value(v: Any) -> str:
    if isinstance(v, float) and 0 < abs(v) < 0.01:  # p-values and their thresholds (powers of ten)
        text = f"{v:.1e}"
        # a p-value that rounds to a power of ten is printed with the digits that tell it from that threshold: the
        # demo's 1.0032e-05 read "1.0e-05", the very threshold it missed for a higher severity
        for digits in (3, 6, None):
            if float(text) == v or abs(float(text)) != 10 ** round(math.log10(abs(float(text)))):
                break
            text = f"{v:.{digits}e}" if digits else repr(v)  # every digit there is
        return text
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, float):  # rounded as SQL's round() (reports.svg.half_up), no trailing zeros, never "-0"
        r = half_up(v, 2) if abs(v) < 1000 else half_up(v, 0)
        text = f"{r:,}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(v)


def finite(v: Any) -> Any:
    """NaN and infinities as None (they render as gaps, never as 'nan')."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


CURATED_DATASETS_SQL = "SELECT DISTINCT dataset FROM curated_events ORDER BY dataset"


def curated_datasets(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The curated datasets the warehouse holds events of (known ones only), in name order."""
    return [d for (d,) in con.execute(CURATED_DATASETS_SQL).fetchall() if d in DATASETS]


def attributions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The attribution of every curated dataset in the warehouse: printed wherever numbers derived from them
    (fatalities, the level, `curated_support`, aggregates) appear, as their terms require."""
    return [DATASETS[d].attribution for d in curated_datasets(con)]


def dataset_of(e: Evidence) -> str | None:
    """The curated dataset of an evidence item ('acled:ARG1' -> 'acled'), None for news items."""
    if e.item_type != "curated_event" or not e.item_id or ":" not in e.item_id:
        return None
    return e.item_id.split(":", 1)[0]


def licensed(evidence: list[Evidence], shared: tuple[str, ...] = ()) -> list[Evidence]:
    """The evidence as it may be shown: a restricted dataset's events (ACLED: its terms forbid redistributing
    its rows) become one aggregate line per dataset (events, fatalities, attribution), unless `shared`
    (TRACKTWO_RAW_SHARING) says the user's licence allows its rows."""
    kept, held = [], {}
    for e in evidence:
        ds = dataset_of(e)
        if ds is not None and not raw_allowed(ds, shared):
            held.setdefault(ds, []).append(e)
        else:
            kept.append(e)
    for ds, items in held.items():
        d = DATASETS[ds]
        deaths = sum(int(x.score or 0) for x in items)
        days = sorted({x.day for x in items if x.day})
        counts = f"{len(items)} event{'s' if len(items) != 1 else ''} among the strongest, {deaths} fatalities"
        kept.append(Evidence(  # the title carries the counts: it is what the dashboard and the digest show
            rank=min(x.rank for x in items), item_type="curated_summary", item_id=None,
            relevance=f"{d.label}: {counts}", title=f"{d.label} events of {days[0]}"
                      + (f" to {days[-1]}" if len(days) > 1 else "") + f" (aggregate: {counts}; source: {d.attribution})",
            url=None, href=None, publisher=d.label, day=days[-1] if days else None, score=float(deaths)))
    return sorted(kept, key=lambda e: e.rank)


def _evidence(raw: Any) -> list[Evidence]:
    out = []
    for e in raw or []:
        url = e.get("url")
        out.append(Evidence(rank=int(e.get("rank") or len(out) + 1), item_type=str(e.get("item_type") or ""),
                            item_id=e.get("item_id"), relevance=str(e.get("relevance") or ""), title=str(e.get("title") or e.get("item_id") or ""),
                            url=url, href=safe_href(url), publisher=e.get("publisher"), day=e.get("day"),
                            score=finite(e.get("score")), landing_file=e.get("landing_file")))
    return sorted(out, key=lambda e: e.rank)


def read_alerts(con: duckdb.DuckDBPyConnection, start: date, end: date, region_id: str | None = None,
                shared: tuple[str, ...] = ()) -> list[Alert]:
    """Active alerts of the days start..end (of one region, or all), newest first, their evidence as it may be
    shown (`licensed`; `shared` = TRACKTWO_RAW_SHARING)."""
    cur = con.execute(ALERTS_SQL, {"start": start, "end": end, "region": region_id})
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        r = dict(zip(cols, row))
        values = {k: finite(v) for k, v in r.items()
                  if k not in _NOT_VALUES and v is not None and isinstance(v, (int, float)) and not isinstance(v, bool)}
        out.append(Alert(region_id=r["region_id"], day=r["day"], kind=r["kind"], severity=r["severity"],
                         trigger=str(r.get("trigger") or ""), values=values, corroboration=r.get("corroboration"),
                         evidence=licensed(_evidence(r.get("evidence")), shared),
                         curated_support=r.get("curated_support")))
    return out

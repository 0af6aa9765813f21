"""Which region-days each curated series covers: where a zero means "none recorded" and where it means
"unknown" (docs/indicators.md, "Curated data").

In time: ACLED publishes weekly and UCDP Candidate monthly, so the days after a dataset's latest event are
not quiet but not yet coded: a dataset covers the days from its first to its last loaded event date.
In space: a source asks its API for some countries (`countries`) or the whole world. A series covers a
region when one of its sources asks for every country the region's places are in (its area countries,
subdivision countries and box countries; sides do not count: an event joins a region by where it
happens, or for UCDP also by its two states, which a location filter says nothing about), or has no filter.
With no source configured (data loaded earlier), a dataset is taken to cover the world.

UCDP GED (final, yearly) and UCDP Candidate (preliminary, monthly) are one `ucdp` series per region: GED up
to GED's last day (`ged_through`, NULL where GED does not cover the region), Candidate after it; days
between GED's last and Candidate's first day are a gap (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from tracktwo.core.config import Config, Region
from warehouse.curated import gw_iso3, state_since

SPANS = "SELECT dataset, min(event_date), max(event_date) FROM curated_events GROUP BY dataset"
SCHEMA = pa.schema([("region_id", pa.string()), ("acled_from", pa.date32()), ("acled_through", pa.date32()),
                    ("ucdp_from", pa.date32()), ("ucdp_through", pa.date32()), ("ucdp_gap_from", pa.date32()),
                    ("ucdp_gap_to", pa.date32()), ("ged_through", pa.date32())])


def place_countries(r: Region) -> set[str]:
    """The countries a region's places are in (not its sides)."""
    out = set(r.areas.countries) | {b.country for b in r.areas.boxes if b.country}
    return out | {a.split(":", 1)[0] for a in r.areas.admin1}


def _filters(config: Config) -> dict[str, list[set[str] | None]]:
    """Per dataset, the country filter of each configured source (None: the whole world)."""
    out: dict[str, list[set[str] | None]] = {"acled": [], "ucdp_ged": [], "ucdp_candidate": []}
    gw = None
    for s in config.sources:
        if s.kind == "acled":
            out["acled"].append(set(getattr(s, "countries", None) or []) or None)
        elif s.kind == "ucdp_ged":
            codes = getattr(s, "countries", None) or []
            if codes and gw is None:
                gw = gw_iso3(config.settings.config_dir)
            name = "ucdp_candidate" if getattr(s, "dataset", "ged") == "candidate" else "ucdp_ged"
            out[name].append({gw[c] for c in codes if c in gw} if codes else None)
    return out


def _covers(filters: list[set[str] | None], places: set[str]) -> bool:
    if not filters:  # loaded earlier, no source configured now: the data are all there is to go by
        return True
    return any(f is None or (places and places <= f) for f in filters)


@dataclass
class Span:
    lo: date
    hi: date


def _ucdp(ged: Span | None, cand: Span | None) -> tuple[date | None, date | None, date | None, date | None]:
    """(from, through, gap_from, gap_to) of the UCDP series: GED then Candidate after GED's last day."""
    if ged and cand and cand.hi > ged.hi:
        start = ged.hi + timedelta(days=1)
        gap = (start, cand.lo - timedelta(days=1)) if cand.lo > start else (None, None)
        return ged.lo, cand.hi, *gap
    if ged:
        return ged.lo, ged.hi, None, None
    if cand:
        return cand.lo, cand.hi, None, None
    return None, None, None, None


def curated_spans(con: duckdb.DuckDBPyConnection) -> dict[str, Span]:
    """Per curated dataset in the lake, its first and last event date (empty: no curated event at all)."""
    return {d: Span(lo, hi) for d, lo, hi in con.execute(SPANS).fetchall()}


def _from(span: Span | None, since: date | None) -> Span | None:
    """`span` from `since` on (None when it ends before)."""
    if span is None or since is None or since <= span.lo:
        return span
    return Span(since, span.hi) if since <= span.hi else None


def curated_coverage(config: Config, spans: dict[str, Span]) -> pa.Table:
    """One row per configured region: what each series covers (NULL: not covered), from `curated_spans`. A series
    covers a region only from the day every state its places are in existed (`state_since`): before, the
    datasets coded those places' events under another state (South Sudan's under Sudan until 2011-07-09), so a
    zero there would be false."""
    filters = _filters(config)
    since_of = state_since(config.settings.config_dir)
    cols: dict[str, list] = {n: [] for n in SCHEMA.names}
    for r in config.regions:
        places = place_countries(r)
        since = max((since_of[c] for c in places if c in since_of), default=None)
        seen = {d: _from(spans.get(d), since) if spans.get(d) and _covers(filters[d], places) else None
                for d in ("acled", "ucdp_ged", "ucdp_candidate")}
        acled = seen["acled"]
        row = {"region_id": r.id, "acled_from": acled.lo if acled else None,
               "acled_through": acled.hi if acled else None,
               "ged_through": seen["ucdp_ged"].hi if seen["ucdp_ged"] else None}
        row["ucdp_from"], row["ucdp_through"], row["ucdp_gap_from"], row["ucdp_gap_to"] = \
            _ucdp(seen["ucdp_ged"], seen["ucdp_candidate"])
        for k, v in row.items():
            cols[k].append(v)
    return pa.table(cols, schema=SCHEMA)

"""Which region-days each curated dataset covers: where a zero means "none recorded" and where it means
"unknown" (docs/indicators.md, "Curated data").

ACLED publishes weekly and UCDP Candidate monthly, so the days after a dataset's latest event are not
quiet but not yet coded: a dataset covers the days from its first to its last loaded event date. In
space, it covers the regions its sources ask the API for: a source with a `countries` filter covers the
regions whose countries (areas, sides, subdivisions, boxes) it names; without a filter (or with no
source configured for data already loaded) it covers every region. UCDP GED (final, yearly) and UCDP
Candidate (preliminary, monthly) are one `ucdp` series: GED up to its last day, Candidate after it.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from tracktwo.core.config import Config, Region
from warehouse.curated import gw_iso3

GED_THROUGH = "SELECT max(event_date) FROM curated_events WHERE dataset = 'ucdp_ged'"
SPANS = "SELECT dataset, min(event_date), max(event_date) FROM curated_events GROUP BY dataset"
SCHEMA = pa.schema([("region_id", pa.string()), ("acled_from", pa.date32()), ("acled_through", pa.date32()),
                    ("ucdp_from", pa.date32()), ("ucdp_through", pa.date32())])


def region_countries(r: Region) -> set[str]:
    out = set(r.areas.countries) | r.side_countries | {b.country for b in r.areas.boxes if b.country}
    out |= {a.split(":", 1)[0] for a in r.areas.admin1}
    return out


def _ucdp_span(spans: dict[str, tuple[date, date]]) -> tuple[date, date] | None:
    ged, cand = spans.get("ucdp_ged"), spans.get("ucdp_candidate")
    if ged and cand:
        if (cand[0] - ged[1]).days > 1:  # a gap between the releases: only GED's days are known
            return ged
        return min(ged[0], cand[0]), max(ged[1], cand[1])
    return ged or cand


def _filters(config: Config) -> dict[str, list[set[str] | None]]:
    """Per series, the country filter of each configured source (None: the whole world)."""
    out: dict[str, list[set[str] | None]] = {"acled": [], "ucdp": []}
    gw = None
    for s in config.sources:
        if s.kind == "acled":
            out["acled"].append(set(getattr(s, "countries", None) or []) or None)
        elif s.kind == "ucdp_ged":
            codes = getattr(s, "countries", None) or []
            if codes and gw is None:
                gw = gw_iso3(config.settings.config_dir)
            out["ucdp"].append({gw[c] for c in codes if c in gw} if codes else None)
    return out


def curated_coverage(con: duckdb.DuckDBPyConnection, config: Config) -> pa.Table:
    """One row per region: the first and last day each series covers it (NULL: not covered)."""
    spans = {d: (lo, hi) for d, lo, hi in con.execute(SPANS).fetchall()}
    series = {"acled": spans.get("acled"), "ucdp": _ucdp_span(spans)}
    filters = _filters(config)
    cols: dict[str, list] = {n: [] for n in SCHEMA.names}
    for r in config.regions:
        cols["region_id"].append(r.id)
        countries = region_countries(r)
        for name, span in series.items():
            fs = filters[name]
            covered = span is not None and (not fs or any(f is None or f & countries for f in fs))
            cols[f"{name}_from"].append(span[0] if covered else None)
            cols[f"{name}_through"].append(span[1] if covered else None)
    return pa.table(cols, schema=SCHEMA)

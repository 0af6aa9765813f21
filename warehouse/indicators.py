"""Tension indicators per region and day, alerts and their evidence: set-based SQL in DuckDB.

`compute(config)` is the one entry point (CLI, Airflow DAG, demo, benchmark).
It recomputes the daily aggregates of the days touched by data loaded since the
last computation (or every day with `full=True`, or the days between `start`
and `end`), then the derived columns (z-scores, 7-day change, tension index)
and alerts over the whole series, which is small (regions x days). Rows are
written only when their values change, under the computation's `as_of`, so
incremental and full runs give the same rows in v_region_daily / v_alerts and
earlier values stay queryable (region_daily_as_of / alerts_as_of).
Formulas: docs/indicators.md.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import duckdb

from tracktwo.config import Config
from warehouse.db import execute, run_script, sql, utcnow, writer
from warehouse.indicator_settings import IndicatorSettings, config_hash, load_settings

# Indicators that get a robust z-score (<name>_z) and a 7-day change (<name>_chg7).
Z_INDICATORS = [
    "events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
    "goldstein_mean", "tone_mean", "conflict_share", "documents", "publishers", "un_documents",
    "dialogue_events", "dialogue_documents",
]
BASE_COLUMNS = [
    "events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict", "goldstein_mean",
    "tone_mean", "conflict_share", "documents", "publishers", "un_documents", "fatalities", "dialogue_events",
    "dialogue_documents",
]
DAILY_COLUMNS = (["region_id", "day"] + BASE_COLUMNS + [f"{x}_{s}" for x in Z_INDICATORS for s in ("z", "chg7")]
                 + ["tension_index", "tension_index_z", "tension_index_chg7"])
ALERT_COLUMNS = [
    "alert_id", "region_id", "day", "kind", "severity", "trigger", "trigger_value", "threshold", "tension_index",
    "tension_index_z", "material_conflict", "material_conflict_z", "conflict_share", "conflict_share_z",
    "events_total", "dialogue_activity", "dialogue_baseline_low", "corroboration", "evidence_count", "evidence_hash",
]
CORE_ALERT_COLUMNS = ALERT_COLUMNS[:-3]

LAST_RUN = "SELECT as_of, loaded_through, config_hash FROM indicator_runs ORDER BY as_of DESC LIMIT 1"
LOADED_THROUGH = "SELECT max(loaded_at) FROM ingest_runs"

DAYS_FULL = """
CREATE OR REPLACE TEMP TABLE ind_days AS
SELECT DISTINCT event_date AS day FROM events
UNION
SELECT DISTINCT published_at::DATE FROM documents WHERE published_at IS NOT NULL
"""
DAYS_RANGE = """
CREATE OR REPLACE TEMP TABLE ind_days AS
SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 DAY))::DATE AS day
"""
# Days touched by fetches loaded after the watermark: the dates of their events, and every
# publication date any version of their documents had (an edit can move a story to another day).
DAYS_INCREMENTAL = """
CREATE OR REPLACE TEMP TABLE ind_days AS
WITH runs AS (SELECT run_id FROM ingest_runs WHERE loaded_at > $since)
SELECT DISTINCT event_date AS day FROM events WHERE run_id IN (SELECT run_id FROM runs)
UNION
SELECT DISTINCT published_at::DATE FROM document_versions
WHERE published_at IS NOT NULL
  AND doc_id IN (SELECT doc_id FROM document_versions WHERE run_id IN (SELECT run_id FROM runs))
"""

CURRENT_ALERTS = f"""
CREATE OR REPLACE TEMP TABLE ind_cur AS
SELECT {', '.join(ALERT_COLUMNS)} FROM alerts
QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1 AND status = 'active'
"""
# Alerts needing (new) evidence: on a recomputed day, or new / changed in any triggering value.
NEED_EVIDENCE = f"""
CREATE OR REPLACE TEMP TABLE ind_need AS
SELECT * FROM ind_alerts
WHERE day IN (SELECT day FROM ind_days)
   OR alert_id IN (SELECT alert_id FROM (SELECT {', '.join(CORE_ALERT_COLUMNS)} FROM ind_alerts
                                         EXCEPT SELECT {', '.join(CORE_ALERT_COLUMNS)} FROM ind_cur))
"""
ALERTS_TO_WRITE = f"""
CREATE OR REPLACE TEMP TABLE ind_write AS
SELECT {', '.join(ALERT_COLUMNS)} FROM (
    SELECT n.*, coalesce(s.corroboration, 0) AS corroboration, coalesce(s.evidence_count, 0) AS evidence_count,
           s.evidence_hash
    FROM ind_need n LEFT JOIN ind_evidence_stats s USING (alert_id)
)
EXCEPT
SELECT {', '.join(ALERT_COLUMNS)} FROM ind_cur
"""
INSERT_ALERTS = "INSERT INTO alerts BY NAME SELECT *, $as_of AS as_of, 'active' AS status FROM ind_write"
INSERT_EVIDENCE = """
INSERT INTO alert_evidence BY NAME
SELECT e.*, $as_of AS as_of FROM ind_evidence e WHERE e.alert_id IN (SELECT alert_id FROM ind_write)
"""
INSERT_WITHDRAWN = """
INSERT INTO alerts BY NAME
SELECT c.*, $as_of AS as_of, 'withdrawn' AS status FROM ind_cur c
WHERE c.alert_id NOT IN (SELECT alert_id FROM ind_alerts)
"""
INSERT_DAILY = f"""
INSERT INTO region_daily BY NAME
SELECT *, $as_of AS as_of FROM (
    SELECT {', '.join(DAILY_COLUMNS)} FROM ind_derived
    EXCEPT
    SELECT {', '.join(DAILY_COLUMNS)} FROM v_region_daily
)
"""
INSERT_RUN = """
INSERT INTO indicator_runs VALUES ($as_of, $mode, $days, $first_day, $last_day, $rows, $alerts, $loaded_through,
                                   $config_hash, $seconds)
"""



@dataclass
class IndicatorSummary:
    as_of: datetime
    mode: str                 # full | incremental | range
    days_recomputed: int
    first_day: date | None
    last_day: date | None
    rows_written: int
    alerts_written: int
    active_alerts: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def _with_membership(name: str) -> str:
    """A .sql file with the shared event-membership CTE spliced in (one definition of the rule)."""
    member = sql("indicators_member_events.sql")
    member = "\n".join(ln for ln in member.splitlines() if not ln.strip().startswith("--"))
    return sql(name).replace("/*MEMBER_EVENTS*/", member.strip())


def _z_sql(source: str, target: str, indicators: list[str], extra: str = "") -> str:
    """Robust z (median/MAD of the trailing baseline, day excluded, MAD floored) and 7-day change.

    Column names come from the fixed lists above, never from input; numbers are bound.
    """
    hist = ",\n".join(
        f"list({x}) OVER wb AS {x}__h, avg({x}) OVER wc AS {x}__prev" for x in indicators)
    meds = ",\n".join(f"list_median({x}__h) AS {x}__med" for x in indicators)
    z = ",\n".join(
        f"""CASE WHEN len(list_filter({x}__h, lambda v: v IS NOT NULL)) >= $min_base AND {x} IS NOT NULL
             THEN round(({x} - {x}__med) / greatest($mad_scale * list_median(list_transform({x}__h, lambda v: abs(v - {x}__med))),
                                                  $floor_{x}), 6) END AS {x}_z,
        round({x} - {x}__prev, 6) AS {x}_chg7,
        CASE WHEN len(list_filter({x}__h, lambda v: v IS NOT NULL)) >= $min_base THEN {x}__med END AS {x}_med"""
        for x in indicators)
    drop = ", ".join(f"{x}__h, {x}__prev, {x}__med" for x in indicators)
    return f"""
CREATE OR REPLACE TEMP TABLE {target} AS
WITH h AS (
    SELECT *, {hist} {extra}
    FROM {source}
    WINDOW wb AS (PARTITION BY region_id ORDER BY day ROWS BETWEEN $baseline PRECEDING AND 1 PRECEDING),
           wc AS (PARTITION BY region_id ORDER BY day ROWS BETWEEN $change PRECEDING AND 1 PRECEDING)
),
m AS (SELECT *, {meds} FROM h)
SELECT * EXCLUDE ({drop}), {z} FROM m
"""


INDEX_SQL = """
CREATE OR REPLACE TEMP TABLE ind_indexed AS
SELECT *,
       round(100 * (
             $w_mc    * material_conflict / (material_conflict + $mc_half)
           + $w_mc_z  * coalesce(least(greatest(material_conflict_z / $z_cap, 0), 1), 0)
           + $w_cs    * conflict_share
           + $w_cs_z  * coalesce(least(greatest(conflict_share_z / $z_cap, 0), 1), 0)
           + $w_gs    * coalesce(least(greatest(-goldstein_mean / $gs_scale, 0), 1), 0)
           + $w_gs_z  * coalesce(least(greatest(-goldstein_mean_z / $z_cap, 0), 1), 0)
           + $w_tone  * coalesce(least(greatest(-tone_mean / $tone_scale, 0), 1), 0)
           + $w_tone_z * coalesce(least(greatest(-tone_mean_z / $z_cap, 0), 1), 0)
       ) / $w_sum, 2) AS tension_index
FROM ind_z1
"""


def _params(s: IndicatorSettings) -> dict[str, object]:
    w = s.index.weights
    p: dict[str, object] = {
        "baseline": s.baseline_days, "change": s.change_days, "min_base": s.min_baseline_days,
        "mad_scale": s.mad_scale,
        "w_mc": w.material_conflict, "w_mc_z": w.material_conflict_z, "w_cs": w.conflict_share,
        "w_cs_z": w.conflict_share_z, "w_gs": w.goldstein, "w_gs_z": w.goldstein_z, "w_tone": w.tone,
        "w_tone_z": w.tone_z, "w_sum": sum(w.model_dump().values()),
        "mc_half": s.index.material_conflict_half, "z_cap": s.index.z_cap,
        "gs_scale": s.index.goldstein_scale, "tone_scale": s.index.tone_scale,
        "z": s.alerts.z, "min_events": s.alerts.min_events, "min_mc": s.alerts.min_material_conflict,
        "sev_medium": s.alerts.severity.medium, "sev_high": s.alerts.severity.high,
        "gap_index": s.alerts.dialogue_gap.index_min, "gap_medium": s.alerts.dialogue_gap.severity.medium,
        "gap_high": s.alerts.dialogue_gap.severity.high,
        "roots": s.dialogue.cameo_roots, "pattern": s.dialogue.pattern(),
        "max_events": s.evidence.max_events, "max_documents": s.evidence.max_documents,
    }
    for x in Z_INDICATORS + ["tension_index"]:
        p[f"floor_{x}"] = s.floor(x)
    return p


def _reference_tables(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Configured regions, their countries and dyads as temp tables the SQL joins on."""
    regions = config.regions
    con.execute("CREATE OR REPLACE TEMP TABLE ind_regions (region_id VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE ind_rc (region_id VARCHAR, iso3 VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE ind_dyads (region_id VARCHAR, lo VARCHAR, hi VARCHAR)")
    if regions:
        con.executemany("INSERT INTO ind_regions VALUES (?)", [[r.id] for r in regions])
        rc = sorted({(r.id, c) for r in regions for c in r.countries})
        con.executemany("INSERT INTO ind_rc VALUES (?, ?)", [list(x) for x in rc])
        dy = sorted({(r.id, min(a, b), max(a, b)) for r in regions for a, b in r.dyads if a != b})
        if dy:
            con.executemany("INSERT INTO ind_dyads VALUES (?, ?, ?)", [list(x) for x in dy])


def _sync_regions(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Mirror regions.yaml (and sources.yaml) so the views filter on the regions computed."""
    from warehouse.load import sync_reference

    sync_reference(con, config)


def _next_as_of(con: duckdb.DuckDBPyConnection) -> datetime:
    now = utcnow()
    last = con.execute("SELECT max(as_of) FROM indicator_runs").fetchone()[0]
    if last is not None and now <= last:
        now = last + timedelta(microseconds=1)
    return now


def compute_on(con: duckdb.DuckDBPyConnection, config: Config, start: date | None = None, end: date | None = None,
               full: bool = False, settings: IndicatorSettings | None = None) -> IndicatorSummary:
    """Compute on an open writer connection (the caller holds the lock)."""
    t0 = time.perf_counter()
    settings = settings or load_settings(config)
    chash = config_hash(settings, config)
    params = _params(settings)
    _sync_regions(con, config)
    _reference_tables(con, config)
    last = execute(con, LAST_RUN).fetchone()
    loaded_now = execute(con, LOADED_THROUGH).fetchone()[0]
    as_of = _next_as_of(con)

    if full or last is None or last[2] != chash:
        mode, loaded_through = "full", loaded_now
        execute(con, DAYS_FULL)
    elif start is not None or end is not None:
        lo, hi = _range(con, start, end)
        mode, loaded_through = "range", last[1]  # other days may still wait for an incremental run
        execute(con, DAYS_RANGE, {"start": lo, "end": hi})
    else:
        mode, loaded_through = "incremental", loaded_now
        execute(con, DAYS_INCREMENTAL, {"since": last[1] or datetime(1970, 1, 1)})
    days = execute(con, "SELECT count(*) FROM ind_days").fetchone()[0]

    con.execute("BEGIN")
    try:
        run_script(con, _with_membership("indicators_base.sql"), params)
        run_script(con, sql("indicators_grid.sql"), params | {"use_stored": mode != "full"})
        execute(con, _z_sql("ind_base", "ind_z1", Z_INDICATORS), params)
        execute(con, INDEX_SQL, params)
        execute(con, _z_sql("ind_indexed", "ind_derived", ["tension_index"],
                           extra=", min(dialogue_events + dialogue_documents) OVER wb AS dialogue__low"
                                 ", count(*) OVER wb AS baseline__n"), params)
        execute(con, """CREATE OR REPLACE TEMP TABLE ind_derived AS
                       SELECT * EXCLUDE (dialogue__low, baseline__n),
                              dialogue_events + dialogue_documents AS dialogue_activity,
                              CASE WHEN baseline__n >= $min_base THEN dialogue__low END AS dialogue_low
                       FROM ind_derived""", {"min_base": settings.min_baseline_days})
        rows = execute(con, INSERT_DAILY, {"as_of": as_of}).fetchone()[0]

        run_script(con, sql("alerts_candidates.sql"), params)
        execute(con, CURRENT_ALERTS)
        execute(con, NEED_EVIDENCE)
        run_script(con, _with_membership("alerts_evidence.sql"), params)
        execute(con, ALERTS_TO_WRITE)
        n_alerts = execute(con, INSERT_ALERTS, {"as_of": as_of}).fetchone()[0]
        execute(con, INSERT_EVIDENCE, {"as_of": as_of})
        n_alerts += execute(con, INSERT_WITHDRAWN, {"as_of": as_of}).fetchone()[0]

        first_day, last_day = execute(con, "SELECT min(day), max(day) FROM ind_derived").fetchone()
        active = execute(con, "SELECT count(*) FROM ind_alerts").fetchone()[0]
        seconds = time.perf_counter() - t0
        execute(con, INSERT_RUN, {"as_of": as_of, "mode": mode, "days": days, "first_day": first_day,
                                 "last_day": last_day, "rows": rows, "alerts": n_alerts,
                                 "loaded_through": loaded_through, "config_hash": chash, "seconds": seconds})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return IndicatorSummary(as_of, mode, days, first_day, last_day, rows, n_alerts, active, round(seconds, 3))


def _range(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None) -> tuple[date, date]:
    """An open end of --start/--end is the first/last day with data."""
    lo, hi = con.execute(
        "SELECT least((SELECT min(event_date) FROM events), (SELECT min(published_at)::DATE FROM documents)),"
        " greatest((SELECT max(event_date) FROM events), (SELECT max(published_at)::DATE FROM documents))"
    ).fetchone()
    lo, hi = start or lo or end, end or hi or start
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi


def compute(config: Config, start: date | None = None, end: date | None = None, full: bool = False) -> IndicatorSummary:
    """Recompute indicators and alerts in one short writer connection (CLI, DAG, demo share this)."""
    with writer(config.settings.warehouse_path) as con:
        return compute_on(con, config, start=start, end=end, full=full)

"""Tension indicators per region and day, alerts and their evidence: set-based SQL in DuckDB.

`compute(config)` is the one entry point (CLI, Airflow DAG, demo, benchmark).
It recomputes the daily aggregates of the days touched by data loaded since the
last computation (or every day with `full=True`, or the days between `start`
and `end`), then the derived columns (z-scores, 7-day change, tension index)
and alerts of the days those aggregates can reach (the whole series in a full
run), reading the rows their trailing windows need. Rows are written only when
their values change, under the computation's `as_of`, so incremental and full
runs give the same rows in v_region_daily / v_alerts and earlier values stay
queryable (region_daily_as_of / alerts_as_of). The latest version of every row
is also kept in region_daily_current / alerts_current (what the v_* views read).
Days after the last day the event feed has finished are partial: their
event-based columns are NULL and raise no alert.
Formulas: docs/indicators.md.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from tracktwo.core.config import Config
from warehouse.db import execute, sql, statements, writer
from warehouse.indicator_settings import IndicatorSettings, config_hash, load_settings
from warehouse.load import sync_reference
from tracktwo.core.clock import utc_now_naive

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
# Event-based columns: NULL on partial days (docs/indicators.md, "Partial days"; indicators_grid.sql), with
# their _z / _chg7 and the tension index.
EVENT_COLUMNS = ["events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
                 "goldstein_mean", "tone_mean", "conflict_share", "dialogue_events"]

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

# The last day the event feed has finished (docs/indicators.md, "Partial days"): with arrival times
# (GDELT DATEADDED), the day of the latest loaded update slot minus one, or that day itself once its
# last slot (24:00 - update_minutes) is in; without any, the last day with events; NULL without events.
EVENTS_THROUGH = """
SELECT CASE WHEN max(date_added) IS NOT NULL
            THEN CAST(max(date_added) + to_minutes(CAST($update_minutes AS INTEGER)) AS DATE) - 1
            ELSE max(event_date) END
FROM events
"""
# Stored days whose partial state differs from the current rule (the feed has moved on, or the rule's
# setting changed): recompute their aggregates from events.
DAYS_STATUS = """
INSERT INTO ind_days
SELECT DISTINCT day FROM region_daily_current
WHERE region_id IN (SELECT region_id FROM ind_regions)
  AND (events_total IS NULL) <> coalesce(day > $through::DATE, false)
  AND day NOT IN (SELECT day FROM ind_days)
"""
# Days whose inputs changed: recomputed days, and grid days without a stored row yet.
CHANGED_DAYS = """
CREATE OR REPLACE TEMP TABLE ind_changed AS
SELECT day FROM ind_days
UNION
SELECT DISTINCT b.day FROM ind_base b
WHERE NOT EXISTS (SELECT 1 FROM region_daily_current c WHERE c.region_id = b.region_id AND c.day = b.day)
"""
ALL_DAYS_CHANGED = "CREATE OR REPLACE TEMP TABLE ind_changed AS SELECT DISTINCT day FROM ind_base"
# A changed day t moves the derived columns of days t .. t + reach (reach = 2 x the longest trailing
# window: the index z-score reads the index of the baseline days, which read their own baselines),
# and those read the rows back to t - reach. `affected` marks the days whose derived columns are kept.
WINDOW_DAYS = """
CREATE OR REPLACE TEMP TABLE ind_window AS
SELECT g.day, bool_or(g.day >= c.day) AS affected
FROM (SELECT DISTINCT day FROM ind_base) g
JOIN ind_changed c ON g.day BETWEEN c.day - CAST($reach AS INTEGER) AND c.day + CAST($reach AS INTEGER)
GROUP BY g.day
"""
WINDOW_ROWS = """
CREATE OR REPLACE TEMP TABLE ind_input AS
SELECT b.*, w.affected FROM ind_base b JOIN ind_window w USING (day)
"""
DAILY_TO_WRITE = f"""
CREATE OR REPLACE TEMP TABLE ind_daily_write AS
SELECT {', '.join(DAILY_COLUMNS)} FROM ind_derived
EXCEPT
SELECT {', '.join(DAILY_COLUMNS)} FROM region_daily_current
WHERE day IN (SELECT day FROM ind_window WHERE affected)
"""
INSERT_DAILY = "INSERT INTO region_daily BY NAME SELECT *, $as_of AS as_of FROM ind_daily_write"
UPSERT_DAILY = "INSERT OR REPLACE INTO region_daily_current BY NAME SELECT *, $as_of AS as_of FROM ind_daily_write"

# Active alerts that this computation may change: those of the days whose derived columns were
# recomputed or whose aggregates were (every one in a full run).
CURRENT_ALERTS = f"""
CREATE OR REPLACE TEMP TABLE ind_cur AS
SELECT {', '.join(ALERT_COLUMNS)}, as_of AS cur_as_of FROM alerts_current
WHERE status = 'active'
  AND ($all OR day IN (SELECT day FROM ind_derived) OR day IN (SELECT day FROM ind_days))
"""
# Alerts needing evidence from events/documents: on a recomputed day (new events or documents may change
# it), or not active before (new, or withdrawn earlier). Every alert in a full run.
NEED_EVIDENCE = """
CREATE OR REPLACE TEMP TABLE ind_need AS
SELECT * FROM ind_alerts
WHERE $all OR day IN (SELECT day FROM ind_days) OR alert_id NOT IN (SELECT alert_id FROM ind_cur)
"""
# Next version of every alert: fresh evidence, or (an active alert on a day whose events and documents
# did not change, only its baseline) the evidence of its current version, which is what it would be.
NEXT_ALERTS = """
CREATE OR REPLACE TEMP TABLE ind_next AS
SELECT n.*, coalesce(s.corroboration, 0) AS corroboration, coalesce(s.evidence_count, 0) AS evidence_count,
       s.evidence_hash, NULL::TIMESTAMP AS evidence_from
FROM ind_need n LEFT JOIN ind_evidence_stats s USING (alert_id)
UNION ALL BY NAME
SELECT a.*, c.corroboration, c.evidence_count, c.evidence_hash, c.cur_as_of AS evidence_from
FROM ind_alerts a JOIN ind_cur c USING (alert_id)
WHERE a.alert_id NOT IN (SELECT alert_id FROM ind_need)
"""
ALERTS_TO_WRITE = f"""
CREATE OR REPLACE TEMP TABLE ind_write AS
SELECT {', '.join(ALERT_COLUMNS)}, evidence_from FROM ind_next
WHERE alert_id IN (SELECT alert_id FROM (SELECT {', '.join(ALERT_COLUMNS)} FROM ind_next
                                         EXCEPT SELECT {', '.join(ALERT_COLUMNS)} FROM ind_cur))
"""
INSERT_ALERTS = """
INSERT INTO alerts BY NAME
SELECT * EXCLUDE (evidence_from), $as_of AS as_of, 'active' AS status FROM ind_write
"""
UPSERT_ALERTS = """
INSERT OR REPLACE INTO alerts_current BY NAME
SELECT * EXCLUDE (evidence_from), $as_of AS as_of, 'active' AS status FROM ind_write
"""
INSERT_EVIDENCE = """
INSERT INTO alert_evidence BY NAME
SELECT e.*, $as_of AS as_of FROM ind_evidence e
WHERE e.alert_id IN (SELECT alert_id FROM ind_write WHERE evidence_from IS NULL)
"""
COPY_EVIDENCE = """
INSERT INTO alert_evidence BY NAME
SELECT e.* EXCLUDE (as_of), $as_of AS as_of FROM alert_evidence e
JOIN ind_write w ON w.alert_id = e.alert_id AND w.evidence_from = e.as_of
"""
WITHDRAWN = """
CREATE OR REPLACE TEMP TABLE ind_withdrawn AS
SELECT * EXCLUDE (cur_as_of) FROM ind_cur WHERE alert_id NOT IN (SELECT alert_id FROM ind_alerts)
"""
INSERT_WITHDRAWN = "INSERT INTO alerts BY NAME SELECT *, $as_of AS as_of, 'withdrawn' AS status FROM ind_withdrawn"
UPSERT_WITHDRAWN = """
INSERT OR REPLACE INTO alerts_current BY NAME SELECT *, $as_of AS as_of, 'withdrawn' AS status FROM ind_withdrawn
"""
ACTIVE_ALERTS = "SELECT count(*) FROM alerts_current WHERE status = 'active'"
INSERT_RUN = """
INSERT INTO indicator_runs BY NAME
SELECT $as_of AS as_of, $mode AS mode, $days AS days_recomputed, $first_day::DATE AS first_day,
       $last_day::DATE AS last_day, $rows AS rows_written, $alerts AS alerts_written,
       $loaded_through::TIMESTAMP AS loaded_through, $config_hash AS config_hash, $seconds AS seconds,
       $through::DATE AS events_through
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
    events_through: date | None = None   # last day with complete events (later days are partial)
    steps: dict[str, float] = field(default_factory=dict, repr=False)  # seconds per statement (profiling)


def _with_membership(name: str) -> str:
    """A .sql file with the shared event-membership CTE spliced in (one definition of the rule)."""
    member = sql("indicators_member_events.sql")
    member = "\n".join(ln for ln in member.splitlines() if not ln.strip().startswith("--"))
    return sql(name).replace("/*MEMBER_EVENTS*/", member.strip())


def _z_sql(source: str, target: str, indicators: list[str], extra: str = "") -> str:
    """Robust z (median/MAD of the trailing baseline, day excluded, MAD floored) and 7-day change.

    Frames are RANGE frames over the day, so a source holding only some stretches of the grid (the days an
    incremental run needs) gives each row the same baseline as the whole series would; on the full grid
    (consecutive days) they equal ROWS frames. Column names come from the fixed lists above, never from
    input; numbers are bound.
    """
    hist = ",\n".join(
        f"list({x}) OVER wb AS {x}__h, count({x}) OVER wb AS {x}__n, avg({x}) OVER wc AS {x}__prev"
        for x in indicators)
    meds = ",\n".join(f"list_median({x}__h) AS {x}__med" for x in indicators)
    z = ",\n".join(
        f"""CASE WHEN {x}__n >= $min_base AND {x} IS NOT NULL
             THEN round(({x} - {x}__med) / greatest($mad_scale * list_median(list_transform({x}__h, lambda v: abs(v - {x}__med))),
                                                  $floor_{x}), 6) END AS {x}_z,
        round({x} - {x}__prev, 6) AS {x}_chg7,
        CASE WHEN {x}__n >= $min_base THEN {x}__med END AS {x}_med"""
        for x in indicators)
    drop = ", ".join(f"{x}__h, {x}__n, {x}__prev, {x}__med" for x in indicators)
    return f"""
CREATE OR REPLACE TEMP TABLE {target} AS
WITH h AS (
    SELECT *, {hist} {extra}
    FROM {source}
    WINDOW wb AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($baseline AS INTEGER)) PRECEDING AND INTERVAL 1 DAY PRECEDING),
           wc AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($change AS INTEGER)) PRECEDING AND INTERVAL 1 DAY PRECEDING)
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
        "update_minutes": s.event_feed.update_minutes,
        # how far a changed day reaches: the index z-score's baseline days read their own baselines
        "reach": 2 * max(s.baseline_days, s.change_days),
    }
    for x in Z_INDICATORS + ["tension_index"]:
        p[f"floor_{x}"] = s.floor(x)
    return p


def _reference_tables(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Configured regions, their countries and dyads as temp tables the SQL joins on."""
    regions = config.regions
    rc = sorted({(r.id, c) for r in regions for c in r.countries})
    dy = sorted({(r.id, min(a, b), max(a, b)) for r in regions for a, b in r.dyads if a != b})
    con.execute("CREATE OR REPLACE TEMP TABLE ind_regions AS SELECT unnest($1::VARCHAR[]) AS region_id",
                [[r.id for r in regions]])
    con.execute("CREATE OR REPLACE TEMP TABLE ind_rc AS SELECT unnest($1::VARCHAR[]) AS region_id, "
                "unnest($2::VARCHAR[]) AS iso3", [[x[0] for x in rc], [x[1] for x in rc]])
    con.execute("CREATE OR REPLACE TEMP TABLE ind_dyads AS SELECT unnest($1::VARCHAR[]) AS region_id, "
                "unnest($2::VARCHAR[]) AS lo, unnest($3::VARCHAR[]) AS hi",
                [[x[0] for x in dy], [x[1] for x in dy], [x[2] for x in dy]])


def _next_as_of(con: duckdb.DuckDBPyConnection) -> datetime:
    now = utc_now_naive()
    last = con.execute("SELECT max(as_of) FROM indicator_runs").fetchone()[0]
    if last is not None and now <= last:
        now = last + timedelta(microseconds=1)
    return now


class _Steps:
    """Runs the statements of one computation and times each (IndicatorSummary.steps, the benchmark)."""

    _TARGET = re.compile(r"^\s*(?:CREATE OR REPLACE TEMP TABLE|INSERT(?: OR REPLACE)? INTO)\s+(\w+)", re.IGNORECASE)

    def __init__(self, con: duckdb.DuckDBPyConnection, params: dict[str, object]):
        self.con, self.params, self.times = con, params, {}

    def __call__(self, stmt: str, extra: dict[str, object] | None = None, name: str | None = None):
        params = self.params | extra if extra else self.params
        t = time.perf_counter()
        out = execute(self.con, stmt, params)
        if name is None:  # the temp table built, or "insert <table>"
            m = self._TARGET.match(stmt)
            name = m.group(1) if m else stmt.split()[0].lower()
            if stmt.lstrip().upper().startswith("INSERT"):
                name = f"insert {name}"
        self.times[name] = round(self.times.get(name, 0.0) + time.perf_counter() - t, 4)
        return out

    def script(self, text: str, extra: dict[str, object] | None = None) -> None:
        """A multi-statement .sql text, each statement timed."""
        for stmt in statements(text):
            self(stmt, extra)


def compute_on(con: duckdb.DuckDBPyConnection, config: Config, start: date | None = None, end: date | None = None,
               full: bool = False, settings: IndicatorSettings | None = None) -> IndicatorSummary:
    """Compute on an open writer connection (the caller holds the lock)."""
    t0 = time.perf_counter()
    settings = settings or load_settings(config)
    chash = config_hash(settings, config)
    params = _params(settings)
    run = _Steps(con, params)
    t = time.perf_counter()
    sync_reference(con, config)  # the views filter on the regions computed
    _reference_tables(con, config)
    run.times["reference tables"] = round(time.perf_counter() - t, 4)
    last = run(LAST_RUN, name="last run").fetchone()
    loaded_now = run(LOADED_THROUGH, name="loaded through").fetchone()[0]
    as_of = _next_as_of(con)

    if full or last is None or last[2] != chash:
        mode, loaded_through = "full", loaded_now
        run(DAYS_FULL)
    elif start is not None or end is not None:
        lo, hi = _range(con, start, end)
        mode, loaded_through = "range", last[1]  # other days may still wait for an incremental run
        run(DAYS_RANGE, {"start": lo, "end": hi})
    else:
        mode, loaded_through = "incremental", loaded_now
        run(DAYS_INCREMENTAL, {"since": last[1] or datetime(1970, 1, 1)})
    through = run(EVENTS_THROUGH, name="events through").fetchone()[0]
    params["through"] = through
    if mode != "full":
        run(DAYS_STATUS, name="days partial state")
    days = run("SELECT count(*) FROM ind_days", name="count days").fetchone()[0]

    con.execute("BEGIN")
    try:
        run.script(_with_membership("indicators_base.sql"))
        run.script(sql("indicators_grid.sql"), {"use_stored": mode != "full"})
        run(ALL_DAYS_CHANGED if mode == "full" else CHANGED_DAYS)
        run(WINDOW_DAYS)
        run(WINDOW_ROWS)
        run(_z_sql("ind_input", "ind_z1", Z_INDICATORS))
        run(INDEX_SQL)
        run(_z_sql("ind_indexed", "ind_derived", ["tension_index"],
                   extra=", min(dialogue_events + dialogue_documents) OVER wb AS dialogue__low"
                         ", count(*) OVER wb AS baseline__n"))
        run("""CREATE OR REPLACE TEMP TABLE ind_derived AS
               SELECT * EXCLUDE (dialogue__low, baseline__n, affected),
                      dialogue_events + dialogue_documents AS dialogue_activity,
                      CASE WHEN baseline__n >= $min_base THEN dialogue__low END AS dialogue_low
               FROM ind_derived WHERE affected""", name="ind_derived (kept days)")
        run(DAILY_TO_WRITE)
        rows = run(INSERT_DAILY, {"as_of": as_of}).fetchone()[0]
        run(UPSERT_DAILY, {"as_of": as_of})

        everything = {"all": mode == "full"}
        run.script(sql("alerts_candidates.sql"))
        run(CURRENT_ALERTS, everything)
        run(NEED_EVIDENCE, everything)
        run.script(_with_membership("alerts_evidence.sql"))
        run(NEXT_ALERTS)
        run(ALERTS_TO_WRITE)
        n_alerts = run(INSERT_ALERTS, {"as_of": as_of}).fetchone()[0]
        run(UPSERT_ALERTS, {"as_of": as_of})
        run(INSERT_EVIDENCE, {"as_of": as_of})
        run(COPY_EVIDENCE, {"as_of": as_of}, name="insert alert_evidence (kept)")
        run(WITHDRAWN)
        n_alerts += run(INSERT_WITHDRAWN, {"as_of": as_of}, name="insert alerts (withdrawn)").fetchone()[0]
        run(UPSERT_WITHDRAWN, {"as_of": as_of}, name="insert alerts_current (withdrawn)")

        first_day, last_day = run("SELECT min(day), max(day) FROM ind_base", name="span").fetchone()
        active = run(ACTIVE_ALERTS, name="active alerts").fetchone()[0]
        seconds = time.perf_counter() - t0
        run(INSERT_RUN, {"as_of": as_of, "mode": mode, "days": days, "first_day": first_day,
                         "last_day": last_day, "rows": rows, "alerts": n_alerts,
                         "loaded_through": loaded_through, "config_hash": chash, "seconds": seconds})
        t = time.perf_counter()
        con.execute("COMMIT")
        run.times["commit"] = round(time.perf_counter() - t, 4)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return IndicatorSummary(as_of, mode, days, first_day, last_day, rows, n_alerts, active, round(seconds, 3),
                            through, run.times)


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
    with writer(config.settings) as con:
        return compute_on(con, config, start=start, end=end, full=full)

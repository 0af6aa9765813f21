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
ACTIVE_ALERTS = "SELECT count(*) FROM alerts_current WHERE status = 'active'"
ALERTS_WRITTEN = "SELECT (SELECT count(*) FROM ind_write) + (SELECT count(*) FROM ind_withdrawn)"


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
        run.script(sql("indicators_days_full.sql"))
    elif start is not None or end is not None:
        lo, hi = _range(con, start, end)
        mode, loaded_through = "range", last[1]  # other days may still wait for an incremental run
        run.script(sql("indicators_days_range.sql"), {"start": lo, "end": hi})
    else:
        mode, loaded_through = "incremental", loaded_now
        run.script(sql("indicators_days_incremental.sql"), {"since": last[1] or datetime(1970, 1, 1)})
    through = run(sql("indicators_events_through.sql"), name="events through").fetchone()[0]
    params["through"] = through
    if mode != "full":
        run.script(sql("indicators_days_status.sql"))
    days = run("SELECT count(*) FROM ind_days", name="count days").fetchone()[0]
    params["all"] = mode == "full"
    columns = {"daily_columns": DAILY_COLUMNS, "alert_columns": ALERT_COLUMNS}

    con.execute("BEGIN")
    try:
        run.script(sql("indicators_base.sql.j2"))
        run.script(sql("indicators_grid.sql"), {"use_stored": mode != "full"})
        run.script(sql("indicators_window.sql"))
        run.script(sql("indicators_z.sql.j2", source="ind_input", target="ind_z1", indicators=Z_INDICATORS, extra=[]))
        run.script(sql("indicators_index.sql"))
        run.script(sql("indicators_z.sql.j2", source="ind_indexed", target="ind_derived", indicators=["tension_index"],
                       extra=["min(dialogue_events + dialogue_documents) OVER wb AS dialogue__low",
                              "count(*) OVER wb AS baseline__n"]))
        run.script(sql("indicators_derived.sql"))
        run.script(sql("indicators_write_daily.sql.j2", **columns), {"as_of": as_of})
        rows = run("SELECT count(*) FROM ind_daily_write", name="rows written").fetchone()[0]

        run.script(sql("alerts_candidates.sql"))
        run.script(sql("alerts_current.sql.j2", **columns))
        run.script(sql("alerts_evidence.sql.j2"))
        run.script(sql("alerts_write.sql.j2", **columns), {"as_of": as_of})
        n_alerts = run(ALERTS_WRITTEN, name="alerts written").fetchone()[0]

        first_day, last_day = run("SELECT min(day), max(day) FROM ind_base", name="span").fetchone()
        active = run(ACTIVE_ALERTS, name="active alerts").fetchone()[0]
        seconds = time.perf_counter() - t0
        run.script(sql("indicators_run.sql"), {
            "as_of": as_of, "mode": mode, "days": days, "first_day": first_day, "last_day": last_day,
            "rows": rows, "alerts": n_alerts, "loaded_through": loaded_through, "config_hash": chash,
            "seconds": seconds})
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
    lo, hi = con.execute(sql("indicators_data_span.sql")).fetchone()
    lo, hi = start or lo or end, end or hi or start
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi


def compute(config: Config, start: date | None = None, end: date | None = None, full: bool = False) -> IndicatorSummary:
    """Recompute indicators and alerts in one short writer connection (CLI, DAG, demo share this)."""
    with writer(config.settings) as con:
        return compute_on(con, config, start=start, end=end, full=full)

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
import pyarrow as pa

from tracktwo.core.config import Config
from warehouse.curated import state_names, state_names_digest
from warehouse.curated_coverage import curated_coverage, curated_spans
from warehouse.db import execute, rollback, sql, statements, writer
from warehouse.indicator_settings import RULES_VERSION, IndicatorSettings, config_hash, load_settings
from warehouse.load import sync_reference
from warehouse.negbin import nb_lower, nb_upper
from tracktwo.core.clock import utc_now_naive

# Daily aggregates (indicators_base.sql.j2), in table order.
BASE_COLUMNS = [
    "events_raw", "events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
    "incidents", "conflict_incidents", "cooperation_incidents", "goldstein_mean", "tone_mean", "conflict_share",
    "documents", "publishers", "un_documents", "dialogue_documents", "conflict_documents", "side_a_sources",
    "side_b_sources", "fatalities", "dialogue_events", "dialogue_incidents", "shared_events", "overlapping_regions",
    "acled_events", "acled_fatalities", "ucdp_events", "ucdp_fatalities", "ucdp_fatalities_low", "ucdp_fatalities_high",
]
# Curated columns (docs/indicators.md, "Curated data"): NULL where their dataset does not cover the region and
# day (unknown, not zero), by the prefix's coverage in ind_curated_coverage.
CURATED_COLUMNS = {"acled_events": "acled", "acled_fatalities": "acled", "ucdp_events": "ucdp",
                   "ucdp_fatalities": "ucdp", "ucdp_fatalities_low": "ucdp", "ucdp_fatalities_high": "ucdp"}
# Event-based columns: NULL on partial days (docs/indicators.md, "Partial days"), with their _z / _chg7.
EVENT_COLUMNS = ["events_raw", "events_total", "verbal_coop", "material_coop", "verbal_conflict",
                 "material_conflict", "incidents", "conflict_incidents", "cooperation_incidents", "goldstein_mean",
                 "tone_mean", "conflict_share", "dialogue_events", "dialogue_incidents", "shared_events",
                 "overlapping_regions"]
MEAN_COLUMNS = ["goldstein_mean", "tone_mean"]  # NULL, not 0, without data
LIST_COLUMNS = ["overlapping_regions"]
SIDE_COLUMNS = ["side_a_sources", "side_b_sources"]  # dyadic regions only
# Descriptive columns that get a robust z-score (<name>_z) and a 7-day change (<name>_chg7).
Z_INDICATORS = [
    "events_total", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
    "goldstein_mean", "tone_mean", "conflict_share", "documents", "publishers", "un_documents",
    "dialogue_events", "dialogue_documents", "incidents", "conflict_incidents",
]
DERIVED_COLUMNS = ["tension_index", "tension_change", "conflict_expected", "conflict_size", "escalation_p",
                   "deescalation_p", "dialogue_activity", "dialogue_expected", "dialogue_gap_p", "dialogue_opening_p",
                   "coverage"]
DAILY_COLUMNS = (["region_id", "day"] + BASE_COLUMNS + [f"{x}_{s}" for x in Z_INDICATORS for s in ("z", "chg7")]
                 + DERIVED_COLUMNS)
ALERT_COLUMNS = [
    "alert_id", "region_id", "day", "kind", "severity", "trigger", "p_value", "alpha", "window_days", "observed",
    "expected", "tension_index", "tension_change", "conflict_incidents", "dialogue_activity", "coverage",
    "corroboration", "evidence_count", "evidence_hash", "curated_support",
]
# What ind_tests holds for the p-values computed in Python (warehouse.negbin), in this order.
TEST_INPUTS = ("SELECT region_id, day, conflict_incidents, ci_2d, ci_2d_n, ci_7d, ci_7d_n, conflict_expected, "
               "conflict_size, ci_base_n, da_2d, da_2d_n, da_7d, da_7d_n, dialogue_expected, dialogue_size, "
               "ci_v1, ci_v2, ci_v7, da_v2, da_v7 "
               "FROM ind_tests WHERE affected AND NOT partial AND conflict_expected IS NOT NULL")
PVALUE_SCHEMA = pa.schema([("region_id", pa.string()), ("day", pa.date32()), ("esc_window", pa.int32()),
                           ("escalation_p", pa.float64()), ("deescalation_p", pa.float64()),
                           ("dialogue_gap_p", pa.float64()), ("dialogue_opening_p", pa.float64())])

LAST_RUN = "SELECT as_of, loaded_through, config_hash FROM indicator_runs ORDER BY as_of DESC LIMIT 1"
# Curated membership left without curated events (all deleted): the curated statements still run, to clear it.
CURATED_MEMBERSHIP = "SELECT count(*) FROM (SELECT 1 FROM curated_event_regions LIMIT 1)"
STORED_COVERAGE = "SELECT * EXCLUDE (computed_at) FROM curated_coverage"
NEW_RUNS = "SELECT run_id FROM ingest_runs WHERE loaded_at > $since"  # loaded after the last run's watermark
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
    # the configuration (settings, regions, reference tables, rules revision) differs from the last run's, which
    # made this run recompute every day with it: the CLI says so (a demo lake recomputed with the shipped config
    # loses every number, its GDELT days being one file each)
    config_changed: bool = False


def _params(s: IndicatorSettings) -> dict[str, object]:
    w, a, f = s.index.weights, s.alerts, s.event_filter
    listing = f.listing_regex()
    p: dict[str, object] = {
        "baseline_z": s.baseline_days, "change": s.change_days, "min_base_z": s.min_baseline_days,
        "mad_scale": s.mad_scale,
        "root_only": f.root_only, "min_sources": f.min_sources, "min_mentions": f.min_mentions,
        "max_lag_days": f.max_lag_days, "armed_types": s.membership.unidentified_armed_types,
        # a valid pattern even when no listing page is excluded (a NULL pattern is refused by regexp_matches)
        "skip_listings": listing is not None, "listing_re": listing or "^$",
        "centroid_areas": s.membership.country_centroids_in_areas,
        "level_window": s.index.window_days, "half": s.index.conflict_half, "change_days": s.index.change_days,
        "w_int": w.intensity, "w_cs": w.conflict_share, "w_fat": w.fatalities,
        "fat_half": s.index.fatalities_half, "fat_carry": s.index.fatalities_carry_days,
        "baseline": a.baseline_days, "dispersion": a.dispersion_days, "guard": a.guard_days,
        "min_base": a.min_baseline_days, "min_dispersion": a.min_dispersion_days, "alpha": a.alpha, "min_incidents": a.min_incidents,
        "min_expected": a.min_expected, "medium_factor": a.medium_factor, "high_factor": a.high_factor,
        "high_corroboration": a.high_corroboration, "dialogue_index": a.dialogue.index_min,
        "dialogue_index_label": f"{a.dialogue.index_min:g}",  # as the alerts' rule text says it (40, not 40.0)
        "roots": s.dialogue.cameo_roots, "pattern": s.dialogue.pattern(), "exclusion": s.dialogue.exclusion(),
        "conflict_pattern": s.evidence.conflict_pattern(), "conflict_exclusion": s.evidence.conflict_exclusion(),
        "max_events": s.evidence.max_events, "max_documents": s.evidence.max_documents,
        "update_minutes": s.event_feed.update_minutes, "min_day_files": s.event_feed.min_day_files(),
        # how far a changed day reaches: the tests of the days whose baseline or dispersion window holds it
        # (the dispersion reads each day's deviation from its trailing 7 days: 6 more), the z-scores of the
        # days whose baseline holds it and the changes of the days it is compared with, the level of the
        # next days (its window, and the fatalities rate carried over the curated data's publication lag) and
        # the tension change (its window and the one before)
        # (the variance floor reads the errors of the dispersion window's days, each against its own baseline,
        # guard + baseline before it, and against the day's), and the dialogue alerts' "tension is high": the
        # highest level of the 7-day test window and the level window before it, each level reaching its window
        # and the carried fatalities back (2 x window + carry + 5)
        "reach": max(a.guard_days + a.dispersion_days + 6, a.guard_days + a.baseline_days, s.baseline_days,
                     s.change_days, s.index.window_days + s.index.fatalities_carry_days, 2 * s.index.change_days,
                     2 * a.guard_days + a.dispersion_days + a.baseline_days,
                     2 * s.index.window_days + s.index.fatalities_carry_days + 5),
    }
    for x in Z_INDICATORS:
        p[f"floor_{x}"] = s.floor(x)
    return p


def window_size(days: int, mean: float, size: float | None, baseline_days: int,
                floor: float | None = None) -> float | None:
    """The negative-binomial size of a `days`-day sum, with the uncertainty of the baseline mean in it.

    A day's count has variance mean + mean^2 / size; `days` of them add that `days` times, and the mean's
    own error (its variance divided by the `baseline_days` it was taken over) adds `days`^2 times, since
    every day of the window shares it. `floor`: the variance the same test's errors had before (indicators_tests.sql,
    docs/indicators.md "Variance floor"), used when larger: independent days understate it where counts come in
    waves. The sum is taken as NB(days x mean, K) with that variance:
    K = (days x mean)^2 / (variance - days x mean). None (Poisson) only without any extra variance.
    """
    daily = mean + (mean * mean / size if size else 0.0)
    variance = days * daily + days * days * daily / max(baseline_days, 1)
    if floor is not None and floor > variance:
        variance = floor
    extra = variance - days * mean
    return (days * mean) ** 2 / extra if extra > 0 else None


def _p_values(rows: list[tuple]) -> pa.Table:
    """The tests' p-values per region-day (docs/indicators.md, "Alerts"): 1.0 when the count is on the other side
    of its expectation, NULL when a window is incomplete (or, for the dialogue tests, the region has no dyad).
    Escalation runs two tests (the day, the last 2 days): its p-value is the smaller one times 2 (Bonferroni),
    so it passes at the same alpha as the other tests."""
    out: dict[str, list] = {name: [] for name in PVALUE_SCHEMA.names}
    for (region, day, x1, x2, n2, x7, n7, mu, k, nb_days, d2, dn2, d7, dn7, mu_d, k_d, v1, v2, v7, w2, w7) in rows:
        p1 = nb_upper(x1, mu, window_size(1, mu, k, nb_days, v1)) if x1 > mu else 1.0
        # the 2-day test also needs today at or above the expected rate (not the day after a spike)
        if n2 == 2:  # two tests: the smaller p-value times 2
            p2 = nb_upper(x2, 2 * mu, window_size(2, mu, k, nb_days, v2)) if x2 > 2 * mu and x1 >= mu else 1.0
            window, escalation = (1 if p1 <= p2 else 2), min(1.0, 2 * min(p1, p2))
        else:  # yesterday is not evaluable: the day's test alone
            window, escalation = 1, p1
        p7 = ((nb_lower(x7, 7 * mu, window_size(7, mu, k, nb_days, v7)) if x7 < 7 * mu else 1.0)
              if n7 == 7 else None)
        gap = opening = None
        if mu_d is not None:  # dyadic regions only
            if dn7 == 7:
                gap = nb_lower(d7, 7 * mu_d, window_size(7, mu_d, k_d, nb_days, w7)) if d7 < 7 * mu_d else 1.0
            if dn2 == 2:
                opening = (nb_upper(d2, 2 * mu_d, window_size(2, mu_d, k_d, nb_days, w2))
                           if d2 > 2 * mu_d else 1.0)
        for name, value in zip(PVALUE_SCHEMA.names, (region, day, window, escalation, p7, gap, opening)):
            out[name].append(value)
    return pa.Table.from_pydict(out, schema=PVALUE_SCHEMA)


def _next_as_of(last: datetime | None) -> datetime:
    """Now, or just after the last run's as_of (a clock set back never orders a run before an earlier one)."""
    now = utc_now_naive()
    if last is not None and now <= last:
        now = last + timedelta(microseconds=1)
    return now


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> None:
    """`rows` (computed in Python) as temp table `name`, for the SQL of this run to join."""
    con.register(f"{name}_rows", rows)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_rows")
    con.unregister(f"{name}_rows")


def _rows(table: pa.Table) -> list[tuple]:
    return sorted(zip(*(table.column(i).to_pylist() for i in range(table.num_columns))), key=repr)


class _Steps:
    """Runs the statements of one computation and times each (IndicatorSummary.steps, the benchmark)."""

    _TARGET = re.compile(r"^\s*(?:CREATE OR REPLACE TEMP TABLE|INSERT(?: OR REPLACE)? INTO)\s+(\w+)", re.IGNORECASE)
    # `--@when rows in T` (a line of the statement): run it only when temp table T has rows. A write to a lake
    # table costs a catalog lookup even when it writes nothing; checking a temp table costs almost nothing.
    _WHEN = re.compile(r"^\s*--@when rows in (\w+)\s*$", re.MULTILINE)

    def __init__(self, con: duckdb.DuckDBPyConnection, params: dict[str, object]):
        self.con, self.params, self.times = con, params, {}

    def __call__(self, stmt: str, extra: dict[str, object] | None = None, name: str | None = None):
        params = self.params | extra if extra else self.params
        t = time.perf_counter()
        tables = self._WHEN.findall(stmt)
        if tables and not any(self.con.execute(f"SELECT EXISTS (FROM {table})").fetchone()[0] for table in tables):
            return None
        out = execute(self.con, stmt, params)
        if name is None:  # the temp table built, or "insert <table>"
            body = self._WHEN.sub("", stmt)
            m = self._TARGET.match(body)
            name = m.group(1) if m else body.split()[0].lower()
            if body.lstrip().upper().startswith("INSERT"):
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
    chash = config_hash(settings, config, state_names_digest(config.settings.config_dir))
    params = _params(settings)
    run = _Steps(con, params)
    # One transaction from here on: on a lake every autocommitted statement reads the snapshot's metadata from
    # the catalog again; inside one transaction it is read once (and the run sees one consistent snapshot).
    con.execute("BEGIN")
    try:
        t = time.perf_counter()
        sync_reference(con, config, in_transaction=True)  # the regions mirror the SQL reads, and the views filter on
        run.times["sync reference"] = round(time.perf_counter() - t, 4)
        return _compute_in_transaction(con, config, run, params, chash, start, end, full, t0)
    except BaseException:
        rollback(con)
        raise


def _compute_in_transaction(con: duckdb.DuckDBPyConnection, config: Config, run: "_Steps", params: dict,
                            chash: str, start: date | None, end: date | None, full: bool,
                            t0: float) -> IndicatorSummary:
    run.script(sql("indicators_reference.sql"))
    t = time.perf_counter()
    spans = curated_spans(con)
    coverage = curated_coverage(config, spans)
    _temp_table(con, "ind_curated_coverage", coverage)
    # Without curated events and curated membership the curated statements are left out: they would find
    # nothing, and each read of a DuckLake table costs a catalog lookup (an empty table's, in 1.5.5, several).
    curated = bool(spans) or con.execute(CURATED_MEMBERSHIP).fetchone()[0] > 0
    run.times["curated coverage"] = round(time.perf_counter() - t, 4)
    last = run(LAST_RUN, name="last run").fetchone()
    loaded_now = run(LOADED_THROUGH, name="loaded through").fetchone()[0]
    as_of = _next_as_of(last[0] if last else None)

    if full or last is None or last[2] != chash:
        mode, loaded_through = "full", loaded_now
        run.script(sql("indicators_days_full.sql"))
    elif start is not None or end is not None:
        lo, hi = _range(con, start, end)
        mode, loaded_through = "range", last[1]  # other days may still wait for an incremental run
        run.script(sql("indicators_days_range.sql"), {"start": lo, "end": hi})
    else:
        mode, loaded_through = "incremental", loaded_now
        runs = [r[0] for r in run(NEW_RUNS, {"since": last[1] or datetime(1970, 1, 1)}, name="new runs").fetchall()]
        run.script(sql("indicators_days_incremental.sql.j2", curated=curated), {"runs": runs})
    through = run(sql("indicators_events_through.sql"), name="events through").fetchone()[0]
    params["through"] = through
    run.script(sql("indicators_event_files.sql"))
    if mode != "full":
        run.script(sql("indicators_days_status.sql"))
    # days a curated release or a source's countries moved in or out of coverage (nothing moved: no day); the
    # coverage is stored only when it changes (the same rows every 15 minutes would only add files to read)
    coverage_moved = _rows(coverage) != _rows(run(STORED_COVERAGE, name="stored coverage").to_arrow_table())
    if mode == "incremental" and coverage_moved:
        run.script(sql("indicators_days_coverage.sql"))
    days = run("SELECT count(*) FROM ind_days", name="count days").fetchone()[0]
    params["all"] = mode == "full"
    columns = {"daily_columns": DAILY_COLUMNS, "alert_columns": ALERT_COLUMNS}
    if mode == "incremental" and days == 0:
        # nothing loaded and no stored day changed state: when the stored grid is whole, every row and alert
        # stays as it is (a full run after this one writes nothing: bench/indicators_bench.py) and the run is
        # recorded with the stored span
        lo, hi, complete = run(sql("indicators_stored_span.sql"), name="stored span").fetchone()
        if complete:
            active = run(ACTIVE_ALERTS, name="active alerts").fetchone()[0]
            return _finish(con, run, t0, coverage_moved, dict(
                as_of=as_of, mode=mode, days=0, first_day=lo, last_day=hi, rows=0, alerts=0, active=active,
                loaded_through=loaded_through, config_hash=chash, through=through))
    if mode != "full":
        run.script(sql("indicators_days_partial.sql"))
        days = run("SELECT count(*) FROM ind_days", name="count days").fetchone()[0]

    run.script(sql("indicators_membership.sql"))
    if curated:  # ACLED names a state's forces by the country's name (curated_membership.sql reads it)
        _temp_table(con, "ind_state_names", state_names(config.settings.config_dir))
        run.script(sql("curated_membership.sql"))
    run.script(sql("indicators_base.sql.j2", curated=curated))
    run.script(sql("indicators_grid.sql.j2", base_columns=BASE_COLUMNS, event_columns=EVENT_COLUMNS,
                   mean_columns=MEAN_COLUMNS, list_columns=LIST_COLUMNS, side_columns=SIDE_COLUMNS,
                   curated_columns=CURATED_COLUMNS),
               {"use_stored": mode != "full"})
    run.script(sql("indicators_window.sql"))
    run.script(sql("indicators_z.sql.j2", source="ind_input", target="ind_z1", indicators=Z_INDICATORS))
    run.script(sql("indicators_level.sql"))
    run.script(sql("indicators_tests.sql"))
    t = time.perf_counter()
    pvalues = _p_values(con.execute(TEST_INPUTS).fetchall())
    con.register("ind_pvalues", pvalues)
    run.times["p-values"] = round(time.perf_counter() - t, 4)
    run.script(sql("indicators_derived.sql"))
    con.unregister("ind_pvalues")
    run.script(sql("indicators_write_daily.sql.j2", **columns), {"as_of": as_of})
    rows = run("SELECT (SELECT count(*) FROM ind_daily_write) + (SELECT count(*) FROM ind_dropped)",
               name="rows written").fetchone()[0]  # changed versions and withdrawn days

    run.script(sql("alerts_candidates.sql"))
    run.script(sql("alerts_curated_support.sql"))
    run.script(sql("alerts_current.sql.j2", **columns))
    if run("SELECT count(*) FROM ind_need", name="alerts needing evidence").fetchone()[0]:
        run.script(sql("alerts_evidence.sql.j2", curated=curated))
    else:  # the same tables, empty, without reading the lake
        run.script(sql("alerts_evidence_none.sql"))
    run.script(sql("alerts_write.sql.j2", **columns), {"as_of": as_of})
    n_alerts = run(ALERTS_WRITTEN, name="alerts written").fetchone()[0]

    first_day, last_day = run("SELECT min(day), max(day) FROM ind_base", name="span").fetchone()
    active = run(ACTIVE_ALERTS, name="active alerts").fetchone()[0]
    return _finish(con, run, t0, mode != "range" and coverage_moved, dict(
        as_of=as_of, mode=mode, days=days, first_day=first_day, last_day=last_day, rows=rows, alerts=n_alerts,
        active=active, loaded_through=loaded_through, config_hash=chash, through=through,
        config_changed=last is not None and last[2] != chash))


def _finish(con: duckdb.DuckDBPyConnection, run: "_Steps", t0: float, write_coverage: bool,
            r: dict[str, object]) -> IndicatorSummary:
    """Record the run (indicator_runs; the coverage it used, for the next incremental run) and commit."""
    seconds = time.perf_counter() - t0
    if write_coverage:  # what the next incremental run compares its coverage with
        run.script(sql("curated_coverage_write.sql"), {"as_of": r["as_of"]})
    run.script(sql("indicators_run.sql"), {
        "as_of": r["as_of"], "mode": r["mode"], "days": r["days"], "first_day": r["first_day"],
        "last_day": r["last_day"], "rows": r["rows"], "alerts": r["alerts"], "loaded_through": r["loaded_through"],
        "config_hash": r["config_hash"], "seconds": seconds, "rules_version": RULES_VERSION})
    t = time.perf_counter()
    con.execute("COMMIT")
    run.times["commit"] = round(time.perf_counter() - t, 4)
    return IndicatorSummary(r["as_of"], r["mode"], r["days"], r["first_day"], r["last_day"], r["rows"], r["alerts"],
                            r["active"], round(seconds, 3), r["through"], run.times,
                            config_changed=bool(r.get("config_changed")))


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

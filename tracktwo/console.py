"""What the CLI and the demo print: ingest summaries and indicator tables (rich tables, feed text escaped)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tracktwo import pipeline
from reports.svg import half_up
from tracktwo.core.config import Config
from warehouse.db import query
from warehouse.indicators import IndicatorSummary

# A source with more fetches than this in one ingest (a GDELT catch-up) is shown as one line, plus its failures.
MANY_FETCHES = 3
# An ingest of more sources than this shows only failed fetches as they happen (the summary lists every source).
MANY_SOURCES = 20
LATEST_SQL = """
SELECT r.region_id, r.day, r.tension_index, r.tension_change, r.conflict_incidents, r.events_total,
       r.dialogue_events, r.dialogue_documents, r.coverage,
       (SELECT count(*) FROM v_alerts a WHERE a.region_id = r.region_id AND a.day > r.day - 7) AS alerts_7d
FROM v_region_daily r
WHERE r.tension_index IS NOT NULL  -- the latest complete day (days after the last event file are partial)
QUALIFY row_number() OVER (PARTITION BY r.region_id ORDER BY r.day DESC) = 1
ORDER BY r.tension_change DESC NULLS LAST, r.tension_index DESC, r.region_id
"""



def _status_style(status: str) -> str:
    return {"ok": "green", "not_modified": "cyan", "failed": "red"}.get(status, "white")


@dataclass
class SourceTotals:
    """One source's runs summed up (a GDELT catch-up loads many files in one ingest)."""

    source_id: str
    status: str = "not_modified"
    http_status: int | None = None
    runs: int = 0
    failed: int = 0
    seen: int = 0
    new: int = 0
    updated: int = 0
    note: str = ""


def per_source(runs) -> list[SourceTotals]:
    """Runs grouped by source, in first-seen order; a source is failed when any of its runs failed."""
    out: dict[str, SourceTotals] = {}
    for r in runs:
        t = out.setdefault(r.source_id, SourceTotals(r.source_id))
        t.runs += 1
        t.seen, t.new, t.updated = t.seen + r.items_seen, t.new + r.items_new, t.updated + r.items_updated
        t.http_status = r.http_status or t.http_status
        if r.status == "failed":
            t.failed += 1
            t.status = "failed"
            t.note = t.note or (r.error or "")
        elif r.status == "ok" and t.status != "failed":
            t.status = "ok"
        if not t.note and r.warning:
            t.note = r.warning
    for t in out.values():
        if t.runs > 1 and t.failed:
            t.note = f"{t.failed} of {t.runs} files failed; first: {t.note}"
    return list(out.values())


def print_runs(console: Console, runs) -> None:
    t = Table(title="ingest summary", show_lines=False)
    for col in ("source", "status", "http", "fetches", "seen", "new", "updated", "note"):
        t.add_column(col, justify="left" if col in ("source", "status", "note") else "right")
    for s in per_source(runs):
        t.add_row(s.source_id, f"[{_status_style(s.status)}]{s.status}[/]", str(s.http_status or ""), str(s.runs),
                  str(s.seen), str(s.new), str(s.updated), escape(s.note[:160]))
    console.print(t)


def print_run_line(console: Console, r) -> None:
    extra = f"{r.items_seen} seen, {r.items_new} new, {r.items_updated} updated" if r.status == "ok" else (r.error or "")
    console.print(f"  {r.source_id:<28} [{_status_style(r.status)}]{r.status:<12}[/] {escape(extra)}")


def _fetch_outcome(rec) -> str:
    """What a fetch line says: a not_modified fetch can be a 304, a listing (HTTP 200) that names no new file, or
    no request at all (a UCDP version already complete), and each is said as it is."""
    if rec.error:
        return rec.error
    if rec.http_status is None:
        return "no request: nothing new to ask for"
    if rec.bytes is not None:
        return f"HTTP {rec.http_status}, {rec.bytes} bytes"
    if rec.status == "not_modified" and rec.http_status != 304:
        return f"HTTP {rec.http_status}, nothing new listed"
    return f"HTTP {rec.http_status}"


def _fetched(console: Console, source, recs, failures_only: bool = False) -> None:
    """One line per fetch; a many-file source (GDELT catch-up) gets one line plus its failures."""
    many = len(recs) > MANY_FETCHES
    shown = [r for r in recs if r.status == "failed"] if many or failures_only else recs
    for rec in shown:
        what = _fetch_outcome(rec)
        console.print(f"  fetched {source.id:<24} [{_status_style(rec.status)}]{rec.status:<12}[/] {escape(str(what))}")
    if many and not failures_only:
        ok = [r for r in recs if r.status == "ok"]
        size = sum(r.bytes or 0 for r in ok)
        console.print(f"  fetched {source.id:<24} {len(ok)} of {len(recs)} files, {size:,} bytes")


def run_ingest(config: Config, source_ids: list[str], console: Console, workers: int = 4) -> int:
    """Fetch the sources into landing, load the warehouse, print what happened; 1 when any source failed."""
    sources = pipeline.select_sources(config, source_ids)
    console.print(f"fetching {len(sources)} source(s) into {config.settings.landing_dir}")
    console.print(f"loading into {config.settings.warehouse_label} as fetches land")
    quiet = len(sources) > MANY_SOURCES
    runs = pipeline.ingest(config, sources, workers=workers,
                           on_fetched=lambda s, recs: _fetched(console, s, recs, failures_only=quiet),
                           on_run=lambda r: None if r.status != "failed" else print_run_line(console, r))
    print_runs(console, runs)
    return 1 if any(r.status == "failed" for r in runs) else 0


def print_latest(config: Config, console: Console, limit: int = 30) -> None:
    """Regions on their latest complete day: where tension is rising first (change), the level beside it."""
    rows = query(config.settings, LATEST_SQL)
    t = Table(title="where is tension rising? (latest complete day)")
    for col in ("region", "day", "change 7d", "index", "conflict incidents", "events", "dialogue ev",
                "dialogue docs", "dyad coverage", "alerts 7d"):
        t.add_column(col, justify="left" if col in ("region", "day", "dyad coverage") else "right")
    for rid, day, idx, chg, ci, ev, de, dd, cov, na in rows[:limit]:
        # rounded as the dashboard and SQL's round() do (33.65 is 33.7 on both, not Python's 33.6)
        change = "" if chg is None else (f"{half_up(chg, 0):+} %" if half_up(chg, 0) else "±0 %")
        t.add_row(escape(rid), str(day), change, str(half_up(idx, 1)), str(ci), str(ev),
                  str(de), str(dd), cov or "", str(na))
    console.print(t)


def print_summary(config: Config, console: Console, s: IndicatorSummary, latest: int = 30) -> None:
    """One line on what the computation did, then regions by latest index."""
    console.print(f"indicators ({s.mode}) as_of {s.as_of:%Y-%m-%d %H:%M:%S} UTC: {s.days_recomputed} day(s) recomputed, "
                  f"span {s.first_day} .. {s.last_day}, {s.rows_written} row(s) changed, "
                  f"{s.alerts_written} alert version(s) written, {s.active_alerts} active alert(s), {s.seconds:.2f}s")
    if s.config_changed:
        console.print(f"[yellow]the configuration in {config.settings.config_dir} (settings, regions, reference tables "
                      "or the rules revision) differs from the one the last computation used: every day was "
                      "recomputed with it.[/] If that was not intended, run again with the --config-dir the "
                      "warehouse is computed with (the demo's is <demo folder>/config); the history tables keep "
                      "the earlier numbers (region_daily_as_of).")
    if s.first_day is not None and latest:
        print_latest(config, console, limit=latest)

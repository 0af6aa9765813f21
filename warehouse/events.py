"""Load landed GDELT 2.0 export files into `events`, set-based in DuckDB.

One export is unzipped (streamed) to a temporary CSV, read by DuckDB's CSV
reader with the explicit 61-column schema into a staging Parquet file beside it
(malformed rows are rejected and counted, the rest load), then inserted with one
INSERT ... SELECT that maps FIPS/CAMEO codes by joins and skips events already
stored by an anti-join. No Python row loops, so loading costs about what
DuckDB's CSV reader costs. A file whose (URL, MD5) is in `gdelt_files` is
skipped before it is read.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extractors.gdelt import READ_CSV_PARAMS, GdeltSource, file_timestamp
from extractors.landing import FetchRecord
from tracktwo.core.errors import ConfigError
from warehouse.db import run_script, sql
from warehouse.load import LoadContext, RunSummary
from tracktwo.core.clock import utc_now_naive

SOURCE = "gdelt"

ALREADY_LOADED = "SELECT run_id FROM gdelt_files WHERE file_url = ? AND md5 = ?"
COUNT_STAGE = """
SELECT count(*) FILTER (WHERE GLOBALEVENTID IS NOT NULL AND SQLDATE IS NOT NULL),
       count(DISTINCT GLOBALEVENTID) FILTER (WHERE SQLDATE IS NOT NULL),
       count(*) FILTER (WHERE GLOBALEVENTID IS NULL OR SQLDATE IS NULL)
FROM read_parquet($stage)
"""
COUNT_REJECTED = "SELECT count(DISTINCT line) FROM gdelt_reject_errors"
SAMPLE_REJECTED = """
SELECT DISTINCT line, lower(CAST(error_type AS VARCHAR)) FROM gdelt_reject_errors ORDER BY line LIMIT 3
"""
RECORD_FILE = """
INSERT INTO gdelt_files (file_url, md5, file_ts, run_id, landing_file, rows_read, rows_new, rows_malformed, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

def refresh_reference(con: duckdb.DuckDBPyConnection, config_dir: Path) -> None:
    """cameo_codes, fips_countries, cameo_countries from config/ (inside the caller's transaction)."""
    run_script(con, sql("gdelt_reference.sql"), {
        "cameo_codes": str(config_dir / "cameo_codes.csv"),
        "fips_iso3": str(config_dir / "fips_iso3.csv"),
    })
    countries = config_dir / "cameo_countries.csv"
    if countries.exists():
        con.execute(sql("gdelt_cameo_countries.sql"), {"path": str(countries)})
    else:
        con.execute(sql("gdelt_cameo_countries_fallback.sql"))
    dupes = con.execute(sql("gdelt_reference_duplicates.sql")).fetchall()
    if dupes:
        listed = ", ".join(f"{config_dir / f}: {k!r}" for f, k in dupes)
        raise ConfigError(f"duplicate key(s) in the GDELT reference tables: {listed} (each code once per file)")


def _ensure_reference(ctx: LoadContext) -> None:
    """Bound DuckDB's memory for GDELT loads (backfills can be large) and refresh the reference tables, once per session."""
    if "gdelt_reference" not in ctx.session:
        ctx.con.execute("SET memory_limit = ?", [ctx.config.settings.duckdb_memory_limit])  # checked by Settings
        refresh_reference(ctx.con, ctx.config.settings.config_dir)
        ctx.session["gdelt_reference"] = True


class ExportRejected(ValueError):
    """A landed export that cannot be loaded as it is (too large unzipped, no usable row)."""


def unzip_export(zip_path: Path, out_dir: Path, max_bytes: int) -> Path:
    """Stream the single CSV out of a landed export zip (CRC checked by zipfile as it reads), at most `max_bytes`.

    A zip bomb (a small download that expands a thousandfold) stops at the cap; the partial file goes with the
    caller's temporary folder.
    """
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
        if len(infos) != 1:
            raise ExportRejected(f"{zip_path.name}: zip holds {len(infos)} members, expected one CSV")
        if infos[0].file_size > max_bytes:
            raise ExportRejected(f"{zip_path.name}: unzips to {infos[0].file_size:,} bytes, over the limit of "
                                 f"{max_bytes:,} (max_unzipped_bytes)")
        out = out_dir / "export.csv"
        written = 0
        with zf.open(infos[0]) as src, open(out, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > max_bytes:  # the header may lie: count what actually comes out
                    raise ExportRejected(f"{zip_path.name}: unzips to more than {max_bytes:,} bytes "
                                         "(max_unzipped_bytes)")
                dst.write(chunk)
    return out


def sweep_temporary(tmp_root: Path) -> None:
    """Remove unzipped exports a killed process left behind (no other loader runs: the writer lock is held)."""
    for leftover in tmp_root.glob("gdelt-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@dataclass(frozen=True)
class Staged:
    """An export read into a staging Parquet file: what gdelt_insert.sql.j2 needs, and what the run reports."""

    path: Path  # the staging file (in the load's temporary folder)
    rows: int  # distinct GLOBALEVENTIDs with a date: the events the file holds
    malformed: int  # rows rejected by the reader, and rows without GLOBALEVENTID or SQLDATE
    repeated: bool  # a GLOBALEVENTID occurs more than once (the insert keeps its first row)
    problems: str | None  # a sample of what was wrong, for the run's warning


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the reader's rejects tables. After a failed statement the transaction is aborted and refuses even
    this: the failure's own error is the one to report, and the rollback discards the tables anyway."""
    for table in ("gdelt_reject_errors", "gdelt_reject_scans"):
        try:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        except duckdb.Error:
            return


def stage_csv(con: duckdb.DuckDBPyConnection, csv_path: Path) -> Staged:
    """Read an export CSV into a staging Parquet file beside it, and count what it holds."""
    stage = csv_path.with_suffix(".parquet")
    _drop_rejects(con)
    con.execute(sql("gdelt_stage.sql"), {**READ_CSV_PARAMS, "path": str(csv_path), "stage": str(stage)})
    rejected = con.execute(COUNT_REJECTED).fetchone()[0]
    sample = []
    if rejected:
        sample = [f"line {line}: {kind.replace('_', ' ')}" for line, kind in con.execute(SAMPLE_REJECTED).fetchall()]
    rows, distinct, no_key = con.execute(COUNT_STAGE, {"stage": str(stage)}).fetchone()
    if no_key:
        sample.append(f"{no_key} row(s) without GLOBALEVENTID or SQLDATE")
    if distinct < rows:
        sample.append(f"{rows - distinct} repeated GLOBALEVENTID(s) within the file kept once")
    return Staged(stage, distinct, rejected + no_key, distinct < rows, "; ".join(sample) or None)


def _max_unzipped(ctx: LoadContext, rec: FetchRecord) -> int:
    """The source's max_unzipped_bytes (the default when the source has left sources.yaml since)."""
    try:
        return int(getattr(ctx.config.source(rec.source_id), "max_unzipped_bytes"))
    except (ConfigError, AttributeError):
        return GdeltSource.model_fields["max_unzipped_bytes"].default


def load_gdelt(ctx: LoadContext, rec: FetchRecord) -> RunSummary:
    """Loader for kind gdelt_events: one landed export -> events (runs inside the caller's transaction)."""
    con = ctx.con
    file_url = rec.extra.get("file_url") or rec.url
    md5 = rec.extra.get("md5") or rec.sha256 or ""
    prev = con.execute(ALREADY_LOADED, [file_url, md5]).fetchone()
    if prev:  # checked first: a file already loaded costs one key lookup, nothing else
        return RunSummary(rec.run_id, rec.source_id, "ok", rec.http_status,
                          warning=f"file already loaded by run {prev[0]}; nothing to do")
    tmp_root = ctx.config.settings.data_dir / "tmp"
    if "gdelt_reference" not in ctx.session:  # the session's first GDELT file
        sweep_temporary(tmp_root)
    _ensure_reference(ctx)
    tmp_root.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=tmp_root, prefix="gdelt-") as td:
            csv_path = unzip_export(ctx.landing.verified_body_path(rec), Path(td), _max_unzipped(ctx, rec))
            staged = stage_csv(con, csv_path)
            seen, malformed, problems = staged.rows, staged.malformed, staged.problems
            if seen == 0:  # a layout change (columns inserted mid-row) makes every row malformed: not a success
                raise ExportRejected(f"no usable row: {malformed} malformed, 0 loaded ({problems}); "
                                     "has GDELT changed the export layout?")
            new = con.execute(sql("gdelt_insert.sql.j2", dedup=staged.repeated),
                              {"stage": str(staged.path), "landing_file": rec.body_file,
                               "run_id": rec.run_id}).fetchone()[0]
    finally:
        _drop_rejects(con)
    con.execute(RECORD_FILE, [file_url, md5, file_timestamp(file_url), rec.run_id, rec.body_file,
                              seen, new, malformed, utc_now_naive()])
    notes = [rec.warning] if rec.warning else []
    if malformed > seen:
        notes.append(f"mostly malformed: {malformed} row(s) skipped, {seen} loaded ({problems})")
    elif malformed:
        notes.append(f"{malformed} malformed row(s) skipped, the rest loaded ({problems})")
    elif problems:
        notes.append(problems)
    warning = "; ".join(notes) or None
    return RunSummary(rec.run_id, rec.source_id, "ok", rec.http_status, items_seen=seen, items_new=new,
                      warning=warning)

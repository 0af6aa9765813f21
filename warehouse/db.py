"""The one way to open the warehouse: a DuckLake, short connections, one writer at a time, migrations.

The lake is located by the settings object (`Settings.catalog`, `Settings.lake_data_path`; warehouse/lake.py
attaches it). Readers never wait for a writer and never block one: each sees the snapshot that was current when it
attached, for as long as it stays open. Writers take an advisory lock first (`<data>/locks/writer-<lake>.lock`,
or a PostgreSQL advisory lock with a PostgreSQL catalog), so the load logic that keeps rows unique (DuckLake has
no key constraints) never races another writer, on this machine or another; a second writer waits up to `Settings.lock_timeout` seconds and then fails with WarehouseBusy, which loses nothing.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tracktwo.core.clock import utc_now_naive
from tracktwo.core.locks import file_lock
from tracktwo.core.settings import Settings
from warehouse import lake

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
SQL_DIR = Path(__file__).parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseBusy(Exception):
    """Another process holds the writer lock for longer than we may wait."""


class WarehouseMissing(Exception):
    """No lake yet (nothing ingested)."""


# SQL templates (`*.sql.j2`) vary only identifiers (column lists from fixed constants in the code) and
# include shared fragments; values are always bound as $parameters, never rendered into the text.
_TEMPLATES = Environment(loader=FileSystemLoader(str(SQL_DIR)), undefined=StrictUndefined, autoescape=False,
                         keep_trailing_newline=True)


def sql(name: str, **identifiers: object) -> str:
    """A named SQL file from warehouse/sql/ (a `.sql.j2` template is rendered with `identifiers`)."""
    if name.endswith(".j2"):
        return _TEMPLATES.get_template(name).render(**identifiers)
    return (SQL_DIR / name).read_text(encoding="utf-8")


def writer_lock_path(settings: Settings) -> Path:
    """The lock file every writer of the embedded lake takes (one per lake: a rebuild's new lake has its own)."""
    return settings.data_dir / "locks" / f"writer-{settings.lake_dir.replace('/', '-')}.lock"


def maintenance_lock_path(settings: Settings) -> Path:
    """Held shared by tracktwo's readers and exclusively by `maintain`: compaction (DuckLake 1.5.5's
    flush_inlined_data and merge_adjacent_files) changes what an already open transaction reads, so the two
    never overlap (tests/test_lake.py)."""
    return settings.data_dir / "locks" / "maintenance.lock"


def writer_lock(settings: Settings, wait: float):
    """The writer lock of this lake (yields True when held): a lock file for the embedded catalog, a
    PostgreSQL advisory lock for a PostgreSQL catalog (writers on several machines)."""
    if lake.catalog_kind(settings) == "postgres":
        return lake.postgres_writer_lock(settings, wait)
    return file_lock(writer_lock_path(settings), wait)


@contextmanager
def single_threaded(con: duckdb.DuckDBPyConnection) -> Iterator[Callable[[], Any]]:
    """DuckDB on one thread while a load runs many small statements (batch merges): with its default of one
    thread per core, a 500-feed ingest took about 2 s more CPU, a quarter of the whole (bench/feeds_ingest.py).
    Yields a context manager factory that gives every core back for a large statement (a GDELT file)."""
    before = int(con.execute("SELECT current_setting('threads')").fetchone()[0])

    @contextmanager
    def all_cores() -> Iterator[None]:
        con.execute(f"SET threads = {before}")
        try:
            yield
        finally:
            try:
                con.execute("SET threads = 1")
            except duckdb.Error:  # a failed transaction left open: its error is the one that matters
                pass

    con.execute("SET threads = 1")
    yield all_cores  # not restored: a writer's connection is its own, closed when the writer is done


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any: after a failed COMMIT there is none, and the error that matters
    is the COMMIT's, not "no transaction is active"."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


def migrations() -> list[tuple[int, str, str]]:
    out = []
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _MIGRATION_NAME.match(p.name)
        if not m:
            raise RuntimeError(f"bad migration file name {p.name}: expected NNN_name.sql")
        out.append((int(m.group(1)), p.stem, p.read_text(encoding="utf-8")))
    return out


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations in order: all of a new lake's in one transaction, else each in its own."""
    # by name: a migration file renumbered before it was released (006_dictionary became 007_dictionary) is
    # still recognised as applied, and the ones before it are written to run again safely (IF NOT EXISTS).
    # One read when the schema is current (every writer opens with this; each lake statement costs a lookup).
    try:
        done = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()}
        new_lake = False
    except duckdb.CatalogException:
        done, new_lake = set(), True
    pending = [(version, name, text) for version, name, text in migrations() if name not in done]
    if not pending:
        return []
    # A new lake gets its whole schema in one transaction, so every table starts at one schema version.
    # DuckLake 1.5.5 reads a table's inlined rows with the catalog as of the schema version the table was
    # created or last altered in, loading that older catalog (about 20 ms) once per version per transaction;
    # one migration per snapshot left a new lake's tables at eight versions, four of which every incremental
    # indicator run loaded (bench/indicators_bench.py). An existing lake migrates one file per transaction, as
    # before (each later migration that alters a table adds a version again).
    groups = [pending] if new_lake else [[m] for m in pending]
    for group in groups:
        con.execute("BEGIN")
        try:
            if new_lake:
                con.execute("CREATE TABLE schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, "
                            "applied_at TIMESTAMP NOT NULL)")
            for version, name, text in group:
                con.execute(text)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utc_now_naive()])
            con.execute("COMMIT")
        except Exception:
            rollback(con)
            raise
    return [name for _, name, _ in pending]


@contextmanager
def writer(settings: Settings, lock_timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection with the schema up to date (`lock_timeout` overrides the setting)."""
    wait = settings.lock_timeout if lock_timeout is None else lock_timeout
    with writer_lock(settings, wait) as held:
        if not held:
            raise WarehouseBusy(
                f"warehouse {settings.warehouse_label} is being written by another process (waited {wait:g}s "
                "for the writer lock); writers take turns, try again when it finishes. Readers are never blocked.")
        if settings.embedded and settings.lake_dir == lake.LIVE and not os.path.lexists(settings.lake_path):
            if not lake.finish_interrupted_swap(settings, have_lock=True):
                lake.create_live(settings)
        con = lake.connect(settings, read_only=False)
        try:
            migrate(con)
            yield con
        finally:
            con.close()


def require(settings: Settings) -> None:
    """Raise WarehouseMissing when no lake exists yet (after finishing an interrupted rebuild swap)."""
    lake.finish_interrupted_swap(settings)
    if not lake.exists(settings):
        raise WarehouseMissing(f"no warehouse at {settings.warehouse_label}: run `tracktwo ingest` "
                               "(or `make demo`) first")


@contextmanager
def reader(settings: Settings, lock_timeout: float | None = None, sandboxed: bool = False,
           snapshot_version: int | None = None, snapshot_time: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (researchers, reports, `tracktwo sql`), on the latest snapshot or the one given.

    It blocks no writer, and every query it runs sees one snapshot (one transaction), however long it stays
    open. The only thing it waits for (up to `lock_timeout`, default the setting) is `tracktwo maintain`'s
    compaction, which takes seconds (hourly and daily in Airflow), and while it is open maintain waits for it: DuckLake 1.5.5's compaction changes what an open transaction
    reads, so the two never overlap (a shared lock here, an exclusive one in maintain).

    `sandboxed` (for queries typed by a person, `tracktwo sql`): no file outside the lake can be read or
    written (COPY, read_csv, read_text, glob), no database attached, no extension installed, and the
    configuration is locked so a query cannot undo that (DuckDB's allowed_directories, enable_external_access,
    lock_configuration). Which statements and functions may run at all is `refused_query`'s to say.
    """
    require(settings)
    real = lake.resolved(settings)  # the lake folder, once: a rebuild moving the link does not move this reader
    wait = settings.lock_timeout if lock_timeout is None else lock_timeout
    with file_lock(maintenance_lock_path(settings), wait, shared=True) as held:
        if not held:
            raise WarehouseBusy(f"warehouse {settings.warehouse_label}: `tracktwo maintain` is compacting it (waited "
                                f"{wait:g}s); try again in a moment")
        con = lake.connect(real, read_only=True, snapshot_version=snapshot_version, snapshot_time=snapshot_time)
        try:
            if sandboxed:
                con.execute("SET allowed_directories = $dirs", {"dirs": [real.lake_data_path]})
                catalog_file = lake.sqlite_catalog_file(real)
                if catalog_file is not None:  # the catalog file itself, not the folder it is in
                    con.execute("SET allowed_paths = $paths", {"paths": [
                        str(catalog_file) + suffix for suffix in ("", "-wal", "-shm", "-journal")]})
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
            con.execute("BEGIN TRANSACTION")  # every query of this reader sees one snapshot
            yield con
        finally:
            con.close()


def upgrade(settings: Settings) -> list[str]:
    """Apply pending migrations of an existing warehouse (a writer is opened only when some are pending).

    Report verbs call this first: views they read may come from a migration newer than the file.
    """
    if not lake.exists(settings):
        return []
    with reader(settings) as con:
        known = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = $lake AND "
                            "table_name = 'schema_migrations'", {"lake": lake.LAKE}).fetchone()[0]
        have = {r[0] for r in con.execute("SELECT name FROM schema_migrations").fetchall()} if known else set()
    pending = [name for _, name, _ in migrations() if name not in have]
    if not pending:
        return []
    with writer(settings):  # migrates on open
        return pending


# What a sandboxed query (`tracktwo sql`) may not call, whatever the statement type: table functions that write
# (DuckLake maintenance writes files, set_option changes the catalog), reach another database, or run SQL text.
_REFUSED_FUNCTION_PREFIXES = ("ducklake_", "sqlite_", "postgres_")
_REFUSED_FUNCTIONS = {"checkpoint", "force_checkpoint", "query", "query_table", "json_execute_serialized_sql",
                      "enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log", "enable_profiling",
                      "disable_profiling"}
_CALL = re.compile(r'"?([A-Za-z_][A-Za-z0-9_]*)"?\s*\(')


def _function_names(node: object, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("function_name"), str):
            out.add(node["function_name"].lower())
        for value in node.values():
            _function_names(value, out)
    elif isinstance(node, list):
        for value in node:
            _function_names(value, out)
    return out


_LEADING_COMMENTS = re.compile(r"^(\s+|--[^\n]*(\n|$)|/\*.*?\*/)*", re.S)


def refused_query(con: duckdb.DuckDBPyConnection, text: str) -> str | None:
    """Why `text` may not run in a sandboxed reader, or None: queries only (SELECT, DESCRIBE, SHOW, SUMMARIZE),
    and none of the functions above. Checked on DuckDB's own parse of the text, before anything runs."""
    try:
        parsed = con.extract_statements(text)
    except duckdb.Error as exc:
        return f"not valid SQL: {str(exc).splitlines()[0]}"
    # named by the statement's own first word: DuckDB files INSTALL under LOAD and USE under SET
    other = [(_LEADING_COMMENTS.sub("", s.query).split() or [s.type.name])[0].upper()
             for s in parsed if s.type != duckdb.StatementType.SELECT]
    if other:
        return f"queries only (SELECT, DESCRIBE, SHOW, SUMMARIZE), not {', '.join(dict.fromkeys(other))}"
    tree = json.loads(con.execute("SELECT json_serialize_sql($q)", {"q": text}).fetchone()[0])
    # DESCRIBE, SHOW and SUMMARIZE are not rendered by json_serialize_sql (tree["error"]): for them, and as a
    # second net for every query, any call written in the text counts too (a false alarm only costs a rewrite)
    called = _function_names(tree, set()) | {m.lower() for m in _CALL.findall(text)}
    bad = sorted(f for f in called if f in _REFUSED_FUNCTIONS or f.startswith(_REFUSED_FUNCTION_PREFIXES))
    return f"the function(s) {', '.join(bad)} may not be called from a query" if bad else None


@dataclass(frozen=True)
class Snapshot:
    """A lake snapshot: what a briefing was built from (`tracktwo.connect(as_of=id)` reproduces it)."""

    snapshot_id: int
    snapshot_time: datetime  # UTC, naive
    lake_id: str  # lake_info.lake_id: snapshot ids start over in a rebuilt lake

    def as_dict(self) -> dict[str, object]:
        return {"snapshot_id": self.snapshot_id, "snapshot_time": self.snapshot_time.isoformat() + "Z",
                "lake_id": self.lake_id}


SNAPSHOT_SQL = """
SELECT snapshot_id, snapshot_time::TIMESTAMP, (SELECT min(lake_id) FROM lake_info) FROM ducklake_snapshots($lake)
WHERE snapshot_id = (SELECT id FROM ducklake_current_snapshot($lake) AS c(id))
"""


def current_snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """The snapshot `con` reads (a reader's pinned one, or the one an `as_of` connection was opened at)."""
    sid, when, lake_id = con.execute(SNAPSHOT_SQL, {"lake": lake.LAKE}).fetchone()
    return Snapshot(int(sid), when, lake_id)


def query(settings: Settings, text: str, params: Any = None) -> list[tuple]:
    """All rows of one read-only query: for scripts, tests and small lookups."""
    with reader(settings) as con:
        return con.execute(text, params or []).fetchall()


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def run_script(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, object] | None = None) -> None:
    """Execute a multi-statement .sql text, binding to each statement only the $names it uses.

    Comment lines are dropped first, so comments may contain ';' (statements must not
    contain ';' inside string literals, nor may a `--@` directive line, which stays with its statement).
    """
    for stmt in statements(text):
        execute(con, stmt, params)


def statements(text: str) -> list[str]:
    """The statements of a .sql text: comment lines dropped first, then split on ';'. A directive line
    (`--@...`, e.g. `--@when rows in T`, read by warehouse.indicators) stays with its statement."""
    text = "\n".join("" if ln.lstrip().startswith("--") and not ln.lstrip().startswith("--@") else ln
                     for ln in text.splitlines())
    return [stmt for stmt in text.split(";") if stmt.strip()]


def execute(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    """Execute one statement with named $parameters, binding only those it uses."""
    names = set(_PARAM.findall(stmt))
    return con.execute(stmt, {k: v for k, v in (params or {}).items() if k in names})

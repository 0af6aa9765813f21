"""The one way to open the warehouse: short connections, bounded lock wait, migrations.

The warehouse is located by the settings object (`Settings.warehouse_path`).
DuckDB allows one read-write process per file. A second writer waits (up to
`Settings.lock_timeout` seconds) and then fails with WarehouseBusy, which names
the file and the holder; it never corrupts data.
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tracktwo.core.settings import Settings
from tracktwo.core.clock import utc_now_naive

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
SQL_DIR = Path(__file__).parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseBusy(Exception):
    """Another process holds the warehouse lock for longer than we may wait."""


class WarehouseMissing(Exception):
    """No warehouse file yet (nothing ingested)."""


# SQL templates (`*.sql.j2`) vary only identifiers (column lists from fixed constants in the code) and
# include shared fragments; values are always bound as $parameters, never rendered into the text.
_TEMPLATES = Environment(loader=FileSystemLoader(str(SQL_DIR)), undefined=StrictUndefined, autoescape=False,
                         keep_trailing_newline=True)


def sql(name: str, **identifiers: object) -> str:
    """A named SQL file from warehouse/sql/ (a `.sql.j2` template is rendered with `identifiers`)."""
    if name.endswith(".j2"):
        return _TEMPLATES.get_template(name).render(**identifiers)
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _is_lock_error(exc: Exception) -> bool:
    return "lock" in str(exc).lower()


def _open(path: Path, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse {path} is locked by another process (waited {lock_timeout:g}s); "
                    f"DuckDB allows one writer at a time, try again when it finishes. Detail: {exc}"
                ) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)


def migrations() -> list[tuple[int, str, str]]:
    out = []
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _MIGRATION_NAME.match(p.name)
        if not m:
            raise RuntimeError(f"bad migration file name {p.name}: expected NNN_name.sql")
        out.append((int(m.group(1)), p.stem, p.read_text(encoding="utf-8")))
    return out


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations in order, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, text in migrations():
        if version in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(text)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, utc_now_naive()],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@contextmanager
def writer(settings: Settings, lock_timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection with the schema up to date (`lock_timeout` overrides the setting)."""
    path = settings.warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, False, settings.lock_timeout if lock_timeout is None else lock_timeout)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def reader(settings: Settings, lock_timeout: float | None = None,
           sandboxed: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection (researchers, reports, `tracktwo sql`).

    `sandboxed` (for queries typed by a person, `tracktwo sql`): no file outside the warehouse can be read or
    written (COPY, read_csv, read_text, glob), no database attached, no extension installed, and the
    configuration is locked so a query cannot undo that (DuckDB's enable_external_access, lock_configuration).
    """
    path = settings.warehouse_path
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `tracktwo ingest` (or `make demo`) first")
    con = _open(path, True, settings.lock_timeout if lock_timeout is None else lock_timeout)
    try:
        if sandboxed:
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


def upgrade(settings: Settings) -> list[str]:
    """Apply pending migrations of an existing warehouse (a writer is opened only when some are pending).

    Report verbs call this first: views they read may come from a migration newer than the file.
    """
    if not settings.warehouse_path.exists():
        return []
    latest = max(v for v, _, _ in migrations())
    with reader(settings) as con:
        have = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
    if have >= latest:
        return []
    with writer(settings):  # migrates on open
        return [name for version, name, _ in migrations() if version > have]


def query(settings: Settings, text: str, params: Any = None) -> list[tuple]:
    """All rows of one read-only query: for scripts, tests and small lookups."""
    with reader(settings) as con:
        return con.execute(text, params or []).fetchall()


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def run_script(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, object] | None = None) -> None:
    """Execute a multi-statement .sql text, binding to each statement only the $names it uses.

    Comment lines are dropped first, so comments may contain ';' (statements must not
    contain ';' inside string literals).
    """
    for stmt in statements(text):
        execute(con, stmt, params)


def statements(text: str) -> list[str]:
    """The statements of a .sql text: comment lines dropped first, then split on ';'."""
    text = "\n".join("" if ln.lstrip().startswith("--") else ln for ln in text.splitlines())
    return [stmt for stmt in text.split(";") if stmt.strip()]


def execute(con: duckdb.DuckDBPyConnection, stmt: str, params: dict[str, object] | None = None) -> duckdb.DuckDBPyConnection:
    """Execute one statement with named $parameters, binding only those it uses."""
    names = set(_PARAM.findall(stmt))
    return con.execute(stmt, {k: v for k, v in (params or {}).items() if k in names})

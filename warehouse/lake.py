"""The DuckLake engine: DuckDB's extensions loaded offline, and the ATTACH of the lake.

The warehouse is a DuckLake (docs/warehouse.md): a catalog database (SQLite by default, PostgreSQL at scale)
plus Parquet data files. Every connection is an in-memory DuckDB with the lake attached as `lake` and made the
default catalog, so tables, views and macros keep their plain names.

Extensions come from the `duckdb-extension-*` wheels pinned beside DuckDB (DuckDB's signed binaries), so no
connection needs the internet. A wheel ships `<name>.duckdb_extension`, but DuckDB derives the entry point
from the file name and the SQLite / PostgreSQL extensions are `sqlite_scanner` / `postgres_scanner`, so the
file is loaded through a link with that name. When no wheel matches the running DuckDB, DuckDB's own
`INSTALL` is tried, and a failure names the package to install.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import duckdb

from tracktwo.core.locks import file_lock, try_for
from tracktwo.core.settings import Settings

# Rows an insert may have and still be kept in the catalog instead of a Parquet file of its own. DuckLake's
# default (10) is kept: inlining the 15-minute loads (1,000 rows) made reads after a day of commits as fast as
# compacted ones, but writing inlined rows out (ducklake_flush_inlined_data) changed what a reader holding an
# older snapshot saw, in DuckDB 1.5.5 (found in review, reproduced); correctness first (docs/benchmarks.md).
DATA_INLINING_ROW_LIMIT: int | None = None

LAKE = "lake"  # the name the lake is attached under (`lake.main.documents`, `ducklake_snapshots('lake')`)

# extension -> (wheel module, the name DuckDB loads it under)
EXTENSIONS: dict[str, tuple[str, str]] = {
    "ducklake": ("duckdb_extension_ducklake", "ducklake"),
    "sqlite": ("duckdb_extension_sqlite", "sqlite_scanner"),
    "postgres": ("duckdb_extension_postgres", "postgres_scanner"),
}


class EngineError(Exception):
    """A DuckDB extension the lake needs cannot be loaded (names the package to install)."""


def _wheel_file(name: str) -> Path | None:
    """The extension binary of the installed `duckdb-extension-<name>` wheel for this DuckDB version, if any."""
    module, _ = EXTENSIONS[name]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0])
    path = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.is_file() else None


def _link_dir() -> Path:
    """A private folder for the renamed links (the user's cache, else a per-user temp folder)."""
    for root in (Path.home() / ".cache" / "tracktwo", Path(tempfile.gettempdir()) / f"tracktwo-{os.getuid()}"):
        folder = root / "duckdb-extensions" / f"v{duckdb.__version__}"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise EngineError("no writable folder for DuckDB extension links (tried ~/.cache/tracktwo and the temp folder)")


def extension_path(name: str) -> Path | None:
    """A loadable path of extension `name` from its wheel (a link named as DuckDB expects), or None."""
    src = _wheel_file(name)
    if src is None:
        return None
    link = _link_dir() / f"{EXTENSIONS[name][1]}.duckdb_extension"
    if not (link.is_symlink() and link.resolve() == src.resolve()):
        tmp = link.with_name(f"{link.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        os.symlink(src, tmp)
        os.replace(tmp, link)  # atomic: concurrent processes never see a half-made link
    return link


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load `name` from its wheel, or else by DuckDB's INSTALL; a failure names what is missing."""
    path = extension_path(name)
    if path is not None:
        con.execute(f"LOAD {literal(str(path))}")
        return
    try:
        con.execute(f"INSTALL {name}")
        con.execute(f"LOAD {name}")
    except duckdb.Error as exc:
        raise EngineError(
            f"DuckDB {duckdb.__version__} needs its {name!r} extension and none is installed: "
            f"pip install duckdb-extension-{name}=={duckdb.__version__} (pinned in constraints.txt), or let DuckDB "
            f"download it (INSTALL {name}). Detail: {str(exc).splitlines()[0]}") from None


def literal(text: str) -> str:
    """`text` as a SQL string literal (ATTACH and LOAD take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def catalog_kind(settings: Settings) -> str:
    """'sqlite' (the embedded default) or 'postgres'."""
    return settings.catalog.partition(":")[0]


def sqlite_catalog_file(settings: Settings) -> Path | None:
    """The SQLite catalog file of the embedded lake (None with a PostgreSQL catalog)."""
    kind, _, target = settings.catalog.partition(":")
    return Path(target) if kind == "sqlite" else None


def exists(settings: Settings) -> bool:
    """Whether the lake has been created (a PostgreSQL catalog is assumed to exist: its server says)."""
    path = sqlite_catalog_file(settings)
    return path is None or path.is_file()


# pg_advisory_lock key of the writer lock of a PostgreSQL-catalog lake ('trk2')
POSTGRES_LOCK_KEY = 0x74726B32


@contextmanager
def postgres_writer_lock(settings: Settings, wait: float) -> Iterator[bool]:
    """The writer lock of a lake whose catalog is PostgreSQL: a session advisory lock on the catalog database,
    so writers on different machines (several Airflow workers) take turns. PostgreSQL drops it when the session
    ends, so a killed writer never leaves it behind. Yields False after `wait` seconds without it."""
    import psycopg  # only a PostgreSQL-catalog deployment needs it

    conninfo = settings.catalog.partition(":")[2]
    try:
        conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=30)
    except psycopg.Error as exc:
        raise EngineError(f"cannot reach the PostgreSQL catalog ({settings.warehouse_label}): "
                          f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
    try:
        if not try_for(lambda: conn.execute("SELECT pg_try_advisory_lock(%s)", [POSTGRES_LOCK_KEY]).fetchone()[0],
                       wait):
            yield False
            return
        try:
            yield True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [POSTGRES_LOCK_KEY])
    finally:
        conn.close()


def _prepare_sqlite(path: Path) -> None:
    """Create the catalog file in WAL mode (stored in the file), so readers never block the writer nor the writer
    readers. Only ever on a new file: opening a catalog that DuckDB's own SQLite may hold in this process, and
    closing it, would drop that process's POSIX locks on the file (SQLite's documented pitfall)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def attach_statements(settings: Settings, name: str = LAKE, read_only: bool = False,
                      snapshot_version: int | None = None, snapshot_time: str | None = None) -> list[str]:
    """The SQL that loads the extensions and attaches the lake (also what `tracktwo shell` gives the CLI)."""
    settings = resolved(settings)
    kind = catalog_kind(settings)
    out = []
    for ext in ("ducklake", kind):
        path = extension_path(ext)
        out.append(f"LOAD {literal(str(path))}" if path else f"INSTALL {ext}; LOAD {ext}")
    options = [f"DATA_PATH {literal(settings.lake_data_path)}", "OVERRIDE_DATA_PATH TRUE"]
    if read_only:
        options.append("READ_ONLY")
    elif DATA_INLINING_ROW_LIMIT is not None:
        options.append(f"DATA_INLINING_ROW_LIMIT {int(DATA_INLINING_ROW_LIMIT)}")
    if snapshot_version is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
    if snapshot_time is not None:
        options.append(f"SNAPSHOT_TIME {literal(snapshot_time)}")
    out.append(f"ATTACH {literal('ducklake:' + settings.catalog)} AS {name} ({', '.join(options)})")
    return out


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, name: str = LAKE, read_only: bool = False,
           snapshot_version: int | None = None, snapshot_time: str | None = None) -> None:
    """Attach the lake of `settings` to `con` under `name` (extensions loaded here)."""
    settings = resolved(settings)
    kind = catalog_kind(settings)
    load_extension(con, "ducklake")
    load_extension(con, kind)
    if kind == "sqlite" and not read_only:
        _prepare_sqlite(sqlite_catalog_file(settings))
    try:
        con.execute(attach_statements(settings, name, read_only, snapshot_version, snapshot_time)[-1])
    except duckdb.Error as exc:  # name the lake, without the connection string's details beyond the label
        detail = str(exc).replace(settings.catalog.partition(":")[2], "<catalog>").splitlines()[0]
        raise EngineError(f"cannot open the warehouse {settings.warehouse_label}: {detail}") from None


def connect(settings: Settings, read_only: bool, snapshot_version: int | None = None,
            snapshot_time: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and in use (the one place that opens it).

    `snapshot_version` / `snapshot_time` (read-only) attach the lake as it was at that snapshot.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")  # every TIMESTAMP in the warehouse is UTC; so are now() and as-of times
        attach(con, settings, LAKE, read_only, snapshot_version, snapshot_time)
        con.execute(f"USE {LAKE}")
    except BaseException:
        con.close()
        raise
    return con


# The embedded lake's folders. `<data>/lake` is a symbolic link to `<data>/lakes/<stamp>/`, the live lake. A
# connection resolves the link once, when it attaches, so it reads the folder it opened for as long as it lives.
# `tracktwo rebuild` (warehouse/rebuild.py) builds a new lake in `<data>/lakes/<stamp>/`, marks it complete, and
# replaces the link in one atomic step; the old folder stays (a backup, and what open readers still read).
# A `<data>/lake` that is a plain folder (copied, or made by hand) works too; a rebuild first moves it under
# lakes/ (marked complete), which is two steps: a process killed between them leaves no `<data>/lake`, and
# `finish_interrupted_swap` (run when a lake is opened) links the newest complete lake.
LIVE = "lake"
LAKES = "lakes"
COMPLETE_MARKER = "LAKE-COMPLETE"


def lakes_dir(settings: Settings) -> Path:
    return settings.data_dir / LAKES


def new_lake_name() -> str:
    """A fresh folder name under lakes/ (UTC time, so names sort by age)."""
    from tracktwo.core.clock import utc_now_naive

    return f"{LAKES}/{utc_now_naive().strftime('%Y%m%dT%H%M%S%f')}"


def mark_complete(folder: Path) -> None:
    (folder / COMPLETE_MARKER).write_text("a complete tracktwo lake\n", encoding="utf-8")


def point_live_at(settings: Settings, target: Path) -> None:
    """Make `<data>/lake` a link to `target` in one atomic step (a plain `<data>/lake` folder is moved away
    first). Caller holds the writer lock of the live lake."""
    live = settings.data_dir / LIVE
    if live.is_symlink() and live.resolve().is_dir():
        mark_complete(live.resolve())  # the outgoing lake is whole: never taken for a partial rebuild and removed
    elif live.is_dir():
        # named to sort before every stamped lake, so a repair after a kill below links the new lake, not this one
        moved = settings.data_dir / LAKES / f"0-previous-{new_lake_name().rpartition('/')[2]}"
        moved.parent.mkdir(parents=True, exist_ok=True)
        mark_complete(live)
        os.rename(live, moved)  # from here to the replace below, finish_interrupted_swap repairs a kill
    tmp = settings.data_dir / f".{LIVE}.{os.getpid()}.link"
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, settings.data_dir), tmp)
    os.replace(tmp, live)


def create_live(settings: Settings) -> None:
    """The first lake of a data folder: an empty `<data>/lakes/<stamp>/` and the link to it."""
    target = settings.data_dir / new_lake_name()
    target.mkdir(parents=True)
    mark_complete(target)  # an empty lake is a whole one; only a rebuild in progress is unmarked
    point_live_at(settings, target)


def resolved(settings: Settings) -> Settings:
    """`settings` with the embedded lake's folder resolved (the link followed once): what a connection attaches."""
    if not settings.embedded:
        return settings
    real = settings.lake_path.resolve()
    return replace(settings, lake_dir=os.path.relpath(real, settings.data_dir)) if real != settings.lake_path else settings


def finish_interrupted_swap(settings: Settings, have_lock: bool = False) -> bool:
    """Link the newest complete lake when a kill left no `<data>/lake` (True if it did). Under the writer lock
    (taken here unless the caller holds it), so two processes never race on it; a link in place is left alone."""
    if not settings.embedded or settings.lake_dir != LIVE or os.path.lexists(settings.lake_path):
        return False
    if not any((p / COMPLETE_MARKER).is_file() for p in lakes_dir(settings).glob("*")):
        return False
    if not have_lock:
        with file_lock(settings.data_dir / "locks" / f"writer-{LIVE}.lock", settings.lock_timeout) as held:
            return held and finish_interrupted_swap(settings, have_lock=True)
    complete = sorted(p for p in lakes_dir(settings).glob("*") if (p / COMPLETE_MARKER).is_file())
    if os.path.lexists(settings.lake_path) or not complete:
        return False
    point_live_at(settings, complete[-1])
    return True

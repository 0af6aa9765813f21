"""The immutable landing zone: raw bytes plus a fetch record, per source and day.

Layout: <data>/landing/<source_id>/<YYYY-MM-DD>/<stamp>-<sha8>.<ext> and a
sibling `.meta.json`. The meta file is written last (atomically), so its
presence means the fetch is complete; the warehouse loads from here and
`tracktwo rebuild` replays it. Nothing here is ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

META_SUFFIX = ".meta.json"
STATE_DIR = "state"  # <data>/state: mutable caches (HTTP validators, GDELT index) beside the immutable landing


@dataclass
class FetchRecord:
    """What one fetch of one source produced: the warehouse's unit of loading."""

    run_id: str
    source_id: str
    kind: str
    url: str
    started_at: str
    finished_at: str
    status: str  # ok | not_modified | failed
    http_status: int | None = None
    sha256: str | None = None
    bytes: int | None = None
    body_file: str | None = None  # relative to the data dir
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None
    warning: str | None = None
    attempts: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FetchRecord":
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB chunks (landed exports and Parquet files can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a landing file whole or not at all, never over an existing one. `durable`: synced to disk before it
    is linked in (a body and its record are the source of truth), so that holds across a system crash too; a file
    that can be made again from them (the parse) is not synced: under load each sync costs milliseconds, and a
    parse a system crash truncated fails its hash check, and the load parses the body instead."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # the caller made the folder
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # never overwrites: fails if the path exists
        except FileExistsError:
            raise FileExistsError(f"landing file already exists (landing is immutable): {path}") from None
    finally:
        os.unlink(tmp)


def write_state(path: Path, obj: Any) -> None:
    """Replace a small JSON state file atomically (state is mutable; landing never is)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj))
    os.replace(tmp, path)


class Landing:
    """Write and read the landing zone under one data dir."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "landing"
        self.state_dir = self.data_dir / STATE_DIR

    def new_run_id(self, source_id: str, started: datetime, salt: bytes = b"") -> str:
        stamp = started.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        tag = hashlib.sha1(source_id.encode() + stamp.encode() + salt + os.urandom(4)).hexdigest()[:8]
        return f"{source_id}/{started:%Y-%m-%d}/{stamp}-{tag}"

    def write(self, record: FetchRecord, body: bytes | None, ext: str,
              parsed: tuple[str, bytes] | None = None) -> FetchRecord:
        """Store body (if any), then what was parsed from it (if any: (suffix, bytes)), then the meta record;
        returns the record with paths set.

        The parsed file is the extractor's parse of the body, kept so that loading (and `tracktwo rebuild`)
        never parses the same bytes again; it is named in the record's `extra` (`parsed_file`,
        `parsed_sha256`) and, like the body, never changes once written."""
        base = self.root / record.run_id
        base.parent.mkdir(parents=True, exist_ok=True)
        if body is not None:
            body_path = base.with_name(base.name + ext)
            _atomic_write(body_path, body)
            record.body_file = str(body_path.relative_to(self.data_dir))
            record.sha256 = sha256(body)
            record.bytes = len(body)
        if parsed is not None:
            suffix, data = parsed
            parsed_path = base.with_name(base.name + suffix)
            _atomic_write(parsed_path, data, durable=False)  # read_parsed checks its hash, else parses the body
            record.extra["parsed_file"] = str(parsed_path.relative_to(self.data_dir))
            record.extra["parsed_sha256"] = sha256(data)
        _atomic_write(base.with_name(base.name + META_SUFFIX), record.to_json().encode())
        return record

    def read_parsed(self, record: FetchRecord) -> bytes | None:
        """The parsed file of a record, checked against its hash; None when the record has none (landed
        before parsed files existed) or it is missing or damaged (the caller parses the body instead)."""
        name = record.extra.get("parsed_file")
        if not name:
            return None
        try:
            data = (self.data_dir / name).read_bytes()
        except OSError:
            return None
        return data if sha256(data) == record.extra.get("parsed_sha256") else None

    def body_path(self, record: FetchRecord) -> Path:
        if not record.body_file:
            raise ValueError(f"run {record.run_id} has no body")
        return self.data_dir / record.body_file

    def read_body(self, record: FetchRecord) -> bytes:
        data = self.body_path(record).read_bytes()
        if record.sha256 and sha256(data) != record.sha256:
            raise ValueError(f"landing file {record.body_file} does not match its recorded sha256")
        return data

    def verified_body_path(self, record: FetchRecord) -> Path:
        """The body's path, after checking it still has its recorded hash (for bodies too big to read whole)."""
        path = self.body_path(record)
        if record.sha256 and sha256_file(path) != record.sha256:
            raise ValueError(f"landing file {record.body_file} does not match its recorded sha256")
        return path

    def records(self, source_id: str | None = None, skip: set[str] | frozenset[str] = frozenset()) -> Iterator[FetchRecord]:
        """Fetch records, oldest first, except the run ids in `skip` (already loaded).

        The run id and start stamp are read from the file name, so skipped records cost a
        directory listing, not a file read: the landing zone grows by thousands of files a day.
        """
        todo = [(run_id, p) for run_id, p in self.meta_paths(source_id).items() if run_id not in skip]
        todo.sort(key=lambda t: (t[1].name.split("-", 1)[0], t[0]))  # <stamp>-<tag>.meta.json: by time
        return (self.read_record(p) for _, p in todo)

    def meta_paths(self, source_id: str | None = None) -> dict[str, Path]:
        """run_id -> its .meta.json, from a directory listing alone (no file is read)."""
        root = self.root / source_id if source_id else self.root
        if not root.exists():
            return {}
        return {p.relative_to(self.root).as_posix()[: -len(META_SUFFIX)]: p for p in root.rglob("*" + META_SUFFIX)}

    @staticmethod
    def read_record(meta_path: Path) -> FetchRecord:
        return FetchRecord.from_dict(json.loads(meta_path.read_text()))


class HttpState:
    """Per-source conditional-GET validators (ETag, Last-Modified): mutable, so kept outside landing."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir) / STATE_DIR / "http"

    def get(self, source_id: str) -> dict[str, str]:
        p = self.dir / f"{source_id}.json"
        try:
            return json.loads(p.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def put(self, source_id: str, etag: str | None, last_modified: str | None, url: str) -> None:
        write_state(self.dir / f"{source_id}.json", {"etag": etag, "last_modified": last_modified, "url": url})

"""The one settings object: where config and data live and how the runtime behaves.

Built once per process by `Settings.from_env` (CLI flags first, then the
environment, then defaults) and passed down; no other module reads a TRACKTWO_*
variable. `ENVIRONMENT` lists every variable with its default and meaning; the
README's table is checked against it by the tests.
"""

from __future__ import annotations

import os
import re
import ssl
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Mapping

from tracktwo.core.datasets import DATASETS
from tracktwo.core.errors import ConfigError
from tracktwo.core.secrets import scrub, secret_forms

TRUE = ("1", "true", "yes", "on")

# name -> (default as documented, meaning). The README's settings table lists exactly these.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "TRACKTWO_CONFIG_DIR": ("./config if it holds sources.yaml, else the defaults shipped in the package",
                            "folder of sources.yaml, regions.yaml, gazetteer.yaml, indicators.yaml, digest.yaml"),
    "TRACKTWO_DATA_DIR": ("./data", "landing zone, state, warehouse, dashboard and digests"),
    "TRACKTWO_CATALOG": ("sqlite:<data>/lake/catalog.sqlite",
                         "the lake's catalog: `sqlite:<file>` (embedded) or `postgres:<libpq string>` "
                         "(several machines; put the password in PGPASSWORD or ~/.pgpass, not here)"),
    "TRACKTWO_DATA_PATH": ("<data>/lake/data/", "where the lake's Parquet files live: a folder, or a shared path "
                           "(network file system, s3://... through DuckDB's own extensions)"),
    "TRACKTWO_LOCK_TIMEOUT": ("60", "seconds a writer waits for the warehouse lock before exit code 3"),
    "TRACKTWO_DUCKDB_MEMORY_LIMIT": ("512MB", "DuckDB memory limit while loading GDELT files"),
    "TRACKTWO_WORKERS": ("the cores this process may use", "processes that parse and tag feeds while the one "
                         "writer commits (1: all in this process)"),
    "TRACKTWO_LOAD_BATCH": ("100", "parsed feeds committed together in one transaction; at most this many "
                            "plus TRACKTWO_WORKERS x --workers fetched feeds wait for the writer (memory)"),
    "TRACKTWO_RAW_SHARING": ("(unset: none)", "comma-separated restricted datasets (acled) whose raw rows your "
                             "licence lets you redistribute: only then do exports, the dashboard and digests show "
                             "them row by row instead of as aggregates"),
    "TRACKTWO_SMTP_HOST": ("(unset: no mail)", "SMTP server for the digest and Airflow failure notices"),
    "TRACKTWO_SMTP_PORT": ("465 with SSL, 587 with STARTTLS, else 25", "SMTP port"),
    "TRACKTWO_SMTP_USER": ("(unset: no login)", "SMTP login"),
    "TRACKTWO_SMTP_PASSWORD": ("(unset)", "SMTP password; never written to logs, files or the warehouse"),
    "TRACKTWO_SMTP_STARTTLS": ("false", "upgrade the connection with STARTTLS"),
    "TRACKTWO_SMTP_SSL": ("false", "implicit TLS (SMTPS); exclusive with STARTTLS"),
    "TRACKTWO_SMTP_CA_FILE": ("(unset: system CAs)", "PEM file of extra CAs to trust, e.g. a private CA"),
    "TRACKTWO_SMTP_FROM": ("tracktwo@<SMTP host>", "sender of Airflow failure notices (the digest's is `from` in digest.yaml)"),
    "TRACKTWO_ALERT_EMAIL": ("(unset: failures are logged only)",
                             "comma-separated recipients of Airflow task-failure notices"),
    "TRACKTWO_AIRFLOW_RETRY_DELAY": ("60 for fetches, 120 for warehouse tasks",
                                     "seconds between Airflow task retries (tests and local trials shorten it)"),
}

_SIZE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)?", re.IGNORECASE)


def packaged_config_dir() -> Path:
    """The default config/ shipped inside the package (read-only in an installed wheel)."""
    return Path(str(resources.files("tracktwo") / "defaults"))


@dataclass(frozen=True)
class SmtpSettings:
    """Where to deliver mail; `password` is excluded from repr so it never reaches a log."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    origin: str = "env"  # "env" or "airflow:<conn_id>", for messages
    ca_file: str | None = None  # PEM file of extra CAs to trust (a private CA); system CAs are kept

    def scrub(self, text: str) -> str:
        """`text` without the password, also in the base64 forms AUTH PLAIN / LOGIN send it in."""
        if not self.password:
            return text
        return scrub(text, secret_forms(self.password, self.user or ""))

    @property
    def source(self) -> str:
        """Where these settings came from, for error messages."""
        if self.origin.startswith("airflow:"):
            return f"Airflow connection {self.origin.partition(':')[2]!r}"
        return "TRACKTWO_SMTP_USER / TRACKTWO_SMTP_PASSWORD"

    def ssl_context(self) -> ssl.SSLContext:
        """System CAs plus `ca_file`; certificate and host name are always verified."""
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        return context


def truthy(value: object) -> bool:
    """A flag from the environment or a connection extra: JSON gives booleans, text gives strings."""
    if isinstance(value, str):
        return value.strip().lower() in TRUE
    return bool(value)


def ca_file(path: str | None, where: str) -> str | None:
    """A CA bundle path, checked to exist (a typo must not silently fall back to the system CAs only)."""
    path = (path or "").strip()
    if not path:
        return None
    if not os.path.isfile(path):
        raise ConfigError(f"{where} {path!r}: file not found (a PEM file of the CA certificates to trust)")
    return path


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = env.get("TRACKTWO_SMTP_HOST", "").strip()
    if not host:
        return None
    use_ssl = truthy(env.get("TRACKTWO_SMTP_SSL", ""))
    starttls = truthy(env.get("TRACKTWO_SMTP_STARTTLS", ""))
    if use_ssl and starttls:
        raise ConfigError("TRACKTWO_SMTP_SSL and TRACKTWO_SMTP_STARTTLS are exclusive: set one of them")
    raw_port = env.get("TRACKTWO_SMTP_PORT", "").strip()
    try:
        port = int(raw_port) if raw_port else (465 if use_ssl else 587 if starttls else 25)
    except ValueError:
        raise ConfigError(f"TRACKTWO_SMTP_PORT must be a number, not {raw_port!r}") from None
    return SmtpSettings(host=host, port=port, user=env.get("TRACKTWO_SMTP_USER") or None,
                        password=env.get("TRACKTWO_SMTP_PASSWORD") or None, starttls=starttls, ssl=use_ssl,
                        ca_file=ca_file(env.get("TRACKTWO_SMTP_CA_FILE"), "TRACKTWO_SMTP_CA_FILE"))


def _number(env: Mapping[str, str], name: str, default: float | None) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, not {raw!r}")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 1 (a count of processes or of feeds)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {raw!r}")
    return value


def default_workers() -> int:
    """The cores this process may use: its CPU set, and no more than a cgroup v2 CPU quota at the root of the
    cgroup mount allows (a Docker or Kubernetes container started with `--cpus 2` on a 64-core host gets 2, not
    64; cgroup v1 quotas and systemd's CPUQuota= are not read: set TRACKTWO_WORKERS there)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, n)


def _memory_limit(env: Mapping[str, str]) -> str:
    raw = env.get("TRACKTWO_DUCKDB_MEMORY_LIMIT", "").strip() or "512MB"
    if not _SIZE.fullmatch(raw):
        raise ConfigError(f"TRACKTWO_DUCKDB_MEMORY_LIMIT={raw!r} is not a size such as '512MB'")
    return raw


_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def _redact_catalog(catalog: str) -> str:
    """A catalog string fit for a message: any password=... replaced."""
    return _PASSWORD.sub(r"\1***", catalog)


def _catalog(env: Mapping[str, str]) -> str | None:
    raw = env.get("TRACKTWO_CATALOG", "").strip()
    if not raw:
        return None
    kind, sep, target = raw.partition(":")
    if not sep or kind not in ("sqlite", "postgres") or not target.strip():
        raise ConfigError(f"TRACKTWO_CATALOG={_redact_catalog(raw)!r}: expected 'sqlite:<file>' or "
                          "'postgres:<libpq connection string>', e.g. 'postgres:dbname=tracktwo host=db'")
    if kind == "sqlite":
        return f"sqlite:{Path(target.strip()).resolve()}"
    if _PASSWORD.search(target) or re.search(r"://[^/@\s]*:[^/@\s]*@", target):
        raise ConfigError("TRACKTWO_CATALOG must not hold a password (it would show in DuckDB's error messages and "
                          "in the list of attached databases): put it in PGPASSWORD or ~/.pgpass, which libpq reads")
    return raw


def _raw_sharing(env: Mapping[str, str]) -> tuple[str, ...]:
    names = tuple(sorted({n.strip().lower() for n in env.get("TRACKTWO_RAW_SHARING", "").split(",") if n.strip()}))
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise ConfigError(f"TRACKTWO_RAW_SHARING: unknown dataset(s) {unknown}; known: {', '.join(sorted(DATASETS))}")
    return names


@dataclass(frozen=True)
class Settings:
    """Where config is read from and data written, and the runtime knobs of the environment."""

    config_dir: Path
    data_dir: Path
    lock_timeout: float = 60.0
    duckdb_memory_limit: str = "512MB"
    smtp: SmtpSettings | None = None
    ca_file: str | None = None  # TRACKTWO_SMTP_CA_FILE, also for an Airflow SMTP connection
    smtp_from: str | None = None
    alert_email: tuple[str, ...] = ()
    airflow_retry_delay: float | None = None
    workers: int = 1  # TRACKTWO_WORKERS: processes that parse and tag feeds (1: in this process, no pool)
    load_batch: int = 100  # TRACKTWO_LOAD_BATCH: parsed feeds held for the writer, committed in one transaction
    lake_dir: str = "lake"  # the embedded lake under data_dir (`tracktwo rebuild` builds a sibling, then swaps)
    catalog_setting: str | None = field(default=None, repr=False)  # TRACKTWO_CATALOG (may hold credentials)
    data_path_setting: str | None = None  # TRACKTWO_DATA_PATH
    raw_sharing: tuple[str, ...] = ()  # TRACKTWO_RAW_SHARING: restricted datasets whose rows may be redistributed
    # where source credentials are looked up (UCDP_ACCESS_TOKEN, ACLED_USERNAME, ACLED_PASSWORD or the names a
    # source's *_env fields give): the process environment, read here only; never logged or written
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_env(cls, config_dir: str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None,
                 env: Mapping[str, str] | None = None) -> "Settings":
        """Flags (the arguments) first, then TRACKTWO_* variables, then defaults relative to the working directory."""
        env = os.environ if env is None else env
        cfg = config_dir or env.get("TRACKTWO_CONFIG_DIR") or None
        if cfg is None:
            cfg = Path("config") if Path("config", "sources.yaml").is_file() else packaged_config_dir()
        data = Path(data_dir or env.get("TRACKTWO_DATA_DIR") or "data")
        recipients = tuple(a.strip() for a in env.get("TRACKTWO_ALERT_EMAIL", "").split(",") if a.strip())
        return cls(
            config_dir=Path(cfg).resolve(), data_dir=data.resolve(),
            lock_timeout=_number(env, "TRACKTWO_LOCK_TIMEOUT", 60.0) or 0.0,
            duckdb_memory_limit=_memory_limit(env),
            workers=_count(env, "TRACKTWO_WORKERS", default_workers()),
            load_batch=_count(env, "TRACKTWO_LOAD_BATCH", 100),
            smtp=_smtp(env),
            ca_file=ca_file(env.get("TRACKTWO_SMTP_CA_FILE"), "TRACKTWO_SMTP_CA_FILE"),
            smtp_from=env.get("TRACKTWO_SMTP_FROM", "").strip() or None,
            alert_email=recipients,
            airflow_retry_delay=_number(env, "TRACKTWO_AIRFLOW_RETRY_DELAY", None),
            catalog_setting=_catalog(env),
            data_path_setting=env.get("TRACKTWO_DATA_PATH", "").strip() or None,
            raw_sharing=_raw_sharing(env),
            credentials=env,
        )

    def for_worker(self) -> "Settings":
        """These settings as a worker process receives them: the credentials copied into a plain dict (the process
        environment, os.environ, cannot be pickled). Sent over the pool's pipe, never written anywhere."""
        return replace(self, credentials=dict(self.credentials))

    @property
    def lake_path(self) -> Path:
        """The embedded lake's folder (catalog.sqlite and data/)."""
        return self.data_dir / self.lake_dir

    @property
    def catalog(self) -> str:
        """The DuckLake catalog after `ducklake:`: `sqlite:<file>` or `postgres:<libpq string>`."""
        return self.catalog_setting or f"sqlite:{self.lake_path / 'catalog.sqlite'}"

    @property
    def embedded(self) -> bool:
        """The default lake: a SQLite catalog and data folder under data_dir, zero configuration."""
        return self.catalog_setting is None and self.data_path_setting is None

    @property
    def lake_data_path(self) -> str:
        """Where the Parquet files are (always ending in '/')."""
        path = self.data_path_setting or str(self.lake_path / "data")
        return path if path.endswith("/") else path + "/"

    @property
    def warehouse_label(self) -> str:
        """The lake for messages: the embedded folder, or the catalog without any password."""
        if self.embedded:
            return str(self.lake_path)
        return f"{_redact_catalog(self.catalog)} (data {self.lake_data_path})"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

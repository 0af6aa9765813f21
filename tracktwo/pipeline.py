"""The pipeline's verbs, shared by the CLI and the Airflow DAGs.

extract_source: one source -> landing (no DuckDB; safe to run in parallel).
load: landing -> warehouse (the one writer).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

from extractors.landing import FetchRecord, HttpState, Landing
from tracktwo.config import Config, ConfigError, Source

EXTRACTORS: dict[str, Callable[[Source, Config], list[FetchRecord]]] = {}


def _extract_rss(source: Source, config: Config) -> list[FetchRecord]:
    from extractors.rss import fetch_to_landing

    data = config.settings.data_dir
    return [fetch_to_landing(source, config.http, Landing(data), HttpState(data))]


EXTRACTORS["rss"] = _extract_rss


def _extract_gdelt(source: Source, config: Config) -> list[FetchRecord]:
    from extractors.gdelt import fetch_new_files

    return fetch_new_files(source, config.http, Landing(config.settings.data_dir))


EXTRACTORS["gdelt_events"] = _extract_gdelt


def select_sources(config: Config, source_ids: Iterable[str] | None = None) -> list[Source]:
    ids = list(source_ids or [])
    if not ids:
        return config.enabled_sources()
    return [config.source(i) for i in ids]


def extract_source(config: Config, source: Source) -> list[FetchRecord]:
    fn = EXTRACTORS.get(source.kind)
    if fn is None:
        raise ConfigError(f"no extractor for kind {source.kind!r} (source {source.id})")
    return fn(source, config)


def extract_all(config: Config, sources: list[Source], workers: int = 4,
                on_done: Callable[[Source, list[FetchRecord]], None] | None = None) -> dict[str, list[FetchRecord]]:
    out: dict[str, list[FetchRecord]] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {s.id: (s, pool.submit(extract_source, config, s)) for s in sources}
        for sid, (s, fut) in futures.items():
            try:
                out[sid] = fut.result()
            except Exception as exc:  # a bug or a full disk in one source must not stop the others
                out[sid] = [record_crash(config, s, exc)]
            if on_done:
                on_done(s, out[sid])
    return out


def record_crash(config: Config, source: Source, exc: Exception) -> FetchRecord:
    """Land a failed record for an unexpected extractor error, so the warehouse shows it."""
    from datetime import datetime, timezone

    from extractors.landing import iso

    now = datetime.now(timezone.utc)
    landing = Landing(config.settings.data_dir)
    rec = FetchRecord(run_id=landing.new_run_id(source.id, now), source_id=source.id, kind=source.kind,
                      url=source.url, started_at=iso(now), finished_at=iso(now), status="failed",
                      error=f"extractor error: {exc.__class__.__name__}: {exc}")
    try:
        landing.write(rec, None, "")
    except OSError:
        pass
    return rec


def load(config: Config, source_ids: Iterable[str] | None = None, on_run=None):
    from warehouse.load import load_pending

    return load_pending(config, source_ids, on_run=on_run)


def rebuild(config: Config, on_run=None):
    from warehouse.load import rebuild as _rebuild

    return _rebuild(config, on_run=on_run)

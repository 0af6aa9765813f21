"""Kind `gdelt_events`: GDELT 2.0's 15-minute event exports, stored as events."""

from __future__ import annotations


from extractors.gdelt import GdeltSource, fetch_new_files
from extractors.landing import FetchRecord, Landing
from tracktwo.core.config import Config
from tracktwo.pipeline.kinds.base import SourceKind
from warehouse.events import load_gdelt
from warehouse.load import LoadSpec


def extract(source: GdeltSource, config: Config) -> list[FetchRecord]:
    """Downloads, MD5 checks and lands export files (no parsing here: the warehouse reads them with DuckDB)."""
    return fetch_new_files(source, config.http_for(source), Landing(config.settings.data_dir))


KIND = SourceKind(
    name="gdelt_events",
    settings=GdeltSource,
    extract=extract,
    load=LoadSpec(load=load_gdelt),
    # rows each file added (events keep the run that loaded them; gdelt_files sums them without a scan)
    status_sql="SELECT r.source_id, sum(g.rows_new) AS stored FROM gdelt_files g JOIN ingest_runs r USING (run_id) "
               "GROUP BY r.source_id",
    stored_unit="events",
)

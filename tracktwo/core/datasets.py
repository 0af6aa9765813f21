"""The curated datasets tracktwo loads and the terms they come under: one registry for the loader (the
licence stamped on every row), exports, the dashboard and the digest (what may be shown raw).

ACLED's terms of use forbid redistributing its event rows: reports and exports show ACLED only as
aggregates (counts and fatalities per region and day) with attribution, unless TRACKTWO_RAW_SHARING names
it (the user's own licence allows it). UCDP's data are CC BY 4.0: rows may be shared with attribution.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str            # curated_events.dataset
    label: str           # as reports name it
    licence: str         # stamped on each row unless the source entry sets `license`
    attribution: str     # printed wherever its numbers appear
    raw_shareable: bool  # its rows may be redistributed (exports, evidence, pages)


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("acled", "ACLED",
            "ACLED Terms of Use: no redistribution of raw event data (https://acleddata.com/terms-of-use/)",
            "Armed Conflict Location & Event Data (ACLED), acleddata.com", raw_shareable=False),
    Dataset("ucdp_ged", "UCDP GED",
            "CC BY 4.0 (UCDP Georeferenced Event Dataset, https://ucdp.uu.se/downloads/)",
            "UCDP Georeferenced Event Dataset (Sundberg & Melander 2013; Davies et al.), ucdp.uu.se",
            raw_shareable=True),
    Dataset("ucdp_candidate", "UCDP Candidate",
            "CC BY 4.0 (UCDP Candidate Events Dataset, https://ucdp.uu.se/downloads/)",
            "UCDP Candidate Events Dataset (Hegre et al. 2020), ucdp.uu.se", raw_shareable=True),
)}


def raw_allowed(dataset: str, shared: frozenset[str] | tuple[str, ...] = ()) -> bool:
    """Whether rows of `dataset` may leave the warehouse as rows (`shared`: TRACKTWO_RAW_SHARING)."""
    d = DATASETS.get(dataset)
    return d is None or d.raw_shareable or dataset in shared

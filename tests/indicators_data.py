"""Hand-built rows for the indicator tests: events, documents and fetch runs inserted directly."""

from __future__ import annotations

from datetime import date, datetime

import yaml

REGIONS = {
    "regions": [
        {"id": "russia-ukraine", "name": "Russia-Ukraine", "type": "dyadic",
         "sides": [{"name": "Russia", "countries": ["RUS"]}, {"name": "Ukraine", "countries": ["UKR"]}],
         "areas": {"countries": ["UKR"], "adm1": ["RS09"]}},
        {"id": "israel-palestine", "name": "Israel-Palestine", "type": "dyadic",
         "sides": [{"name": "Israel", "countries": ["ISR"]}, {"name": "Palestinians", "countries": ["PSE"], "actors": ["HMS"]}],
         "areas": {"countries": ["PSE"]}},
        {"id": "taiwan-strait", "name": "Taiwan Strait", "type": "dyadic",
         "sides": [{"name": "China", "countries": ["CHN"]}, {"name": "Taiwan", "countries": ["TWN"]}],
         "areas": {"countries": ["TWN"],
                   "boxes": [{"name": "strait", "south": 22.5, "north": 25.3, "west": 119.4, "east": 119.95}]}},
        {"id": "sudan", "name": "Sudan", "type": "internal", "areas": {"countries": ["SDN"]}},
    ]
}

# Small windows so every value can be worked out by hand in the tests.
SETTINGS = {
    "baseline_days": 4, "min_baseline_days": 3, "change_days": 2,           # descriptive z-scores
    "index": {"window_days": 2, "conflict_half": 5, "change_days": 2},
    "alerts": {"baseline_days": 7, "dispersion_days": 14, "guard_days": 7, "min_baseline_days": 5,
               "min_dispersion_days": 7, "min_incidents": 3, "min_expected": 1.0},
}

SOURCES = [
    {"id": "un-news", "kind": "rss", "url": "https://news.un.org/feed.xml", "publisher": "UN News", "perspective": "un",
     "license": "UN terms of use"},
    {"id": "kyiv-ledger", "kind": "rss", "url": "https://kyiv.example.org/feed.xml", "publisher": "Kyiv Ledger",
     "perspective": "UKR", "license": "CC0"},
    {"id": "moscow-wire", "kind": "rss", "url": "https://moscow.example.org/feed.xml", "publisher": "Moscow Wire",
     "perspective": "RUS", "license": "CC0"},
    {"id": "gdelt", "kind": "gdelt_events", "url": "http://data.gdeltproject.org/gdeltv2/lastupdate.txt",
     "publisher": "GDELT Project", "license": "GDELT terms (free, with citation)"},
]
RU = "russia-ukraine"
IP = "israel-palestine"
TW = "taiwan-strait"


def D(n: int) -> date:
    """Day n of the test months (D(1) = 2024-03-01; D(32) = 2024-04-01)."""
    return date.fromordinal(date(2024, 3, 1).toordinal() + n - 1)


def make(make_config, settings: dict | None = None, name: str = "run"):
    config = make_config(SOURCES, name=name)
    (config.settings.config_dir / "regions.yaml").write_text(yaml.safe_dump(REGIONS, sort_keys=False))
    (config.settings.config_dir / "indicators.yaml").write_text(yaml.safe_dump(settings or SETTINGS, sort_keys=False))
    return config


def run(con, run_id: str, loaded_at: datetime, source_id: str = "gdelt", kind: str = "gdelt_events") -> None:
    con.execute(
        "INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, loaded_at, status) VALUES (?, ?, ?, ?, ?, ?, 'ok')",
        [run_id, source_id, kind, "http://example.org/" + run_id, loaded_at, loaded_at])


def event(con, eid: str, day: date, *, a1=None, a2=None, action=None, quad=4, root=None, gold=-10.0, mentions=1,
          tone=-5.0, url=None, run_id="r1", fips=None, added: datetime | None = None, is_root=True, sources=1,
          feature: str | None = None, adm1=None, geo_type=None, lat=None, lon=None, g1=None, g2=None,
          code1=None, code2=None, cameo: str | None = None) -> None:
    """One event. `feature` is its place (GDELT ActionGeo_FeatureID): by default each event its own place,
    so each is its own incident; give two events the same feature (and actors, code, day) to make them one.
    `added` is its arrival time (GDELT DATEADDED), None as in most hand-built tests. `geo_type` (GDELT's
    ActionGeo_Type) is 4, a town, when the event has a place (`action`) and no type is given: 1 is a country's
    centroid, which joins no region through an area country. `cameo`: the CAMEO event code (default the root's
    first code, root + "0")."""
    root = root or (cameo[:2] if cameo else {1: "04", 2: "07", 3: "11", 4: "19"}[quad])
    if geo_type is None and action is not None:
        geo_type = 4
    con.execute(
        """INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_code, actor1_name,
               actor1_iso3, actor1_group, actor2_code, actor2_name, actor2_iso3, actor2_group, is_root_event,
               event_code, root_code, quad_class, goldstein, num_mentions, num_sources, avg_tone, action_fips,
               action_iso3, action_adm1, action_geo_type, lat, lon, action_feature_id, source_url, landing_file, run_id)
           VALUES (?, 'gdelt', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                   'landing/x.zip', ?)""",
        [f"gdelt:{eid}", eid, day, added, code1 or a1 or g1, a1 or g1, a1, g1, code2 or a2 or g2, a2 or g2, a2, g2,
         is_root, cameo or root + "0", root, quad, gold, mentions, sources, tone, fips, action, adm1, geo_type, lat, lon,
         feature or f"place-{eid}", url or f"https://www.news{eid}.example.com/story/{eid}", run_id])


def document(con, doc_id: str, source_id: str, published: datetime, title: str, regions: list[tuple[str, str, int]],
             *, summary: str = "", run_id: str = "r1", publisher: str | None = None, perspective: str | None = None,
             url: str | None = None) -> None:
    pub = publisher or {s["id"]: s["publisher"] for s in SOURCES}[source_id]
    persp = perspective or {s["id"]: s.get("perspective", "international") for s in SOURCES}[source_id]
    url = url or f"https://{source_id}.example.org/{doc_id}"
    con.execute(
        """INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary, published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', 'h', 1, 'landing/f.xml', ?)""",
        [doc_id, source_id, pub, persp, doc_id, url, title, summary, published, published, published, run_id])
    con.execute("INSERT INTO document_versions (doc_id, version, content_hash, url, title, summary, published_at, seen_at, landing_file, run_id) VALUES (?, 1, 'h', ?, ?, ?, ?, ?, 'landing/f.xml', ?)",
                [doc_id, url, title, summary, published, published, run_id])
    for region, term, n in regions:
        con.execute("INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions, reason) "
                    "VALUES (?, 'region', ?, ?, ?, 'area')", [doc_id, region, term, n])


def memberships(config, cases: dict[str, tuple[dict, dict]]) -> dict[str, dict[str, str]]:
    """Insert one event per case (id -> (event kwargs, expected)) on day 1, compute, and return each event's
    regions with their reasons ({} when it belongs to none), to compare with the expected {region: reason}."""
    from conftest import batch_writer
    from warehouse.indicators import compute

    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 3, 2))
        for eid, (kw, _) in cases.items():
            event(con, eid, D(1), **kw)
    compute(config)
    with batch_writer(config.settings) as con:
        got = con.execute("SELECT event_id, region_id, reason FROM event_regions").fetchall()
    found: dict[str, dict[str, str]] = {eid: {} for eid in cases}
    for eid, region, reason in got:
        found[eid.removeprefix("gdelt:")][region] = reason
    return found

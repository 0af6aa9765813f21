"""Hand-built rows for the indicator tests: events, documents and fetch runs inserted directly."""

from __future__ import annotations

from datetime import date, datetime

import yaml

REGIONS = {
    "regions": [
        {"id": "russia-ukraine", "name": "Russia-Ukraine", "countries": ["RUS", "UKR"], "dyads": [["RUS", "UKR"]]},
        {"id": "israel-palestine", "name": "Israel-Palestine", "countries": ["ISR", "PSE"], "dyads": [["ISR", "PSE"]]},
        {"id": "taiwan-strait", "name": "Taiwan Strait", "countries": ["CHN", "TWN"],
         "dyads": [["CHN", "TWN"], ["USA", "CHN"]]},
        {"id": "sudan", "name": "Sudan", "countries": ["SDN"]},
    ]
}

# Small numbers so every value can be worked out by hand in the tests.
SETTINGS = {
    "baseline_days": 4,
    "min_baseline_days": 3,
    "change_days": 2,
    "alerts": {"z": 2.0, "min_events": 1, "min_material_conflict": 1,
               "dialogue_gap": {"index_min": 50, "severity": {"medium": 65, "high": 80}}},
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


def D(n: int) -> date:
    """Day n of the test month (D(1) = 2024-03-01)."""
    return date(2024, 3, n)


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
          tone=-5.0, url=None, run_id="r1", fips=None, added: datetime | None = None) -> None:
    """One event; `added` is its arrival time (GDELT DATEADDED), None as in the hand-built tests."""
    root = root or {1: "04", 2: "07", 3: "11", 4: "19"}[quad]
    con.execute(
        """INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_name, actor1_iso3,
               actor2_name, actor2_iso3, event_code, root_code, quad_class, goldstein, num_mentions, avg_tone,
               action_fips, action_iso3, source_url, landing_file, run_id)
           VALUES (?, 'gdelt', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'landing/x.zip', ?)""",
        [f"gdelt:{eid}", eid, day, added, a1, a1, a2, a2, root + "0", root, quad, gold, mentions, tone, fips, action,
         url or f"https://www.news{eid}.example.com/story/{eid}", run_id])


def document(con, doc_id: str, source_id: str, published: datetime, title: str, regions: list[tuple[str, str, int]],
             *, summary: str = "", run_id: str = "r1", publisher: str | None = None, perspective: str | None = None,
             url: str | None = None) -> None:
    pub = publisher or {s["id"]: s["publisher"] for s in SOURCES}[source_id]
    persp = perspective or {s["id"]: s.get("perspective", "international") for s in SOURCES}[source_id]
    url = url or f"https://{source_id}.example.org/{doc_id}"
    con.execute(
        """INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', 'h', 1, 'landing/f.xml', ?)""",
        [doc_id, source_id, pub, persp, doc_id, url, title, summary, published, published, published, run_id])
    con.execute("INSERT INTO document_versions VALUES (?, 1, 'h', ?, ?, ?, ?, ?, 'landing/f.xml', ?)",
                [doc_id, url, title, summary, published, published, run_id])
    for region, term, n in regions:
        con.execute("INSERT INTO document_places VALUES (?, 'region', ?, ?, ?)", [doc_id, region, term, n])

"""A small hand-built warehouse for the dashboard tests (shared by the HTML and browser tests).

40 days ending END. russia-ukraine has a steady trickle of material conflict
then a surge over the last 5 days (escalation alert with evidence); one of its
documents has an HTML-injection title and a javascript: URL. Two RSS sources
(one failing on its latest fetch) and a GDELT source feed the freshness panel.
Indicators and alerts come from warehouse.indicators.compute.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from warehouse.db import writer
from tracktwo.core.config import Config
from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config


PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config"

END = date(2026, 3, 31)
DAYS = 40
SURGE = 5
EVIL_TITLE = "<img src=x onerror=alert(1)>"
EVIL_URL = "javascript:alert(1)"

SOURCES = [
    {"id": "kyiv-ledger", "kind": "rss", "url": "https://ledger.example.org/feed.xml", "publisher": "Kyiv Ledger"},
    {"id": "moscow-wire", "kind": "rss", "url": "https://wire.example.net/rss", "publisher": "Moscow Wire"},
    {"id": "gdelt", "kind": "gdelt_events", "url": "http://data.gdeltproject.org/gdeltv2/lastupdate.txt",
     "publisher": "GDELT Project"},
]

EVENT_SQL = """
INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_code, actor1_iso3,
                    actor2_code, actor2_iso3, is_root_event, event_code, base_code, root_code, quad_class,
                    goldstein, num_mentions, num_sources, num_articles, avg_tone, action_iso3, source_url,
                    action_feature_id, landing_file, run_id)
VALUES (?, 'gdelt', ?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 'landing/gdelt/x.zip', 'run-gdelt')
"""
DOC_SQL = """
INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary, published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id)
VALUES (?, ?, ?, 'international', ?, ?, ?, '', ?, ?, ?, 'en', ?, 1, 'landing/x.xml', ?)
"""
RUN_SQL = """
INSERT INTO ingest_runs (run_id, source_id, kind, url, started_at, finished_at, loaded_at, status, http_status,
                         items_seen, items_new, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
"""

# date_added of the day's last 15-minute file: the fixture's days are complete (not partial) days.
LAST_FILE = timedelta(hours=23, minutes=45)


def _events(con) -> None:
    n = 0

    def add(day: date, quad: int, code: str, mentions: int, url: str, a1: str = "RUS", a2: str = "UKR",
            where: str = "UKR") -> None:
        nonlocal n
        n += 1
        gold = {1: 2.0, 2: 6.0, 3: -4.0, 4: -9.0}[quad]
        tone = {1: 1.0, 2: 2.0, 3: -4.0, 4: -8.0}[quad]
        con.execute(EVENT_SQL, [f"gdelt:{n}", str(n), day, datetime.combine(day, datetime.min.time()) + LAST_FILE, a1, a1, a2,
                                a2, code, code[:3], code[:2], quad, gold, mentions, mentions, tone, where, url,
                                f"place-{n}"])  # each event its own place: a distinct incident

    for i in range(DAYS):
        day = END - timedelta(days=DAYS - 1 - i)
        surge = i >= DAYS - SURGE
        if i < DAYS - 8:  # talks between the sides, which stop 8 days before the end: a dialogue gap
            add(day, 1, "040", 2, f"https://news.example.com/talk/{i}")
            add(day, 1, "043", 2, f"https://news.example.com/talk2/{i}")
        add(day, 3, "120", 2, f"https://news.example.com/reject/{i}")
        add(day, 4, "190", 3, f"https://news.example.com/clash/{i}")
        if surge:
            for k in range(12):
                url = EVIL_URL if (i == DAYS - 1 and k == 0) else f"https://frontline.example.org/{i}/{k}"
                add(day, 4, "193", 20 + k, url)
        # Korean peninsula: a little dialogue, nothing else.
        add(day, 1, "042", 1, f"https://asia.example.com/{i}", "PRK", "KOR", "KOR")
    # one event of two regions: a Chinese coast guard ship rams a Taiwanese one near the Spratlys (China vs
    # Taiwan: taiwan-strait by its dyad; in the Spratly box with a party: south-china-sea by its area)
    add(END, 4, "190", 4, "https://asia.example.com/ram", "CHN", "TWN", None)
    # the surge's clashes are placed (city level, for the map), one place named by hostile feed text
    con.execute("UPDATE events SET action_geo_type = 4, lat = 49.99, lon = 36.23, "
                "action_geo_name = CASE WHEN source_url = ? THEN ? ELSE 'Kharkiv, Ukraine' END "
                "WHERE event_code = '193'", [EVIL_URL, EVIL_TITLE])
    con.execute("UPDATE events SET action_geo_type = 4, action_fips = 'PG', lat = 10.0, lon = 114.3, "
                "action_geo_name = 'Spratly Islands' WHERE source_url = 'https://asia.example.com/ram'")


def _documents(con) -> None:
    docs = []
    for i in range(DAYS - SURGE, DAYS):
        day = END - timedelta(days=DAYS - 1 - i)
        docs.append((f"d-ledger-{i}", "kyiv-ledger", "Kyiv Ledger", f"Shelling reported near Kharkiv, day {i}",
                     f"https://ledger.example.org/story/{i}", day))
        docs.append((f"d-wire-{i}", "moscow-wire", "Moscow Wire", f"Strikes on Kherson front & more ({i})",
                     f"https://wire.example.net/a/{i}", day))
    docs.append(("d-evil", "kyiv-ledger", "Kyiv Ledger", EVIL_TITLE, EVIL_URL, END))
    for doc_id, src, pub, title, url, day in docs:
        ts = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
        con.execute(DOC_SQL, [doc_id, src, pub, doc_id, url, title, ts, ts, ts, "h-" + doc_id, "run-" + src])
        con.execute("INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions) VALUES (?, 'country', 'UKR', 'Ukraine', 2)", [doc_id])
        con.execute("INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions) VALUES (?, 'region', 'russia-ukraine', 'Ukraine', 3)", [doc_id])


def _runs(con) -> None:
    t = datetime.combine(END, datetime.min.time()) + timedelta(hours=10)
    rows = [
        ("run-kyiv-ledger", "kyiv-ledger", "rss", SOURCES[0]["url"], t, "ok", 200, None),
        ("run-moscow-wire", "moscow-wire", "rss", SOURCES[1]["url"], t - timedelta(hours=3), "ok", 200, None),
        ("run-moscow-wire-2", "moscow-wire", "rss", SOURCES[1]["url"], t, "failed", 503,
         "HTTP 503 <b>Service Unavailable</b>"),
        ("run-gdelt", "gdelt", "gdelt_events", SOURCES[2]["url"], t, "ok", 200, None),
    ]
    for run_id, sid, kind, url, started, status, http, err in rows:
        con.execute(RUN_SQL, [run_id, sid, kind, url, started, started, started, status, http, err])


def build_warehouse(config: Config) -> None:
    """Insert the hand-built rows, then compute indicators and alerts as the pipeline would."""
    from warehouse.indicators import compute
    from warehouse.load import sync_reference

    with writer(config.settings) as con:
        sync_reference(con, config)
        con.execute("BEGIN")
        _events(con)
        _documents(con)
        _runs(con)
        con.execute("COMMIT")
    compute(config, full=True)


def make_config(root: Path, sources: list[dict] | None = None) -> Config:
    """A config dir under root: the project's regions and gazetteer, the fixture's sources."""
    cfg = root / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    for p in PROJECT_CONFIG.iterdir():
        if p.is_file() and p.name != "sources.yaml":
            shutil.copy2(p, cfg / p.name)
    (cfg / "sources.yaml").write_text(yaml.safe_dump({"sources": SOURCES if sources is None else sources}))
    return open_config(Settings(cfg, root / "data"))


def make_site(root: Path) -> tuple[Config, Path]:
    """Fixture warehouse plus its dashboard; returns (config, site dir)."""
    from tracktwo.pipeline import dashboard as build

    config = make_config(root)
    build_warehouse(config)
    return config, build(config).parent

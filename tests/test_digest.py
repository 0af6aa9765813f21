"""Weekly digest end to end: fixture warehouse -> indicators -> MIME -> a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import email
import importlib.util
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from reports import digest as dg
from tracktwo.core.settings import Settings, SmtpSettings
from tracktwo.core.config import ConfigError
from conftest import batch_writer
from warehouse.db import query, reader, writer

WEEK = "2026-W47"  # Mon 16 Nov .. Sun 22 Nov 2026
MONDAY = date(2026, 11, 16)
HOSTILE = "<img src=x onerror=alert(1)>"
PASSWORD = "s3cret-Pa55word-xyz"

SOURCES = [
    {"id": "un-news", "kind": "rss", "url": "https://news.un.example.org/feed", "publisher": "UN News", "perspective": "un"},
    {"id": "kyiv-daily", "kind": "rss", "url": "https://kyiv.example.org/feed", "publisher": "Kyiv Daily", "perspective": "UKR"},
    {"id": "moscow-wire", "kind": "rss", "url": "https://moscow.example.org/feed", "publisher": "Moscow Wire", "perspective": "RUS"},
    {"id": "levant", "kind": "rss", "url": "https://levant.example.org/feed", "publisher": "Levant Report", "perspective": "international"},
]

SUBSCRIBERS = [
    {"email": "ana@example.org", "name": "Ana", "regions": ["russia-ukraine"]},
    {"email": "ben@example.org", "name": "Ben", "regions": ["israel-palestine"]},
    {"email": "cleo@example.org", "name": "Cleo O'Neil", "regions": ["russia-ukraine", "israel-palestine"]},
]

# date_added of the day's last 15-minute file: the fixture's days are complete (not partial) days.
LAST_FILE = timedelta(hours=23, minutes=45)


# ---------------------------------------------------------------- fixture warehouse

DOC_SQL = """INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary,
    published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 'en', ?, 1, 'landing/x', 'run-x')"""
PLACE_SQL = "INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions) VALUES (?, ?, ?, ?, ?)"
EVENT_SQL = """INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_iso3, actor2_iso3,
    is_root_event, event_code, base_code, root_code, quad_class, goldstein, num_mentions, num_sources, num_articles,
    avg_tone, action_iso3, source_url, action_feature_id, landing_file, run_id)
    VALUES (?, 'gdelt', ?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, 'landing/g', 'run-g')"""


def _doc(con, n: int, source: dict, day: date, title: str, regions: list[str], countries: list[str],
         url: str | None = None, mentions: int = 2):
    doc_id = f"doc{n:04d}"
    ts = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + n % 10)
    con.execute(DOC_SQL, [doc_id, source["id"], source["publisher"], source["perspective"], f"k{n}",
                          url or f"https://{source['id']}.example.org/{n}", title, ts, ts, ts, f"h{n}"])
    for r in regions:
        con.execute(PLACE_SQL, [doc_id, "region", r, "term", mentions])
    for c in countries:
        con.execute(PLACE_SQL, [doc_id, "country", c, "term", 1])


def _events(con, start: int, day: date, n: int, quad: int, root: str, goldstein: float, tone: float,
            a1: str = "RUS", a2: str = "UKR", where: str = "UKR") -> int:
    for i in range(n):
        eid = start + i
        con.execute(EVENT_SQL, [f"gdelt:{eid}", str(eid), day, datetime.combine(day, datetime.min.time()) + LAST_FILE, a1, a2,
                                f"{root}0", f"{root}0", root, quad, goldstein, 5 + i, tone, where,
                                f"https://wire{i % 3}.example.com/story/{eid}", f"place-{eid}"])
    return start + n


def build_fixture(config) -> None:
    """Russia-Ukraine: quiet baseline with dialogue, then a week of material conflict and no dialogue.
    Israel-Palestine: documents only. Every other region: nothing."""
    from warehouse.load import sync_reference

    with writer(config.settings) as con:
        sync_reference(con, config)
    with batch_writer(config.settings) as con:
        src = {s["id"]: s for s in SOURCES}
        eid = 1
        for k in range(35, 0, -1):  # 12 Oct .. 15 Nov: baseline
            day = MONDAY - timedelta(days=k)
            eid = _events(con, eid, day, 2, 1, "04", 1.0, 2.0)          # consult: dialogue events
            eid = _events(con, eid, day, 1, 3, "11", -2.0, -1.0)        # verbal conflict
        for k in range(7):  # the digest week: material conflict, no dialogue
            day = MONDAY + timedelta(days=k)
            eid = _events(con, eid, day, 12, 4, "19", -10.0, -8.0)
        n = 0
        for k in range(7):
            day = MONDAY + timedelta(days=k)
            for s in ("kyiv-daily", "moscow-wire", "un-news"):
                n += 1
                _doc(con, n, src[s], day, f"{src[s]['publisher']} on shelling near Kharkiv, day {k}",
                     ["russia-ukraine"], ["UKR", "RUS"])
            n += 1
            _doc(con, n, src["levant"], day, f"Aid convoy waits at Rafah, day {k}", ["israel-palestine"], ["ISR", "PSE"])
        n += 1
        _doc(con, n, src["kyiv-daily"], MONDAY + timedelta(days=3), HOSTILE, ["russia-ukraine"], ["UKR"],
             url="javascript:alert(1)", mentions=5)
        # the week before, for "what changed": fewer documents
        for k in range(1, 4):
            n += 1
            _doc(con, n, src["un-news"], MONDAY - timedelta(days=k), f"Earlier report {k}", ["russia-ukraine"], ["UKR"])
    _indicators(config)


def _indicators(config) -> None:
    from warehouse import indicators

    indicators.compute(config, full=True)


# ---------------------------------------------------------------- SMTP sink


class Sink:
    """aiosmtpd handler: records messages; refuses the addresses in `refuse` with 550."""

    def __init__(self, refuse: tuple[str, ...] = ()):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = {a.lower() for a in refuse}
        self.tls: list[bool] = []  # per message: was the session encrypted

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted for delivery"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(m[2], policy=policy.default) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    started = []

    def _start(refuse: tuple[str, ...] = (), **kw) -> Sink:
        sink = Sink(refuse)
        port = _free_port()
        ctl = Controller(sink, hostname="127.0.0.1", port=port, **kw)
        ctl.start()
        started.append(ctl)
        monkeypatch.setenv("TRACKTWO_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("TRACKTWO_SMTP_PORT", str(port))
        for var in ("TRACKTWO_SMTP_USER", "TRACKTWO_SMTP_PASSWORD", "TRACKTWO_SMTP_STARTTLS", "TRACKTWO_SMTP_SSL",
                    "TRACKTWO_SMTP_CA_FILE"):
            monkeypatch.delenv(var, raising=False)
        sink.port = port
        return sink

    yield _start
    for ctl in started:
        ctl.stop()


# ---------------------------------------------------------------- config


@pytest.fixture(scope="module")
def warehouse_template(tmp_path_factory):
    """Built once (indicators are the slow part); each test copies the file."""
    from tracktwo.pipeline import open_config
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("digest-template")
    cfg = root / "config"
    cfg.mkdir()
    project = Path(__file__).resolve().parents[1] / "config"
    for p in project.iterdir():
        if p.is_file() and p.name not in ("sources.yaml", "digest.yaml"):
            shutil.copy2(p, cfg / p.name)
    (cfg / "sources.yaml").write_text(yaml.safe_dump({"sources": SOURCES}))
    config = open_config(Settings(cfg, root / "data"))
    build_fixture(config)
    return config


@pytest.fixture
def digest_config(warehouse_template, tmp_path):
    """A fresh config + data dir with the fixture warehouse; write_subscribers() sets digest.yaml."""
    import shutil

    from tracktwo.pipeline import open_config

    cfg = tmp_path / "config"
    shutil.copytree(warehouse_template.settings.config_dir, cfg)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(warehouse_template.settings.lake_path, data / "lake")

    def _make(subscribers=SUBSCRIBERS, **extra):
        doc = {"from": "tracktwo digest <digest@example.org>", "dashboard_url": "https://dash.example.org/",
               "subject": "tracktwo weekly digest {week}: {regions}", "subscribers": subscribers, **extra}
        (cfg / "digest.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return open_config(Settings.from_env(cfg, data))  # TRACKTWO_SMTP_* of the test

    return _make


def log_rows(config):
    return query(config.settings, "SELECT week, recipient, status, error, regions, message_id FROM digest_log "
                                  "ORDER BY sent_at, recipient")


def parts(msg):
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


# ---------------------------------------------------------------- tests


def test_sends_one_message_per_subscriber_with_its_regions(smtp, digest_config):
    sink = smtp()
    config = digest_config()
    summary = dg.run_weekly(config, week=WEEK, send=True)
    assert sorted(summary["sent"]) == ["ana@example.org", "ben@example.org", "cleo@example.org"]
    assert summary["failed"] == [] and summary["skipped"] == []
    msgs = sink.parsed()
    assert len(msgs) == 3
    by_to = {m["To"].addresses[0].addr_spec: m for m in msgs}
    for m in msgs:
        for h in ("Subject", "From", "To", "Date", "Message-ID", "List-Unsubscribe"):
            assert m[h], h
        assert m.get_content_type() == "multipart/alternative"
        p = parts(m)
        assert set(p) == {"text/plain", "text/html"}
        assert "https://dash.example.org/" in p["text/plain"] and 'href="https://dash.example.org/"' in p["text/html"]
        assert "<script" not in p["text/html"] and "http://" not in p["text/html"].split("<body")[0]
    assert len({m["Message-ID"] for m in msgs}) == 3
    ana, ben, cleo = (by_to[a] for a in ("ana@example.org", "ben@example.org", "cleo@example.org"))
    assert ana["Subject"] == f"tracktwo weekly digest {WEEK}: Russia–Ukraine war"
    assert "Israel" not in parts(ana)["text/plain"] and "Kharkiv" in parts(ana)["text/plain"]
    assert "Rafah" in parts(ben)["text/plain"] and "Kharkiv" not in parts(ben)["text/plain"]
    assert "Kharkiv" in parts(cleo)["text/plain"] and "Rafah" in parts(cleo)["text/plain"]
    assert "mailto:" in ana["List-Unsubscribe"] and ana["List-Unsubscribe"].startswith("<")
    rows = log_rows(config)
    assert sorted((r[1], r[2]) for r in rows) == [(a, "sent") for a in ("ana@example.org", "ben@example.org", "cleo@example.org")]
    assert {r[1]: r[4] for r in rows}["cleo@example.org"] == ["russia-ukraine", "israel-palestine"]
    assert {r[5] for r in rows} == {m["Message-ID"] for m in msgs}
    # every message names the lake snapshot its numbers were read from (before its own log row was written)
    snap_id, snap_time = ana["X-Tracktwo-Snapshot"].split(" ", 1)
    assert {m["X-Tracktwo-Snapshot"] for m in msgs} == {ana["X-Tracktwo-Snapshot"]}
    assert f"from lake snapshot {snap_id}." in parts(ana)["text/plain"]
    with reader(config.settings, snapshot_version=int(snap_id)) as con:
        assert con.execute("SELECT count(*) FROM digest_log").fetchone()[0] == 0


def test_content_tension_alerts_dialogue_stories(smtp, digest_config):
    sink = smtp()
    dg.run_weekly(digest_config(), week=WEEK, send=True, to="ana@example.org")
    (msg,) = sink.parsed()
    text = parts(msg)["text/plain"]
    html = parts(msg)["text/html"]
    assert "Tension index" in text and ("↑" in text) and "&#9650;" in html  # the index rose against a quiet week
    assert "Dialogue activity: 0 dialogue events between the sides (week before: 14)" in text
    # daily alerts merged per kind, with the independent publishers behind them (corroboration)
    # the publishers of the most severe day, whose values are printed (not the most over the days)
    assert "escalation (high), 6 publishers on the most severe day, 7 days" in text
    assert "Evidence (6 independent publishers on Sun 22 Nov 2026)" in text
    # a gap is an absence: medium at most, and no publisher count (what was reported beside it is listed)
    assert "dialogue-gap (medium), an absence: no publisher can corroborate it" in text
    assert "Reported beside it, from the test windows" in text
    assert "Evidence (" in text and "https://wire" in text and "Kyiv Daily on shelling" in text
    # top stories from at least two perspectives
    assert "perspectives:" in text
    assert sum(p in text for p in ("Ukraine (UKR)", "Russia (RUS)", "UN,")) >= 2
    assert "Against the week before (2026-W46)" in text  # no digest was sent to Ana before
    assert "How to read this" in text and "How to read this" in html
    # a kind merged over days shows the values of its most severe day, and names it
    assert "7 days (Mon 16 Nov 2026 to Sun 22 Nov 2026) - values of Sun 22 Nov 2026, the most severe day: " in text
    # the footer describes the index as it is computed: a level, no baseline (not the z-scores of rules v1)
    assert "is a level" in text and "is a level" in html and "z-score" not in text
    # dialogue was seen in Russia-Ukraine's baseline: its 0 this week is an observed absence, not "no coverage"
    assert "No coverage" not in text
    assert "src=" not in html.replace('src=x', '')  # no external resources
    assert "https://" not in "".join(line for line in html.splitlines() if "<link" in line or "<img" in line)


def test_the_digest_shows_one_copy_of_a_wire_story():
    """Evidence picks prefer one report per publisher and per story: a second masthead's copy of the same title
    (5 words or more) waits until the independent reports are in; short generic titles are no story."""
    from reports.digest.content import Link, _pick_evidence

    links = [Link(title="Ceasefire talks resume in Cairo today", url=None, publisher="A", day=None),
             Link(title="Ceasefire talks resume in Cairo, today", url=None, publisher="B", day=None),
             Link(title="Mediators see progress in Gaza truce negotiations", url=None, publisher="C", day=None),
             Link(title="Daily briefing", url=None, publisher="D", day=None),
             Link(title="Daily briefing", url=None, publisher="E", day=None)]
    assert [x.publisher for x in _pick_evidence(links, 4)] == ["A", "C", "D", "E"]
    assert [x.publisher for x in _pick_evidence(links, 5)] == ["A", "B", "C", "D", "E"]
    # an event's title is its actors and CAMEO description, not a story: two outlets' events are two reports
    events = [Link(title="CHINA -> TAIWAN: Threaten, not specified below", url=None, publisher=p, day=None,
                   item_type="event") for p in ("x.example", "y.example")]
    assert [x.publisher for x in _pick_evidence(events + links[:1], 2)] == ["x.example", "y.example"]


def test_a_dyad_without_coverage_says_its_zero_means_cannot_tell(smtp, digest_config):
    """Israel-Palestine has documents only: no dialogue event ever and no source of either side, so its dyad has no
    coverage on any day of the week and the digest says that 0 dialogue events means "cannot tell"."""
    with reader(digest_config().settings) as con:
        assert {r[0] for r in con.execute("SELECT DISTINCT coverage FROM v_region_daily WHERE region_id = "
                                          "'israel-palestine' AND day BETWEEN ? AND ?",
                                          [MONDAY, MONDAY + timedelta(days=6)]).fetchall()} == {"no coverage"}
    sink = smtp()
    dg.run_weekly(digest_config(), week=WEEK, send=True, to="ben@example.org")
    (msg,) = sink.parsed()
    text, html = parts(msg)["text/plain"], parts(msg)["text/html"]
    assert "Dialogue activity: 0 (no coverage) dialogue events between the sides" in text
    assert "No coverage: dialogue events between the two sides could not be observed this week" in text
    assert "No coverage: dialogue events between the two sides could not be observed this week" in html
    assert 'so 0 events means "cannot tell"' in text


def test_a_zero_on_days_without_coverage_says_so_in_either_week():
    """A dyad whose sides' sources began reporting mid-week was observable on some days only: its 0 dialogue
    events says on how many (the demo's Russia-Ukraine week before read "0" with 5 of its days uncovered)."""
    from reports.digest.content import WeekStats

    def week(events, uncovered, observed, event_days=7, talks=0, days=7):
        return WeekStats(days=days, event_days=event_days, dialogue_events=events, uncovered_days=uncovered,
                         observed_days=observed, no_coverage=not events and uncovered and not observed,
                         events=40, dialogue_documents=talks)

    assert week(0, 5, 2).dialogue_phrase() == "0 (observable on 2 of 7 days)"
    assert week(0, 5, 2).dialogue_phrase(inner=True) == "0, observable on 2 of 7 days"
    assert week(0, 7, 0).dialogue_phrase() == "0 (no coverage)"
    assert week(0, 0, 7).dialogue_phrase() == "0"  # observed every day: an observed absence
    assert week(4, 5, 2).dialogue_phrase() == "4"  # contacts seen: seen, whatever the coverage
    assert week(3, 0, 5, event_days=5).dialogue_phrase() == "3 (5 of 7 days known)"
    assert week(0, 4, 0, event_days=4).dialogue_phrase() == "0 (no coverage; 4 of 7 days known)"
    assert week(None, 0, 0, event_days=0).dialogue_phrase() == "not known"
    # a short first week of the span: both parts out of 7 days
    assert week(0, 2, 1, event_days=3, days=3).dialogue_phrase() == \
        "0 (observable on 1 of 7 days; 3 of 7 days known)"
    # the comparison with the last digest's week says it too, and an internal region (no sides) compares documents
    from reports.digest.content import _changes
    assert "dialogue: 14 → 0 (no coverage) events, 0 → 0 documents" in _changes(week(0, 7, 0), week(14, 0, 7), "W")
    internal = _changes(week(0, 0, 0, talks=3), week(14, 0, 0, talks=1), "W", dyadic=False)
    assert "dialogue documents: 1 → 3" in internal and not any("dialogue:" in c for c in internal), internal


def test_second_run_sends_nothing_and_resend_does(smtp, digest_config):
    sink = smtp()
    config = digest_config()
    dg.run_weekly(config, week=WEEK, send=True)
    assert len(sink.messages) == 3
    again = dg.run_weekly(config, week=WEEK, send=True)
    assert len(sink.messages) == 3
    assert sorted(again["skipped"]) == ["ana@example.org", "ben@example.org", "cleo@example.org"]
    assert again["sent"] == [] and again["messages"] == 0
    forced = dg.run_weekly(config, week=WEEK, send=True, to="ben@example.org", resend=True)
    assert forced["sent"] == ["ben@example.org"] and len(sink.messages) == 4
    assert len(log_rows(config)) == 4


def test_changes_are_against_the_previous_digest_sent(smtp, digest_config):
    sink = smtp()
    config = digest_config(SUBSCRIBERS[:1])
    dg.run_weekly(config, week="2026-W45", send=True)
    dg.run_weekly(config, week=WEEK, send=True)
    text = parts(sink.parsed()[-1])["text/plain"]
    # worked out by hand in docs: W45 is quiet (index 10.0: no conflict incidents, a conflict share of 1/3);
    # W47's daily index rises 35.87, 50.78, 60.49, 67.32, 72.39, 76.30, 79.41 as the 7-day window fills: mean 63.2
    assert "Since the previous digest (2026-W45)" in text and "tension index rose: 10.0 in 2026-W45 → 63.2" in text


def test_refused_recipient_is_recorded_and_others_delivered(smtp, digest_config):
    from tracktwo.cli import main

    sink = smtp(refuse=("bounce@example.org",))
    subs = SUBSCRIBERS[:1] + [{"email": "bounce@example.org", "regions": "all"}] + SUBSCRIBERS[1:]
    config = digest_config(subs)
    rc = main(["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir),
               "digest", "--week", WEEK, "--send"])
    assert rc == 1
    assert sorted(rcpt for _, rcpts, _ in sink.messages for rcpt in rcpts) == \
        ["ana@example.org", "ben@example.org", "cleo@example.org"]
    rows = {r[1]: r for r in log_rows(config)}
    assert rows["bounce@example.org"][2] == "failed" and rows["bounce@example.org"][3].startswith("550")
    assert all(rows[a][2] == "sent" for a in ("ana@example.org", "ben@example.org", "cleo@example.org"))
    # a re-run retries only the refused one (and it is refused again)
    again = dg.run_weekly(config, week=WEEK, send=True)
    assert [f["recipient"] for f in again["failed"]] == ["bounce@example.org"] and len(sink.messages) == 3


def test_hostile_title_escaped_and_bad_links_dropped(digest_config):
    config = digest_config()
    summary = dg.run_weekly(config, week=WEEK, to="ana@example.org")
    (path,) = summary["files"]
    msg = email.message_from_bytes(open(path, "rb").read(), policy=policy.default)
    html = parts(msg)["text/html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html
    assert "javascript:" not in html and "javascript:" not in parts(msg)["text/plain"]


def test_files_mode_writes_eml_and_html_and_sends_nothing(smtp, digest_config):
    sink = smtp()
    config = digest_config()
    summary = dg.run_weekly(config, week=WEEK)
    out = config.settings.data_dir / "digests" / WEEK
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{a}@example.org.{ext}" for a in ("ana", "ben", "cleo") for ext in ("eml", "html"))
    assert summary["messages"] == 3 and sink.messages == []
    assert query(config.settings, "SELECT count(*) FROM digest_log")[0][0] == 0
    assert (out / "ana@example.org.html").read_text().lstrip().startswith("<!DOCTYPE html>")
    # an address not in digest.yaml gets a preview with every region
    (preview,) = dg.run_weekly(config, week=WEEK, to="guest@example.org")["files"]
    text = parts(email.message_from_bytes(open(preview, "rb").read(), policy=policy.default))["text/plain"]
    assert "Kharkiv" in text and "Rafah" in text and sink.messages == []


def test_week_without_data_says_so(smtp, digest_config):
    sink = smtp()
    config = digest_config()
    summary = dg.run_weekly(config, week="2026-W10", send=True)
    assert len(summary["sent"]) == 3 and sorted(summary["no_data"]) == sorted(summary["sent"])
    for m in sink.parsed():
        assert "No data for 2026-W10" in parts(m)["text/plain"]
        assert "No data for 2026-W10" in parts(m)["text/html"]


def test_notice_when_indicators_were_never_computed(digest_config):
    """Documents loaded but no indicator run yet: the digest says so and still shows the stories."""
    config = digest_config(SUBSCRIBERS[:1])
    (path,) = dg.run_weekly(config, week=WEEK)["files"]
    text = parts(email.message_from_bytes(open(path, "rb").read(), policy=policy.default))["text/plain"]
    assert "Indicators have not been computed yet" not in text  # the fixture warehouse has its indicators
    with batch_writer(config.settings) as con:
        for table in ("alert_evidence", "alerts_current", "alerts", "region_daily_current", "region_daily",
                      "indicator_runs"):
            con.execute(f"DELETE FROM {table}")  # fixed names: as if `tracktwo indicators` never ran
    (path,) = dg.run_weekly(config, week=WEEK)["files"]
    msg = email.message_from_bytes(open(path, "rb").read(), policy=policy.default)
    assert "Indicators have not been computed yet" in parts(msg)["text/plain"]
    assert "Indicators have not been computed yet" in parts(msg)["text/html"]
    assert "Kharkiv" in parts(msg)["text/plain"]  # the week's stories are still there


def test_region_without_data_in_a_week_with_data(digest_config):
    config = digest_config([{"email": "tw@example.org", "regions": ["russia-ukraine", "taiwan-strait"]}])
    (path,) = dg.run_weekly(config, week=WEEK)["files"]
    text = parts(email.message_from_bytes(open(path, "rb").read(), policy=policy.default))["text/plain"]
    assert "No counted events or documents in 2026-W47 for: Taiwan Strait." in text and "Kharkiv" in text
    assert "[taiwan-strait]" not in text  # no empty section


def test_password_never_logged_or_written(smtp, digest_config, caplog, monkeypatch):
    from aiosmtpd.smtp import AuthResult

    def deny(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    sink = smtp(auth_require_tls=False, authenticator=deny)
    monkeypatch.setenv("TRACKTWO_SMTP_USER", "digest")
    monkeypatch.setenv("TRACKTWO_SMTP_PASSWORD", PASSWORD)
    config = digest_config(SUBSCRIBERS[:1])
    caplog.set_level(logging.DEBUG)
    summary = dg.run_weekly(config, week=WEEK, send=True)
    assert summary["failed"] and sink.messages == []
    assert PASSWORD not in repr(summary) and PASSWORD not in caplog.text
    assert PASSWORD not in repr(Settings.from_env().smtp)
    assert all(PASSWORD not in repr(r) for r in log_rows(config))
    for p in config.settings.data_dir.rglob("*"):
        if p.is_file() and p.suffix in (".eml", ".html"):
            assert PASSWORD not in p.read_text(errors="replace")
    assert SmtpSettings("h", 1, "u", PASSWORD).scrub(f"535 bad {PASSWORD}") == "535 bad ***"


def test_send_without_smtp_is_a_config_error(digest_config, monkeypatch):
    monkeypatch.delenv("TRACKTWO_SMTP_HOST", raising=False)
    monkeypatch.setattr("reports.mail.smtp_from_airflow", lambda conn_id="smtp_default", default_ca_file=None: None)
    with pytest.raises(ConfigError, match="SMTP is not configured"):
        dg.run_weekly(digest_config(), week=WEEK, send=True)


def test_config_errors_name_the_subscriber(digest_config):
    config = digest_config([{"email": "x@example.org", "regions": ["atlantis"]}])
    with pytest.raises(ConfigError, match=r"subscribers\[0\].*atlantis"):
        dg.load_settings(config)
    config = digest_config([{"email": "x@example.org", "regions": "all"}, {"email": "X@example.org", "regions": "all"}])
    with pytest.raises(ConfigError, match=r"subscribers\[1\].*twice"):
        dg.load_settings(config)
    config = digest_config([{"email": "not-an-address", "regions": "all"}])
    with pytest.raises(ConfigError, match=r"subscribers\[0\].*email"):
        dg.load_settings(config)


def test_weeks():
    assert dg.last_complete_week(date(2026, 11, 25)) == "2026-W47"  # a Wednesday
    assert dg.last_complete_week(date(2026, 11, 23)) == "2026-W47"  # Monday: the week that just ended
    assert dg.last_complete_week(date(2026, 11, 22)) == "2026-W46"  # Sunday: its week is not complete
    assert dg.parse_week("2026-w7".upper().replace("W7", "W07")) == "2026-W07"
    assert dg.previous_week("2026-W01") == "2025-W52"
    with pytest.raises(ConfigError):
        dg.parse_week("2026-47")
    with pytest.raises(ConfigError):
        dg.parse_week("2025-W53")


def test_stories_alternate_perspectives():
    ranked = [dg.Link(f"t{i}", None, "P", None, perspective="UKR") for i in range(5)] + \
             [dg.Link("r1", None, "Q", None, perspective="RUS")]
    picked = dg.pick_stories(ranked, 3)
    assert [p.perspective for p in picked] == ["UKR", "RUS", "UKR"]


# ---------------------------------------------------------------- TLS, AUTH and the Airflow connection

USER = "digest"


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A private CA and a server certificate it signed for 127.0.0.1; PEM files in a temporary folder."""
    x509 = pytest.importorskip("cryptography.x509")
    import ipaddress

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    d = tmp_path_factory.mktemp("certs")
    now = datetime.now(UTC)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def pem(cert):
        return cert.public_bytes(serialization.Encoding.PEM)

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("tracktwo test CA")).issuer_name(name("tracktwo test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (d / "ca.pem").write_bytes(pem(ca))
    (d / "server.pem").write_bytes(pem(leaf))
    (d / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return d


def server_tls(certs) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certs / "server.pem", certs / "server.key")
    return ctx


class Auth:
    """aiosmtpd authenticator: accepts USER / PASSWORD only; records each attempt's mechanism."""

    def __init__(self, password: str = PASSWORD):
        self.password = password
        self.attempts: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == self.password.encode())
        self.attempts.append((mechanism, ok))
        return AuthResult(success=ok, handled=False)  # handled=False: the server replies 535 itself


@pytest.fixture
def starttls_server(smtp, certs, monkeypatch):
    """An aiosmtpd server that refuses MAIL before STARTTLS and offers AUTH only over TLS."""

    def _start(mechanism: str = "PLAIN") -> tuple[Sink, Auth]:
        auth = Auth()
        exclude = [m for m in ("PLAIN", "LOGIN") if m != mechanism]
        sink = smtp(tls_context=server_tls(certs), require_starttls=True, auth_require_tls=True,
                    authenticator=auth, auth_exclude_mechanism=exclude)
        monkeypatch.setenv("TRACKTWO_SMTP_STARTTLS", "1")
        monkeypatch.setenv("TRACKTWO_SMTP_USER", USER)
        return sink, auth

    return _start


def small_message(to: str):
    from reports.mail import build_message

    return build_message(subject="t", sender="digest@example.org", to_email=to, to_name=None, text="t",
                         html="<p>t</p>", unsubscribe=[])


def test_starttls_with_auth_delivers(starttls_server, certs, digest_config, monkeypatch):
    sink, auth = starttls_server("PLAIN")
    monkeypatch.setenv("TRACKTWO_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("TRACKTWO_SMTP_CA_FILE", str(certs / "ca.pem"))
    config = digest_config(SUBSCRIBERS[:2])
    summary = dg.run_weekly(config, week=WEEK, send=True)
    assert sorted(summary["sent"]) == ["ana@example.org", "ben@example.org"] and summary["failed"] == []
    assert [rcpts for _, rcpts, _ in sink.messages] == [["ana@example.org"], ["ben@example.org"]]
    assert sink.tls == [True, True]
    assert auth.attempts == [("PLAIN", True)]  # one login, one session for both messages
    assert [r[2] for r in log_rows(config)] == ["sent", "sent"]


def test_starttls_with_auth_login(starttls_server, certs, monkeypatch):
    from reports.mail import Mailer

    sink, auth = starttls_server("LOGIN")  # the server offers AUTH LOGIN only
    monkeypatch.setenv("TRACKTWO_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("TRACKTWO_SMTP_CA_FILE", str(certs / "ca.pem"))
    with Mailer(Settings.from_env().smtp) as mailer:
        results = [mailer.send(small_message(a), a) for a in ("ana@example.org", "ben@example.org")]
    assert [(r.ok, r.error) for r in results] == [(True, None), (True, None)]
    assert auth.attempts == [("LOGIN", True)] and sink.tls == [True, True]


def test_implicit_ssl_delivers(smtp, certs, digest_config, monkeypatch):
    sink = smtp(ssl_context=server_tls(certs))
    monkeypatch.setenv("TRACKTWO_SMTP_SSL", "true")
    monkeypatch.setenv("TRACKTWO_SMTP_CA_FILE", str(certs / "ca.pem"))
    config = digest_config(SUBSCRIBERS[:1])
    summary = dg.run_weekly(config, week=WEEK, send=True)
    assert summary["sent"] == ["ana@example.org"] and sink.tls == [True]
    assert "Kharkiv" in parts(sink.parsed()[0])["text/plain"]


def assert_untrusted(error: str, port: int) -> None:
    assert error.startswith(f"TLS certificate of 127.0.0.1:{port} not trusted: ")
    assert "unable to get local issuer certificate" in error  # OpenSSL's reason, kept
    assert "TRACKTWO_SMTP_CA_FILE" in error  # and what to do about it


def test_untrusted_certificate_fails_clearly_ssl(smtp, certs, digest_config, monkeypatch):
    sink = smtp(ssl_context=server_tls(certs))
    monkeypatch.setenv("TRACKTWO_SMTP_SSL", "1")
    config = digest_config(SUBSCRIBERS[:2])  # no TRACKTWO_SMTP_CA_FILE: the private CA is not trusted
    summary = dg.run_weekly(config, week=WEEK, send=True)
    assert summary["sent"] == [] and sink.messages == []
    errors = {f["error"] for f in summary["failed"]}
    assert len(summary["failed"]) == 2 and len(errors) == 1
    (error,) = errors
    assert_untrusted(error, sink.port)
    assert [(r[2], r[3]) for r in log_rows(config)] == [("failed", error), ("failed", error)]


def test_untrusted_certificate_fails_clearly_starttls(smtp, certs, monkeypatch):
    from reports.mail import Mailer

    sink = smtp(tls_context=server_tls(certs), require_starttls=True)
    monkeypatch.setenv("TRACKTWO_SMTP_STARTTLS", "1")
    with Mailer(Settings.from_env().smtp) as mailer:
        results = [mailer.send(small_message(a), a) for a in ("ana@example.org", "ben@example.org")]
    assert [r.ok for r in results] == [False, False] and results[0].error == results[1].error
    assert_untrusted(results[0].error, sink.port)
    assert sink.messages == []


def test_ca_file_must_exist(tmp_path):
    env = {"TRACKTWO_SMTP_HOST": "127.0.0.1", "TRACKTWO_SMTP_SSL": "1", "TRACKTWO_SMTP_CA_FILE": str(tmp_path / "no.pem")}
    with pytest.raises(ConfigError, match="TRACKTWO_SMTP_CA_FILE .*file not found"):
        Settings.from_env(env=env)


def test_wrong_password_is_clear_recorded_and_never_leaks(starttls_server, certs, digest_config, monkeypatch,
                                                          caplog, capfd):
    from tracktwo.cli import main

    wrong = "Wr0ng-" + PASSWORD[::-1]
    sink, auth = starttls_server("PLAIN")
    monkeypatch.setenv("TRACKTWO_SMTP_PASSWORD", wrong)
    monkeypatch.setenv("TRACKTWO_SMTP_CA_FILE", str(certs / "ca.pem"))
    config = digest_config()
    caplog.set_level(logging.DEBUG)
    rc = main(["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir),
               "digest", "--week", WEEK, "--send"])
    out, err = capfd.readouterr()
    assert rc == 1 and sink.messages == []
    assert auth.attempts == [("PLAIN", False)]  # tried once, not once per recipient
    rows = log_rows(config)
    assert [r[2] for r in rows] == ["failed"] * 3
    error = rows[0][3]
    assert error.startswith(f"SMTP login as '{USER}' refused by 127.0.0.1:{sink.port}") and "535" in error
    assert "TRACKTWO_SMTP_USER / TRACKTWO_SMTP_PASSWORD" in error
    assert "refused" in out + err  # the CLI reports the failure
    # the password, and the base64 forms AUTH sends it in, appear nowhere we write
    b = lambda raw: base64.b64encode(raw).decode()
    secrets = [wrong, b(wrong.encode()), b(f"\0{USER}\0{wrong}".encode())]
    ours = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records if not r.name.startswith("mail.log"))
    log_table = repr(query(config.settings, "SELECT * FROM digest_log"))
    for secret in secrets:
        assert secret not in out and secret not in err and secret not in ours and secret not in log_table
        for p in config.settings.data_dir.rglob("*"):
            if p.is_file():
                assert secret.encode() not in p.read_bytes(), p
    s = SmtpSettings("h", 1, USER, wrong)
    assert "AUTH PLAIN ***" == s.scrub(f"AUTH PLAIN {secrets[2]}") and s.scrub(secrets[1]) == "***"


AIRFLOW_SCRIPT = """
import json, sys
from pathlib import Path
from reports import digest as dg
from reports.mail import Mailer, build_message, resolve_smtp, smtp_from_airflow
from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config

config_dir, data_dir, week = sys.argv[1:4]
s = resolve_smtp(Settings.from_env())  # no TRACKTWO_SMTP_HOST: Airflow's smtp_default
print(json.dumps({"origin": s.origin, "ssl": s.ssl, "starttls": s.starttls, "user": s.user, "port": s.port}))
summary = dg.run_weekly(open_config(Settings(Path(config_dir), Path(data_dir))), week=week, send=True, to="ana@example.org")
print(json.dumps({"sent": summary["sent"], "failed": summary["failed"]}))
u = smtp_from_airflow("smtp_uri")  # a URI connection: its extras are strings
msg = build_message(subject="uri", sender="d@example.org", to_email="ben@example.org", to_name=None,
                    text="t", html="<p>h</p>", unsubscribe=[])
with Mailer(u) as m:
    d = m.send(msg, "ben@example.org")
print(json.dumps({"origin": u.origin, "ssl": u.ssl, "starttls": u.starttls, "ok": d.ok, "error": d.error}))
print(json.dumps({"missing": smtp_from_airflow("smtp_missing")}))  # no such connection: "not configured"
"""


def test_airflow_smtp_default_connection_delivers(starttls_server, smtp, certs, digest_config, tmp_path):
    """AIRFLOW_CONN_SMTP_DEFAULT (JSON) and a URI connection, read by the Task SDK's BaseHook outside a task.

    Runs in a subprocess: Airflow reads AIRFLOW_HOME once per interpreter (see tests/test_dags.py)."""
    if importlib.util.find_spec("airflow") is None:  # find_spec, not an import: AIRFLOW_HOME is read at import
        pytest.skip("Airflow is not installed")
    sink, auth = starttls_server("LOGIN")
    ssl_auth = Auth()  # implicit TLS is not STARTTLS to aiosmtpd, hence auth_require_tls=False
    ssl_sink = smtp(ssl_context=server_tls(certs), authenticator=ssl_auth, auth_require_tls=False)
    ca = str(certs / "ca.pem")
    config = digest_config()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKTWO_SMTP_", "AIRFLOW_CONN_", "AIRFLOW__"))}
    env.update({
        "AIRFLOW_HOME": str(tmp_path / "airflow_home"),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")]),
        "AIRFLOW_CONN_SMTP_DEFAULT": json.dumps({
            "conn_type": "smtp", "host": "127.0.0.1", "port": sink.port, "login": USER, "password": PASSWORD,
            "extra": {"disable_ssl": True, "disable_tls": False, "timeout": 10, "ca_file": ca}}),
        "AIRFLOW_CONN_SMTP_URI": f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{ssl_sink.port}"
                                 f"?disable_ssl=false&disable_tls=false&ca_file={quote(ca, safe='')}",
    })
    proc = subprocess.run([sys.executable, "-c", AIRFLOW_SCRIPT, str(config.settings.config_dir),
                           str(config.settings.data_dir), WEEK], check=False, env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    settings, summary, uri, missing = lines
    assert settings == {"origin": "airflow:smtp_default", "ssl": False, "starttls": True, "user": USER,
                        "port": sink.port}
    assert summary == {"sent": ["ana@example.org"], "failed": []}
    assert [rcpts for _, rcpts, _ in sink.messages] == [["ana@example.org"]] and sink.tls == [True]
    assert auth.attempts == [("LOGIN", True)]
    assert [(r[1], r[2]) for r in log_rows(config)] == [("ana@example.org", "sent")]
    assert uri == {"origin": "airflow:smtp_uri", "ssl": True, "starttls": False, "ok": True, "error": None}
    assert [rcpts for _, rcpts, _ in ssl_sink.messages] == [["ben@example.org"]] and ssl_sink.tls == [True]
    assert ssl_auth.attempts == [("PLAIN", True)]
    assert missing == {"missing": None}
    assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr



def test_to_an_invalid_address_is_a_config_error(digest_config, capsys):
    from tracktwo.cli import main

    config = digest_config()
    rc = main(["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir),
               "digest", "--week", WEEK, "--to", "notanemail"])
    assert rc == 2 and "not an email address" in capsys.readouterr().err


def test_a_kind_merged_over_days_shows_the_day_with_the_smallest_p_among_the_most_severe():
    """Days of equal severity: the strongest evidence against 'nothing changed' (the smallest p) is the day
    named, not simply the latest (the demo's Taiwan gap: 29 Nov at p 8.6e-09 was shown over 25 Nov at 2.1e-10)."""
    from reports.alerts import Alert
    from reports.digest.content import WarehouseView
    from reports.digest.settings import DigestSettings

    def alert(day: int, severity: str, p: float) -> Alert:
        return Alert(region_id="taiwan-strait", day=date(2026, 11, day), kind="dialogue-gap", severity=severity,
                     trigger="7-day dialogue below baseline", values={"p_value": p}, corroboration=4, evidence=[])

    view = object.__new__(WarehouseView)  # _merge reads only the settings
    view.settings = DigestSettings.model_validate({"from": "digest@example.org", "subscribers": []})
    merged = view._merge([alert(25, "high", 2.1e-10), alert(27, "high", 3.4e-10), alert(29, "high", 8.6e-09),
                          alert(30, "medium", 1e-12)])
    assert (merged.day, merged.severity, merged.days) == (date(2026, 11, 25), "high", 4)
    assert ("p", "2.1e-10") in merged.triggers
    # equal p-values: the latest day
    same = view._merge([alert(25, "high", 1e-9), alert(26, "high", 1e-9)])
    assert same.day == date(2026, 11, 26)


def test_the_printed_change_is_the_difference_of_the_printed_means():
    """A reader subtracts the two printed means: 44.44 and 33.86 print as 44.4 and 33.9, so the change is +10.5
    (their unrounded difference, 10.58, printed +10.6: one of ten such sections of the demo digest)."""
    from reports.digest.content import Section, WeekStats

    s = Section(region_id="x", name="X", now=WeekStats(tension=44.44), before=WeekStats(tension=33.86), alerts=[],
                stories=[])
    assert (f"{s.now.tension:.1f}", f"{s.before.tension:.1f}", f"{s.delta:+.1f}") == ("44.4", "33.9", "+10.5")


def test_the_words_of_a_change_agree_with_its_arrow():
    """33.949 and 34.41 print as 33.9 and 34.4: "+0.5", up; the list of changes must not say "held steady"."""
    from reports.digest.content import WeekStats, _changes

    now, then = WeekStats(events=1, tension=34.41), WeekStats(events=1, tension=33.949)
    assert _changes(now, then, "2026-W46")[0] == "tension index rose: 33.9 in 2026-W46 → 34.4"


def test_unknown_days_are_said_in_the_weeks_comparison():
    """A week whose event numbers are known on fewer days says so, and two weeks with no known day say that
    nothing can be compared (on the real export's 2022-W13 the digest said "no notable change since 2022-W12",
    and "dialogue: 7 → 3 events" compared 3 known days with 7)."""
    from reports.digest.content import WeekStats, _changes
    unknown = WeekStats(days=7, event_days=0, unknown_days=7, documents=7)
    assert unknown.days_note == "" and unknown.tension_basis == "not known" and unknown.events_unknown
    assert _changes(unknown, WeekStats(days=7, event_days=0, unknown_days=7, documents=7), "2022-W12") == [
        "no change in documents or alerts since 2022-W12; the event numbers of both weeks are not known"]
    partial = WeekStats(days=7, event_days=3, unknown_days=4, events=30, dialogue_events=3, documents=4,
                        dialogue_documents=1, tension=20.0, tension_days=3)
    whole = WeekStats(days=7, event_days=7, events=70, dialogue_events=7, documents=4, dialogue_documents=1,
                      tension=20.0, tension_days=7)
    assert partial.tension_basis == "mean of the 3 days known"
    assert "dialogue: 7 → 3 (3 of 7 days known) events, 1 → 1 documents" in _changes(partial, whole, "2024-W12")


def test_an_internal_region_and_a_de_escalation_without_publishers_as_rendered():
    """Both parts of the message: an internal region (no sides) gives its documents on talks, never dialogue
    events "between the sides"; a de-escalation's publishers are said to report talks only when there are some."""
    from datetime import datetime

    from reports.digest.content import AlertItem, Digest, Section, WeekStats
    from reports.digest.render import render

    def alert(publishers):
        return AlertItem(day=date(2026, 11, 25), kind="de-escalation", severity="low", triggers=[], evidence=[],
                         publishers=publishers)

    week = WeekStats(days=7, event_days=7, events=40, documents=9, dialogue_events=0, dialogue_documents=3)
    one = WeekStats(days=7, event_days=7, events=1, documents=1, dialogue_events=1, dialogue_documents=1,
                    material_conflict=0)
    sections = [Section(region_id="sudan", name="Sudan civil war", now=week, before=week, alerts=[alert(2)],
                        stories=[], dyadic=False),
                Section(region_id="korean-peninsula", name="Korean Peninsula", now=one, before=week,
                        alerts=[alert(0)], stories=[])]
    digest = Digest(week="2026-W48", start=date(2026, 11, 23), end=date(2026, 11, 29), recipient="a@example.org",
                    name=None, sections=sections, subject="s", dashboard_url=None, as_of=None,
                    generated_at=datetime(2026, 11, 30), indicators_available=True, lake_snapshot=None,
                    unsubscribe=[])
    for part in render(digest):
        sudan, korea = part.split("Korean Peninsula")[0], part.split("Korean Peninsula")[1]
        sudan = sudan[sudan.index("Sudan civil war"):]
        assert "3 documents on talks" in sudan and "between the sides" not in sudan
        assert "2 publishers reporting talks or cooperation" in sudan
        # one of each is singular (the real fixtures' 2020-W37 read "1 documents on talks")
        assert "1 dialogue event between the sides" in korea and "1 document on talks" in korea
        assert "1 documents" not in korea and "1 events" not in korea
        assert "0 publishers" in korea and "reporting talks" not in korea
    # unknown counts read as unknown, not as a number of "not known" things
    unknown = WeekStats(days=7, event_days=0, unknown_days=7, documents=2, dialogue_documents=1)
    digest.sections = [Section(region_id="korean-peninsula", name="Korean Peninsula", now=unknown, before=unknown,
                               alerts=[], stories=[])]
    text, html = render(digest)
    assert "dialogue events between the sides not known" in text and "not known dialogue" not in text
    assert "dialogue events between the sides not known" in html and "material conflict not known" in html


def test_regions_without_data_are_told_apart_by_what_is_known():
    """A region with no counted event and no document in a week is quiet on the days known (said with how many),
    not known when no day's event numbers are (too few GDELT files), and without data when no event numbers were
    computed for those days. Before, one known day with 0 events was listed as "Not known" (the real GDELT
    export of 2019-10-24, its day made complete with `update_minutes: 1440` as the demo does: 16 regions without a
    counted event that day, 17 since rules revision 23) and 7 known quiet days as "No data"."""
    from reports.digest.content import Digest, Section, WeekStats
    from reports.digest.render import render

    def section(rid, name, stats):
        return Section(region_id=rid, name=name, now=stats, before=WeekStats(), alerts=[], stories=[])

    all_known = WeekStats(days=7, event_days=7, events=0, dialogue_events=0, material_conflict=0)
    one_known = WeekStats(days=7, event_days=1, unknown_days=6, events=0, dialogue_events=0, material_conflict=0)
    none_known = WeekStats(days=7, event_days=0, unknown_days=7)
    nothing = WeekStats()
    digest = Digest(week="2019-W43", start=date(2019, 10, 21), end=date(2019, 10, 27), recipient="a@example.org",
                    name=None, sections=[section("taiwan-strait", "Taiwan Strait", all_known),
                                         section("israel-palestine", "Israel–Palestine", one_known),
                                         section("sudan", "Sudan civil war", one_known),
                                         section("haiti", "Haiti gang crisis", none_known),
                                         section("libya", "Libya", nothing)],
                    subject="s", dashboard_url=None, as_of=None, generated_at=datetime(2019, 10, 28),
                    indicators_available=True, lake_snapshot=None, unsubscribe=[])
    assert [s.region_id for s in digest.quiet] == ["taiwan-strait", "israel-palestine", "sudan"]
    assert [s.region_id for s in digest.unknown] == ["haiti"] and [s.region_id for s in digest.empty] == ["libya"]
    for part in render(digest):
        flat = " ".join(part.split())
        assert "No counted events or documents in 2019-W43 for: Taiwan Strait." in flat
        assert ("No counted events or documents in 2019-W43 (on the 1 of its 7 days whose event numbers are known) for: "
                "Israel–Palestine, Sudan civil war.") in flat
        assert "Not known in 2019-W43 (no documents, and event numbers known on no day) for: Haiti gang crisis." in flat
        assert "No data in 2019-W43 (no documents, no event numbers computed) for: Libya." in flat
        assert "No counted event and no document about the regions you follow was recorded in 2019-W43" in flat
        assert "For some of them the event numbers are known on no day" in flat
        assert "No data for" not in flat and "Nothing can be reported" not in flat
    # only unknown and empty regions: nothing can be reported, for some of them (the others have no data)
    digest.sections = digest.sections[3:]
    for part in render(digest):
        flat = " ".join(part.split())
        assert "Nothing can be reported for 2019-W43" in flat and "for some of them (listed at the end)" in flat
        assert "No counted events or documents" not in flat
    # no document and no event numbers computed for any region
    digest.sections = digest.sections[1:]
    for part in render(digest):
        flat = " ".join(part.split())
        assert "No data for 2019-W43" in flat and "Nothing can be reported" not in flat


def test_a_non_ascii_password_logs_in_by_auth_plain_or_fails_clearly(smtp, certs, monkeypatch):
    """smtplib sends credentials as ASCII: a password with an umlaut was a UnicodeEncodeError traceback. It now goes
    by AUTH PLAIN as UTF-8 (RFC 4616); a server without AUTH PLAIN gets a clear refusal naming why."""
    from reports.mail import Mailer

    password = "S3cr3t-SMTP-Pässwörd!"
    for mechanism, delivered in (("PLAIN", True), ("LOGIN", False)):
        auth = Auth(password)
        sink = smtp(tls_context=server_tls(certs), require_starttls=True, auth_require_tls=True, authenticator=auth,
                    auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m != mechanism])
        for var, value in {"TRACKTWO_SMTP_STARTTLS": "1", "TRACKTWO_SMTP_USER": USER, "TRACKTWO_SMTP_PASSWORD": password,
                           "TRACKTWO_SMTP_CA_FILE": str(certs / "ca.pem"), "TRACKTWO_SMTP_HOST": "127.0.0.1",
                           "TRACKTWO_SMTP_PORT": str(sink.port)}.items():
            monkeypatch.setenv(var, value)
        with Mailer(Settings.from_env().smtp) as mailer:
            result, second = (mailer.send(small_message(a), a) for a in ("ana@example.org", "ben@example.org"))
        assert result.ok is delivered and second.ok is delivered, (mechanism, result.error)
        if delivered:
            assert auth.attempts == [("PLAIN", True)] and len(sink.messages) == 2
        else:  # said once for the run, not tried again for each recipient
            assert "non-ASCII" in result.error and "AUTH PLAIN" in result.error and password not in result.error
            assert second.error == result.error and auth.attempts == [] and sink.messages == []


def test_a_story_is_credited_to_its_first_publisher_and_an_old_one_says_so(tmp_path):
    """The demo's Taiwan Strait digest read "perspectives: Taiwan (TWN)": Beijing Bulletin's one story of the week
    had been run later by Strait Observer, whose latest copy took it; Korea's UN stories were credited to the
    outlet that re-ran them, and a story of 19 November read as a new report of the 29th. A story is now its first
    publisher's when that outlet carried it in the week (else the week's first copy's), names the others that
    carried it, says when it was first published if before the week, and ranks after the week's own stories."""
    from types import SimpleNamespace

    import duckdb

    from conftest import PROJECT_CONFIG
    from reports.digest.content import WarehouseView
    from reports.digest.settings import DigestSettings
    from tracktwo.pipeline import open_config
    from warehouse.db import statements

    con = duckdb.connect()
    for statement in statements((Path(__file__).resolve().parents[1] / "warehouse" / "sql" / "migrations"
                                 / "026_story_key.sql").read_text()):
        con.execute(statement)  # the warehouse's story macros
    con.execute("CREATE TABLE v_region_documents (region_id VARCHAR, doc_id VARCHAR, title VARCHAR, url VARCHAR, "
                "publisher VARCHAR, perspective VARCHAR, published_at TIMESTAMP, mentions INTEGER)")
    visit, aircraft, fresh = ("Cross-strait academic visit called off", "Taiwan reports Chinese aircraft near the "
                              "median line", "Beijing and Taipei agree to resume ferry links next month")
    rows = [  # (doc, title, publisher, perspective, published, mentions)
        ("b0", visit, "Beijing Bulletin", "CHN", "2026-11-20 09:00", 3),  # first published before the week
        ("s1", visit, "Strait Observer", "TWN", "2026-11-23 19:52", 3),
        ("b1", visit, "Beijing Bulletin", "CHN", "2026-11-26 19:02", 3),
        ("s2", visit, "Strait Observer", "TWN", "2026-11-28 10:25", 3),
        ("s0", aircraft, "Strait Observer", "TWN", "2026-11-19 08:00", 6),
        ("u1", aircraft, "UN News", "un", "2026-11-24 10:03", 6),  # the week's first copy; its first publisher re-ran it
        ("s3", aircraft, "Strait Observer", "TWN", "2026-11-25 11:19", 6),
        ("s4", fresh, "Strait Observer", "TWN", "2026-11-27 16:34", 1),  # the week's own story: ranks first
        ("x1", "Daily briefing", "UN News", "un", "2026-11-25 12:00", 9),  # too short to be a story: itself
        ("x0", "Daily briefing", "UN News", "un", "2026-11-18 12:00", 9),
        ("z1", fresh, "Strait Observer", "TWN", "2026-11-30 00:00", 1),  # after the week: not in it
    ]
    for doc, title, publisher, perspective, published, mentions in rows:
        con.execute("INSERT INTO v_region_documents VALUES ('taiwan-strait', ?, ?, ?, ?, ?, ?, ?)",
                    [doc, title, f"https://example.org/{doc}", publisher, perspective, published, mentions])
    view = object.__new__(WarehouseView)  # only what stories() reads: the connection, the config, the settings
    view.con, view.settings = con, SimpleNamespace(top_stories=DigestSettings.model_fields["top_stories"].default)
    view.config = open_config(Settings(PROJECT_CONFIG, tmp_path / "data"))
    region = next(r for r in view.config.regions if r.id == "taiwan-strait")
    got = [(s.title, s.publisher, s.perspective, s.day.isoformat(), s.also, s.first and s.first[0].isoformat())
           for s in view.stories(region, "2026-W48")]
    assert got == [
        ("Daily briefing", "UN News", "UN", "2026-11-25", (), None),  # one perspective in turn, best-ranked first
        (fresh, "Strait Observer", "Taiwan (TWN)", "2026-11-27", (), None),
        # CHN's turn: its first publisher carried it this week, so the story is Beijing Bulletin's
        (visit, "Beijing Bulletin", "China (CHN)", "2026-11-26", ("Strait Observer",), "2026-11-20"),
        (aircraft, "Strait Observer", "Taiwan (TWN)", "2026-11-25", ("UN News",), "2026-11-19"),
    ]


def test_python_and_the_warehouse_agree_on_what_a_story_is():
    """reports.alerts.story_key and the story_title_key / is_story macros (migration 026) are one definition:
    on titles in other scripts and casings, and on every title of the real feeds in ../shared/fixtures when it
    is there (the rest of the test runs without it)."""
    import xml.etree.ElementTree as ET
    from pathlib import Path

    import duckdb

    from reports.alerts import story_key
    from warehouse.db import statements

    titles = ["İstanbul talks resume after the ceasefire ends", "ISTANBUL TALKS RESUME AFTER THE CEASEFIRE ENDS",
              "युद्धविराम वार्ता फिर से शुरू हुई काहिरा में", "ข่าว การ หยุดยิง ใน ภาค ใต้ วันนี้",
              "Ceasefire talks resume in Cairo!", "Daily briefing", "Σύνοδος ΟΗΕ για την εκεχειρία στη Γάζα",
              "Straße nach Kiew: Gespräche über Waffenruhe", "محادثات وقف إطلاق النار تستأنف في القاهرة اليوم",
              "M23 advance near Goma raises alarm — 2,000 displaced", "   ", "", None]
    from conftest import SHARED

    feeds = sorted((SHARED / "rss").glob("*.xml")) if SHARED.is_dir() else []
    for feed in feeds:
        titles += [t.text for t in ET.parse(feed).iter("title")]
    assert len(titles) > (40 if feeds else 12)
    migration = Path(__file__).resolve().parents[1] / "warehouse" / "sql" / "migrations" / "026_story_key.sql"
    con = duckdb.connect()
    for statement in statements(migration.read_text()):
        con.execute(statement)
    for title in titles:
        sql_key = con.execute("SELECT CASE WHEN is_story(story_title_key($t)) THEN story_title_key($t) ELSE '' END",
                              {"t": title}).fetchone()[0]
        assert story_key(title) == sql_key, title
    assert story_key(titles[0]) == story_key(titles[1]) == "istanbul talks resume after the ceasefire ends"
    assert len(story_key(titles[2]).split()) == 8  # the Devanagari words whole, their vowel signs kept

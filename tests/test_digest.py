"""Weekly digest end to end: fixture warehouse -> indicators -> MIME -> a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import logging
import socket
from datetime import date, datetime, timedelta
from email import policy

import duckdb
import pytest
import yaml

from reports import digest as dg
from reports.mail import SmtpSettings, smtp_from_env
from tracktwo.config import ConfigError
from warehouse.db import writer

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


# ---------------------------------------------------------------- fixture warehouse

DOC_SQL = """INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary,
    published_at, fetched_at, updated_at, language, content_hash, version, landing_file, run_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 'en', ?, 1, 'landing/x', 'run-x')"""
PLACE_SQL = "INSERT INTO document_places VALUES (?, ?, ?, ?, ?)"
EVENT_SQL = """INSERT INTO events (event_id, source, source_event_id, event_date, date_added, actor1_iso3, actor2_iso3,
    is_root_event, event_code, base_code, root_code, quad_class, goldstein, num_mentions, num_sources, num_articles,
    avg_tone, action_iso3, source_url, landing_file, run_id)
    VALUES (?, 'gdelt', ?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, 'landing/g', 'run-g')"""


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
        con.execute(EVENT_SQL, [f"gdelt:{eid}", str(eid), day, datetime.combine(day, datetime.min.time()), a1, a2,
                                f"{root}0", f"{root}0", root, quad, goldstein, 5 + i, tone, where,
                                f"https://wire{i % 3}.example.com/story/{eid}"])
    return start + n


def build_fixture(config) -> None:
    """Russia-Ukraine: quiet baseline with dialogue, then a week of material conflict and no dialogue.
    Israel-Palestine: documents only. Every other region: nothing."""
    from warehouse.load import sync_reference

    with writer(config.settings.warehouse_path) as con:
        sync_reference(con, config)
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

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
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
        for var in ("TRACKTWO_SMTP_USER", "TRACKTWO_SMTP_PASSWORD", "TRACKTWO_SMTP_STARTTLS", "TRACKTWO_SMTP_SSL"):
            monkeypatch.delenv(var, raising=False)
        return sink

    yield _start
    for ctl in started:
        ctl.stop()


# ---------------------------------------------------------------- config


@pytest.fixture(scope="module")
def warehouse_template(tmp_path_factory):
    """Built once (indicators are the slow part); each test copies the file."""
    from tracktwo.config import Config, Settings
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
    config = Config(Settings(cfg, root / "data"))
    build_fixture(config)
    return config


@pytest.fixture
def digest_config(warehouse_template, tmp_path):
    """A fresh config + data dir with the fixture warehouse; write_subscribers() sets digest.yaml."""
    import shutil

    from tracktwo.config import Config, Settings

    cfg = tmp_path / "config"
    shutil.copytree(warehouse_template.settings.config_dir, cfg)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(warehouse_template.settings.warehouse_path, data / "warehouse.duckdb")

    def _make(subscribers=SUBSCRIBERS, **extra):
        doc = {"from": "tracktwo digest <digest@example.org>", "dashboard_url": "https://dash.example.org/",
               "subject": "tracktwo weekly digest {week}: {regions}", "subscribers": subscribers, **extra}
        (cfg / "digest.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return Config(Settings(cfg, data))

    return _make


def log_rows(config):
    con = duckdb.connect(str(config.settings.warehouse_path), read_only=True)
    try:
        return con.execute("SELECT week, recipient, status, error, regions, message_id FROM digest_log "
                           "ORDER BY sent_at, recipient").fetchall()
    finally:
        con.close()


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


def test_content_tension_alerts_dialogue_stories(smtp, digest_config):
    sink = smtp()
    dg.run_weekly(digest_config(), week=WEEK, send=True, to="ana@example.org")
    (msg,) = sink.parsed()
    text = parts(msg)["text/plain"]
    html = parts(msg)["text/html"]
    assert "Tension index" in text and ("↑" in text) and "&#9650;" in html  # the index rose against a quiet week
    assert "Dialogue activity: 0 Track-I dialogue events (week before 14)" in text
    assert "escalation (high), 7 days" in text and "dialogue-gap" in text  # daily alerts merged per kind
    assert "Evidence (" in text and "https://wire" in text and "Kyiv Daily on shelling" in text
    # top stories from at least two perspectives
    assert "perspectives:" in text
    assert sum(p in text for p in ("Ukraine (UKR)", "Russia (RUS)", "UN,")) >= 2
    assert "Since the previous digest (2026-W46)" in text
    assert "How to read this" in text and "How to read this" in html
    assert "src=" not in html.replace('src=x', '')  # no external resources
    assert "https://" not in "".join(line for line in html.splitlines() if "<link" in line or "<img" in line)


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
    assert "Since the previous digest (2026-W45)" in text and "in 2026-W45 → 92.2" in text


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
    con = duckdb.connect(str(config.settings.warehouse_path), read_only=True)
    try:
        has_log = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'digest_log'").fetchone()[0]
        assert not has_log or con.execute("SELECT count(*) FROM digest_log").fetchone()[0] == 0
    finally:
        con.close()
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
        assert "No data was recorded for 2026-W10" in parts(m)["text/plain"]
        assert "No data was recorded for 2026-W10" in parts(m)["text/html"]


def test_region_without_data_in_a_week_with_data(digest_config):
    config = digest_config([{"email": "tw@example.org", "regions": ["russia-ukraine", "taiwan-strait"]}])
    (path,) = dg.run_weekly(config, week=WEEK)["files"]
    text = parts(email.message_from_bytes(open(path, "rb").read(), policy=policy.default))["text/plain"]
    assert "No data in 2026-W47 for: Taiwan Strait." in text and "Kharkiv" in text
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
    assert PASSWORD not in repr(smtp_from_env())
    assert all(PASSWORD not in repr(r) for r in log_rows(config))
    for p in config.settings.data_dir.rglob("*"):
        if p.is_file() and p.suffix in (".eml", ".html"):
            assert PASSWORD not in p.read_text(errors="replace")
    assert SmtpSettings("h", 1, "u", PASSWORD).scrub(f"535 bad {PASSWORD}") == "535 bad ***"


def test_send_without_smtp_is_a_config_error(digest_config, monkeypatch):
    monkeypatch.delenv("TRACKTWO_SMTP_HOST", raising=False)
    monkeypatch.setattr("reports.mail.smtp_from_airflow", lambda conn_id="smtp_default": None)
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

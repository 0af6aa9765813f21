"""Feed ingestion end to end: local HTTP server -> landing -> DuckDB."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from extractors.rss import parse_feed
from warehouse.db import query
from conftest import fixture_bytes, rss_source
from tracktwo import pipeline

RSS = "application/rss+xml"


def ingest(config, ids=None):
    pipeline.extract_all(config, pipeline.select_sources(config, ids))
    return pipeline.load(config)


def q(config, sql, params=None):
    return query(config.settings, sql, params)


@pytest.mark.parametrize("name,expected", [("rss2.xml", 3), ("rss1.xml", 2), ("atom.xml", 2)])
def test_formats_load(httpserver, make_config, name, expected):
    httpserver.expect_request(f"/{name}").respond_with_data(fixture_bytes(name), content_type=RSS)
    config = make_config([rss_source("feed", httpserver.url_for(f"/{name}"))])
    runs = ingest(config)
    assert [(r.status, r.items_new, r.warning) for r in runs] == [("ok", expected, None)]
    assert q(config, "SELECT count(*) FROM documents")[0][0] == expected
    # every row traces back to the exact landed bytes
    rows = q(config, "SELECT d.landing_file, r.sha256 FROM documents d JOIN ingest_runs r USING (run_id)")
    import hashlib
    for landing_file, digest in rows:
        assert hashlib.sha256((config.settings.data_dir / landing_file).read_bytes()).hexdigest() == digest


def test_normalization(httpserver, make_config):
    httpserver.expect_request("/f").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    config = make_config([rss_source("wire", httpserver.url_for("/f"), publisher="Test Wire")])
    ingest(config)
    url, summary, published, publisher = q(
        config, "SELECT url, summary, published_at, publisher FROM documents WHERE item_key = 'wire-1'")[0]
    assert url == "https://wire.example.org/a/1"  # tracking params and fragment gone
    assert summary == "Officials in Ukraine said several buildings were hit."
    assert str(published) == "2026-11-02 06:30:00"  # +0200 converted to UTC
    assert publisher == "Test Wire"
    atom_cfg = make_config([rss_source("atom", httpserver.url_for("/a"))], name="atom")
    httpserver.expect_request("/a").respond_with_data(fixture_bytes("atom.xml"), content_type=RSS)
    ingest(atom_cfg)
    (title, url), = q(atom_cfg, "SELECT title, url FROM documents WHERE item_key = 'urn:atom-test:1'")
    assert title == "Ceasefire talks resume in Cairo"
    assert url == "https://atom.example.org/e/1?page=2"


def test_duplicates_within_feed_and_across_runs(httpserver, make_config):
    httpserver.expect_request("/f").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    config = make_config([rss_source("wire", httpserver.url_for("/f"))])
    first = ingest(config)
    assert first[0].items_seen == 4 and first[0].items_new == 3
    second = ingest(config)  # no validators from this server: same bytes again
    assert second[0].items_new == 0 and second[0].items_updated == 0
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 3
    assert q(config, "SELECT count(*) FROM document_versions")[0][0] == 3
    # loading the landing zone again adds nothing
    assert pipeline.load(config) == []
    pipeline.rebuild(config)
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 3


def test_overlapping_newer_feed_and_updated_item(httpserver, make_config):
    old = fixture_bytes("rss2.xml")
    new = old.replace(b"Seoul said Pyongyang fired a missile.", b"Seoul said Pyongyang fired two missiles.")
    new = new.replace(b"<item>", b"<item><title>New story on Gaza</title><link>https://wire.example.org/a/9</link><guid>wire-9</guid></item><item>", 1)
    responses = iter([old, new])
    httpserver.expect_request("/f").respond_with_handler(lambda req: Response(next(responses), content_type=RSS))
    config = make_config([rss_source("wire", httpserver.url_for("/f"))])
    ingest(config)
    runs = ingest(config)
    assert (runs[0].items_new, runs[0].items_updated) == (1, 1)
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 4
    (summary, version), = q(config, "SELECT summary, version FROM documents WHERE item_key = 'wire-3'")
    assert summary == "Seoul said Pyongyang fired two missiles." and version == 2
    versions = q(config, "SELECT v.version, v.summary FROM document_versions v JOIN documents d USING (doc_id) "
                         "WHERE d.item_key = 'wire-3' ORDER BY v.version")
    assert versions == [(1, "Seoul said Pyongyang fired a missile."), (2, "Seoul said Pyongyang fired two missiles.")]


def test_conditional_get_304(httpserver, make_config):
    body = fixture_bytes("atom.xml")

    def handler(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, content_type=RSS, headers={"ETag": '"v1"', "Last-Modified": "Thu, 05 Nov 2026 12:00:00 GMT"})

    httpserver.expect_request("/f").respond_with_handler(handler)
    config = make_config([rss_source("atom", httpserver.url_for("/f"))])
    ingest(config)
    runs = ingest(config)
    assert [(r.status, r.http_status) for r in runs] == [("not_modified", 304)]
    second_req = httpserver.log[-1][0]
    assert second_req.headers["If-Modified-Since"] == "Thu, 05 Nov 2026 12:00:00 GMT"
    assert q(config, "SELECT status FROM ingest_runs ORDER BY started_at") == [("ok",), ("not_modified",)]


def test_500_then_success(httpserver, make_config):
    calls = []

    def handler(req):
        calls.append(1)
        if len(calls) == 1:
            return Response("boom", status=503)
        return Response(fixture_bytes("rss1.xml"), content_type=RSS)

    httpserver.expect_request("/f").respond_with_handler(handler)
    config = make_config([rss_source("rdf", httpserver.url_for("/f"))])
    runs = ingest(config)
    assert runs[0].status == "ok" and len(calls) == 2


def test_429_retry_after_is_honoured(httpserver, make_config):
    calls = []

    def handler(req):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(fixture_bytes("rss1.xml"), content_type=RSS)

    httpserver.expect_request("/f").respond_with_handler(handler)
    config = make_config([rss_source("rdf", httpserver.url_for("/f"))])
    runs = ingest(config)
    assert runs[0].status == "ok"
    assert calls[1] - calls[0] >= 0.9  # waited as told, although backoff_base is 0


def test_failures_are_recorded_and_others_load(httpserver, make_config):
    def slow(req):
        time.sleep(1.5)
        return Response(fixture_bytes("rss1.xml"), content_type=RSS)

    httpserver.expect_request("/good").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/500").respond_with_data("down", status=500)
    httpserver.expect_request("/404").respond_with_data("nope", status=404)
    httpserver.expect_request("/empty").respond_with_data(b"", content_type=RSS)
    httpserver.expect_request("/html").respond_with_data(b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", content_type="text/html")
    httpserver.expect_request("/big").respond_with_data(b"<rss>" + b"x" * 5000 + b"</rss>", content_type=RSS)
    names = ["good", "slow", "500", "404", "empty", "html", "big"]
    config = make_config([rss_source(f"s-{n}", httpserver.url_for(f"/{n}")) for n in names],
                         http={"read_timeout": 0.5, "max_bytes": 4000, "retries": 1})
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-good"].status == "ok" and runs["s-good"].items_new == 3
    errors = {sid: r.error for sid, r in runs.items() if r.status == "failed"}
    assert set(errors) == {"s-slow", "s-500", "s-404", "s-empty", "s-html", "s-big"}
    assert "timeout" in errors["s-slow"]
    assert "HTTP 500" in errors["s-500"] and "2 attempts" in errors["s-500"]
    assert "HTTP 404" in errors["s-404"]
    assert "empty body" in errors["s-empty"]
    assert "HTML page" in errors["s-html"]
    assert "too large" in errors["s-big"]
    stored = dict(q(config, "SELECT source_id, error FROM ingest_runs WHERE status = 'failed'"))
    assert stored == errors
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 3


def test_malformed_feed_with_entries_is_loaded_with_warning(httpserver, make_config):
    broken = fixture_bytes("rss2.xml").replace(b"</channel>\n</rss>", b"<item><title>Unclosed &bogus; entity</title>")
    httpserver.expect_request("/f").respond_with_data(broken, content_type=RSS)
    config = make_config([rss_source("wire", httpserver.url_for("/f"))])
    runs = ingest(config)
    assert runs[0].status == "ok" and runs[0].items_new >= 3
    assert "malformed" in q(config, "SELECT warning FROM ingest_runs")[0][0]


@pytest.mark.parametrize("content_type,warned", [
    ("application/rss+xml; charset=utf-8", False), ("text/xml", False), (None, False), ("text/html", True)])
def test_content_type_is_passed_to_the_parser(content_type, warned):
    """A well-formed feed is only flagged when the server mislabels it (e.g. as text/html)."""
    parsed = parse_feed(fixture_bytes("rss2.xml"), "http://127.0.0.1/f", content_type)
    assert len(parsed.items) == 4  # the fixture repeats one item; merging dedupes it
    assert (parsed.warning is not None) == warned
    if warned:
        assert "text/html" in parsed.warning


def test_real_feeds(httpserver, make_config, shared_fixtures):
    files = {"un": "un_news_region_europe_2022-04-01.rss.xml", "rw": "reliefweb_updates_country-ukr_2020-09-17.rss.xml"}
    for key, name in files.items():
        httpserver.expect_request(f"/{key}").respond_with_data((shared_fixtures / "rss" / name).read_bytes(), content_type=RSS)
    config = make_config([rss_source("un-europe", httpserver.url_for("/un")), rss_source("rw-ukr", httpserver.url_for("/rw"))])
    runs = {r.source_id: r for r in ingest(config)}
    import feedparser
    for sid, key in (("un-europe", "un"), ("rw-ukr", "rw")):
        parsed = feedparser.parse((shared_fixtures / "rss" / files[key]).read_bytes())
        unique = {e.get("id") or e.get("link") for e in parsed.entries}
        assert runs[sid].status == "ok"
        assert runs[sid].items_new == len(unique)
        assert q(config, "SELECT count(*) FROM documents WHERE source_id = ?", [sid])[0][0] == len(unique)
    assert len({e for e in q(config, "SELECT doc_id FROM documents")}) == q(config, "SELECT count(*) FROM documents")[0][0]
    # UN News Europe is about Ukraine in April 2022: the gazetteer must see it
    n = q(config, "SELECT count(DISTINCT doc_id) FROM document_places WHERE place_id = 'UKR'")[0][0]
    assert n > 0
    assert ingest(config)[0].items_new == 0


def test_connection_problems_are_said_in_a_few_words():
    from extractors.http import FetchError, connection_problem, fetch
    from tracktwo.core.config import HttpSettings

    dns = ("HTTPSConnectionPool(host='tass.com', port=443): Max retries exceeded with url: /rss (Caused by "
           "NameResolutionError(\"HTTPSConnection(host='tass.com', port=443): Failed to resolve 'tass.com'\"))")
    assert connection_problem(Exception(dns)) == "cannot resolve host tass.com"
    with pytest.raises(FetchError) as err:
        fetch("http://127.0.0.1:9/feed", HttpSettings(retries=1, backoff_base=0), sleep=lambda s: None)
    assert str(err.value) == "connection error: connection refused by 127.0.0.1:9 (gave up after 2 attempts)"


FRAGMENT_GUIDS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Front page</title><link>https://front.example.org/</link><description>x</description>
<item><title>Strikes on Odesa port</title><link>https://front.example.org/story/77</link>
  <guid>https://front.example.org/story/77#0</guid><pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Strikes on Odesa port</title><link>https://front.example.org/story/77#10</link>
  <guid>https://front.example.org/story/77#10</guid><pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Grain corridor talks</title><link>https://front.example.org/story/78</link>
  <guid>https://front.example.org/story/78#0</guid><pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_one_story_per_canonical_url_with_aliases(httpserver, make_config):
    """A front-page feed lists one story under guids that differ by a fragment: one document, the other guid an
    alias; the same story under a third guid later is still that document."""
    body = [FRAGMENT_GUIDS]
    httpserver.expect_request("/front").respond_with_handler(lambda req: Response(body[0], content_type=RSS))
    config = make_config([rss_source("front", httpserver.url_for("/front"))])
    runs = ingest(config)
    assert [(r.items_seen, r.items_new) for r in runs] == [(3, 2)]
    assert q(config, "SELECT item_key, url FROM documents ORDER BY url") == [
        ("https://front.example.org/story/77#0", "https://front.example.org/story/77"),
        ("https://front.example.org/story/78#0", "https://front.example.org/story/78")]
    assert q(config, "SELECT item_key FROM document_aliases") == [("https://front.example.org/story/77#10",)]
    body[0] = FRAGMENT_GUIDS.replace("77#10</guid>", "77#20</guid>")
    runs = ingest(config)
    assert [(r.items_new, r.items_updated) for r in runs] == [(0, 0)]
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 2
    assert sorted(k for (k,) in q(config, "SELECT item_key FROM document_aliases")) == [
        "https://front.example.org/story/77#10", "https://front.example.org/story/77#20"]


def test_a_dripping_server_is_cut_off_by_the_download_deadline(httpserver, make_config):
    """A byte every 0.1 s never trips read_timeout; http.max_seconds ends the download, the failure says why
    and the other source still loads."""
    def drip(req):
        def body():
            for _ in range(80):
                yield b" "
                time.sleep(0.1)
            yield fixture_bytes("rss1.xml")
        return Response(body(), content_type=RSS)

    httpserver.expect_request("/good").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/drip").respond_with_handler(drip)
    # the deadline set on the source itself (over the http block's 300 s)
    config = make_config([rss_source("s-good", httpserver.url_for("/good")),
                          rss_source("s-drip", httpserver.url_for("/drip"), max_seconds=1)],
                         http={"read_timeout": 2, "retries": 0})
    assert config.http.max_seconds == 300 and config.http_for(config.source("s-drip")).max_seconds == 1
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-good"].status == "ok" and runs["s-good"].items_new == 3
    assert runs["s-drip"].status == "failed"
    assert "too slow: no complete response in 1s" in runs["s-drip"].error
    assert "http.max_seconds" in runs["s-drip"].error
    got = int(runs["s-drip"].error.split("in 1s (")[1].split(" bytes of body received")[0])
    assert 0 < got < 80  # cut off mid-drip, not read to the end


def test_gzip_encoded_feed_is_decoded_and_a_gzip_bomb_is_capped(httpserver, make_config):
    import gzip

    httpserver.expect_request("/gz").respond_with_data(gzip.compress(fixture_bytes("rss2.xml")), content_type=RSS,
                                                       headers={"Content-Encoding": "gzip"})
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000)  # about 50 KB on the wire, 50 MB decoded
    httpserver.expect_request("/bomb").respond_with_data(bomb, content_type=RSS, headers={"Content-Encoding": "gzip"})
    config = make_config([rss_source("s-gz", httpserver.url_for("/gz")), rss_source("s-bomb", httpserver.url_for("/bomb"))],
                         http={"max_bytes": 1_000_000, "retries": 0})
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-gz"].status == "ok" and runs["s-gz"].items_new == 3
    assert runs["s-bomb"].status == "failed" and "too large" in runs["s-bomb"].error
    assert len(bomb) < 1_000_000  # the wire size is under the cap: only the decoded size can catch it


def test_one_invalid_byte_garbles_only_itself(httpserver, make_config):
    """A UTF-8 feed with one invalid byte: that byte becomes U+FFFD, every other title stays Cyrillic, and the
    run says so in its warning (feedparser alone would decode the whole feed as a single-byte encoding)."""
    items = "".join(f"<item><title>Обстрел Харькова {i}</title><link>https://kyiv.example.org/{i}</link></item>"
                    for i in range(3))
    feed = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Лента</title>{items}</channel></rss>'
    body = feed.encode()
    cut = body.index("Обстрел Харькова 1".encode()) + len("Об".encode())
    body = body[:cut] + b"\xff" + body[cut:]
    httpserver.expect_request("/bad-byte").respond_with_data(body, content_type=RSS)
    config = make_config([rss_source("s-bad", httpserver.url_for("/bad-byte"))])
    (run,) = ingest(config)
    assert run.status == "ok" and "1 invalid UTF-8 byte sequence replaced" in run.warning
    titles = sorted(t for (t,) in q(config, "SELECT title FROM documents"))
    assert titles == sorted(["Обстрел Харькова 0", "Об\ufffdстрел Харькова 1", "Обстрел Харькова 2"])


def test_redirects_are_followed_checked_and_recorded(httpserver, make_config):
    """A redirect chain is followed by hand: the whole chain is in the fetch record; a loop stops at
    max_redirects, a redirect to a non-http scheme is refused, and neither lands a body."""
    from extractors.landing import Landing

    httpserver.expect_request("/moved").respond_with_data("", status=301, headers={"Location": "/moved-again"})
    httpserver.expect_request("/moved-again").respond_with_data("", status=302,
                                                                headers={"Location": httpserver.url_for("/feed")})
    httpserver.expect_request("/feed").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    httpserver.expect_request("/file").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    config = make_config([rss_source("s-moved", httpserver.url_for("/moved")),
                          rss_source("s-loop", httpserver.url_for("/loop")),
                          rss_source("s-file", httpserver.url_for("/file"))],
                         http={"max_redirects": 3, "retries": 0})
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-moved"].status == "ok" and runs["s-moved"].items_new == 3
    assert runs["s-loop"].status == "failed" and "too many redirects (more than 3)" in runs["s-loop"].error
    assert runs["s-file"].status == "failed" and "only http(s) URLs are followed, not file" in runs["s-file"].error
    records = {r.source_id: r for r in Landing(config.settings.data_dir).records()}
    assert records["s-moved"].url == httpserver.url_for("/moved")
    assert records["s-moved"].extra["redirects"] == [httpserver.url_for("/moved-again"), httpserver.url_for("/feed")]
    assert records["s-loop"].body_file is None and records["s-file"].body_file is None
    assert httpserver.log and sum(1 for req, _ in httpserver.log if req.path == "/loop") == 4  # 1 + 3 redirects


def test_redirect_into_a_private_network_is_refused():
    """From a public feed, no hop may land on loopback, private or link-local addresses (the resolver is
    stubbed: no network); a feed configured on such an address itself may redirect within it."""
    from extractors.http import refused_redirect

    table = {"feeds.example.org": "93.184.216.34", "cdn.example.net": "151.101.1.1", "intranet.example": "10.0.0.5",
             "metadata.example": "169.254.169.254", "127.0.0.1": "127.0.0.1", "::1": "::1"}

    def resolve(host, port):
        return [(None, None, None, "", (table[host], 0))]

    public = "https://feeds.example.org/rss.xml"
    assert refused_redirect(public, "https://cdn.example.net/rss.xml", resolve) is None
    assert "non-public address (10.0.0.5)" in refused_redirect(public, "http://intranet.example/x", resolve)
    assert "169.254.169.254" in refused_redirect(public, "http://metadata.example/latest/meta-data", resolve)
    assert "127.0.0.1" in refused_redirect(public, "http://127.0.0.1:8702/secret.txt", resolve)
    assert "::1" in refused_redirect(public, "http://[::1]/", resolve)
    assert "credentials" in refused_redirect(public, "https://u:p@cdn.example.net/", resolve)
    assert refused_redirect("http://127.0.0.1:8000/feed.xml", "http://127.0.0.1:9000/other.xml", resolve) is None
    # a public name with one private record is not a private origin; a chain that went public stays public
    table["mixed.example.org"] = "93.184.216.34"
    mixed = lambda host, port: ([(None, None, None, "", ("93.184.216.34", 0)), (None, None, None, "", ("10.255.0.1", 0))]
                                if host == "mixed.example.org" else resolve(host, port))
    assert "169.254.169.254" in refused_redirect("https://mixed.example.org/rss", "http://metadata.example/", mixed)
    assert "127.0.0.1" in refused_redirect("http://127.0.0.1:8000/feed.xml", "http://127.0.0.1:9000/x", resolve,
                                           via=["https://cdn.example.net/hop"])
    # IPv4 inside IPv6 forms: NAT64, 6to4, IPv4-compatible
    for v6 in ("64:ff9b::a00:5", "2002:7f00:1::", "::127.0.0.1"):
        table["v6.example"] = v6
        assert refused_redirect(public, "http://v6.example/", resolve) is not None, v6


def test_bad_redirect_targets_are_fetch_errors():
    """A Location that cannot be a URL, or a URL requests cannot parse, is a FetchError (recorded as that
    source's failure), not an exception that would end the run. (A fake session: a real server library
    refuses to send such headers.)"""
    from extractors.http import FetchError, fetch
    from tracktwo.core.config import HttpSettings

    class Redirect:
        is_redirect, status_code = True, 302

        def __init__(self, location: str):
            self.headers = {"Location": location}

        def close(self) -> None:
            pass

    class Session:
        def __init__(self, location: str):
            self.location = location

        def get(self, url, **kw):
            return Redirect(self.location)

        def get_redirect_target(self, resp):
            return resp.headers["Location"]

    http = HttpSettings(retries=0)
    for location in ("http://example.com:99999/", "http://[::1"):
        with pytest.raises(FetchError, match="bad redirect target"):
            fetch("http://127.0.0.1:9/feed.xml", http, sess=Session(location))
    with pytest.raises(FetchError, match="bad URL"):
        fetch("http://a..b/feed.xml", http)  # rejected while parsing, before any lookup


def test_a_feed_beyond_max_items_is_refused(httpserver, make_config):
    items = "".join(f"<item><title>Item {i}</title><link>https://example.org/{i}</link></item>" for i in range(12))
    httpserver.expect_request("/huge").respond_with_data(f'<rss version="2.0"><channel>{items}</channel></rss>',
                                                         content_type=RSS)
    httpserver.expect_request("/good").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    config = make_config([rss_source("s-huge", httpserver.url_for("/huge"), max_items=10),
                          rss_source("s-good", httpserver.url_for("/good"))])
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-huge"].status == "failed" and "feed has 12 entries, more than max_items (10)" in runs["s-huge"].error
    assert runs["s-good"].status == "ok"
    assert q(config, "SELECT count(*) FROM documents WHERE source_id = 's-huge'")[0][0] == 0


@pytest.mark.parametrize("content_type", ["application/rss+xml; charset=utf-8", "application/rss+xml", None])
def test_a_windows_1251_feed_is_never_repaired_as_utf8(content_type):
    """Declared windows-1251 in its XML prolog (a server saying utf-8 is wrong, a common misconfiguration),
    or undeclared but plainly not UTF-8: no byte is replaced, feedparser's own decoding applies."""
    from extractors.rss import repair_utf8

    items = "".join(f"<item><title>Обстрел Харькова {i}</title><link>https://x.example.org/{i}</link></item>"
                    for i in range(3))
    feed = f'<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>{items}</channel></rss>'
    body = feed.encode("cp1251")
    assert repair_utf8(body, content_type) == (body, 0)
    undeclared = feed.replace(' encoding="windows-1251"', "").encode("cp1251")
    assert repair_utf8(undeclared, content_type) == (undeclared, 0)  # no valid UTF-8 character in it
    if content_type and "utf-8" in content_type:
        titles = [i.title for i in parse_feed(body, "https://x.example.org/", content_type).items]
        assert "Обстрел Харькова 0" in titles


def test_a_dripped_gzip_header_cannot_hold_the_download(httpserver, make_config):
    """A gzip body whose header comment is dripped a byte at a time decodes to nothing for as long as it
    lasts: the deadline still ends it."""
    def drip(req):
        def body():
            yield b"\x1f\x8b\x08\x10\x00\x00\x00\x00\x00\xff"  # gzip header with FCOMMENT set
            for _ in range(80):
                yield b"a"
                time.sleep(0.1)
        return Response(body(), content_type=RSS, headers={"Content-Encoding": "gzip"})

    httpserver.expect_request("/gzdrip").respond_with_handler(drip)
    config = make_config([rss_source("s-gzdrip", httpserver.url_for("/gzdrip"), max_seconds=1)],
                         http={"read_timeout": 2, "retries": 0})
    (run,) = ingest(config)
    assert run.status == "failed" and "too slow: no complete response in 1s (0 bytes of body received" in run.error


def test_a_source_being_fetched_elsewhere_is_skipped_not_fetched_twice(httpserver, make_config, caplog):
    """While another process holds a source's fetch lock, an ingest leaves that source alone (no request, no
    landed file) and fetches the others; once the lock is free the source is fetched as usual."""
    import fcntl

    from extractors.landing import Landing

    httpserver.expect_request("/a").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/b").respond_with_data(fixture_bytes("rss1.xml"), content_type=RSS)
    config = make_config([rss_source("s-a", httpserver.url_for("/a")), rss_source("s-b", httpserver.url_for("/b"))])
    locks = config.settings.data_dir / "locks"
    locks.mkdir(parents=True)
    with open(locks / "fetch-s-a.lock", "a+") as other:  # "another ingest" fetching s-a
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        caplog.set_level("WARNING", logger="tracktwo.pipeline")
        runs = {r.source_id: r for r in ingest(config)}
        assert set(runs) == {"s-b"} and runs["s-b"].status == "ok"
        assert [req.path for req, _ in httpserver.log] == ["/b"]
        assert "source s-a is being fetched by another process" in caplog.text
        fcntl.flock(other, fcntl.LOCK_UN)
    runs = {r.source_id: r for r in ingest(config)}
    assert runs["s-a"].status == "ok"
    assert sum(1 for r in Landing(config.settings.data_dir).records() if r.source_id == "s-a") == 1


def test_a_story_dated_in_the_future_is_flagged_and_counted_on_its_fetch_day(httpserver, make_config):
    """A feed item dated two days after its fetch (a wrong time zone, a scheduled post): the feed's date is kept
    in published_at_stated, published_at is the fetch time, future_dated is set, and the indicators count the
    story on the day it was fetched, not on a day that has not happened."""
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    ahead = now + timedelta(days=2)
    near = now + timedelta(minutes=3)  # within clock skew: not flagged
    items = "".join(
        f"<item><title>{t}</title><link>http://example.org/{i}</link>"
        f"<pubDate>{d:%a, %d %b %Y %H:%M:%S} GMT</pubDate></item>"
        for i, (t, d) in enumerate([("Talks in Geneva on Ukraine and Russia", ahead), ("Kharkiv shelled", near)]))
    httpserver.expect_request("/f.xml").respond_with_data(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>",
        content_type="application/rss+xml")
    config = make_config([rss_source("f", httpserver.url_for("/f.xml"))])
    pipeline.ingest(config, pipeline.select_sources(config))
    rows = query(config.settings, "SELECT title, published_at, published_at_stated, fetched_at, future_dated "
                                  "FROM documents ORDER BY title")
    (kharkiv, talks) = rows
    assert talks[4] is True and talks[1] == talks[3]
    assert talks[2] == ahead.replace(tzinfo=None, microsecond=0)
    assert kharkiv[4] is False and kharkiv[1] == kharkiv[2] == near.replace(tzinfo=None, microsecond=0)
    assert query(config.settings, "SELECT future_dated FROM document_versions ORDER BY future_dated") == [(False,), (True,)]
    pipeline.indicators(config)
    fetch_day = talks[3].date()
    days = query(config.settings, "SELECT day, documents FROM v_region_daily WHERE region_id = 'russia-ukraine' "
                                  "AND documents > 0")
    expected: dict = {}
    for d in (fetch_day, kharkiv[1].date()):  # the near one on its own date (the same day but at midnight)
        expected[d] = expected.get(d, 0) + 1
    assert sorted(days) == sorted(expected.items())  # nothing on the stated future day


def test_a_mostly_broken_feed_loads_what_it_can_and_is_flagged():
    """Entries with neither a link nor a title cannot be stored: counted, and when they are most of the feed
    the fetch's warning says "mostly unusable"; a feed with none usable is a failure (FeedError)."""
    from extractors.rss import FeedError

    def feed(good: int, bad: int) -> bytes:
        items = [f"<item><title>Story {i}</title><link>https://example.org/{i}</link></item>" for i in range(good)]
        items += ["<item><description>no link, no title</description></item>"] * bad
        return f'<rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'.encode()

    clean = parse_feed(feed(3, 0), "https://example.org/f", RSS)
    assert len(clean.items) == 3 and clean.warning is None
    some = parse_feed(feed(3, 1), "https://example.org/f", RSS)
    assert len(some.items) == 3 and some.warning == "1 of 4 entries skipped (neither a link nor a title)"
    most = parse_feed(feed(1, 4), "https://example.org/f", RSS)
    assert len(most.items) == 1
    assert most.warning == "mostly unusable: 4 of 5 entries skipped (neither a link nor a title)"
    with pytest.raises(FeedError, match="feed yields no entries"):
        parse_feed(feed(0, 4), "https://example.org/f", RSS)


def test_landing_files_are_never_overwritten(tmp_path):
    """A landed body, parse or record is written once: a second write under the same run id fails, naming the
    file, and leaves the first untouched (nor any temporary file behind)."""
    from datetime import datetime, timezone

    from extractors.landing import FetchRecord, Landing

    landing = Landing(tmp_path)
    run_id = landing.new_run_id("feed", datetime(2026, 11, 30, tzinfo=timezone.utc))
    rec = FetchRecord(run_id=run_id, source_id="feed", kind="rss", url="http://127.0.0.1/feed.xml",
                      started_at="2026-11-30T00:00:00Z", finished_at="2026-11-30T00:00:01Z", status="ok")
    landing.write(rec, b"<rss>first</rss>", ".xml")
    again = FetchRecord(**{**rec.__dict__, "body_file": None})
    with pytest.raises(FileExistsError, match=r"landing file already exists \(landing is immutable\): .*\.xml"):
        landing.write(again, b"<rss>second</rss>", ".xml")
    assert (tmp_path / rec.body_file).read_bytes() == b"<rss>first</rss>"
    assert not [p for p in (tmp_path / "landing").rglob(".tmp-*")]


def test_real_osce_reports_of_ceasefire_violations_report_conflict_not_dialogue(httpserver, make_config,
                                                                                  shared_fixtures):
    """The real ReliefWeb Ukraine feed of 2020-09-17: its 7 OSCE SMM daily reports count "ceasefire violations"
    (fighting); "ceasefire" is a dialogue term, so before dialogue.not_dialogue they counted as reports of talks.
    The EU/WHO oxygen item's "bravely fighting the virus" is not conflict (evidence.not_conflict). The pipeline's
    daily counts agree with the rule applied to the stored documents."""
    import duckdb

    from warehouse.indicator_settings import DialogueSettings, EvidenceSettings
    from warehouse.indicators import compute

    name = "reliefweb_updates_country-ukr_2020-09-17.rss.xml"
    httpserver.expect_request("/rw").respond_with_data((shared_fixtures / "rss" / name).read_bytes(), content_type=RSS)
    config = make_config([rss_source("rw-ukr", httpserver.url_for("/rw"))])
    ingest(config)
    compute(config, full=True)
    docs = q(config, "SELECT doc_id, title, coalesce(title, '') || ' ' || coalesce(summary, '') FROM documents")
    d, e = DialogueSettings(), EvidenceSettings()
    con = duckdb.connect()

    def kinds(text: str) -> tuple[bool, bool]:
        return con.execute("SELECT regexp_matches(regexp_replace($t, $dx, ' ', 'g'), $d), "
                           "regexp_matches(regexp_replace($t, $cx, ' ', 'g'), $c)",
                           {"t": text, "dx": d.exclusion(), "d": d.pattern(), "cx": e.conflict_exclusion(),
                            "c": e.conflict_pattern()}).fetchone()

    smm = [t for _, t, _ in docs if t.startswith("OSCE Special Monitoring Mission to Ukraine (SMM) Daily Report")]
    assert len(smm) == 7
    by_title = {t: kinds(text) for _, t, text in docs}
    assert {by_title[t] for t in smm} == {(False, True)}  # conflict, not dialogue
    oxygen = next(t for t in by_title if "oxygen concentrators" in t)
    assert by_title[oxygen][1] is False
    # the pipeline counts the same: dialogue and conflict documents of russia-ukraine, summed over its days
    tagged = {doc for (doc,) in q(config, "SELECT DISTINCT doc_id FROM document_places "
                                          "WHERE place_type = 'region' AND place_id = 'russia-ukraine'")}
    want = (sum(by_title[t][0] for doc, t, _ in docs if doc in tagged),
            sum(by_title[t][1] for doc, t, _ in docs if doc in tagged))
    got = q(config, "SELECT sum(dialogue_documents), sum(conflict_documents) FROM v_region_daily "
                    "WHERE region_id = 'russia-ukraine'")[0]
    assert got == want and want[1] >= 7

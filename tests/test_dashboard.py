"""The static dashboard rendered from a small hand-built warehouse: structure, safety, offline-ness."""

from __future__ import annotations

import json
from datetime import datetime

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from dashboard_fixture import EVIL_TITLE, EVIL_URL, make_config, make_site
from reports import svg
from reports.dashboard import render_markdown
from tracktwo.pipeline import dashboard as build
from extractors.text import safe_href
from tracktwo.cli import main
from warehouse.db import writer

PROJECT_REGIONS = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "regions.yaml").read_text())["regions"]


class Page(HTMLParser):
    """Every start tag with its attributes, the text, and the <a href>s with their classes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("dashboard"))[1]


def _page(site: Path, name: str) -> tuple[str, Page]:
    html = (site / name).read_text(encoding="utf-8")
    return html, Page(html)


def test_site_files(site):
    names = {p.name for p in site.iterdir()}
    assert {"index.html", "methodology.html"} <= names
    assert {f"region-{r['id']}.html" for r in PROJECT_REGIONS} <= names
    assert not [n for n in names if n.startswith(".")]  # no temp files left behind
    # the lake snapshot the pages were read from, for scripts and in every page's footer
    snap = json.loads((site / "snapshot.json").read_text())["lake_snapshot"]
    assert snap["snapshot_id"] > 0 and snap["snapshot_time"].endswith("Z")
    assert f"lake snapshot {snap['snapshot_id']}" in (site / "index.html").read_text(encoding="utf-8")


def test_index_lists_every_default_region_by_tension(site):
    _, page = _page(site, "index.html")
    rows = [a["id"][len("region-"):] for t, a in page.tags if t == "tr" and (a.get("id") or "").startswith("region-")]
    assert sorted(rows) == sorted(r["id"] for r in PROJECT_REGIONS)
    assert rows[0] == "russia-ukraine"  # the only region heating up in the fixture
    links = {a["href"] for a in page.all("a")}
    for r in PROJECT_REGIONS:
        assert f"region-{r['id']}.html" in links
        assert r["name"] in page.plain
    sparks = [a for a in page.all("svg") if "spark" in (a.get("class") or "")]
    assert len(sparks) == len(PROJECT_REGIONS)
    assert all(a.get("role") == "img" and a.get("aria-labelledby") for a in sparks)
    assert "escalation · high" in page.plain
    assert "Data freshness" in page.plain


def test_index_freshness_panel(site):
    html, page = _page(site, "index.html")
    text = page.plain
    for publisher in ("Kyiv Ledger", "Moscow Wire", "GDELT Project"):
        assert publisher in text
    assert "2026-03-31 10:00 UTC (latest attempt)" in text  # moscow-wire failed after its last success
    assert "HTTP 503 <b>Service Unavailable</b>" in text  # error text from the wire shown as text ...
    assert "<b>Service" not in html  # ... never as markup


def test_a_region_page_says_which_events_it_shares_with_another_region(site):
    """The fixture's one event of two regions (China vs Taiwan near the Spratlys, the last day): both pages say so."""
    for page_name, other in (("region-south-china-sea.html", "taiwan-strait"),
                             ("region-taiwan-strait.html", "south-china-sea")):
        _, page = _page(site, page_name)
        assert f"Overlap: 1 of this region's counted events of the last 7 days also belong to {other}" in page.plain
    _, page = _page(site, "region-russia-ukraine.html")
    assert "Overlap:" not in page.plain


def test_numbers_are_rounded_as_sql_rounds_them():
    """Half away from zero on the decimal the reader sees, as DuckDB's round(): 33.65 is 33.7 (Python's format
    gives 33.6, the double just below), and a change of 0.5 % prints as +1 %, never "+0 %"."""
    import duckdb

    from reports.dashboard import _change, _idx
    from reports.digest.content import printed_change
    from reports.digest.render import _env
    from reports.svg import fmt

    import random

    rnd = random.Random(7)
    values = [33.65, 22.25, 28.75, 0.05, -0.05, 12.345, 99.95, 1.005] + \
        [round(rnd.uniform(-100, 100), rnd.choice([2, 3, 4])) for _ in range(5000)]
    con = duckdb.connect()
    for digits in (1, 2):  # the index and means with one decimal, Goldstein and tone with two
        sql = [r[0] for r in con.execute("SELECT round(v, ?) FROM unnest(?::DOUBLE[]) t(v)", [digits, values]).fetchall()]
        for v, want in zip(values, sql):
            assert float(fmt(v, digits).replace(",", "")) == want, (v, digits)
            assert float(_env().filters["num"](v, digits)) == want, (v, digits)
            if digits == 1:
                assert float(_idx(v)) == want, v
    assert (_idx(33.65), fmt(-0.04), _env().filters["signed"](-0.04)) == ("33.7", "0.0", "+0.0")
    assert printed_change(42.15, 33.65) == 8.5  # 42.2 - 33.7 as printed
    from reports.alerts import format_value
    from reports.dashboard import _pct
    assert (_pct(0.625), _pct(0.005), format_value(0.125), format_value(1234.5), format_value(-0.001)) == \
        ("63%", "1%", "0.13", "1,235", "-1.0e-03")

    class D:
        tension_change = 0.5
    assert _change(D()) == ("▲ +1 %", "up")
    D.tension_change = -0.49
    assert _change(D()) == ("±0 %", "flat")


def test_quiet_region_shows_zeros(site):
    _, index = _page(site, "index.html")
    # its days are known and hold nothing: not "no data" (its 0.0 is a real level of calm)
    assert re.search(r"Haiti gang crisis \(no counted events or documents\) ±0 % 0\.0", index.plain)
    _, page = _page(site, "region-haiti.html")
    assert "No counted events or documents for this region" in page.plain
    assert len([a for a in page.all("svg") if a.get("role") == "img"]) == 5  # four charts and the map


def test_region_page_charts_and_evidence(site):
    html, page = _page(site, "region-russia-ukraine.html")
    charts = [a for a in page.all("svg") if "chart" in (a.get("class") or "")]
    assert len(charts) == 4
    titles = re.findall(r"<title id=\"[^\"]+\">([^<]+)</title>", html)
    assert any("tension index" in t for t in titles) and any("quad class" in t for t in titles)
    desc = re.search(r'<desc id="c-index-d">([^<]+)</desc>', html).group(1)
    assert desc.startswith("tension index: latest ") and "on 2026-03-31" in desc
    ev = [a["href"] for a in page.all("a") if "ext" in (a.get("class") or "")]
    assert any(h.startswith("https://frontline.example.org/") for h in ev)  # event evidence
    assert any(h.startswith("https://ledger.example.org/story/") for h in ev)  # document evidence
    assert all(h.startswith(("http://", "https://")) for h in ev)
    assert all("noopener" in (a.get("rel") or "") for a in page.all("a") if "ext" in (a.get("class") or ""))
    text = page.plain
    assert "escalation" in text and "dialogue-gap" in text
    assert re.search(r"Corroboration: \d+ independent publishers", text)
    # the gap claims an absence: no publisher count, a sentence instead (its items are what was reported beside it)
    assert "A gap is an absence: no publisher can corroborate it" in text
    _, index = _page(site, "index.html")
    assert re.search(r"dialogue-gap · medium( · \d+ days)? · not corroborable", index.plain)
    assert not re.search(r"dialogue-gap · \w+( · \d+ days)? · \d+ publisher", index.plain)
    assert "Kyiv Ledger · 2026-03-31" in text and "Moscow Wire" in text  # publisher and date per item
    assert "Latest documents" in text and "Shelling reported near Kharkiv, day 39" in text


@pytest.mark.parametrize("name", ["index.html", "region-russia-ukraine.html", "region-haiti.html", "methodology.html"])
def test_no_external_resources(site, name):
    html, page = _page(site, name)
    assert not page.all("script") and not page.all("link") and not page.all("img") and not page.all("iframe")
    for tag, attrs in page.tags:
        for k, v in attrs.items():
            if k == "src" or k in ("srcset", "poster", "data", "action", "formaction", "background"):
                pytest.fail(f"<{tag} {k}={v!r}> loads a resource")
            if v and "://" in v and k != "xmlns":
                assert tag == "a" and k == "href" and "ext" in (attrs.get("class") or ""), (tag, k, v)
            if tag == "a" and k == "href":
                local = not re.match(r"^[a-z][a-z0-9+.-]*:", v or "", re.I)
                if local:
                    target = (v or "").split("#")[0]
                    assert target == "" or (site / target).is_file(), v
                else:
                    assert safe_href(v) == v
    for style in re.findall(r"<style>(.*?)</style>", html, re.S):
        assert "url(" not in style and "@import" not in style and "@font-face" not in style
    csp = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_feed_html_is_text_and_bad_urls_are_not_links(site):
    html, page = _page(site, "region-russia-ukraine.html")
    assert EVIL_TITLE in page.plain  # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html.lower()
    hrefs = [a.get("href") or "" for a in page.all("a")]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    assert f"({EVIL_URL}, not an http(s) link)" in page.plain


def test_methodology_page(site):
    html, page = _page(site, "methodology.html")
    assert "Reading this dashboard" in page.plain
    # the reader's methodology (reports/methodology.md, packaged): level vs change, coverage, what GDELT events are
    for words in ("Tension: level and change", "no coverage", "not verified incidents", "Evidence"):
        assert words in page.plain, words
    assert not page.all("script") and not page.all("img")


def test_markdown_renderer_is_safe():
    out = str(render_markdown("# Title\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) [ok](https://x.org/a)"
                              " ![pic](https://x.org/p.png) [rel](other.md) [anchor](#x)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert "<h2>Title</h2>" in out  # headings shifted under the page's own
    assert "<script" not in out and "&lt;script&gt;" in out
    assert 'href="javascript' not in out and '<a href="https://x.org/a">ok</a>' in out
    assert "<img" not in out
    assert "<table>" in out
    assert "other.md" not in out and " rel " in out  # a repo-relative link keeps its text only
    assert '<a href="#x">anchor</a>' in out


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1#c", True), ("http://example.org", True), ("HTTPS://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,<b>x</b>", False),
    ("vbscript:x", False), ("file:///etc/passwd", False), ("//example.org/x", False), ("http://", False),
    ("https://exa mple.org", False), ("https://example.org/\nx", False), ("ftp://example.org", False),
    (None, False), ("", False), ("/relative", False),
])
def test_safe_href(url, ok):
    assert (safe_href(url) is not None) is ok


def test_svg_text_alternatives_and_gaps():
    s = str(svg.sparkline([1, None, 3, 2], uid="x", title="a <b> & c"))
    assert s.startswith("<svg") and 'role="img"' in s and "a &lt;b&gt; &amp; c" in s
    assert '<desc id="x-d">' in s and "latest 2" in s
    empty = str(svg.sparkline([None, None], uid="y", title="t"))
    assert "no data" in empty
    from datetime import date, timedelta

    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(70)]
    line = str(svg.line_chart(days, [svg.Series("s", [None] * 10 + list(range(60)))], uid="l", title="T"))
    assert line.count("<polyline") == 1 and "01 Feb" in line
    bars = str(svg.stacked_bars(days, [svg.Series("a", [1] * 70), svg.Series("b", [0] * 70)], uid="b", title="B"))
    assert bars.count("<rect") == 70 + 2  # one bar per day for "a", two legend swatches
    assert "Highest daily total: 1." in bars
    # days whose numbers are all unknown are not days of 0 (the real export's region pages read "0")
    unknown = str(svg.stacked_bars(days, [svg.Series("a", [None] * 70)], uid="u", title="U"))
    assert "Highest daily total: not known." in unknown
    assert svg.nice_ticks(0, 100) == [0, 25, 50, 75, 100]


def test_build_without_indicators(tmp_path):
    """A fresh warehouse (schema only): every region still appears, with a note and zeros."""
    config = make_config(tmp_path)
    with writer(config.settings):
        pass
    index = build(config, out=tmp_path / "out")
    assert index == tmp_path / "out" / "index.html"
    page = Page(index.read_text())
    assert "No indicators have been computed yet" in page.plain
    rows = [a for t, a in page.tags if t == "tr" and (a.get("id") or "").startswith("region-")]
    assert len(rows) == len(PROJECT_REGIONS)
    assert "not fetched yet" in page.plain  # configured sources with no fetch


def test_stale_region_pages_removed(tmp_path):
    config = make_config(tmp_path)
    with writer(config.settings):
        pass
    out = tmp_path / "site"
    out.mkdir()
    (out / "region-gone.html").write_text("old")
    build(config, out=out)
    assert not (out / "region-gone.html").exists()


def test_cli_dashboard(tmp_path, capsys):
    config = make_config(tmp_path)
    with writer(config.settings):
        pass
    args = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    assert main(args + ["dashboard", "--out", str(tmp_path / "x")]) == 0
    assert capsys.readouterr().out.strip().endswith(str(tmp_path / "x" / "index.html"))
    assert main(args + ["dashboard"]) == 0
    assert (config.settings.data_dir / "site" / "index.html").is_file()
    missing = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(tmp_path / "nothing")]
    assert main(missing + ["dashboard"]) == 3


def test_region_page_says_who_reports_gives_ids_and_a_csv_of_its_series(site):
    """The balance of perspectives (with a warning when a side has no outlet), evidence ids that can be looked up
    in the warehouse, the level band explained, and a CSV of the region's daily series beside its chart that
    holds exactly the charted values."""
    import csv

    html, page = _page(site, "region-russia-ukraine.html")
    text = page.plain
    # the fixture's sources declare no side's perspective: both sides are called out, not shown as silent
    assert "Russia: 0 documents — no outlet of Russia is configured" in text
    assert "Ukraine: 0 documents — no outlet of Ukraine is configured" in text
    assert re.search(r"international and others: \d+ document", text)
    assert re.search(r'<code class="id">gdelt:[^<]+</code>', html)  # event ids, as in events.event_id
    assert "Shaded from 65: the level of an intense conflict" in text
    link = [a["href"] for a in page.all("a") if (a.get("href") or "").endswith(".csv")]
    assert link == ["region-russia-ukraine.csv"]
    rows = list(csv.DictReader(open(site / link[0], newline="", encoding="utf-8")))
    assert len(rows) == 90 and rows[-1]["day"] == "2026-03-31" and rows[-1]["region_id"] == "russia-ukraine"
    assert rows[-1]["tension_index"] and float(rows[-1]["tension_index"]) >= 0


def test_index_sparklines_on_each_regions_range_and_what_changed(site):
    html, page = _page(site, "index.html")
    text = page.plain
    assert "each on its own region's range" in text
    assert re.search(r"\d+–\d+", text)  # the range beside each sparkline
    assert "What changed since the week before" in text and "Largest moves of the level" in text


def test_map_shows_the_weeks_places_and_escapes_their_names(site):
    for name in ("index.html", "region-russia-ukraine.html"):
        html, page = _page(site, name)
        assert re.search(r'<svg[^>]*class="map"', html)
        assert re.search(r"<circle [^>]*><title>Russia–Ukraine war: \d+ events at ", html)
        assert "<img" not in html.split('class="map"', 1)[1].split("</svg>", 1)[0]  # the hostile name is text


def test_stored_copy_links_only_to_landed_files_under_landing(tmp_path):
    from reports.dashboard import stored_copy_href

    data = tmp_path / "data"
    (data / "landing" / "src" / "2026-11-20").mkdir(parents=True)
    (data / "landing" / "src" / "2026-11-20" / "a b#1.xml").write_text("<rss/>")
    (data / "secret.txt").write_text("x")
    href = stored_copy_href(data, data / "site")
    assert href("landing/src/2026-11-20/a b#1.xml") == "../landing/src/2026-11-20/a%20b%231.xml"
    assert stored_copy_href(data, tmp_path / "elsewhere" / "site")("landing/src/2026-11-20/a b#1.xml") == \
        "../../data/landing/src/2026-11-20/a%20b%231.xml"
    odd = tmp_path / "odd #1" / "site"  # a data folder whose path needs quoting
    (odd.parent / "landing").mkdir(parents=True)
    (odd.parent / "landing" / "x.xml").write_text("<rss/>")
    assert stored_copy_href(odd.parent, tmp_path / "out" / "site")("landing/x.xml") == "../../odd%20%231/landing/x.xml"
    for bad in ("secret.txt", "landing/../secret.txt", "/etc/passwd", "landing/src/missing.xml", "", None):
        assert href(bad) is None, bad
    assert stored_copy_href(None, None)("landing/src/2026-11-20/a b#1.xml") is None


def test_a_sum_of_a_day_with_an_unknown_part_is_unknown():
    """The dialogue chart's line (events + documents): a partial day's events are unknown, so is the sum (as
    v_region_daily.dialogue_activity); it drew the documents alone as that day's value."""
    from reports.dashboard import _sum
    assert _sum([1, None, 2, None], [1, 1, None, None]) == [2.0, None, None, None]


def test_a_dyad_without_coverage_never_shows_zero_events_beside_its_documents():
    """Documents on talks make a dyad's dialogue "active", but when its events cannot be observed the count says
    so: the demo's Israel-Palestine row read "active: 0 events, 3 documents" on 7 days of "no coverage"."""
    from datetime import date, timedelta
    from types import SimpleNamespace

    from reports.dashboard import _dialogue
    from reports.dashboard_data import RegionData

    days = [date(2026, 11, 24) + timedelta(days=i) for i in range(7)]

    def region(events, docs, coverage, kind="dyadic"):
        return RegionData(SimpleNamespace(type=kind), "r", days, {"dialogue_events": events, "dialogue_documents": docs,
                                                         "coverage": coverage}, True)

    no_cov = ["no coverage"] * 7
    assert _dialogue(region([0] * 7, [1, 0, 2, 0, 0, 0, 0], no_cov), 7).text == \
        "active: no coverage of events, 3 documents"
    assert _dialogue(region([0] * 7, [0] * 7, no_cov), 7).text == "no coverage of events, 0 documents"
    # observed: a 0 is an observed absence and is printed
    assert _dialogue(region([0] * 7, [1] + [0] * 6, ["observed"] * 7), 7).text == "active: 0 events, 1 document"
    assert _dialogue(region([0] * 7, [0] * 7, ["observed"] * 7), 7).text == "none in 7 days"
    # events seen on a dyad that has no coverage are counted as seen
    assert _dialogue(region([2] + [0] * 6, [0] * 7, no_cov), 7).text == "active: 2 events, 0 documents"
    # fewer known days are still said; a gap (raised on a day the dyad was observed) keeps its counts
    assert _dialogue(region([None, None] + [0] * 5, [1] + [0] * 6, no_cov), 7).text == \
        "active: no coverage of events (5 of 7 days known), 1 document"
    gap = region([0] * 7, [0] * 7, ["observed"] * 7)
    gap.active_alerts = [SimpleNamespace(kind="dialogue-gap")]
    assert _dialogue(gap, 7).text == "gap: 0 events, 0 documents"
    gap.series["coverage"] = ["observed"] * 6 + ["no coverage"]
    assert _dialogue(gap, 7).text == "gap: 0 events (observable on 6 of 7 days), 0 documents"
    # coverage is decided over the window, not on the report day alone: a partial last day (events and coverage
    # unknown) after 6 days without coverage is still "no coverage", not "none" (an absence) or "0 events"
    partial_last = no_cov[:6] + [None]
    assert _dialogue(region([0] * 6 + [None], [0] * 7, partial_last), 7).text == \
        "no coverage of events (6 of 7 days known), 0 documents"
    assert _dialogue(region([0] * 6 + [None], [2] + [0] * 6, partial_last), 7).text == \
        "active: no coverage of events (6 of 7 days known), 2 documents"
    # observable on some days only: its 0 says on how many (as the digest does)
    some = ["no coverage"] * 5 + ["observed"] * 2
    assert _dialogue(region([0] * 7, [0] * 7, some), 7).text == "none in 7 days (observable on 2 of 7 days)"
    assert _dialogue(region([0] * 7, [1] + [0] * 6, some), 7).text == \
        "active: 0 events (observable on 2 of 7 days), 1 document"
    # an internal region has no sides: documents on talks only, never "0 events"
    assert _dialogue(region([0] * 7, [3] + [0] * 6, [None] * 7, "internal"), 7).text == "active: 3 documents on talks"
    assert _dialogue(region([0] * 7, [0] * 7, [None] * 7, "internal"), 7).text == "no documents on talks in 7 days"


def test_an_alert_counts_a_republished_story_once_among_its_evidence_items():
    """The demo's Russia-Ukraine alert listed 11 evidence items, three of them one grain-corridor story (UN News on
    two days, Moscow Wire): the page says 11 items, 9 distinct; events and short generic titles are each their own."""
    from datetime import date

    from reports.alerts import Alert, Evidence

    def doc(rank, title, publisher, day):
        return Evidence(rank, "document", f"d{rank}", "reports conflict", title, None, None, publisher,
                        date(2026, 11, day), None)

    grain = "Grain corridor ships leave Odesa despite strikes on port"
    evidence = [doc(1, grain, "UN News", 28), doc(2, grain, "UN News", 29), doc(3, grain + ".", "Moscow Wire", 29),
                doc(4, "Daily briefing", "A", 29), doc(5, "Daily briefing", "B", 29),
                Evidence(6, "event", "gdelt:1", "conflict event", "RUSSIA -> UKRAINE: Fight", None, None,
                         "wire.example.net", date(2026, 11, 29), None),
                Evidence(7, "event", "gdelt:2", "conflict event", "RUSSIA -> UKRAINE: Fight", None, None,
                         "wire.example.net", date(2026, 11, 29), None)]
    alert = Alert("russia-ukraine", date(2026, 11, 29), "escalation", "high", "t", {}, 5, evidence)
    assert alert.distinct_items == 5  # the grain story once, two briefings, two events


def test_a_de_escalation_says_on_talks_only_beside_publishers(tmp_path):
    """'on talks' / 'reporting talks or cooperation' describes the publishers behind a de-escalation: with none
    (its evidence has no publisher, e.g. events without a source URL), neither the badge nor the region page says
    that talks were reported. An internal region's dialogue cells never print a 0 of events between sides it
    does not have."""
    from dashboard_fixture import build_warehouse

    from reports.alerts import Alert
    from reports.dashboard import methodology_html, render
    from reports.dashboard_data import read_snapshot

    config = make_config(tmp_path)
    build_warehouse(config)
    snap = read_snapshot(config, [])
    dyadic = next(d for d in snap.regions if d.region.type == "dyadic")
    internal = next(d for d in snap.regions if d.region.type != "dyadic")
    for d, publishers in ((dyadic, 0), (internal, 2)):
        a = Alert(region_id=d.region.id, day=snap.report_day, kind="de-escalation", severity="low",
                  trigger="7-day conflict below baseline", values={}, corroboration=publishers, evidence=[])
        d.alerts.insert(0, a)
        d.active_alerts.insert(0, a)
    pages = render(snap, methodology_html())
    index = pages["index.html"]
    rows = dict(re.findall(r'<tr id="region-([^"]+)">(.*?)</tr>', index, re.S))
    badges = {k: "".join(re.findall(r'<a class="badge sev-\w+ kind-de-escalation"[^>]*>(.*?)</a>', row))
              for k, row in rows.items()}
    assert "0 publishers" in badges[dyadic.slug] and "on talks" not in badges[dyadic.slug]
    assert "2 publishers" in badges[internal.slug] and "on talks</span>" in badges[internal.slug]
    page = Page(pages[f"region-{dyadic.slug}.html"]).plain
    assert "Corroboration: 0 independent publishers." in page and "reporting talks" not in page
    page = Page(pages[f"region-{internal.slug}.html"]).plain
    assert "Corroboration: 2 independent publishers reporting talks or cooperation" in page
    assert "documents on talks: an internal conflict has no sides" in page
    recent = pages[f"region-{internal.slug}.html"].split('<table class="recent">')[1].split("</table>")[0]
    cells = re.findall(r'<td class="num">([^<]*|<span[^>]*>–</span>) / [^<]*</td></tr>', recent)
    assert cells and all(c.startswith("<span") for c in cells), cells  # events between sides it has not: "–"
    assert re.search(r'class="dlg-\w+">(active: \d+ documents? on talks|no documents on talks in 7 days)</span>',
                     rows[internal.slug]), rows[internal.slug]


def test_a_region_page_lists_the_incidents_its_event_numbers_count(tmp_path):
    """Every count traceable: the region page lists the active window's counted events, one line per incident,
    with the first event's id and article; together they are the page's event numbers (v_region_daily), and the
    map's caption says how many of them it places."""
    from dashboard_fixture import build_warehouse

    from reports.dashboard import methodology_html, render
    from reports.dashboard_data import read_snapshot

    from dashboard_fixture import END, EVENT_SQL, LAST_FILE
    from warehouse.indicators import compute

    config = make_config(tmp_path)
    build_warehouse(config)
    with writer(config.settings) as con:  # one meeting coded from either side (two articles); GDELT ids as numbers
        added = datetime.combine(END, datetime.min.time()) + LAST_FILE
        for eid, a1, a2, code, url in ((1000, "PRK", "KOR", "042", "https://b.example.org/1000"),
                                       (900, "KOR", "PRK", "043", "https://www.a.example.org/900"),
                                       # no quad class, an unknown code and a URL urllib refuses: still a page
                                       (1100, "PRK", "KOR", "999", "http://[bad/x")):
            con.execute(EVENT_SQL, [f"gdelt:{eid}", str(eid), END, added, a1, a1, a2, a2, code, code, code[:2],
                                    None if code == "999" else 1, 2.0, 3, 3, 1.0, "KOR", url,
                                    "panmunjom" if code != "999" else "elsewhere"])
    compute(config, full=True)
    snap = read_snapshot(config, [], counted_incidents=1000)
    with writer(config.settings) as con:
        expected = dict(con.execute(
            "SELECT region_id, sum(events_total)::BIGINT FROM v_region_daily WHERE day BETWEEN $a AND $b "
            "GROUP BY ALL HAVING sum(events_total) > 0", {"a": snap.active_from, "b": snap.report_day}).fetchall())
        incidents = dict(con.execute(
            "SELECT region_id, count(DISTINCT (day, incident_id)) FROM event_regions WHERE counted "
            "AND day BETWEEN $a AND $b GROUP BY ALL", {"a": snap.active_from, "b": snap.report_day}).fetchall())
    assert expected and {d.region.id: sum(i.events for i in d.incidents) for d in snap.regions if d.incidents} \
        == expected
    assert {d.region.id: d.incident_total for d in snap.regions if d.incidents} == incidents
    korea = next(d for d in snap.regions if d.region.id == "korean-peninsula")
    meeting = next(i for i in korea.incidents if i.place is None and i.events == 2)
    assert (meeting.event_id, meeting.actor1, meeting.actor2, meeting.url, meeting.outlet, meeting.articles) == \
        ("gdelt:900", "KOR", "PRK", "https://www.a.example.org/900", "a.example.org", 2)
    odd = next(i for i in korea.incidents if i.event_id == "gdelt:1100")
    assert (odd.kind, odd.href, odd.outlet) == ("class not known", None, None)
    korea_page = Page(render(snap, methodology_html())[f"region-{korea.slug}.html"]).plain
    assert "class not known" in korea_page
    assert "0 of the region's" in korea_page and "the others it placed only at a country's centre" in korea_page
    taiwan = next(d for d in snap.regions if d.region.id == "taiwan-strait")
    (only,) = taiwan.incidents
    assert (only.event_id, only.kind, only.outlet, only.reason) == ("gdelt:245", "material conflict",
                                                                    "asia.example.com", "dyad")
    page = Page(render(snap, methodology_html())[f"region-{taiwan.slug}.html"]).plain
    assert "1 of the region's 1 counted events of the last 7 days" in page and "gdelt:245" in page
    assert "the others it placed" not in page  # all of them are on the map
    # capped: the page says how many there are and how to list them all
    capped = read_snapshot(config, [], counted_incidents=5)
    russia = next(d for d in capped.regions if d.region.id == "russia-ukraine")
    assert len(russia.incidents) == 5 and russia.incident_total == incidents["russia-ukraine"] > 5
    assert [i.quad_class for i in russia.incidents] == sorted((i.quad_class for i in russia.incidents), reverse=True)
    page = Page(render(capped, methodology_html())[f"region-{russia.slug}.html"]).plain
    assert f"The first 5 of its {incidents['russia-ukraine']} incidents are shown" in page
    assert (f"WHERE region_id = 'russia-ukraine' AND counted AND day BETWEEN DATE '{capped.active_from}' "
            f"AND DATE '{capped.report_day}'") in page


def test_curated_sums_say_when_the_window_begins_before_the_indicators():
    """The real UCDP sample holds a death in Syria twelve days before the one GDELT day of the real export; the
    region page summed the window's days the indicators computed (that one day) and printed 'Fatalities 0, days
    covered 1' with no word on why: the 29 days before the indicators' first day are now said to be uncounted."""
    from datetime import date, timedelta
    from types import SimpleNamespace

    from reports.dashboard_data import RegionData

    days = [date(2019, 9, 25) + timedelta(days=i) for i in range(30)]  # the window ends on 2019-10-24

    def region(documents, ucdp):
        return RegionData(SimpleNamespace(type="internal"), "syria", days,
                          {"documents": documents, "ucdp_fatalities": ucdp, "ucdp_events": ucdp}, True)

    late = region([None] * 29 + [0], [None] * 29 + [0])  # the span is the window's last day
    assert late.before_indicators(30) == (date(2019, 10, 24), 29)
    assert late.before_indicators(1) is None  # the last day alone is inside the span
    assert [(c.fatalities, c.covered_days) for c in late.curated(30)] == [(0, 1)]
    assert region([0] * 30, [0] * 11 + [2] + [0] * 18).before_indicators(30) is None  # the whole window computed
    assert region([None] * 30, [None] * 30).before_indicators(30) is None  # nothing computed: no span to speak of


def test_the_map_description_counts_places_and_rings_in_words():
    """The real export's Colombia page said "1 event at 1 places": one dot, one ring, each in the singular."""
    one = svg.world_map([svg.Place(4.6, -74.1, 1, "a"), svg.Place(4.6, -74.1, 0, "ring", alert=True)], uid="m", title="t")
    assert "<desc id=\"m-d\">1 event at 1 place; 1 alert place.</desc>" in one
    many = svg.world_map([svg.Place(4.6, -74.1, 2, "a"), svg.Place(5.0, -75.0, 3, "b")], uid="m", title="t")
    assert "5 events at 2 places; 0 alert places." in many


def test_a_badge_over_days_says_up_to_and_a_p_value_tells_itself_from_its_threshold():
    """The demo's Russia-Ukraine badge read "7 publishers" over two days of 7 and 6; Korea's 1.0032e-05 read
    "1.0e-05", the very threshold it missed for a higher severity."""
    from datetime import date
    from types import SimpleNamespace

    from reports.alerts import Alert, format_value
    from reports.dashboard import _badges

    def alert(day, corroboration, kind="escalation"):
        return Alert("russia-ukraine", date(2026, 11, day), kind, "high", "rule", {}, corroboration, [])

    two_days = _badges(SimpleNamespace(active_alerts=[alert(30, 7), alert(1, 6)]))
    assert [(b.corroboration, b.varies, b.count) for b in two_days] == [(7, True, 2)]
    same = _badges(SimpleNamespace(active_alerts=[alert(30, 5), alert(1, 5)]))
    assert [(b.corroboration, b.varies) for b in same] == [(5, False)]
    assert format_value(1.0032e-05) == "1.003e-05" and format_value(1e-05) == "1.0e-05"
    assert format_value(3.7e-10) == "3.7e-10" and format_value(0.001) == "1.0e-03"


def test_a_listed_rerun_says_why_it_is_not_counted():
    """A re-run (rules revision 25) is listed as evidence but counts towards no publisher: the region page and the
    digest say so beside it, from its relevance."""
    from reports.alerts import Evidence

    def item(relevance):
        return Evidence(1, "document", "d1", relevance, "t", None, None, "UN News", None, None)

    assert item("reports conflict (a re-run of a story first published on 2026-11-20: not counted in "
                "corroboration)").rerun_note == \
        "a re-run of a story first published on 2026-11-20: not counted in corroboration"
    assert item("reports dialogue (a re-run of a story first published on 2026-11-20)").rerun_note == \
        "a re-run of a story first published on 2026-11-20"
    assert item("reports conflict").rerun_note == "" and item("UCDP Candidate: 3 fatalities (low 1, high 3)").rerun_note == ""

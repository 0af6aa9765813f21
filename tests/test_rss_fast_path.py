"""The lxml fast path of parse_feed (extractors/rss_fast.py) gives feedparser's result exactly, and says so by
falling back when it is not sure: every case compares the two paths and checks which one was taken."""

from __future__ import annotations

import random

import pytest

from extractors import rss
from extractors.rss import FeedError, ParsedFeed, parse_feed
from extractors.rss_fast import extract
from conftest import FIXTURES
from tracktwo.demo.feeds import feed_files

RSS = "application/rss+xml"
URL = "https://news.example.org/feeds/world.xml"


@pytest.fixture
def took_fast(monkeypatch) -> list[bool]:
    """Records, for each parse_feed call, whether the fast path gave the result (False: feedparser did)."""
    taken: list[bool] = []

    def spy(body: bytes, url: str | None, content_type: str | None):
        raw = extract(body, url, content_type)
        taken.append(raw is not None)
        return raw

    monkeypatch.setattr(rss, "extract", spy)
    return taken


def outcome(body: bytes, url: str | None, content_type: str | None, fast: bool) -> ParsedFeed | str:
    try:
        return rss._parse_feed(body, url, content_type, None, fast=fast)
    except FeedError as exc:
        return f"FeedError: {exc}"


def check(taken: list[bool], body: bytes | str, fast: bool, url: str | None = URL,
          content_type: str | None = RSS) -> ParsedFeed | str:
    """The two paths agree on the body, and the fast path was (or was not) taken."""
    body = body.encode() if isinstance(body, str) else body
    taken.clear()
    slow = outcome(body, url, content_type, fast=False)
    assert taken == []  # the forced feedparser path never asks the fast path
    result = outcome(body, url, content_type, fast=True)
    assert result == slow
    if fast:
        assert taken == [True]
    else:
        assert taken in ([], [False])  # a feed declared in another encoding is not even tried
    return result


def rss2(items: str, channel: str = "<title>Wire</title>", attrs: str = "",
         decl: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    ns = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom"')
    return f'{decl}<rss version="2.0" {ns}{attrs}><channel>{channel}\n{items}\n</channel></rss>'


def atom(entries: str, feed: str = "<title>Atom</title><id>urn:f</id>", attrs: str = "") -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{attrs}>{feed}\n{entries}</feed>'


# --- every fixture takes the fast path --------------------------------------------------------------------


def fixture_feeds() -> list[tuple[str, bytes]]:
    feeds = [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "feeds").glob("*.xml"))]
    return feeds + [(path, text.encode()) for path, text in sorted(feed_files().items())]


FIXTURE_FEEDS = fixture_feeds()


@pytest.mark.parametrize("content_type", [RSS, None, "text/xml", "application/xml; charset=utf-8"])
@pytest.mark.parametrize("name,body", FIXTURE_FEEDS, ids=[name for name, _ in FIXTURE_FEEDS])
def test_fixture_and_demo_feeds_take_the_fast_path(took_fast, name, body, content_type):
    result = check(took_fast, body, fast=True, content_type=content_type)
    assert isinstance(result, ParsedFeed) and result.items


def test_real_feeds_take_the_fast_path(took_fast, shared_fixtures):
    paths = sorted((shared_fixtures / "rss").glob("*.xml"))
    assert paths
    for path in paths:
        result = check(took_fast, path.read_bytes(), fast=True)
        assert isinstance(result, ParsedFeed) and len(result.items) >= 20, path.name


# --- tricky feeds, each on the path it should take ---------------------------------------------------------------

ITEM = "<item><title>{title}</title><link>https://news.example.org/a/1</link>{extra}</item>"


def test_entities_cdata_and_html_in_description(took_fast):
    items = (
        "<item><title>A &amp; B &lt;b&gt;bold&lt;/b&gt; It&#8217;s &#x2019; &#169;</title>"
        "<link>https://news.example.org/a/1?x=1&amp;y=2</link>"
        "<description>&lt;p&gt;Officials&amp;nbsp;said &amp;amp;lt;double&amp;amp;gt;&lt;/p&gt;</description></item>"
        "<item><title><![CDATA[CDATA <i>title</i> & more]]></title><link>https://news.example.org/a/2</link>"
        "<description><![CDATA[<p>Hi <b>there</b> &amp; &nbsp;bye</p>]]></description></item>"
    )
    result = check(took_fast, rss2(items), fast=True)
    assert result.items[0].title == "A & B bold It’s ’ ©"
    assert result.items[0].summary == "Officials said &lt;double&gt;"
    assert result.items[1].summary == "Hi there & bye"
    check(took_fast, rss2(ITEM.format(title="a&nbsp;b", extra="")), fast=False)  # undeclared entity: not well-formed


def test_markup_as_child_elements_falls_back(took_fast):
    check(took_fast, rss2(ITEM.format(title="t", extra="<description><p>raw <b>html</b></p></description>")), fast=False)
    check(took_fast, rss2(ITEM.format(title="A <b>bold</b> move", extra="")), fast=False)


@pytest.mark.parametrize("guid,link,expected_url", [
    ("", "<link>https://news.example.org/a/1</link>", "https://news.example.org/a/1"),  # no guid: the link is the key
    ('<guid isPermaLink="true">https://news.example.org/p/7</guid>', "", "https://news.example.org/p/7"),
    ('<guid>https://news.example.org/p/8</guid>', "", "https://news.example.org/p/8"),  # permalink by default
    ('<guid isPermaLink="false">wire-9</guid>', "", None),
    ('<guid isPermaLink="True">https://news.example.org/p/10</guid>', "", None),  # only exactly "true" counts
    ('<guid isPermaLink="true">https://news.example.org/p/11</guid>', "<link>https://news.example.org/a/11</link>",
     "https://news.example.org/a/11"),
    ('<guid isPermaLink="false">wire-12</guid>', "<link>https://news.example.org/a/12</link>",
     "https://news.example.org/a/12"),
    ("<guid>wire-13</guid>", "", "https://news.example.org/feeds/wire-13"),  # a permalink is resolved against the URL
])
def test_guid_and_link(took_fast, guid, link, expected_url):
    body = rss2(f"<item><title>Story</title>{link}{guid}</item>")
    result = check(took_fast, body, fast=True)
    assert result.items[0].url == expected_url


def test_dates(took_fast):
    items = "".join([
        ITEM.format(title="rfc822 EST", extra="<pubDate>Tue, 03 Nov 2026 01:15:00 EST</pubDate>"),
        ITEM.format(title="rfc822 GMT", extra="<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"),
        ITEM.format(title="named zone PST", extra="<pubDate>Thu, 05 Nov 2026 12:00:00 PST</pubDate>"),
        ITEM.format(title="iso", extra="<pubDate>2026-11-04T09:00:00+05:30</pubDate>"),
        ITEM.format(title="dc:date", extra="<dc:date>2026-11-04T09:00:00Z</dc:date>"),
        ITEM.format(title="both, pubDate wins",
                    extra="<dc:date>2026-11-01T00:00:00Z</dc:date><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"),
        ITEM.format(title="missing", extra=""),
        ITEM.format(title="garbage", extra="<pubDate>not a date</pubDate>"),
        ITEM.format(title="padded", extra="<pubDate>\n   Mon, 02 Nov 2026 10:00:00 GMT  \n</pubDate>"),
    ])
    result = check(took_fast, rss2(items), fast=True)
    when = {i.title: i.published_at for i in result.items}
    assert str(when["rfc822 EST"]) == "2026-11-03 06:15:00" and str(when["iso"]) == "2026-11-04 03:30:00"
    assert str(when["both, pubDate wins"]) == "2026-11-02 10:00:00"
    assert when["missing"] is None and when["garbage"] is None


def test_atom_dates_languages_and_links(took_fast):
    entries = (
        '<entry xml:lang="fr"><title>published only</title><link href="https://a.example.org/1"/><id>urn:a:1</id>'
        "<published>2026-11-05T11:00:00Z</published></entry>"
        '<entry><title>updated only</title><link rel="alternate" type="text/html" href="https://a.example.org/2"/>'
        '<link rel="self" href="https://a.example.org/2.atom"/><id>urn:a:2</id>'
        "<updated>2026-11-05T13:00:00Z</updated></entry>"
        '<entry><title type="html">html &lt;i&gt;title&lt;/i&gt;</title>'
        '<link rel="enclosure" href="https://a.example.org/3.mp3"/><id>https://a.example.org/3</id></entry>'
        '<entry><title>relative href</title><link href="/e/4"/><id>urn:a:4</id></entry>'
        '<entry><title>two alternates</title><link href="https://a.example.org/5a"/>'
        '<link rel="alternate" href="https://a.example.org/5b"/><id>urn:a:5</id></entry>'
    )
    result = check(took_fast, atom(entries, attrs=' xml:lang="en_GB"'), fast=True)
    assert [i.language for i in result.items] == ["en-GB"] * 5  # an entry's xml:lang is not its language
    assert [str(i.published_at) for i in result.items[:2]] == ["2026-11-05 11:00:00", "2026-11-05 13:00:00"]
    assert [i.url for i in result.items[2:]] == [
        "https://a.example.org/3",  # no alternate link: the permalink id
        "https://news.example.org/e/4",  # resolved against the feed's URL
        "https://a.example.org/5b",  # several alternate links: feedparser keeps the last
    ]


def test_languages(took_fast):
    item = ITEM.format(title="t", extra="")
    feed_lang = check(took_fast, rss2(item, channel="<title>W</title><language>uk</language>"), fast=True)
    assert feed_lang.items[0].language == "uk"
    with_item_lang = ITEM.format(title="t", extra="<dc:language>ru</dc:language>")
    assert check(took_fast, rss2(with_item_lang, channel="<language>uk</language>"), fast=True).items[0].language == "ru"
    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="de">'
           '<channel rdf:about="https://r.example.org/"><title>RDF</title><dc:language>ar</dc:language></channel>'
           '<item rdf:about="https://r.example.org/1"><title>t</title></item></rdf:RDF>')
    result = check(took_fast, rdf, fast=True)
    assert result.items[0].language == "ar" and result.items[0].item_key == "https://r.example.org/1"
    # feedparser takes the root's xml:lang on <rss> and <feed>, but not on <rdf:RDF>
    assert check(took_fast, rdf.replace("<dc:language>ar</dc:language>", ""), fast=True).items[0].language is None


def test_whitespace_relative_links_and_bases(took_fast):
    items = ("<item><title>\n   Spaced\n   title  </title><link>\n  https://news.example.org/a/1  \n</link></item>"
             "<item><title>relative</title><link>/a/2</link></item>"
             "<item><title>relative too</title><link>a/3.html</link></item>")
    result = check(took_fast, rss2(items), fast=True)
    assert [i.url for i in result.items] == ["https://news.example.org/a/1", "https://news.example.org/a/2",
                                             "https://news.example.org/feeds/a/3.html"]
    assert result.items[0].title == "Spaced title"
    with_base = check(took_fast, rss2(items, attrs=' xml:base="https://base.example.org/x/"'), fast=True)
    assert with_base.items[1].url == "https://base.example.org/a/2"
    check(took_fast, rss2(items), fast=True, url=None, content_type=None)  # no URL: relative links stay relative
    below_root = items.replace("<item><title>relative</title>",
                               '<item xml:base="https://other.example.org/"><title>relative</title>')
    check(took_fast, rss2(below_root), fast=False)


def test_atom_xhtml_title_and_content(took_fast):
    xhtml = '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <b>xhtml</b> title</div></title>'
    check(took_fast, atom(f'<entry>{xhtml}<link href="https://a.example.org/1"/><id>urn:1</id></entry>'), fast=False)
    content = '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body</p></div></content>'
    body = atom(f'<entry><title>t</title><link href="https://a.example.org/1"/><id>urn:1</id><summary>S</summary>'
                f"{content}</entry>")
    assert check(took_fast, body, fast=True).items[0].summary == "S"
    check(took_fast, body.replace("<summary>S</summary>", ""), fast=False)  # feedparser makes the content the summary


def test_content_encoded(took_fast):
    only = ITEM.format(title="t", extra="<content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>")
    check(took_fast, rss2(only), fast=False)
    both = ITEM.format(title="t", extra="<content:encoded><![CDATA[<p>Full</p>]]></content:encoded>"
                                        "<description>Short</description>")
    assert check(took_fast, rss2(both), fast=True).items[0].summary == "Short"


def test_media_title_and_description(took_fast):
    nested = ITEM.format(title="Story", extra='<description>D</description><media:content url="https://m.example/1.jpg">'
                                               "<media:title>Caption</media:title><media:description>Cap</media:description>"
                                               "</media:content>")
    result = check(took_fast, rss2(nested), fast=True)
    assert (result.items[0].title, result.items[0].summary) == ("Story", "D")
    after = ITEM.format(title="Story", extra="<description>D</description><media:description>M</media:description>")
    assert check(took_fast, rss2(after), fast=True).items[0].summary == "D"
    before = ITEM.format(title="Story", extra="<media:description>M</media:description><description>D</description>")
    assert check(took_fast, rss2(before), fast=False).items[0].summary == "M"  # feedparser: the first one wins
    direct = "<item><media:title>Only a media title</media:title><link>https://news.example.org/a/1</link></item>"
    assert check(took_fast, rss2(direct), fast=False).items[0].title == "Only a media title"


def test_several_titles_or_summaries_fall_back(took_fast):
    check(took_fast, rss2(ITEM.format(title="", extra="<title>Second</title>")), fast=False)
    two_summaries = ITEM.format(title="t", extra="<description>a</description><dc:description>b</dc:description>")
    check(took_fast, rss2(two_summaries), fast=False)
    check(took_fast, rss2(ITEM.format(title="t", extra=""), channel="<title>A</title><title>B</title>"), fast=False)


def test_doctype_encoding_and_malformed_fall_back(took_fast):
    doctype = '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>\n'
    check(took_fast, rss2(ITEM.format(title="t&nbsp;x", extra=""), decl=doctype), fast=False)
    cyrillic = rss2(ITEM.format(title="Обстрел Харькова", extra=""), decl='<?xml version="1.0" encoding="windows-1251"?>\n')
    result = check(took_fast, cyrillic.encode("cp1251"), fast=False)
    assert result.items[0].title == "Обстрел Харькова"
    koi8 = "application/rss+xml; charset=koi8-r"
    check(took_fast, rss2(ITEM.format(title="t", extra="")).encode(), fast=False, content_type=koi8)
    broken = rss2(ITEM.format(title="Unclosed &bogus; entity", extra="") + "<item><title>x</title>")
    broken = broken.replace("</channel></rss>", "")
    result = check(took_fast, broken, fast=False)
    assert "malformed feed" in result.warning
    assert check(took_fast, b"<html><body>Not a feed</body></html>", fast=False, content_type="text/html") == \
        "FeedError: not a feed: got an HTML page"


def test_feed_level_warnings_are_kept(took_fast):
    """A well-formed feed served as text/html is flagged by feedparser and still parsed: same on the fast path."""
    result = check(took_fast, rss2(ITEM.format(title="t", extra="")), fast=True, content_type="text/html")
    assert "text/html is not an XML media type" in result.warning
    non_ascii = rss2(ITEM.format(title="Обстрел", extra=""), decl="")
    result = check(took_fast, non_ascii, fast=True, content_type="text/xml")  # text/xml means us-ascii to feedparser
    assert "declared as us-ascii" in result.warning


def test_skipped_entries_and_max_items_are_unchanged(took_fast):
    items = ITEM.format(title="good", extra="") + "<item><description>no link, no title</description></item>" * 3
    warning = "mostly unusable: 3 of 4 entries skipped (neither a link nor a title)"
    assert check(took_fast, rss2(items), fast=True).warning == warning
    no_items = rss2("<item><description>x</description></item>")
    assert check(took_fast, no_items, fast=True) == "FeedError: feed yields no entries"
    with pytest.raises(FeedError, match="more than max_items"):
        parse_feed(rss2(ITEM.format(title="t", extra="") * 3).encode(), URL, RSS, max_items=2)


def test_foreign_elements(took_fast):
    items = ITEM.format(title="t", extra='<foo:bar xmlns:foo="http://example.com/f">x</foo:bar><category>c</category>'
                                          '<enclosure url="https://m.example/1.mp3" length="1" type="audio/mpeg"/>'
                                          "<dc:creator>Desk</dc:creator><comments>https://news.example.org/c</comments>")
    check(took_fast, rss2(items), fast=True)
    # a title in a namespace feedparser does not know may be read as a title: not replicated
    foreign_title = ITEM.format(title="t", extra='<foo:title xmlns:foo="http://example.com/f">x</foo:title>')
    check(took_fast, rss2(foreign_title), fast=False)
    # "dc" bound to DC terms: feedparser renames DC elements after it
    dc_terms = rss2(ITEM.format(title="t", extra="<dc:date>2026-11-04T09:00:00Z</dc:date>")).replace(
        "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/")
    check(took_fast, dc_terms, fast=False)


def test_double_encoded_utf8_is_repaired_like_feedparser(took_fast):
    """feedparser re-decodes text that is UTF-8 read as Latin-1 ("CafÃ©") and maps C1 controls to cp1252."""
    items = ITEM.format(title="CafÃ©", extra="") + ITEM.format(title="CafÃ© &#150; dash", extra="")
    result = check(took_fast, rss2(items), fast=True)
    assert [i.title for i in result.items] == ["Café", "CafÃ© – dash"]  # \x96 is no UTF-8: the whole title stays


# --- generated feeds ---------------------------------------------------------------------------------------------

_SNIPPETS = [
    "<link>{url}</link>", "<link>{url}</link>", '<link href="{url}"/>', '<link rel="self" href="{url}"/>', "<link/>",
    '<atom:link rel="alternate" href="{url}"/>', "<guid>{url}</guid>", '<guid isPermaLink="false">{url}</guid>',
    "<guid/>", "<id>{url}</id>", "<pubDate>{date}</pubDate>", "<dc:date>{date}</dc:date>", "<updated>{date}</updated>",
    "<published>{date}</published>", "<dcterms:created>{date}</dcterms:created>", "<description>{text}</description>",
    "<summary>{text}</summary>", "<language>{lang}</language>", "<dc:language>{lang}</dc:language>",
    "<category>{text}</category>", "<author><name>{text}</name></author>", '<source url="{url}">{text}</source>',
    "<comments>{url}</comments>", "<foo:bar>{text}</foo:bar>", '<foo:baz a="1">{text}</foo:baz>', "<!-- {lang} -->",
    '<media:content url="{url}"><media:title>{text}</media:title><media:description>{text}</media:description>'
    "</media:content>",
    # mostly fallbacks: a second title, content without a summary, media elements that may be the title or summary
    "<title>{text}</title>", "<content:encoded>{text}</content:encoded>",
    "<media:description>{text}</media:description>", "<media:title>{text}</media:title>",
]
_TITLES = ["<title>{text}</title>", "<dc:title>{text}</dc:title>", '<title type="html">{text}</title>']
_FEED_SNIPPETS = ["<title>{text}</title>", "<language>{lang}</language>", "<dc:language>{lang}</dc:language>",
                  "<link>{url}</link>", "<description>{text}</description>", "<pubDate>{date}</pubDate>",
                  '<atom:link rel="self" href="{url}"/>', "<category>{text}</category>"]
_TEXTS = ["Talks in Geneva", "  A &amp; B\n ", "&lt;b&gt;Bold&lt;/b&gt;", "It&#8217;s", "<![CDATA[<p>x &amp; y</p>]]>",
          "", "Обстрел", "CafÃ©", "&#150;", "a\r\nb"]
_URLS = ["https://news.example.org/a/1", " /rel/2 ", "rel3", "", "https://news.example.org/a?b=1&amp;c;=2", "urn:x:4",
         "https:////news.example.org//5", "https://news.example.org/a/../6#f"]
_DATES = ["Mon, 02 Nov 2026 08:30:00 +0200", "Tue, 03 Nov 2026 01:15:00 EST", "2026-11-04T09:00:00Z", "2026-11-04",
          "soon", ""]
_LANGS = ["en", "en_US", "", " fr "]
_NAMESPACES = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
               'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" '
               'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:foo="http://example.com/foo#"')


def _generated(rng: random.Random) -> tuple[bytes, str | None, str | None]:
    def snippet(choices: list[str]) -> str:
        return rng.choice(choices).format(text=rng.choice(_TEXTS), url=rng.choice(_URLS), date=rng.choice(_DATES),
                                          lang=rng.choice(_LANGS))

    def entry() -> str:
        parts = [snippet(_SNIPPETS) for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.8:
            parts.insert(rng.randint(0, len(parts)), snippet(_TITLES))
        return "".join(parts)

    entries = [entry() for _ in range(rng.randint(1, 4))]
    head = "".join(snippet(_FEED_SNIPPETS) for _ in range(rng.randint(0, 3)))
    attrs = rng.choice(["", ' xml:lang="de_AT"', ' xml:base="https://base.example.org/d/"', ' xml:lang=""'])
    shape = rng.choice(["rss", "atom", "rdf"])
    if shape == "rss":
        items = "".join(f"<item>{e}</item>" for e in entries)
        body = f'<rss version="2.0" {_NAMESPACES}{attrs}><channel>{head}{items}</channel></rss>'
    elif shape == "atom":
        items = "".join(f"<entry>{e}</entry>" for e in entries)
        body = f'<feed xmlns="http://www.w3.org/2005/Atom" {_NAMESPACES}{attrs}>{head}{items}</feed>'
    else:
        items = "".join(f'<item rdf:about="https://r.example.org/{i}">{e}</item>' for i, e in enumerate(entries))
        body = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
                f'{_NAMESPACES}{attrs}><channel rdf:about="https://r.example.org/">{head}</channel>{items}</rdf:RDF>')
    decl = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>\n', "", "\ufeff<?xml version='1.0'?>"])
    content_type = rng.choice([RSS, None, "text/xml", "text/html", "application/atom+xml; charset=utf-8"])
    return (decl + body).encode(), rng.choice([URL, None]), content_type


def test_generated_feeds_agree(took_fast):
    """Feeds assembled at random from the snippets above: both paths agree on every one, and the fast path is
    taken on a good share of them (the rest are its fallbacks: several titles, content without a summary ...)."""
    rng = random.Random(20261105)
    for _ in range(300):
        body, url, content_type = _generated(rng)
        assert outcome(body, url, content_type, fast=True) == outcome(body, url, content_type, fast=False), body
    assert sum(took_fast) > 0.35 * len(took_fast)


def test_the_fast_path_never_raises():
    deep = b"<rss>" + b"<a>" * 300 + b"</a>" * 300 + b"</rss>"
    non_ascii_name = "<rss><channel><item><tïtle>x</tïtle></item></channel></rss>".encode()
    for body in [b"", b"<", b"\xff\xfe<\x00r\x00", b"<rss><channel><item>", b"<?xml version='1.0'?><rss/>\x00", deep,
                 non_ascii_name]:
        assert extract(body, URL, RSS) is None


@pytest.mark.parametrize("fast", [True, False])
def test_a_body_naming_a_local_file_is_not_read(fast):
    """A server answering with a path (here: of a real feed on this machine) gets that text parsed, never the file:
    given bytes, feedparser would first try them as a file name."""
    path = FIXTURES / "feeds" / "rss2.xml"
    assert parse_feed(path.read_bytes()).items  # the file is a feed
    with pytest.raises(FeedError, match="no entries"):
        rss._parse_feed(str(path).encode(), "http://127.0.0.1/feed.xml", "application/rss+xml", None, fast=fast)


LAUGHS = "".join(f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10))


@pytest.mark.parametrize("prolog", ["", "<!-- a comment naming <a tag -->"])
@pytest.mark.parametrize("fast", [True, False])
def test_entity_expansion_and_external_entities_are_never_resolved(tmp_path, prolog, fast):
    """A DOCTYPE that defines entities (a billion laughs, an external file) is refused by the fast path, with or
    without a comment before it, and feedparser does not expand them either: no item carries the file's text or
    the expansion."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for dtd, use in ((f'<!ENTITY l0 "ha">{LAUGHS}', "&l9;"), (f'<!ENTITY x SYSTEM "{secret.as_uri()}">', "&x;")):
        body = (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<!DOCTYPE rss [{dtd}]><rss version="2.0"><channel>'
                f'<title>t</title><item><title>a {use} b</title><link>http://x.example.org/1</link></item>'
                f'</channel></rss>').encode()
        assert extract(body, "http://x.example.org/feed", "application/rss+xml") is None
        try:
            parsed = rss._parse_feed(body, "http://x.example.org/feed", "application/rss+xml", None, fast=fast)
        except FeedError:
            continue
        text = " ".join(f"{i.title} {i.summary}" for i in parsed.items)
        assert "TOP-SECRET" not in text and "hahaha" not in text

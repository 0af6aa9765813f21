"""plain_text's fast path for plain tags gives exactly what html.parser gives, on every shape of markup."""

from __future__ import annotations

import random
import feedparser
import pytest

from conftest import FIXTURES
from extractors.text import _markup_text, _simple_markup_text, _TextOnly, plain_text
from tracktwo.demo.feeds import feed_files


def _parser_text(value: str) -> str:
    p = _TextOnly()
    p.feed(value)
    p.close()
    return "".join(p.parts)


HAND_WRITTEN = [
    ('<p>Hello &amp; <a href="x">world</a></p>', True),
    ("a<br/>b", True),
    ("<P>Up</P>", True),  # tag names are case-insensitive: P is a block tag
    ("<o:p>x</o:p>", True),  # Word's namespaced tags: dropped, no space
    ("<p:x>y", True),  # not the block tag p
    ("<b>AT&T</b>", True),
    ("</p >", True),
    ("<img src=x alt='y'>t", True),
    ('<div\nclass="a">q</div>', True),
    ('<a href="&amp;">', True),
    ("</br>", True),
    ("<p/>", True),
    ("x&nbsp;y<br>z&#8217;s", True),
    ('<a title="x>y">z</a>', False),  # '>' inside a quoted value
    ("a < b", False),
    ("<script>x</script>y", False),
    ("<STYLE>p{}</STYLE>y", False),
    ("<!-- c -->d", False),
    ("<![CDATA[x]]>y", False),
    ("x<", False),
    ("<a b>c</a d>", False),
    ('a<p"x y">b', False),  # a quote in the tag name: html.parser reads the name p"x, not p
    ('a<br"x y">b', False),
    ("a<p\x00>b", False),  # NUL: html.parser leaves it all as text
    ("Gaza<br\x00>City", False),
    ("x<a" + "b" * 200_000, False),  # an unclosed tag: linear time, not quadratic
]


@pytest.mark.parametrize("value,fast", HAND_WRITTEN)
def test_hand_written_markup(value, fast):
    assert (_simple_markup_text(value) is not None) == fast
    assert _markup_text(value) == _parser_text(value)


TOKENS = ["<p>", "</p>", "<br/>", "<BR>", '<a href="x">', "</a>", "<b>", "</b>", "&amp;", "&#39;", "&", "&am", "<",
          ">", '"', "'", " ", "\n", "text", "é", "<!--", "-->", "<script>", "</script>", "<style>", '<P class=a>',
          "<o:p>", '<img src="a>b">', "</ p>", "<1>", "&nbsp;", "<h2>", "</div >", "<li/>", "=", "<a\nhref='q'>",
          "<!DOCTYPE x>", "<?xml?>", "</>", "<a b='<'>", "<p:x>", "<br /", "<p\"", "<br'", "\x00", "<p\x00",
          "<a\x00>", '<br"x y">']


def test_random_markup_agrees_with_html_parser():
    rng = random.Random(20261130)
    fast = 0
    for _ in range(20_000):
        value = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12)))
        assert _markup_text(value) == _parser_text(value), value
        fast += _simple_markup_text(value) is not None
    assert 2_000 < fast < 18_000  # both paths were taken many times


def _feed_texts(bodies: list[bytes]) -> list[str]:
    texts = []
    for body in bodies:
        for e in feedparser.parse(body, sanitize_html=False).entries:
            texts += [v for v in (e.get("title"), e.get("summary"), e.get("description")) if v and "<" in v]
    return texts


def _check(texts: list[str]) -> int:
    for t in texts:
        assert plain_text(t, 10_000) is not None or not _parser_text(t).strip()
        assert _markup_text(t) == _parser_text(t), t[:200]
    return sum(_simple_markup_text(t) is not None for t in texts)


def test_the_sample_feeds_agree():
    bodies = [p.read_bytes() for p in sorted((FIXTURES / "feeds").glob("*.xml"))]
    texts = _feed_texts(bodies + [text.encode() for text in feed_files().values()])
    assert texts
    assert _check(texts) > 0


def test_the_real_feeds_agree(shared_fixtures):
    texts = _feed_texts([p.read_bytes() for p in sorted((shared_fixtures / "rss").glob("*.xml"))])
    assert texts
    assert _check(texts) > len(texts) // 2  # real feed markup is mostly plain tags


def test_markup_is_read_up_to_a_multiple_of_the_cap():
    """Runs of unclosed tags make html.parser quadratic: only the first MARKUP_READ_FACTOR x cap characters of
    markup are read, so a hostile summary costs a bounded time; the text of a real story is far inside that."""
    from extractors.text import MARKUP_READ_FACTOR

    hostile = "word<b" * 200_000  # 1.2 MB: hours through html.parser whole
    assert plain_text(hostile, 100) == plain_text(hostile[: 100 * MARKUP_READ_FACTOR], 100)
    story = "<p>" + "Talks resume in Geneva. " * 20 + "</p>"
    assert plain_text(story, 4000) == ("Talks resume in Geneva. " * 20).strip()

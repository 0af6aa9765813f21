"""Turning untrusted feed text into capped plain text and canonical URLs."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid", "cmpid",
    "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "rss", "ref",
    "ref_src", "src", "_ga", "yclid", "spm", "smid", "s_cid", "cid", "mbid", "taid",
}
_WS = re.compile(r"\s+")
_BLOCK_TAGS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


# A start or end tag as html.parser reads one (its tag name rule: a letter, then anything but whitespace, '/',
# '>' or NUL), with attributes whose quoted values hold no '<' or '>'. Markup of any other shape (comments,
# declarations, '<' in text, script and style) goes to html.parser itself.
# Possessive quantifiers: nothing is given back once matched (a name cannot end early and lend its rest to the
# attributes), and an unclosed tag fails in linear time, not quadratic; no '<' in a name (html.parser would read
# one, and the text then goes to it), so many unclosed tags in a row are linear too.
_SIMPLE_TAG = re.compile(
    r"""<(/?)([a-zA-Z][^\t\n\r\f />\x00<]*+)((?:[^<>"'\x00]|"[^"<>]*"|'[^'<>]*')*+)>""")


def _simple_markup_text(value: str) -> str | None:
    """The text of `value` as _TextOnly gives it, when every '<' in it opens a plain tag (by far the most common
    feed markup: p, a, br, img, strong); None when anything else is there. html.parser is pure Python and
    was a fifth of a feed's parse time; tests/test_plain_text.py checks the two agree."""
    parts: list[str] = []
    pos = 0
    for m in _SIMPLE_TAG.finditer(value):
        data = value[pos:m.start()]
        if "<" in data:
            return None
        parts.append(html.unescape(data))
        closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
        if name in ("script", "style") or (closing and rest.strip()):
            return None
        if not closing and name in _BLOCK_TAGS:
            parts.append(" ")
        pos = m.end()
    tail = value[pos:]
    if "<" in tail:
        return None
    parts.append(html.unescape(tail))
    return "".join(parts)


def _markup_text(value: str) -> str:
    """The text of HTML: data kept (entities decoded), script and style dropped, a space for each block tag."""
    text = _simple_markup_text(value)
    if text is not None:
        return text
    p = _TextOnly()
    p.feed(value)
    p.close()
    return "".join(p.parts)


# Markup is read up to this many times the output cap: html.parser is quadratic on some malformed markup (a run of
# unclosed tags: 40,000 characters of them take over a second), and feed text is untrusted. A story's first
# `cap` characters of text lie well inside that on real feeds.
MARKUP_READ_FACTOR = 8


def plain_text(value: str | None, cap: int) -> str | None:
    """HTML or text in, one line of plain text out (markup dropped, entities decoded, at most `cap` characters; of
    markup, the first MARKUP_READ_FACTOR × `cap` characters are read)."""
    if not value:
        return None
    value = _markup_text(value[: cap * MARKUP_READ_FACTOR]) if "<" in value else html.unescape(value)
    value = _WS.sub(" ", value).strip()
    if len(value) > cap:
        value = value[: cap - 1].rstrip() + "…"
    return value or None


def canonical_url(url: str | None) -> str | None:
    """Drop fragment and tracking parameters, lowercase scheme and host, so one story has one URL."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc.lower()
    if parts.scheme.lower() == "http" and netloc.endswith(":80"):
        netloc = netloc[:-3]
    if parts.scheme.lower() == "https" and netloc.endswith(":443"):
        netloc = netloc[:-4]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


# Whitespace, controls, and characters that may not appear raw in a URL (they would end an
# attribute or start markup).
_NOT_IN_LINK = re.compile(r"[\x00-\x20\x7f\\\"'<>]")


def safe_href(url: object) -> str | None:
    """The URL when it is an absolute http(s) link, else None: feed URLs become links only through here
    (dashboard and digest), so javascript:, data:, relative and malformed URLs stay plain text."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _NOT_IN_LINK.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url

"""A fast path for `extractors.rss.parse_feed`: the fields it reads, taken from lxml's tree instead of feedparser.

feedparser runs a Python handler for every element and every run of text, and that was most of ingest's parse
CPU. Here libxml2 (through lxml) builds the tree in C, and only the handful of elements parse_feed reads go
through Python. The fields are not re-interpreted: every step is feedparser's own, in feedparser's order, and
done with feedparser's own functions where it has one (its encoding conversion, date parser, URL join, content
type names, cp1252 table). Whatever feedparser would treat in a way not replicated here (a DOCTYPE, another
encoding, a parser disagreement, an element whose handler could touch the fields read, markup inside a title,
xml:base below the root, several titles ...) makes `extract` return None, and parse_feed uses feedparser.
The result must be equal to feedparser's on every feed `extract` accepts; tests/test_rss_fast_path.py checks
it on the fixtures, on tricky hand-written feeds and on generated ones.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.encodings import convert_to_utf8
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from feedparser.util import FeedParserDict
from lxml import etree

LXML_VERSION = etree.__version__


@dataclass(frozen=True)
class RawFeed:
    """What parse_feed reads from a parsed feed, whichever parser produced it."""

    entries: Sequence[Mapping[str, Any]]  # feedparser's entries, or dicts with the keys parse_feed reads
    title: str | None
    language: str | None
    malformed: str | None  # feedparser's bozo exception as text: the feed is flagged, yet parsed


class _Unsure(Exception):
    """The feed has something whose feedparser reading is not replicated here: feedparser decides."""


# --- feedparser's element names -------------------------------------------------------------------------------

# feedparser names an element by its namespace's canonical prefix and its local name, lowercased ("dc_date",
# "media_title", "link" for RSS and Atom alike), and dispatches on that name to _start_/_end_ handlers.
_CANON = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_CANON_PREFIXES = {prefix.lower() for prefix in _CANON.values() if prefix}
_USERLAND = "backend.userland.com/rss"


def _handlers(kind: str) -> frozenset[str]:
    return frozenset(n[len(kind):] for n in dir(StrictFeedParser) if n.startswith(kind))


_STARTS, _ENDS = _handlers("_start_"), _handlers("_end_")
_HANDLED = _STARTS | _ENDS

# Keys parse_feed reads, and the names feedparser's dict maps onto them ("issued_parsed" is stored as
# "published_parsed"): an element with no handler is stored under its own name, so these names are not inert.
_ENTRY_KEYS = {"link", "title", "summary", "description", "subtitle", "id", "guid", "language",
               "published_parsed", "updated_parsed", "created_parsed"}
_RESERVED = frozenset(_ENTRY_KEYS | {k for k, v in FeedParserDict.keymap.items()
                                     if set([v] if isinstance(v, str) else v) & _ENTRY_KEYS})

# An element in a namespace feedparser does not know is named after a prefix the document chose, which this
# module does not track: it is only accepted when no prefix could give its local name a handler or a key read.
_UNSAFE_LOCAL = frozenset(_HANDLED | _RESERVED | {n[i + 1:] for n in _HANDLED | _RESERVED
                                                  for i, ch in enumerate(n) if ch == "_"})
_FOREIGN = "?"  # the name given to such an element: matches no handler and no key

_TITLES = {"title", "dc_title"}
_SUMMARIES = {"description", "summary", "dc_description"}
_CONTENTS = {"content", "content_encoded"}
_LANGUAGES = {"language", "dc_language"}
_IDS = {"guid", "id"}
_DATES = {"published": "published_parsed", "issued": "published_parsed", "pubdate": "published_parsed",
          "dcterms_issued": "published_parsed", "updated": "updated_parsed", "modified": "updated_parsed",
          "lastbuilddate": "updated_parsed", "dc_date": "updated_parsed", "dcterms_modified": "updated_parsed",
          "created": "created_parsed", "dcterms_created": "created_parsed"}
_ENTRY_TAGS = {"item", "entry"}

# Elements with handlers that never write a key parse_feed reads nor change state that decides one (read in
# feedparser's namespaces/*.py); their children are checked in turn. Those that push content must be leaves:
# a child element inside them would run end handlers (an </item> inside <rights> ends the entry).
_INERT = frozenset({
    "author", "managingeditor", "contributor", "name", "email", "url", "homepage", "uri", "webmaster",
    "category", "keywords", "tags", "enclosure", "generator", "cloud", "expirationdate", "width", "height",
    "newlocation", "dc_author", "dc_creator", "dc_contributor", "dc_publisher", "dc_subject", "dcterms_valid",
    "itunes_author", "itunes_category", "itunes_name", "itunes_email", "itunes_owner", "itunes_keywords",
    "itunes_image", "itunes_link", "itunes_block", "itunes_explicit", "media_category", "media_keywords",
    "media_group", "media_rating", "media_credit", "media_restriction", "media_license", "media_content",
    "media_thumbnail", "media_player", "cc_license", "admin_generatoragent", "admin_errorreportsto",
})
_PUSHED_BY_DEFAULT = _ENDS - _STARTS  # e.g. itunes_keywords: its end handler splits what the default start pushed
_INERT_LEAVES = frozenset({"rights", "copyright", "dc_rights", "info", "feedburner_browserfriendly"})
# At the feed level these only fill feed keys parse_feed does not read (subtitle, id, link, dates).
_FEED_INERT_LEAVES = _INERT_LEAVES | {"description", "subtitle", "tagline", "itunes_subtitle", "link", "id",
                                      "guid"} | set(_DATES)
# <image> and <textinput> children that keep feedparser in the image/textinput context (any other unprefixed
# element switches it back to the feed, and a title inside would become the feed's).
_IMAGE_CHILDREN = {"title", "link", "url", "width", "height", "description"}
_TEXTINPUT_CHILDREN = {"title", "link", "description", "name"}
_TEXT_TYPES = {"text/plain", "text/html"}
_XHTML = "application/xhtml+xml"
_RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
_ATOM_ROOT = "{http://www.w3.org/2005/Atom}feed"


@lru_cache(maxsize=4096)
def _name(tag: str) -> str:
    """feedparser's name for an element (strict parser's startElementNS, then unknown_starttag); a few dozen
    distinct tags per feed, so cached."""
    if tag[0] != "{":
        return tag.lower()
    uri, local = tag[1:].split("}", 1)
    low = uri.lower()
    if _USERLAND in low:
        low = "http://" + _USERLAND
    prefix = _CANON.get(low)
    local = local.lower()
    if prefix is None:
        if local in _UNSAFE_LOCAL:
            raise _Unsure(f"element {local!r} in a namespace feedparser does not know")
        return _FOREIGN + local
    return f"{prefix.lower()}_{local}" if prefix else local


def _attrs(el: etree._Element) -> dict[str, str]:
    """feedparser's attribute dict for an element: keys lowercased, a known namespace's prefix kept
    ("rdf:about"), every attribute also under its bare local name (expat reports no prefixes, and feedparser's
    qname pass stores the first attribute of each local name), rel and type values lowercased."""
    items = el.items()
    attrs: dict[str, str] = {}
    first: dict[str, str] = {}
    for key, value in items:
        local = key
        if key[0] == "{":
            uri, local = key[1:].split("}", 1)
            prefix = _CANON.get(uri.lower(), "")
            key = f"{prefix}:{local}" if prefix else local
        attrs[key.lower()] = value
        first.setdefault(local, value)
    for key, _ in items:
        local = key.rsplit("}", 1)[-1]
        attrs[local.lower()] = first[local]
    for key in ("rel", "type"):
        if attrs.get(key):
            attrs[key] = attrs[key].lower()
    return attrs


def _children(el: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """An element's child elements with feedparser's names (comments and processing instructions skipped:
    feedparser ignores them)."""
    for child in el:
        if isinstance(child.tag, str):
            yield _name(child.tag), child


# --- text as feedparser's pop() leaves it ----------------------------------------------------------------------

_BROKEN_QUERY = re.compile("&([A-Za-z0-9_]+);")  # feedparser's own fix-up of link text


def _text(el: etree._Element) -> str:
    """A leaf's text, stripped as feedparser strips it (before URL resolution)."""
    if len(el):  # child elements (or comments, which would split lxml's text): feedparser's reading differs
        raise _Unsure("markup inside a text element")
    return (el.text or "").strip()


_C1_CONTROLS = re.compile("[\x80-\x9f]")


def _finish(value: str) -> str:
    """The last steps of feedparser's pop(): re-decoding text that was UTF-8 read as Latin-1 ("Ã©" -> "é"),
    then its cp1252 code point mapping. Both leave ASCII text as it is, and the mapping (a dict lookup per
    character) is only run when there is a character it maps."""
    if value.isascii():
        return value
    try:
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.translate(_cp1252) if _C1_CONTROLS.search(value) else value


def _content_type(el: etree._Element, default: str) -> str:
    """The content type feedparser gives a title, summary or content element; an element it would base64-decode
    (a mode attribute, a non-text type) is not replicated."""
    attrs = _attrs(el)
    if "mode" in attrs:
        raise _Unsure("content mode attribute")
    return _FeedParserMixin.map_content_type(attrs.get("type", default))


def _plain_text(el: etree._Element, default_type: str) -> str:
    """A title or summary leaf in a text or HTML type, as feedparser stores it."""
    if _content_type(el, default_type) not in _TEXT_TYPES:
        raise _Unsure("title or summary of another type (xhtml, base64)")
    return _finish(_text(el))


# --- the document ------------------------------------------------------------------------------------------------

_PROLOG_DECLARATION = re.compile(rb"<!(?!--)")  # a DOCTYPE or ENTITY before the root (comments are fine)
_FIRST_ELEMENT = re.compile(rb"<\w")
_NS_DECLARATION = re.compile(rb"""xmlns:([^\s=>/]+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_BASE_ATTRIBUTE = re.compile(rb"base\s*=", re.IGNORECASE)
_UTF8 = {"utf-8", "utf8", "us-ascii"}


def _utf8_data(body: bytes, headers: Mapping[str, str]) -> tuple[bytes, str | None]:
    """The bytes feedparser's XML parser gets (feedparser's own encoding conversion, which also rewrites the
    XML declaration), and the bozo message it sets; only for documents it reads as UTF-8 (or plain ASCII)."""
    result: dict[str, Any] = {}
    data = convert_to_utf8(dict(headers), body, result)
    if (result.get("encoding") or "").lower().replace("_", "-") not in _UTF8:
        raise _Unsure("not read as UTF-8")
    start = _FIRST_ELEMENT.search(data)
    if start is None or _PROLOG_DECLARATION.search(data, 0, start.start()):
        raise _Unsure("DOCTYPE or ENTITY declaration")  # feedparser rewrites those (sanitizer.replace_doctype)
    return data, str(result["bozo_exception"]) if result.get("bozo") else None


def _parse(data: bytes) -> etree._Element:
    """The tree of a well-formed document; raises when libxml2 notes anything (expat, which feedparser uses,
    may reject what libxml2 only warns about: an undefined namespace prefix, a relative namespace URI)."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                             collect_ids=False)
    root = etree.fromstring(data, parser)
    docinfo = root.getroottree().docinfo
    if parser.error_log or docinfo.doctype or docinfo.internalDTD is not None:
        raise _Unsure("libxml2 noted a problem, or a DTD")
    return root


def _check_names(root: etree._Element, data: bytes) -> None:
    """Names expat and libxml2 agree on, and no xml:base below the root.

    libxml2 takes XML 1.0 5th edition's name characters and expat the 4th's: a non-ASCII element or attribute
    name may be well-formed to one and not the other. feedparser keeps xml:base (or a bare base attribute) on
    any element, and below the root it would also leak into later elements when the base was empty."""
    check_names = not data.isascii()
    check_base = _BASE_ATTRIBUTE.search(data) is not None
    if not (check_names or check_base):
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            if isinstance(el, etree._ProcessingInstruction) and not el.target.isascii():
                raise _Unsure("non-ASCII processing instruction")
            continue
        if check_names and not el.tag.isascii():
            raise _Unsure("non-ASCII element name")
        for key in el.keys():
            if check_names and not key.isascii():
                raise _Unsure("non-ASCII attribute name")
            if check_base and el is not root and key.rsplit("}", 1)[-1].lower() == "base":
                raise _Unsure("xml:base below the root")
    for sibling in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if isinstance(sibling, etree._ProcessingInstruction) and not sibling.target.isascii():
            raise _Unsure("non-ASCII processing instruction")


def _check_prefixes(data: bytes) -> None:
    """feedparser maps a document's namespace prefixes to its canonical ones in one global table: a document
    that binds a canonical prefix ("dc") to another known namespace renames elements; not replicated."""
    for match in _NS_DECLARATION.finditer(data):
        prefix = match.group(1)
        if not prefix.isascii():
            raise _Unsure("non-ASCII namespace prefix")
        name = prefix.decode("ascii")
        if name in _CANON_PREFIXES:
            uri = html.unescape(match.group(3).decode("utf-8")).lower()
            if _USERLAND in uri:
                uri = "http://" + _USERLAND
            canon = _CANON.get(uri)
            if canon is not None and canon != name:
                raise _Unsure(f"prefix {name!r} bound to another known namespace")


def _base(root: etree._Element, url: str) -> str:
    """The base URI feedparser resolves links and permalink ids against: the feed's URL (the Content-Location
    it is given), then the root's xml:base; the same for every element below, which must hold."""
    attrs = _attrs(root)
    given = attrs.get("xml:base", attrs.get("base")) or url
    base = (make_safe_absolute_uri(url, given) or url) if url else _urljoin(url, given)
    if base and (make_safe_absolute_uri(base, base) or base) != base:
        raise _Unsure("base URI that feedparser would keep rewriting")
    return base


def _root_language(root: etree._Element, name: str) -> str | None:
    """feedparser's feed language from the root's xml:lang (or lang): only on <rss> and <feed>; its check for
    'rdf:RDF' compares against a lowercased name, so an RDF root's language is never taken."""
    if name not in ("rss", "feed"):
        return None
    attrs = _attrs(root)
    lang = attrs.get("xml:lang", attrs.get("lang"))
    return lang.replace("_", "-") if lang else None


@dataclass
class _Feed:
    """The feed-level fields read while walking, in feedparser's order of assignment."""

    base: str
    language: str | None
    title: str | None = None
    titles: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)


def response_headers(url: str | None, content_type: str | None) -> dict[str, str] | None:
    """The response headers parse_feed gives feedparser: the Content-Type (its charset decides the decoding)
    and the URL as Content-Location (the base of relative links), or none when the Content-Type is unknown."""
    return {"content-location": url or "", "content-type": content_type} if content_type else None


def extract(body: bytes, url: str | None, content_type: str | None) -> RawFeed | None:
    """The fields parse_feed reads, as feedparser would give them, or None when that is not certain.

    `body` is what parse_feed hands feedparser (after repair_utf8), `url` and `content_type` what it gives as
    response headers; never raises for a bad feed."""
    headers = response_headers(url, content_type) or {}
    try:
        data, malformed = _utf8_data(body, headers)
        root = _parse(data)
        _check_names(root, data)
        _check_prefixes(data)
        return _read(root, headers.get("content-location", ""), malformed)
    except _Unsure:
        return None
    except Exception:  # the parser's errors (not well-formed), or anything unforeseen: falling back is always right
        return None


def _read(root: etree._Element, url: str, malformed: str | None) -> RawFeed:
    """The three shapes: RSS 0.9x/2.0 (<rss><channel><item>), RSS 1.0 (<rdf:RDF><channel/><item>), Atom 1.0."""
    name = _name(root.tag)
    feed = _Feed(base=_base(root, url), language=_root_language(root, name))
    if root.tag == "rss":
        _rss(root, feed)
    elif root.tag == _RDF_ROOT:
        _rdf(root, feed)
    elif root.tag == _ATOM_ROOT:
        _feed_level(root, feed, entries=True)
    else:
        raise _Unsure(f"root {root.tag!r}")
    return RawFeed(entries=feed.entries, title=feed.title, language=feed.language, malformed=malformed)


def _rss(root: etree._Element, feed: _Feed) -> None:
    """RSS 0.9x/2.0: one channel holding the feed's elements and its items."""
    channels = list(_children(root))
    if [name for name, _ in channels] != ["channel"]:
        raise _Unsure("RSS without exactly one channel")
    _feed_level(channels[0][1], feed, entries=True)


def _rdf(root: etree._Element, feed: _Feed) -> None:
    """RSS 1.0: the channel first (an item or image title before it would hide the channel's title from
    feedparser), then items, image and textinput beside it."""
    for position, (name, child) in enumerate(_children(root)):
        if (name == "channel") != (position == 0):
            raise _Unsure("RDF channel not first, or twice")
        if name == "channel":
            _feed_level(child, feed, entries=False)
        elif name in _ENTRY_TAGS:
            feed.entries.append(_entry(child, feed.base))
        elif name in ("image", "textinput"):
            _image(child, name)
        else:
            raise _Unsure(f"RDF element {name!r}")


def _feed_level(container: etree._Element, feed: _Feed, entries: bool) -> None:
    """A channel's (or an Atom feed's) children: entries, the feed's title and language, and inert elements."""
    for name, child in _children(container):
        if name in _ENTRY_TAGS and entries:
            feed.entries.append(_entry(child, feed.base))
        elif name in _TITLES:
            feed.titles += 1
            if feed.titles > 1:  # feedparser keeps the first non-empty one, unless an image came between
                raise _Unsure("several feed titles")
            feed.title = _plain_text(child, "text/plain")
        elif name in _LANGUAGES:
            feed.language = _finish(_text(child))
        elif name in ("image", "textinput"):
            _image(child, name)
        elif name in _FEED_INERT_LEAVES:
            _text(child)
        else:
            _inert(child, name)


def _image(el: etree._Element, name: str) -> None:
    """An <image> or <textinput>: feedparser files its title and link under the image, as long as no other
    element in it switches the context back to the feed."""
    allowed = _IMAGE_CHILDREN if name == "image" else _TEXTINPUT_CHILDREN
    for child_name, child in _children(el):
        if child_name not in allowed:
            raise _Unsure(f"{child_name!r} in {name}")
        _text(child)


def _inert(el: etree._Element, name: str) -> None:
    """Accept a feed-level element (and its subtree) whose feedparser handling cannot reach the fields read."""
    if name in _INERT_LEAVES:
        _text(el)
        return
    _check_inert(name, el)
    for child_name, child in _children(el):
        _inert(child, child_name)


def _check_inert(name: str, el: etree._Element) -> None:
    """Raise unless the element's handlers (or feedparser's default push/pop) cannot reach a field read."""
    if name not in _INERT and (name in _HANDLED or name in _RESERVED):
        raise _Unsure(f"element {name!r}")
    if name in _PUSHED_BY_DEFAULT and len(el.attrib):
        # no start handler: with attributes feedparser pushes nothing, its end handler fails on None and the
        # dispatch swallows that AttributeError halfway; harmless as far as seen, but not worth relying on
        raise _Unsure(f"{name!r} with attributes")


# --- entries -------------------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One entry's fields in feedparser's order of assignment, and what decides whether they are certain."""

    base: str
    values: dict[str, Any] = field(default_factory=dict)
    guidislink: bool = False
    order: int = 0  # document order of the elements seen, to compare positions
    title_at: int | None = None
    summary_at: int | None = None
    contents: int = 0
    media_titles: list[int] = field(default_factory=list)  # depths
    media_descriptions: list[tuple[int, int]] = field(default_factory=list)  # (order, depth)


def _entry(item: etree._Element, base: str) -> dict[str, Any]:
    """An <item> or <entry> as the dict of keys parse_feed reads."""
    attrs = _attrs(item)
    if "lastmod" in attrs or "href" in attrs:  # CDF attributes: feedparser turns them into link and date
        raise _Unsure("CDF item attributes")
    entry = _Entry(base=base)
    about = attrs.get("rdf:about")
    if about:
        entry.values["id"] = about
    for name, child in _children(item):
        entry.order += 1
        _entry_child(entry, name, child)
    _check_entry(entry)
    return entry.values


def _entry_child(entry: _Entry, name: str, el: etree._Element) -> None:
    """One direct child of an entry, in document order."""
    values = entry.values
    if name in _TITLES:
        if entry.title_at is not None:
            raise _Unsure("several titles")
        entry.title_at = entry.order
        values["title"] = _plain_text(el, "text/plain")
    elif name == "link":
        _link(entry, el)
    elif name in _IDS:
        _id(entry, el)
    elif name in _DATES:
        values[_DATES[name]] = _parse_date(_finish(_text(el)))  # feedparser's parser, on the string it would get
    elif name in _SUMMARIES:
        if entry.summary_at is not None:
            raise _Unsure("several summaries")
        entry.summary_at = entry.order
        values["summary"] = _plain_text(el, "text/plain" if name == "summary" else "text/html")
    elif name in _CONTENTS:
        _content(el, "text/plain" if name == "content" else "text/html")
        entry.contents += 1
    elif name in _LANGUAGES:
        values["language"] = _finish(_text(el))
    elif name == "source":  # an RSS source (an Atom source has children, with titles feedparser files apart)
        _text(el)
    else:
        _entry_inert(entry, name, el, depth=1)


def _link(entry: _Entry, el: etree._Element) -> None:
    """feedparser's _start_link/pop for an entry link: an href (url, uri) link sets the entry's link when it is
    an alternate HTML link, resolved but not stripped; a text link always does, stripped and fixed up."""
    attrs = _attrs(el)
    rel = attrs.setdefault("rel", "alternate")
    kind = attrs.setdefault("type", "application/atom+xml" if rel == "self" else "text/html")
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href or "href" in attrs:
        if len(el):
            raise _Unsure("markup inside a link")
        if rel == "alternate" and _FeedParserMixin.map_content_type(kind) in _FeedParserMixin.html_types:
            entry.values["link"] = _urljoin(entry.base, href or attrs["href"])
        return
    value = _text(el)
    value = _finish(_urljoin(entry.base, value) if value else value)
    entry.values["link"] = _BROKEN_QUERY.sub(r"&\g<1>", value.replace("&amp;", "&"))


def _id(entry: _Entry, el: etree._Element) -> None:
    """feedparser's guid/id: a permalink (isPermaLink absent or exactly "true", and every Atom id) is resolved
    against the base and becomes the link when the entry has none yet."""
    entry.guidislink = _attrs(el).get("ispermalink", "true") == "true"
    value = _text(el)
    if value and entry.guidislink:
        value = _urljoin(entry.base, value)
    value = _finish(value)
    entry.values["id"] = value
    if entry.guidislink:
        entry.values.setdefault("link", value)


def _content(el: etree._Element, default_type: str) -> None:
    """A content element: its value is not read (a summary must come with it), but its children are walked by
    feedparser as inline markup that still runs end handlers, and markup inside text/HTML content shifts
    feedparser's depth bookkeeping; accepted when neither can happen."""
    kind = _content_type(el, default_type)
    if kind in _TEXT_TYPES:
        _text(el)
    elif kind == _XHTML:
        for child in el.iterdescendants():
            if isinstance(child.tag, str) and _name(child.tag) in _ENDS:
                raise _Unsure("inline markup with an end handler")
    else:
        raise _Unsure(f"content of type {kind!r}")


def _entry_inert(entry: _Entry, name: str, el: etree._Element, depth: int) -> None:
    """An entry element that does not set a field read, at any depth, and the media title or description
    elements whose effect depends on their depth and order (checked at the end of the entry)."""
    if name == "media_title":
        _plain_text(el, "text/plain")
        entry.media_titles.append(depth)
        return
    if name == "media_description":
        _plain_text(el, "text/html")
        entry.media_descriptions.append((entry.order, depth))
        return
    if name in _INERT_LEAVES:
        _text(el)
        return
    _check_inert(name, el)
    for child_name, child in _children(el):
        entry.order += 1
        _entry_inert(entry, child_name, child, depth + 1)


def _check_entry(entry: _Entry) -> None:
    """The entry-wide conditions under which the fields collected are feedparser's.

    A content element fills the summary when there is no summary element: not replicated. A media:title
    below the entry's own (non-empty) title never replaces it. A media:description is taken for the summary
    by feedparser when it comes before the summary element, and replaces it when it is a second one at the
    same depth or follows a content element; only those after the summary, deeper or alone, are accepted."""
    if entry.contents and entry.summary_at is None:
        raise _Unsure("content without a summary")
    if entry.media_titles and (entry.title_at is None or not entry.values.get("title")
                               or min(entry.media_titles) <= 1):
        raise _Unsure("media:title that may be the title")
    if entry.media_descriptions:
        if entry.summary_at is None or min(o for o, _ in entry.media_descriptions) < entry.summary_at:
            raise _Unsure("media:description that may be the summary")
        same_depth = any(d == 1 for _, d in entry.media_descriptions)
        if same_depth and (len(entry.media_descriptions) > 1 or entry.contents):
            raise _Unsure("media:description beside the summary")

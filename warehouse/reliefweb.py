"""ReliefWeb API reports -> documents, like feed items (kind `reliefweb`).

A landed page is the API's JSON envelope (`data[{id, fields}]`). Each report becomes a story with its own
publisher (its source organisations, not "ReliefWeb": ReliefWeb curates reports of OCHA, UN agencies,
NGOs and governments) and the country ReliefWeb coded it with (ISO3: its primary country) as a place, besides
the places the gazetteer finds in its title and summary. The source's perspective applies to every report
(`international` in the shipped config: its reports are UN, NGO and government ones alike, so none counts
as a UN document). The merge is the feeds' (`warehouse.documents.merge_feeds`).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from extractors.landing import FetchRecord, Landing
from extractors.rss import SUMMARY_CAP, TITLE_CAP, FeedItem, ParsedFeed, item_hash
from extractors.text import canonical_url, plain_text
from tracktwo.core.config import ISO3
from warehouse.documents import PreparedFeed, prepare_items
from warehouse.gazetteer import Gazetteer

PUBLISHER_CAP = 300


class ReportsRejected(Exception):
    """A landed page that is not a ReliefWeb reports envelope."""


def _first(v: Any) -> Any:
    return v[0] if isinstance(v, list) and v else v


def _when(fields: dict[str, Any]) -> datetime | None:
    d = fields.get("date") if isinstance(fields.get("date"), dict) else {}
    for key in ("original", "created"):
        raw = d.get(key)
        if isinstance(raw, str):
            try:
                t = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                continue
            return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    return None


def _publisher(fields: dict[str, Any]) -> str | None:
    names = []
    for s in fields.get("source") or []:
        if isinstance(s, dict):
            name = s.get("shortname") or s.get("name")
            if isinstance(name, str) and name.strip() and name.strip() not in names:
                names.append(name.strip())
    text = "; ".join(names)
    return text[:PUBLISHER_CAP] or None


MAX_CODED_COUNTRIES = 3  # a report coded with more (a global appeal) is about none of them in particular


def _countries(fields: dict[str, Any]) -> list[str]:
    """The countries ReliefWeb coded a report with, as places: its primary country when it has one, else its
    country list when that names at most three (a global appeal lists dozens: it would join every region)."""
    def iso3(c: Any) -> str | None:
        c = _first(c)
        iso = (c.get("iso3") or "").upper() if isinstance(c, dict) else ""
        return iso if ISO3.match(iso) else None

    primary = iso3(fields.get("primary_country"))
    if primary:
        return [primary]
    listed = list(dict.fromkeys(i for i in map(iso3, fields.get("country") or []) if i))
    return listed if len(listed) <= MAX_CODED_COUNTRIES else []


def parse_reports(body: bytes) -> tuple[ParsedFeed, dict[str, str], dict[str, list[str]]]:
    """A landed page -> its reports as feed items, with each one's publisher and coded countries."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportsRejected(f"ReliefWeb page is not JSON: {exc}") from None
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list):
        raise ReportsRejected("ReliefWeb page has no 'data' list")
    items, publishers, countries = [], {}, {}
    skipped = 0
    for r in data:
        fields = r.get("fields") if isinstance(r, dict) else None
        rid = r.get("id") if isinstance(r, dict) else None
        if not isinstance(fields, dict) or rid is None:
            skipped += 1
            continue
        key = f"reliefweb:{rid}"[:1000]
        url = canonical_url(fields.get("url_alias") or fields.get("url") or r.get("href"))
        title = plain_text(fields.get("title"), TITLE_CAP)
        summary = plain_text(fields.get("body-html") or fields.get("body"), SUMMARY_CAP)
        published = _when(fields)
        lang = _first(fields.get("language"))
        items.append(FeedItem(item_key=key, url=url, title=title, summary=summary, published_at=published,
                              language=lang.get("code") if isinstance(lang, dict) else None,
                              content_hash=item_hash(url, title, summary, published)))
        if (p := _publisher(fields)):
            publishers[key] = p
        countries[key] = _countries(fields)
    warning = f"{skipped} report(s) without id or fields skipped" if skipped else None
    return ParsedFeed(items=items, warning=warning, title="ReliefWeb reports"), publishers, countries


def prepare_reports(landing: Landing, rec: FetchRecord, gazetteer: Gazetteer) -> PreparedFeed:
    """Loader step 1 of kind reliefweb (in a worker process): a landed page's reports and their places."""
    parsed, publishers, countries = parse_reports(landing.read_body(rec))
    return prepare_items(rec.source_id, parsed, gazetteer, publishers, countries)

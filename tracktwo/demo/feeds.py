"""Sample news feeds written for the project: fictional outlets, invented stories.

Deterministic for a given anchor date, several outlets and formats (RSS 2.0,
RSS 1.0, Atom), several days, mentioning the default regions. Nothing here is
copied from a real article.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

DAYS = 14


@dataclass(frozen=True)
class Outlet:
    id: str
    publisher: str
    perspective: str
    fmt: str  # rss2 | rss1 | atom
    topics: tuple[str, ...]


OUTLETS = [
    Outlet("demo-un-news", "UN News (demo)", "un", "rss2", ("ukraine", "gaza", "sudan", "korea", "drc", "myanmar", "haiti", "talks")),
    Outlet("demo-kyiv-ledger", "Kyiv Ledger (demo)", "UKR", "atom", ("ukraine", "talks")),
    Outlet("demo-moscow-wire", "Moscow Wire (demo)", "RUS", "rss2", ("ukraine", "talks")),
    Outlet("demo-strait-observer", "Strait Observer (demo)", "TWN", "rss1", ("taiwan", "korea")),
    Outlet("demo-beijing-bulletin", "Beijing Bulletin (demo)", "CHN", "rss2", ("taiwan",)),
    Outlet("demo-levant-report", "Levant Report (demo)", "international", "atom", ("gaza", "lebanon", "yemen")),
    Outlet("demo-sahel-dispatch", "Sahel Dispatch (demo)", "international", "rss2", ("sahel", "sudan", "drc")),
]

STORIES: dict[str, list[tuple[str, str]]] = {
    "ukraine": [
        ("Drone attack reported near Kharkiv as shelling continues in Donetsk",
         "Local officials in Ukraine said several buildings were damaged in Kharkiv; Russian forces continued shelling around Donetsk."),
        ("Kyiv says air defences intercepted missiles overnight",
         "Ukrainian authorities reported intercepting missiles over Kyiv; Moscow did not comment."),
        ("Grain corridor ships leave Odesa despite strikes on port",
         "Ships left Odesa after overnight strikes; Ukraine's navy said the corridor remained open."),
        ("Kremlin says it is open to prisoner exchange with Ukraine",
         "A Kremlin spokesman said Russia was ready for another prisoner exchange mediated by third parties."),
    ],
    "talks": [
        ("Negotiators meet in Geneva on prisoner exchanges between Russia and Ukraine",
         "Delegations held talks in Geneva; mediators described the negotiation as constructive."),
        ("Back-channel contacts on Zaporizhzhia nuclear plant safety reported",
         "Diplomats said back-channel contacts between Moscow and Kyiv continued on the plant's safety."),
    ],
    "gaza": [
        ("Aid convoys delayed at Rafah crossing as fighting continues in Gaza",
         "Humanitarian agencies said trucks waited at Rafah; Israeli and Palestinian officials traded accusations."),
        ("Ceasefire talks resume in Cairo with Israeli and Palestinian delegations",
         "Mediators from Egypt and Qatar hosted a new round of ceasefire negotiation."),
        ("Raids reported in Jenin in the West Bank",
         "Palestinian health officials reported casualties after raids in Jenin; Israel said it targeted militants."),
    ],
    "lebanon": [
        ("Cross-border fire between Israel and Lebanon after rocket launches",
         "Residents of southern Lebanon reported strikes; Israel said rockets were fired from Lebanese territory."),
    ],
    "yemen": [
        ("Shipping disrupted in Red Sea after attack claimed by Houthis in Yemen",
         "A cargo ship reported damage off Hodeidah; Yemen's Houthi movement claimed the attack."),
    ],
    "taiwan": [
        ("Taiwan reports Chinese military aircraft near the Taiwan Strait median line",
         "Taipei said dozens of aircraft crossed the median line; Beijing called it a routine exercise."),
        ("Beijing warns Taipei over planned arms purchase",
         "China's foreign ministry warned Taiwan against the purchase, calling it provocative."),
        # the demo's cross-strait contacts stop in its last weeks (tracktwo.demo.gdelt, GAP_DAYS): no story in the
        # feeds reports them resuming (the feeds' stories are drawn at random over their days)
        ("Cross-strait academic visit called off",
         "Scholars from Taiwan said a planned visit to Xiamen was cancelled after Beijing withdrew its invitation."),
    ],
    "korea": [
        ("North Korea fires ballistic missile into sea, Seoul says",
         "South Korean military officials said Pyongyang launched a missile that fell into the sea."),
        # the demo's Koreas talk throughout and meet at a summit in its last days (tracktwo.demo.gdelt): a story of
        # a silent hotline, drawn on any day, contradicted the events beside it
        ("Inter-Korean liaison officers meet at Panmunjom",
         "Officials from Seoul and Pyongyang met at the truce village to discuss family reunions and further talks."),
    ],
    "sudan": [
        ("Fighting in El Fasher displaces thousands in Sudan",
         "UN agencies said clashes around El Fasher in Darfur forced families to flee; Sudanese aid groups appealed for access."),
        ("Talks in Jeddah on Sudan humanitarian truce adjourned",
         "Mediators adjourned the talks without agreement on a humanitarian ceasefire in Sudan."),
    ],
    "sahel": [
        ("Attack on convoy in northern Mali leaves soldiers dead",
         "Authorities in Bamako said militants attacked a convoy near Gao; Niger and Burkina Faso reported similar incidents."),
        ("Niger and Nigeria agree on border patrols",
         "Officials from Niger and Nigeria met in Niamey to coordinate patrols along the border."),
    ],
    "drc": [
        ("M23 advance near Goma raises alarm in DR Congo",
         "Residents of North Kivu fled as fighting approached Goma; Kinshasa accused Rwanda of backing the rebels."),
        ("Republic of the Congo hosts regional summit in Brazzaville",
         "Leaders met in Brazzaville to discuss the crisis in the Democratic Republic of the Congo."),
    ],
    "myanmar": [
        ("Airstrikes reported in Sagaing region of Myanmar",
         "Residents said military aircraft struck villages in Sagaing; the junta in Naypyidaw denied targeting civilians."),
    ],
    "haiti": [
        ("Gang violence forces closures in Port-au-Prince",
         "Schools and clinics in Port-au-Prince closed as armed groups clashed; Haiti's transitional council appealed for support."),
    ],
}

HOSTILE_TITLE = "Analysis: <img src=x onerror=alert(1)> what the Kharkiv strikes mean"

# Reports on the Gaza talks during Israel-Palestine's calm, on fixed days (outside the random draws, which stay as
# they were): distinct stories from two outlets, so a de-escalation there is corroborated by independent reports
# and not only by the Cairo story that two outlets carry word for word (one story: docs/indicators.md)
FIXED_STORIES: dict[str, tuple[int, time, str, str]] = {  # outlet -> (days before today, time, title, summary)
    "demo-un-news": (10, time(10, 0), "Egypt and Qatar report progress in Gaza truce negotiations",
                     "Mediators said Israeli and Palestinian negotiators narrowed their differences on a truce in Gaza."),
    "demo-levant-report": (8, time(14, 0), "Israeli and Palestinian negotiators agree to meet again, mediators say",
                           "Egyptian mediators said a further round of talks on a ceasefire in Gaza was scheduled."),
}


def anchor_today() -> date:
    return datetime.now(timezone.utc).date()


def _items(outlet: Outlet, today: date) -> list[dict]:
    rng = random.Random(f"{outlet.id}")
    items = []
    for back in range(DAYS):
        day = today - timedelta(days=back)
        for topic in outlet.topics:
            if rng.random() < 0.35:
                continue
            title, summary = rng.choice(STORIES[topic])
            hour = rng.randint(5, 21)
            published = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=timezone.utc)
            slug = f"{day:%Y%m%d}-{topic}-{hour}"
            items.append({
                "id": f"urn:tracktwo-demo:{outlet.id}:{slug}",
                "link": f"https://{outlet.id}.example.org/{day:%Y/%m/%d}/{topic}-{hour}?utm_source=rss&utm_medium=feed",
                "title": title,
                "summary": f"<p>{summary}</p>",
                "published": published,
            })
    if outlet.id == "demo-kyiv-ledger":
        items.append({
            "id": f"urn:tracktwo-demo:{outlet.id}:hostile",
            "link": f"https://{outlet.id}.example.org/analysis/kharkiv",
            "title": HOSTILE_TITLE,
            "summary": "<script>alert('x')</script><p>Escaping test: this title carries markup that must show as text.</p>",
            "published": datetime.combine(today, time(6, 0), tzinfo=timezone.utc),
        })
    if outlet.id in FIXED_STORIES:
        back, at, title, summary = FIXED_STORIES[outlet.id]
        day = today - timedelta(days=back)
        items.append({
            "id": f"urn:tracktwo-demo:{outlet.id}:{day:%Y%m%d}-gaza-talks",
            "link": f"https://{outlet.id}.example.org/{day:%Y/%m/%d}/gaza-talks",
            "title": title,
            "summary": f"<p>{summary}</p>",
            "published": datetime.combine(day, at, tzinfo=timezone.utc),
        })
    items.sort(key=lambda i: i["published"], reverse=True)
    return items


def _rss2(outlet: Outlet, items: list[dict]) -> str:
    body = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<guid isPermaLink=\"false\">{escape(i['id'])}</guid>"
        f"<pubDate>{format_datetime(i['published'])}</pubDate>"
        f"<description>{escape(i['summary'])}</description></item>\n"
        for i in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(outlet.publisher)}</title><link>https://{outlet.id}.example.org/</link>"
            f"<description>Sample feed written for the tracktwo demo</description><language>en</language>\n{body}</channel></rss>\n")


def _atom(outlet: Outlet, items: list[dict]) -> str:
    body = "".join(
        f"<entry><title>{escape(i['title'])}</title><link href=\"{escape(i['link'])}\"/>"
        f"<id>{escape(i['id'])}</id><updated>{i['published']:%Y-%m-%dT%H:%M:%SZ}</updated>"
        f"<published>{i['published']:%Y-%m-%dT%H:%M:%SZ}</published>"
        f"<summary type=\"html\">{escape(i['summary'])}</summary></entry>\n"
        for i in items
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            f"<title>{escape(outlet.publisher)}</title><id>urn:tracktwo-demo:{outlet.id}</id>"
            f"<updated>{items[0]['published']:%Y-%m-%dT%H:%M:%SZ}</updated>\n{body}</feed>\n")


def _rss1(outlet: Outlet, items: list[dict]) -> str:
    seq = "".join(f'<rdf:li rdf:resource="{escape(i["link"])}"/>' for i in items)
    body = "".join(
        f"<item rdf:about=\"{escape(i['link'])}\"><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<description>{escape(i['summary'])}</description><dc:date>{i['published']:%Y-%m-%dT%H:%M:%SZ}</dc:date></item>\n"
        for i in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel rdf:about=\"https://{outlet.id}.example.org/\"><title>{escape(outlet.publisher)}</title>"
            f"<link>https://{outlet.id}.example.org/</link><description>Sample feed</description>"
            f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>\n{body}</rdf:RDF>\n")


RENDER = {"rss2": _rss2, "atom": _atom, "rss1": _rss1}


def feed_files(today: date | None = None) -> dict[str, str]:
    """Relative path -> XML text, one file per outlet."""
    today = today or anchor_today()
    return {f"feeds/{o.id}.xml": RENDER[o.fmt](o, _items(o, today)) for o in OUTLETS}

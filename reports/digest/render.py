"""A digest as text + HTML (jinja2; HTML autoescaped, feed text is untrusted) and as an email message."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reports.digest.content import Digest
from reports.digest.settings import DigestSettings
from reports.mail import build_message
from reports.svg import half_up, plural

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _signed(v: float | None) -> str:
    """A change with its sign, one decimal, half up; +0.0 rather than -0.0 (half_up has no negative zero)."""
    return "n/a" if v is None else f"{half_up(v, 1):+}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    # rounded as the SQL's round() and the dashboard round (reports.svg.half_up)
    env.filters["num"] = lambda v, nd=1: "n/a" if v is None else f"{half_up(v, nd)}"
    env.filters["signed"] = _signed
    env.filters["known"] = lambda v: "not known" if v is None else f"{v}"  # a count of unknown days is not 0
    env.filters["known_num"] = lambda v, nd=1: "not known" if v is None else f"{half_up(v, nd)}"
    # "1 document", "2 documents"; a count of unknown days is not 0: "events not known"
    env.filters["plural"] = lambda n, word: f"{word}s not known" if n is None else plural(n, word)
    env.filters["day"] = lambda d: d.strftime("%a %d %b %Y") if d else "undated"
    return env


def render(digest: Digest) -> tuple[str, str]:
    """(plain text, HTML)."""
    env = _env()
    return (env.get_template("digest_email.txt.j2").render(d=digest),
            env.get_template("digest_email.html.j2").render(d=digest))


def compose_message(digest: Digest, settings: DigestSettings) -> EmailMessage:
    """The multipart (text + HTML) message of one digest."""
    text, html = render(digest)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2]
    msg = build_message(subject=digest.subject, sender=settings.sender, to_email=digest.recipient,
                        to_name=digest.name, text=text, html=html, unsubscribe=digest.unsubscribe,
                        message_id=make_msgid(idstring=f"digest.{digest.week}", domain=domain))
    if digest.lake_snapshot:  # the lake snapshot the numbers come from: tracktwo.connect(as_of=id) reproduces them
        msg["X-Tracktwo-Snapshot"] = f"{digest.lake_snapshot['snapshot_id']} {digest.lake_snapshot['snapshot_time']}"
    return msg

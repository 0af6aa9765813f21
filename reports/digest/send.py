"""The weekly run: assemble every subscriber's digest, write files, or deliver over SMTP (idempotent)."""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable

from reports.digest.content import Digest, WarehouseView, assemble
from reports.digest.render import compose_message
from reports.digest.settings import DigestSettings, Subscriber, load_settings
from reports.digest.weeks import last_complete_week, parse_week
from reports.mail import Mailer, resolve_smtp
from tracktwo.core.clock import utc_now_naive
from pydantic import ValidationError

from tracktwo.core.config import Config
from tracktwo.core.errors import ConfigError
from warehouse import digest_log
from warehouse.db import reader, writer

log = logging.getLogger("tracktwo.digest")


def _file_stem(email: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", email.lower())


def write_files(out_dir: Path, digest: Digest, msg: EmailMessage) -> Path:
    """`<stem>.eml` (exactly the message) and `<stem>.html` (its HTML part, for a browser)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(digest.recipient)
    eml = out_dir / f"{stem}.eml"
    eml.write_bytes(msg.as_bytes())
    html = msg.get_body(preferencelist=("html",))
    (out_dir / f"{stem}.html").write_text(html.get_content() if html else "", encoding="utf-8")
    return eml


def select_subscribers(settings: DigestSettings, to: str | None) -> list[Subscriber]:
    """All subscribers, or the one with that address; an address not subscribed gets all regions (a preview)."""
    if not to:
        return list(settings.subscribers)
    match = [s for s in settings.subscribers if s.email.lower() == to.strip().lower()]
    if match:
        return match
    try:
        return [Subscriber(email=to, regions="all")]
    except ValidationError:
        raise ConfigError(f"--to {to!r}: not an email address") from None


def run_weekly(config: Config, week: str | None = None, send: bool = False, to: str | None = None,
               resend: bool = False, on_result: Callable[[str, str, str], None] | None = None) -> dict[str, Any]:
    """Assemble every subscriber's digest for `week` (default the last complete one); write or send it.

    Returns a summary: week, mode, messages, files, sent, skipped (already sent), failed
    ([{recipient, error}]), and the recipients whose regions had no counted event and no document in the week, by
    what that absence means (Digest.silence; each message says which): quiet (some of the week's days are known,
    and quiet), unknown (no day's event numbers known, though some day is within the indicators' span: nothing can
    be reported) and no_data (no document, and no event numbers computed for those days).
    """
    digest_settings = load_settings(config)
    week = parse_week(week) if week else last_complete_week(utc_now_naive().date())
    subscribers = select_subscribers(digest_settings, to)
    smtp = resolve_smtp(config.settings) if send else None

    with reader(config.settings) as con:  # WarehouseMissing here, before anything is written or sent
        view = WarehouseView(con, config, digest_settings)
        digests = [assemble(view, digest_settings, s, week) for s in subscribers]
        already = view.sent(week) if send else set()

    out_dir = config.settings.data_dir / "digests" / week
    summary: dict[str, Any] = {"week": week, "mode": "send" if send else "files", "messages": 0, "files": [],
                               "sent": [], "skipped": [], "failed": [],
                               **{kind: [d.recipient for d in digests if d.silence == kind]
                                  for kind in ("quiet", "unknown", "no_data")}}
    pending = []
    for d in digests:
        if send and not resend and d.recipient.lower() in already:
            summary["skipped"].append(d.recipient)
            _report(on_result, d.recipient, "skipped", "already sent for this week (use --resend)")
            continue
        msg = compose_message(d, digest_settings)
        summary["files"].append(str(write_files(out_dir, d, msg)))
        summary["messages"] += 1
        pending.append((d, msg))
        if not send:
            _report(on_result, d.recipient, "written", summary["files"][-1])

    if send and pending:
        log.info("sending %d digest(s) for %s via %s:%s (%s)", len(pending), week, smtp.host, smtp.port, smtp.origin)
        with Mailer(smtp) as mailer:
            for d, msg in pending:
                result = mailer.send(msg, d.recipient)
                with writer(config.settings) as con:
                    digest_log.record_delivery(con, week=week, recipient=d.recipient, message_id=str(msg["Message-ID"]),
                                               ok=result.ok, error=result.error,
                                               regions=[s.region_id for s in d.sections], subject=d.subject,
                                               resend=resend, at=utc_now_naive())
                if result.ok:
                    summary["sent"].append(d.recipient)
                    _report(on_result, d.recipient, "sent", str(msg["Message-ID"]))
                else:
                    summary["failed"].append({"recipient": d.recipient, "error": result.error})
                    log.warning("digest to %s refused: %s", d.recipient, result.error)
                    _report(on_result, d.recipient, "failed", result.error or "")
    return summary


def _report(cb, recipient: str, status: str, detail: str) -> None:
    if cb is not None:
        cb(recipient, status, detail)

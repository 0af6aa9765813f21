"""Email for the weekly digest: MIME assembly and SMTP delivery (stdlib only).

SMTP settings come from TRACKTWO_SMTP_* or, when the environment names no host
and Airflow is installed, from Airflow's `smtp_default` connection. The password
is kept out of every repr, log line, file and error message.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid, parseaddr

from tracktwo.config import ConfigError

TRUE = ("1", "true", "yes", "on")
# CRLF line ends for SMTP; headers are not folded below RFC 5322's hard limit, because a
# folded List-Unsubscribe URL gets RFC 2047-encoded and clients stop recognising it.
POLICY = SMTP_POLICY.clone(max_line_length=998)


@dataclass(frozen=True)
class SmtpSettings:
    """Where to deliver; `password` is excluded from repr so it never reaches a log."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    origin: str = "env"  # "env" or "airflow:<conn_id>", for messages

    def scrub(self, text: str) -> str:
        """Remove the password from a text that may echo it (server replies, exception strings)."""
        if self.password:
            text = text.replace(self.password, "***")
        return text


def _flag(env: dict[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in TRUE


def smtp_from_env(env: dict[str, str] | None = None) -> SmtpSettings | None:
    """TRACKTWO_SMTP_HOST/PORT/USER/PASSWORD/STARTTLS/SSL, or None when no host is set."""
    env = dict(os.environ if env is None else env)
    host = env.get("TRACKTWO_SMTP_HOST", "").strip()
    if not host:
        return None
    use_ssl = _flag(env, "TRACKTWO_SMTP_SSL")
    starttls = _flag(env, "TRACKTWO_SMTP_STARTTLS")
    if use_ssl and starttls:
        raise ConfigError("TRACKTWO_SMTP_SSL and TRACKTWO_SMTP_STARTTLS are exclusive: set one of them")
    raw_port = env.get("TRACKTWO_SMTP_PORT", "").strip()
    try:
        port = int(raw_port) if raw_port else (465 if use_ssl else 587 if starttls else 25)
    except ValueError:
        raise ConfigError(f"TRACKTWO_SMTP_PORT must be a number, not {raw_port!r}") from None
    return SmtpSettings(host=host, port=port, user=env.get("TRACKTWO_SMTP_USER") or None,
                        password=env.get("TRACKTWO_SMTP_PASSWORD") or None, starttls=starttls, ssl=use_ssl)


def smtp_from_airflow(conn_id: str = "smtp_default") -> SmtpSettings | None:
    """Airflow's SMTP connection (same flags as the SMTP provider), or None outside Airflow."""
    try:
        from airflow.sdk import BaseHook  # lazy: parsing and the CLI never need Airflow
    except Exception:
        return None
    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:
        return None
    if not conn.host:
        return None
    extra = conn.extra_dejson or {}
    use_ssl = not bool(extra.get("disable_ssl", False))
    starttls = not bool(extra.get("disable_tls", False)) and not use_ssl
    return SmtpSettings(host=conn.host, port=int(conn.port or (465 if use_ssl else 587)), user=conn.login or None,
                        password=conn.password or None, starttls=starttls, ssl=use_ssl,
                        timeout=float(extra.get("timeout", 30)), origin=f"airflow:{conn_id}")


def resolve_smtp(env: dict[str, str] | None = None) -> SmtpSettings:
    """Environment first, then Airflow's smtp_default; a ConfigError when neither is set."""
    settings = smtp_from_env(env) or smtp_from_airflow()
    if settings is None:
        raise ConfigError("SMTP is not configured: set TRACKTWO_SMTP_HOST (and TRACKTWO_SMTP_PORT, ...) "
                          "or an Airflow smtp_default connection; without --send the digest is written to files")
    return settings


def _domain(address: str) -> str:
    addr = parseaddr(address)[1]
    return addr.rpartition("@")[2] or "tracktwo.invalid"


def build_message(*, subject: str, sender: str, to_email: str, to_name: str | None, text: str, html: str,
                  unsubscribe: list[str], message_id: str | None = None,
                  inline_images: dict[str, bytes] | None = None) -> EmailMessage:
    """multipart/alternative (text, then HTML); optional PNGs inline as multipart/related parts (cid:)."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = Address(display_name=to_name or "", addr_spec=to_email) if to_name else to_email
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(idstring="digest", domain=_domain(sender))
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in unsubscribe)
        if any(u.startswith("https://") for u in unsubscribe):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if inline_images:
        html_part = msg.get_payload()[1]
        for cid, png in inline_images.items():
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>")
    return msg


@dataclass
class Delivery:
    recipient: str
    ok: bool
    error: str | None = None


class Mailer:
    """One SMTP session for many messages; a refused recipient does not stop the others."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except Exception:
                self._smtp.close()
            self._smtp = None

    def send(self, msg: EmailMessage, recipient: str) -> Delivery:
        """Deliver to one envelope recipient; errors become a Delivery with a scrubbed reason."""
        sender = parseaddr(str(msg["From"]))[1]
        for attempt in (1, 2):
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                refused = self._smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
                if refused:
                    code, text = refused.get(recipient, next(iter(refused.values())))
                    return Delivery(recipient, False, self._reason(code, text))
                return Delivery(recipient, True)
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = exc.recipients.get(recipient, next(iter(exc.recipients.values()), (0, b"")))
                self._reset()
                return Delivery(recipient, False, self._reason(code, text))
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    return Delivery(recipient, False, self.settings.scrub(f"server disconnected: {exc}"))
            except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth failed
                self._reset()
                return Delivery(recipient, False, self._reason(exc.smtp_code, exc.smtp_error))
            except (OSError, smtplib.SMTPException) as exc:  # connection refused, TLS, timeouts
                self.close()
                return Delivery(recipient, False, self.settings.scrub(f"{type(exc).__name__}: {exc}"))
        return Delivery(recipient, False, "not sent")

    def _reset(self) -> None:
        """After a refusal the session stays usable; RSET clears the half-built transaction."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except Exception:
            self.close()

    def _reason(self, code: int, text: bytes | str) -> str:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return self.settings.scrub(f"{code} {text}".strip())

"""Email: MIME assembly and SMTP delivery (stdlib only), for the digest and Airflow failure notices.

SMTP settings come from TRACKTWO_SMTP_* (read by `Settings.from_env`) or, when the
environment names no host and Airflow is installed, from Airflow's `smtp_default`
connection. The password is kept out of every repr, log line, file and error message.

TLS (STARTTLS or implicit SSL) always verifies the server's certificate and host
name against the system's CAs; TRACKTWO_SMTP_CA_FILE (or the connection extra
`ca_file`) adds a PEM file of further CAs to trust, e.g. a private CA.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid, parseaddr

from tracktwo.core.errors import ConfigError
from tracktwo.core.settings import Settings, SmtpSettings, ca_file, truthy

# CRLF line ends for SMTP; headers are not folded below RFC 5322's hard limit, because a
# folded List-Unsubscribe URL gets RFC 2047-encoded and clients stop recognising it.
POLICY = SMTP_POLICY.clone(max_line_length=998)


def smtp_from_airflow(conn_id: str = "smtp_default", default_ca_file: str | None = None) -> SmtpSettings | None:
    """Airflow's SMTP connection (the SMTP provider's flags), or None without Airflow or without the connection.

    `BaseHook.get_connection` from the Task SDK reads the connection through the task's supervisor
    inside a task, and from AIRFLOW_CONN_<ID> (JSON or URI) and any configured secrets backend outside one.
    """
    try:
        # Imported here because Airflow is optional (the `airflow` extra): the CLI and researchers run without it.
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowNotFoundException
    except Exception:
        return None
    try:
        conn = BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None
    except Exception as exc:  # no message: a backend's error may quote the connection URI, password included
        raise ConfigError(f"Airflow connection {conn_id!r} could not be read ({type(exc).__name__})") from None
    if not conn.host:
        return None
    extra = conn.extra_dejson or {}
    where = f"Airflow connection {conn_id!r}"
    use_ssl = not truthy(extra.get("disable_ssl", False))
    starttls = not truthy(extra.get("disable_tls", False)) and not use_ssl
    try:
        port = int(conn.port) if conn.port else (465 if use_ssl else 587 if starttls else 25)
        timeout = float(extra.get("timeout", 30))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: port and extra 'timeout' must be numbers") from None
    return SmtpSettings(host=conn.host, port=port, user=conn.login or None, password=conn.password or None,
                        starttls=starttls, ssl=use_ssl, timeout=timeout, origin=f"airflow:{conn_id}",
                        ca_file=ca_file(extra.get("ca_file"), f"{where} extra 'ca_file'") or default_ca_file)


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    """TRACKTWO_SMTP_* when set, else Airflow's smtp_default (with TRACKTWO_SMTP_CA_FILE), else None."""
    return settings.smtp or smtp_from_airflow(default_ca_file=settings.ca_file)


def resolve_smtp(settings: Settings) -> SmtpSettings:
    """Environment first, then Airflow's smtp_default; a ConfigError when neither is set."""
    smtp = smtp_settings(settings)
    if smtp is None:
        raise ConfigError("SMTP is not configured: set TRACKTWO_SMTP_HOST (and TRACKTWO_SMTP_PORT, ...) "
                          "or an Airflow smtp_default connection; without --send the digest is written to files")
    return smtp


def _domain(address: str) -> str:
    addr = parseaddr(address)[1]
    return addr.rpartition("@")[2] or "tracktwo.invalid"


def build_message(*, subject: str, sender: str, to_email: str, to_name: str | None, text: str, html: str,
                  unsubscribe: list[str], message_id: str | None = None) -> EmailMessage:
    """multipart/alternative: the plain-text part, then the HTML part (no external resources)."""
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
    return msg


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in. smtplib sends credentials as ASCII only (a password with an umlaut raised UnicodeEncodeError, a
    traceback); AUTH PLAIN carries UTF-8 (RFC 4616), so a non-ASCII user or password is sent that way."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("the SMTP user or password has non-ASCII characters, which only AUTH "
                                            "PLAIN carries (as UTF-8, RFC 4616), and the server does not offer AUTH "
                                            "PLAIN")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = smtp.docmd("AUTH", "PLAIN " + token)
    if code == 334:  # a server that asks for the response after the command (RFC 4954) gets it then
        code, resp = smtp.docmd(token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


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
        # A failure no retry can fix (login refused, certificate not trusted): the remaining recipients
        # get the same error without new connections, so a wrong password is tried once, not per message.
        self._fatal: str | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = s.ssl_context()
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
                _login(smtp, s.user, s.password or "")
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
            if self._fatal:
                return Delivery(recipient, False, self._fatal)
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
            except smtplib.SMTPAuthenticationError as exc:
                self.close()
                s = self.settings
                self._fatal = self._reason(exc.smtp_code, exc.smtp_error,
                                           f"SMTP login as {s.user!r} refused by {s.host}:{s.port} "
                                           f"(check the user and password in {s.source}): ")
                return Delivery(recipient, False, self._fatal)
            except smtplib.SMTPNotSupportedError as exc:  # the same for every recipient: said once, not retried
                self.close()
                self._fatal = self.settings.scrub(str(exc))
                return Delivery(recipient, False, self._fatal)
            except ssl.SSLCertVerificationError as exc:
                self.close()
                s = self.settings
                self._fatal = s.scrub(
                    f"TLS certificate of {s.host}:{s.port} not trusted: {exc.verify_message or exc} "
                    f"(certificates are verified; to trust a private CA set TRACKTWO_SMTP_CA_FILE, "
                    f"or the Airflow connection extra 'ca_file', to its PEM file)")
                return Delivery(recipient, False, self._fatal)
            except smtplib.SMTPResponseException as exc:  # sender refused, data refused
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

    def _reason(self, code: int, text: bytes | str, prefix: str = "") -> str:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return self.settings.scrub(f"{prefix}{code} {text}".strip())

"""One scrubber for secrets: every message that may echo a credential goes through `scrub`.

A server can echo a credential in forms other than the one typed: URL-encoded (a login form sent back in an
error), JSON-escaped, base64 (SMTP AUTH), in another case, in hex, or cut short (an error message truncated to
its first bytes, "you sent: UCDPSECRET0123"). `scrub` masks the secret in each of those forms, and any piece of
one at least MIN_FRAGMENT characters long; `scrub_bytes` masks the whole forms in a body about to be landed."""

from __future__ import annotations

import base64
import json
from typing import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_FRAGMENT = 8  # a piece of a secret this long is masked too: long enough not to mask ordinary words by chance


def secret_forms(secret: str, user: str | None = None) -> list[str]:
    """The secret as typed and in the base64 forms SMTP AUTH LOGIN / PLAIN send it in."""
    raw = secret.encode("utf-8")
    forms = [secret, base64.b64encode(raw).decode("ascii")]
    if user is not None:
        forms.append(base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + raw).decode("ascii"))
    return forms


def encoded_forms(secret: str) -> set[str]:
    """How a server may write `secret` back: as typed, URL-encoded, JSON-escaped; and, for a secret of at least
    MIN_FRAGMENT characters (a shorter one in another case or in hex would mask ordinary words and numbers), in
    either case, base64 and hex."""
    raw = secret.encode("utf-8")
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    if len(secret) >= MIN_FRAGMENT:
        forms |= {secret.lower(), secret.upper(), base64.b64encode(raw).decode("ascii"),
                  base64.urlsafe_b64encode(raw).decode("ascii"), raw.hex()}
    return {f for f in forms if f}


def _secret_part(secret: str) -> str:
    """The part of a secret whose pieces are masked: an e-mail address's local part (its domain, gmail.com or a
    university's, is no secret, and would mask every mention of that domain)."""
    local, at, domain = secret.rpartition("@")
    return local if at and local and "." in domain else secret


def _all_forms(secrets: Iterable[str]) -> list[str]:
    """Every form of every secret, longest first (a longer form is masked before a shorter one inside it)."""
    return sorted({f for s in secrets if s for f in encoded_forms(s)}, key=len, reverse=True)


def _mask_fragments(text: str, forms: list[str]) -> str:
    """`text` with every run of at least MIN_FRAGMENT characters that is a piece of one of `forms` masked."""
    long_forms = [f for f in forms if len(f) >= MIN_FRAGMENT]
    grams = {f[i:i + MIN_FRAGMENT] for f in long_forms for i in range(len(f) - MIN_FRAGMENT + 1)}
    if not grams:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i:i + MIN_FRAGMENT] in grams:
            j = i + MIN_FRAGMENT
            while j < len(text) and any(text[i:j + 1] in f for f in long_forms):
                j += 1
            out.append(MASK)
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret (encoded_forms) replaced by ***, and every piece of one at least
    MIN_FRAGMENT characters long (of an e-mail address, of its local part)."""
    secrets = [s for s in secrets if s]
    for form in _all_forms(secrets):
        text = text.replace(form, MASK)
    return _mask_fragments(text, _all_forms(_secret_part(s) for s in secrets))


def scrub_bytes(body: bytes, secrets: Iterable[str]) -> tuple[bytes, int]:
    """`body` with every whole form of every secret replaced by ***, and how many were: what a server echoed of a
    credential is not stored. Only forms of at least MIN_FRAGMENT characters: a short one ('2024') would change
    the data itself; nor are pieces looked for (a page is megabytes, an echo is whole)."""
    masked = 0
    for form in (f for f in _all_forms(secrets) if len(f) >= MIN_FRAGMENT):
        needle = form.encode("utf-8")
        if needle in body:
            masked += body.count(needle)
            body = body.replace(needle, MASK.encode())
    return body, masked

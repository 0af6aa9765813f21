"""One scrubber for secrets: every message that may echo a credential goes through `scrub`."""

from __future__ import annotations

import base64
from typing import Iterable


def secret_forms(secret: str, user: str | None = None) -> list[str]:
    """The secret as typed and in the base64 forms SMTP AUTH LOGIN / PLAIN send it in."""
    raw = secret.encode("utf-8")
    forms = [secret, base64.b64encode(raw).decode("ascii")]
    if user is not None:
        forms.append(base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + raw).decode("ascii"))
    return forms


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of every secret replaced by ***, longest first."""
    for form in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(form, "***")
    return text

"""config/digest.yaml: sender, subject, subscribers and what each follows, validated."""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tracktwo.core.config import Config
from tracktwo.core.errors import ConfigError

CONFIG_FILE = "digest.yaml"
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


class Subscriber(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    name: str | None = None
    regions: list[str] | Literal["all"] = "all"

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip()
        if not EMAIL_RE.match(v):
            raise ValueError("not an email address")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and ("\n" in v or "\r" in v):
            raise ValueError("must be one line")
        return v


class DigestSettings(BaseModel):
    """config/digest.yaml."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: str = Field(alias="from")
    dashboard_url: str | None = None
    subject: str = "tracktwo weekly digest {week}: {regions}"
    # List-Unsubscribe targets; {email} is replaced by the URL-encoded recipient.
    unsubscribe: list[str] = []
    top_stories: int = Field(4, ge=1, le=20)
    evidence_per_alert: int = Field(3, ge=1, le=20)
    alerts_per_region: int = Field(5, ge=1, le=50)
    subscribers: list[Subscriber]

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        if not EMAIL_RE.match(parseaddr(v)[1]) or "\n" in v:
            raise ValueError("must be an address such as 'tracktwo <digest@example.org>'")
        return v

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard(cls, v: str | None) -> str | None:
        if v and not re.match(r"^https?://\S+$", v):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("unsubscribe")
    @classmethod
    def _unsub(cls, v: list[str]) -> list[str]:
        for u in v:
            if not re.match(r"^(mailto:|https://)\S+$", u):
                raise ValueError(f"{u!r}: must be a mailto: or https:// URL")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        try:
            v.format(week="2026-W01", regions="x", name="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"unknown placeholder {exc}; use {{week}}, {{regions}}, {{name}}") from None
        return v

    def unsubscribe_for(self, email: str) -> list[str]:
        targets = self.unsubscribe or [f"mailto:{parseaddr(self.sender)[1]}?subject=unsubscribe%20{{email}}"]
        return [u.replace("{email}", quote(email, safe="@")) for u in targets]


def load_settings(config: Config) -> DigestSettings:
    path = config.path(CONFIG_FILE)
    if not path.exists():
        raise ConfigError(f"{path}: file not found (the digest needs subscribers, a sender and a subject)")
    settings = config.settings_file(CONFIG_FILE, DigestSettings, "subscribers", required=True)
    known = {r.id for r in config.regions}
    seen: set[str] = set()
    for i, s in enumerate(settings.subscribers):
        if s.email.lower() in seen:
            raise ConfigError(f"{path}: subscribers[{i}] ({s.email}): listed twice; give one entry per address")
        seen.add(s.email.lower())
        if s.regions != "all":
            bad = [r for r in s.regions if r not in known]
            if bad:
                raise ConfigError(f"{path}: subscribers[{i}] ({s.email}) field 'regions': unknown region ids {bad}; "
                                  f"known: {sorted(known)} or 'all'")
    return settings

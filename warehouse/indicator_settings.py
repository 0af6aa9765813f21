"""Settings of the indicator computation (config/indicators.yaml), validated, with defaults.

Kept apart from the SQL so the CLI, the DAG, the demo and the benchmark read
the same numbers, and so a change of them can be detected (config_hash).
"""

from __future__ import annotations

import hashlib
import json
import re

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tracktwo.core.config import Config

FILE = "indicators.yaml"

DEFAULT_TERMS = ["talks", "negotiation", "negotiations", "negotiator", "negotiators", "negotiating", "mediation",
                 "mediator", "mediators", "mediated", "ceasefire", "cease-fire", "truce", "back-channel",
                 "backchannel", "Track-II", "Track II", "Track 2", "dialogue"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Weights(_M):
    material_conflict: float = Field(0.15, ge=0)
    material_conflict_z: float = Field(0.25, ge=0)
    conflict_share: float = Field(0.15, ge=0)
    conflict_share_z: float = Field(0.10, ge=0)
    goldstein: float = Field(0.10, ge=0)
    goldstein_z: float = Field(0.10, ge=0)
    tone: float = Field(0.05, ge=0)
    tone_z: float = Field(0.10, ge=0)

    @model_validator(mode="after")
    def _positive(self) -> "Weights":
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class IndexSettings(_M):
    z_cap: float = Field(3.0, gt=0)
    material_conflict_half: float = Field(10.0, gt=0)
    goldstein_scale: float = Field(10.0, gt=0)
    tone_scale: float = Field(10.0, gt=0)
    weights: Weights = Weights()


class Bands(_M):
    medium: float
    high: float


class DialogueGap(_M):
    index_min: float = Field(50.0, ge=0, le=100)
    severity: Bands = Bands(medium=65, high=80)


class AlertSettings(_M):
    z: float = Field(2.0, gt=0)
    min_events: int = Field(5, ge=0)
    min_material_conflict: int = Field(3, ge=0)
    severity: Bands = Bands(medium=3.0, high=4.0)
    dialogue_gap: DialogueGap = DialogueGap()


class DialogueSettings(_M):
    cameo_roots: list[str] = ["03", "04", "05"]
    terms: list[str] = Field(default_factory=lambda: list(DEFAULT_TERMS), min_length=1)

    def pattern(self) -> str:
        """RE2 pattern (case-insensitive, word-bounded) matching any term; bound as a parameter."""
        alts = "|".join(re.escape(t) for t in sorted(set(self.terms), key=len, reverse=True))
        return rf"(?i)(^|[^\w])({alts})([^\w]|$)"


class EvidenceSettings(_M):
    max_events: int = Field(5, ge=0)
    max_documents: int = Field(5, ge=0)


class EventFeedSettings(_M):
    """When a day's events are complete (docs/indicators.md, "Partial days")."""

    # The event feed's update interval: a day counts as finished once an update stamped at or after
    # 24:00 minus this (GDELT 2.0: a file every 15 minutes, the day's last one stamped 23:45) is loaded.
    update_minutes: int = Field(15, ge=0, le=1440)


# Floors of the MAD (robust z denominator) per indicator: counts 1 event, shares and means less.
MAD_FLOOR_DEFAULTS: dict[str, float] = {"default": 1.0, "conflict_share": 0.05, "goldstein_mean": 0.5,
                                        "tone_mean": 0.5, "tension_index": 5.0}


class IndicatorSettings(_M):
    baseline_days: int = Field(28, ge=2, le=366)
    min_baseline_days: int = Field(7, ge=1)
    change_days: int = Field(7, ge=1, le=366)
    mad_scale: float = Field(1.4826, gt=0)
    mad_floor: dict[str, float] = dict(MAD_FLOOR_DEFAULTS)
    index: IndexSettings = IndexSettings()
    alerts: AlertSettings = AlertSettings()
    dialogue: DialogueSettings = DialogueSettings()
    evidence: EvidenceSettings = EvidenceSettings()
    event_feed: EventFeedSettings = EventFeedSettings()

    @field_validator("mad_floor", mode="before")
    @classmethod
    def _floor_over_defaults(cls, v: Any) -> Any:
        """Setting one floor keeps the others: a partial mad_floor merges over the defaults."""
        return {**MAD_FLOOR_DEFAULTS, **v} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _check(self) -> "IndicatorSettings":
        if self.min_baseline_days > self.baseline_days:
            raise ValueError("min_baseline_days must not exceed baseline_days")
        if any(v <= 0 for v in self.mad_floor.values()):
            raise ValueError("mad_floor values must be > 0")
        return self

    def floor(self, indicator: str) -> float:
        return self.mad_floor.get(indicator, self.mad_floor.get("default", 1.0))


def load_settings(config: Config) -> IndicatorSettings:
    return config.settings_file(FILE, IndicatorSettings)


def config_hash(settings: IndicatorSettings, config: Config) -> str:
    """Changes when a setting or a region definition changes: such a change forces a full recompute."""
    regions = [{"id": r.id, "countries": sorted(r.countries), "dyads": sorted(sorted(d) for d in r.dyads)}
               for r in sorted(config.regions, key=lambda r: r.id)]
    blob = json.dumps({"settings": settings.model_dump(), "regions": regions}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]

"""Settings of the indicator computation (config/indicators.yaml), validated, with defaults.

Kept apart from the SQL so the CLI, the DAG, the demo and the benchmark read
the same numbers, and so a change of them can be detected (config_hash).
"""

from __future__ import annotations

import math

import hashlib
import json
import re

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from tracktwo.core.config import Config, codes_matching

ACTOR_TYPE = re.compile(r"^[A-Z]{3}$")  # a CAMEO actor type: MIL, REB, GOV, ...
LISTING_SEGMENT = re.compile(r"[a-z0-9-]{1,40}")  # a URL path segment naming a listing page: tag, topics, ...

FILE = "indicators.yaml"
RULES_VERSION = 2  # indicator_runs.rules_version (v1: tracktwo 0.1, whole-country regions)
# Bumped whenever a rule changes within a version (a statistic, a membership rule): part of config_hash,
# so the next run recomputes everything instead of mixing old and new days.
RULES_REVISION = 25  # 4: curated data, month/year-dated events off days, future-dated stories on their fetch day
#                     5: the alert tests' variance floor (their own errors in the dispersion window)
#                     6: the floor's errors against the tested day's baseline, stretches of change left out
#                     7: events placed only at a country's centroid join no region through its areas; the
#                        dialogue tests count dialogue incidents, not events; the fatalities part of the level
#                        carries the last covered day's rate over the datasets' publication lag
#                     8: a day without its GDELT update files (event_feed.min_day_share) is missing, not calm
#                     9: the level is the larger of the news-only level and the level with fatalities
#                     10: UCDP events located only to a province match no box (migration 015)
#                     11: a dialogue-gap is at most medium; its evidence lists the window's dialogue reports
#                     12: the conflict lexicon's plural and past forms (bombardments, invaded, ...)
#                     13: "cessation of hostilities" is a dialogue term, not a conflict one
#                     14: a box's country admits the sea too; a dialogue-gap has no corroboration; a high
#                         de-escalation needs a curated dataset that agrees; the dialogue alerts' "tension is
#                         high" looks at the week before the test window too (documents, at load: an area
#                         country of no side needs a party; Aden, Juba, GNU)
#                     15: UCDP events located to a linear feature or named area match boxes (migration 018)
#                     16: a UCDP event joins a dyadic region by area only with a party or no state at all
#                     17: a UCDP side named "Government of ..." is a state even when its code is not mapped
#                     18: ACLED's state forces ("Military Forces of Russia (2000-)") are their state: the party
#                         test in dyadic areas, and a dyad between two sides' forces (political violence)
#                     19: a document term a region reaches twice (keyword and country term) counts once (at load)
#                     20: a dyad's coverage is NULL on a day whose event numbers are unknown (migration 019)
#                     21: an incident's actor pair is unordered, 043 read as 042 (a meeting coded from both sides)
#                     22: an incident's actor is its known group, else its country, else its code (one
#                         sentence coded at two granularities, RUS -> UKR and RUS -> UKRCVL, is one incident)
#                     23: an event whose source is a site's listing page (/tag/<name>/) does not count
#                     24: UCDP events in international waters or airspace match boxes (migration 024)
#                     25: a story first published before an alert's test window (a re-run) corroborates nothing

DEFAULT_TERMS = ["talks", "negotiate", "negotiated", "negotiation", "negotiations", "negotiator", "negotiators",
                 "negotiating", "mediation",
                 "mediator", "mediators", "mediated", "ceasefire", "cease-fire", "truce", "back-channel",
                 "backchannel", "Track-II", "Track II", "Track 2", "dialogue", "cessation of hostilities"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventFilter(_M):
    """Which GDELT events count (docs/indicators.md, "Noise controls"); the others are kept but not counted."""

    root_only: bool = True          # IsRootEvent: coded from a lead paragraph, not from background sentences
    min_sources: int = Field(1, ge=1)   # NumSources of the export row
    min_mentions: int = Field(1, ge=1)  # NumMentions of the export row
    max_lag_days: int = Field(1, ge=0)  # DATEADDED - SQLDATE: older dates are references to past events
    # A SOURCEURL that is a site's listing page (its path ends in /tag/<name>/, optionally /page/<n>/): GDELT
    # codes the excerpts of recent stories it shows, again and under each tag, dated the day it crawls the page,
    # and the page a reader opens later lists other stories. Empty: such events count.
    listing_pages: list[str] = ["tag", "tags", "topic", "topics", "category", "categories"]

    @field_validator("listing_pages")
    @classmethod
    def _path_segments(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if not LISTING_SEGMENT.fullmatch(x)]
        if bad:
            raise ValueError(f"path segments are lowercase letters, digits and hyphens (1-40): {bad}")
        return v

    def listing_regex(self) -> str | None:
        """The pattern of a listing page's URL (case-insensitive), or None when none is excluded."""
        if not self.listing_pages:
            return None
        # in the path only (scheme and host, then the path's folders; query and fragment aside): .../<segment>/
        # <name>, optionally /page/<n>, optionally a closing slash
        return (r"(?i)^[a-z][a-z0-9+.-]*://[^/?#]*/(?:[^?#]*/)?(?:" + "|".join(self.listing_pages)
                + r")/[^/?#]+(?:/page/[0-9]+)?/?(?:[?#].*)?$")


class MembershipSettings(_M):
    """Which actors GDELT did not identify still tie an event in a dyadic region's areas to it."""

    # CAMEO actor types of armed actors (soldiers, rebels, insurgents, separatists, unaligned armed forces,
    # intelligence): coded without a country, in a war zone they may belong to either side. Unidentified
    # officials, legislators, protesters or civilians are most often the place's own domestic actors.
    unidentified_armed_types: list[str] = ["MIL", "REB", "INS", "SEP", "UAF", "SPY"]
    # An event GDELT could place only at a whole country (ActionGeo_Type 1: the country's centroid, when an
    # article names the country and no place in it) says nothing about where it happened: on the real export of
    # 2019-10-24, 14 of the 15 such events "in Ukraine" came from US political coverage. By default such an event
    # joins a region through its dyad only; true lets it join an area country (boxes and ADM1 codes never match it).
    country_centroids_in_areas: bool = False

    @field_validator("unidentified_armed_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        return codes_matching(v, ACTOR_TYPE, "3-letter CAMEO actor types")


class LevelWeights(_M):
    intensity: float = Field(0.7, ge=0)       # conflict incidents per day, saturating
    conflict_share: float = Field(0.3, ge=0)  # share of conflict among counted events
    # fatalities per day in curated data (ACLED / UCDP), saturating; used only on days a dataset covers
    fatalities: float = Field(0.5, ge=0)

    @model_validator(mode="after")
    def _positive(self) -> "LevelWeights":
        if self.intensity + self.conflict_share <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class IndexSettings(_M):
    """The tension index: a level 0-100 from the last `window_days` days, with no baseline in it."""

    window_days: int = Field(7, ge=1, le=60)
    conflict_half: float = Field(5.0, gt=0)   # conflict incidents per day at which the intensity part is one half
    # curated fatalities per day at which the fatalities part is one half: 100 in 30 days, the floor of
    # HDX Signals' ACLED rule (docs/indicators.md, "Curated data")
    fatalities_half: float = Field(3.33, gt=0)
    # after the curated datasets' last covered day, the fatalities part keeps that day's rate for this many days
    # (ACLED publishes weekly, UCDP Candidate monthly): the level does not jump while a week is unpublished
    fatalities_carry_days: int = Field(45, ge=0, le=90)
    change_days: int = Field(7, ge=1, le=90)  # tension_change: conflict incidents of these days against the ones before
    weights: LevelWeights = LevelWeights()


class DialogueAlertSettings(_M):
    index_min: float = Field(40.0, ge=0, le=100)  # dialogue-gap and dialogue-opening need tension at least this high


class AlertSettings(_M):
    """Negative-binomial tests against a baseline (docs/indicators.md, "Alerts")."""

    family_alpha: float = Field(0.004, gt=0, lt=0.5)  # per region-day, all four tests together (Bonferroni)
    baseline_days: int = Field(28, ge=7, le=366)      # days whose mean is the expected rate
    dispersion_days: int = Field(84, ge=14, le=732)   # days the dispersion is estimated from
    guard_days: int = Field(7, ge=1, le=60)           # days between the baseline and the day tested
    min_baseline_days: int = Field(14, ge=3)          # evaluable baseline days a test needs ...
    min_dispersion_days: int = Field(28, ge=7)        # ... and evaluable days to estimate the dispersion from
    min_incidents: int = Field(3, ge=1)               # escalation: conflict incidents needed on the day
    min_expected: float = Field(1.0, ge=0)            # de-escalation: baseline incidents per day needed
    medium_factor: float = Field(10.0, ge=1)          # medium: p below alpha / medium_factor
    high_factor: float = Field(100.0, ge=1)           # high: p below alpha / high_factor ...
    high_corroboration: int = Field(2, ge=1)          # ... and this many independent publishers agree
    dialogue: DialogueAlertSettings = DialogueAlertSettings()

    @model_validator(mode="after")
    def _check_minimums(self) -> "AlertSettings":
        """A minimum above its window could never be met: every test would stay silent without saying why."""
        if self.min_baseline_days > self.baseline_days:
            raise ValueError("alerts.min_baseline_days must not exceed alerts.baseline_days")
        if self.min_dispersion_days > self.dispersion_days:
            raise ValueError("alerts.min_dispersion_days must not exceed alerts.dispersion_days")
        return self

    @property
    def alpha(self) -> float:
        """The threshold of each of the four tests (Bonferroni over the family)."""
        return self.family_alpha / 4


def _word_edged(phrases: list[str]) -> list[str]:
    """Exclusion phrases must begin and end with a letter or digit (they are matched on word boundaries)."""
    bad = [p for p in phrases if not p or not (p[0].isalnum() and p[-1].isalnum())]
    if bad:
        raise ValueError(f"{', '.join(repr(p) for p in bad)} must begin and end with a letter or digit")
    return phrases


# Phrases taken out of a document's text before a lexicon is matched (dialogue.not_dialogue, evidence.not_conflict)
ExclusionPhrases = Annotated[list[str], AfterValidator(_word_edged)]

# Phrases in which a dialogue term reports the opposite: the OSCE's daily reports count "ceasefire violations"
# (7 of the 20 items of the real ReliefWeb Ukraine feed of 2020-09-17), which are fighting, not talks.
DEFAULT_NOT_DIALOGUE = ["ceasefire violation", "ceasefire violations", "cease-fire violation", "cease-fire violations",
                        "truce violation", "truce violations"]


class DialogueSettings(_M):
    cameo_roots: list[str] = ["03", "04", "05"]
    terms: list[str] = Field(default_factory=lambda: list(DEFAULT_TERMS), min_length=1)
    # removed from a document's text before the terms are matched (case-insensitive, on word boundaries)
    not_dialogue: ExclusionPhrases = Field(default_factory=lambda: list(DEFAULT_NOT_DIALOGUE))

    def pattern(self) -> str:
        return _pattern(self.terms)

    def exclusion(self) -> str:
        return _phrases(self.not_dialogue)


DEFAULT_CONFLICT_TERMS = ["attack", "attacks", "attacked", "strike", "strikes", "airstrike", "airstrikes", "air strike",
                          "shelling", "shelled", "missile", "missiles", "drone", "drones", "rocket", "rockets",
                          "killed", "killing", "dead", "wounded", "clashes", "clash", "fighting", "offensive",
                          "bombardment", "bombardments", "bombing", "bombings", "explosion", "explosions", "raid",
                          "raids", "artillery", "invasion", "invade", "invaded", "invading", "hostilities",
                          "cluster munition", "cluster munitions", "troops",
                          "ambush", "massacre", "casualties", "gunfire", "siege", "shot down", "incursion",
                          "ceasefire violation", "ceasefire violations", "cease-fire violation", "cease-fire violations"]
# Phrases in which a conflict term speaks of something else (the real ReliefWeb feed: "medical workers bravely
# fighting the virus" in a report on oxygen concentrators).
DEFAULT_NOT_CONFLICT = ["cessation of hostilities", "fighting the virus", "fighting the pandemic", "fighting COVID-19", "fighting coronavirus",
                        "fighting the coronavirus", "fighting poverty", "fighting corruption"]


class EvidenceSettings(_M):
    max_events: int = Field(5, ge=0)
    max_documents: int = Field(5, ge=0)
    # Matched case-insensitively on word boundaries in a document's title and summary: a document that
    # reports conflict (escalation evidence). Dialogue evidence uses dialogue.terms.
    conflict_terms: list[str] = Field(default_factory=lambda: list(DEFAULT_CONFLICT_TERMS), min_length=1)
    # removed from a document's text before the conflict terms are matched
    not_conflict: ExclusionPhrases = Field(default_factory=lambda: list(DEFAULT_NOT_CONFLICT))

    def conflict_pattern(self) -> str:
        return _pattern(self.conflict_terms)

    def conflict_exclusion(self) -> str:
        return _phrases(self.not_conflict)


class EventFeedSettings(_M):
    """When a day's events are complete (docs/indicators.md, "Partial days")."""

    # The event feed's update interval: a day counts as finished once an update stamped at or after
    # 24:00 minus this (GDELT 2.0: a file every 15 minutes, the day's last one stamped 23:45) is loaded.
    update_minutes: int = Field(15, ge=0, le=1440)
    # A day whose loaded update files (gdelt_files.file_ts) are fewer than this share of the day's updates
    # (1440 / update_minutes) is missing, not calm: its event columns are NULL, as on a partial day. A feed
    # outage or a first run that loads only the last day must not read as days without conflict.
    min_day_share: float = Field(0.9, ge=0, le=1)

    def min_day_files(self) -> int:
        """Update files a day needs for its events to count (0: no check)."""
        return math.ceil(self.min_day_share * 1440 / self.update_minutes) if self.update_minutes else 0


NEVER = r"[^\s\S]"  # an RE2 pattern that matches nothing (no exclusions)


def _phrases(phrases: list[str]) -> str:
    """RE2 pattern (case-insensitive) of whole phrases to take out of a text before a lexicon is matched.
    Word boundaries (\\b), which consume no character: two phrases one character apart are both taken out
    (a pattern that matched the characters around a phrase would use up the next one's)."""
    return rf"(?i)\b({_alternatives(phrases)})\b" if phrases else NEVER


def _pattern(terms: list[str]) -> str:
    """RE2 pattern (case-insensitive, word-bounded) matching any term; bound as a parameter."""
    return rf"(?i)(^|[^\w])({_alternatives(terms)})([^\w]|$)"


def _alternatives(terms: list[str]) -> str:
    """The terms as one RE2 alternation, longest first (so 'air strike' wins over 'strike')."""
    return "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))


# Floors of the MAD (robust z denominator) per indicator: counts 1 event, shares and means less.
MAD_FLOOR_DEFAULTS: dict[str, float] = {"default": 1.0, "conflict_share": 0.05, "goldstein_mean": 0.5,
                                        "tone_mean": 0.5}


class IndicatorSettings(_M):
    # robust z-scores and 7-day changes of the descriptive columns (<name>_z, <name>_chg7)
    baseline_days: int = Field(28, ge=2, le=366)
    min_baseline_days: int = Field(7, ge=1)
    change_days: int = Field(7, ge=1, le=366)
    mad_scale: float = Field(1.4826, gt=0)
    mad_floor: dict[str, float] = dict(MAD_FLOOR_DEFAULTS)
    event_filter: EventFilter = EventFilter()
    membership: MembershipSettings = MembershipSettings()
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


def config_hash(settings: IndicatorSettings, config: Config, reference: str = "") -> str:
    """Changes when a setting, a region definition or the reference data the computation reads (`reference`, a
    digest: ACLED's state names) changes: such a change forces a full recompute."""
    regions = [r.model_dump(exclude={"name", "keywords"}) for r in sorted(config.regions, key=lambda r: r.id)]
    blob = json.dumps({"rules": [RULES_VERSION, RULES_REVISION], "settings": settings.model_dump(), "regions": regions,
                       "reference": reference}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]

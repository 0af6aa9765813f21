"""Which countries and regions a text is about, with the matched term as evidence.

Terms are proper nouns, matched case-sensitively on word boundaries and
longest first, so "Niger" is not found inside "Nigeria" and
"Democratic Republic of the Congo" wins over "Republic of the Congo".
Ambiguous terms ("Georgia") count only when none of their country's
negative-context terms ("Atlanta") appear in the same text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tracktwo.core.config import GazetteerCountry, Region


@dataclass(frozen=True)
class Place:
    place_type: str  # country | region
    place_id: str
    matched_term: str
    mentions: int


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alts})(?![\w])")


class Gazetteer:
    def __init__(self, countries: dict[str, GazetteerCountry], regions: list[Region]):
        self.term_country: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}
        self.negative: dict[str, re.Pattern[str] | None] = {}
        for iso3, c in countries.items():
            for t in c.terms + [c.name]:
                self.term_country.setdefault(t, iso3)
            for t in c.ambiguous:
                self.term_country.setdefault(t, iso3)
                self.ambiguous[t] = []
            self.negative[iso3] = _pattern(c.negative_context)
        self.country_re = _pattern(list(self.term_country))
        self.regions = regions
        self.keyword_region: dict[str, list[str]] = {}
        for r in regions:
            for k in r.keywords:
                self.keyword_region.setdefault(k, []).append(r.id)
        self.keyword_re = _pattern(list(self.keyword_region))

    def countries(self, text: str) -> Counter[tuple[str, str]]:
        """(iso3, term) -> mentions."""
        found: Counter[tuple[str, str]] = Counter()
        if not text or self.country_re is None:
            return found
        for m in self.country_re.finditer(text):
            term = m.group(0)
            iso3 = self.term_country[term]
            if term in self.ambiguous:
                neg = self.negative.get(iso3)
                if neg is not None and neg.search(text):
                    continue
            found[(iso3, term)] += 1
        return found

    def places(self, text: str) -> list[Place]:
        out: list[Place] = []
        countries = self.countries(text)
        for (iso3, term), n in sorted(countries.items()):
            out.append(Place("country", iso3, term, n))
        iso_terms: dict[str, list[tuple[str, int]]] = {}
        for (iso3, term), n in countries.items():
            iso_terms.setdefault(iso3, []).append((term, n))
        region_hits: Counter[tuple[str, str]] = Counter()
        for r in self.regions:
            for iso3 in r.countries:
                for term, n in iso_terms.get(iso3, []):
                    region_hits[(r.id, term)] += n
        if self.keyword_re is not None and text:
            for m in self.keyword_re.finditer(text):
                for rid in self.keyword_region[m.group(0)]:
                    region_hits[(rid, m.group(0))] += 1
        for (rid, term), n in sorted(region_hits.items()):
            out.append(Place("region", rid, term, n))
        return out

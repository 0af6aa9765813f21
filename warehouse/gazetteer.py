"""Which countries and regions a text is about, with the matched term as evidence.

Terms are proper nouns, matched case-sensitively on word boundaries and
longest first, so "Niger" is not found inside "Nigeria" and
"Democratic Republic of the Congo" wins over "Republic of the Congo".
Ambiguous terms ("Georgia") count only when none of their country's
negative-context terms ("Atlanta") appear in the same text.

Regions follow the membership rule of docs/indicators.md: a text is about a dyadic
region when it names both sides (reason `dyad`: a term of each side's countries) or
one of its places (reason `area`: a term of an area country, or a keyword); about an
internal region when it names one of its places.
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
    reason: str | None = None  # regions: dyad (both sides named) | area (a place of the region named)


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
        self.keyword_re = _pattern([k for r in regions for k in r.keywords])

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
        keyword_hits: Counter[str] = Counter()
        if self.keyword_re is not None and text:
            keyword_hits.update(m.group(0) for m in self.keyword_re.finditer(text))
        for r in self.regions:
            hits: Counter[tuple[str, str]] = Counter()  # (term, reason) -> mentions
            if r.type == "dyadic":
                sides = [[(t, n) for c in side.countries for t, n in iso_terms.get(c, [])] for side in r.sides]
                if all(sides):
                    for t, n in sides[0] + sides[1]:
                        hits[(t, "dyad")] += n
            for c in r.areas.countries:
                for t, n in iso_terms.get(c, []):
                    hits[(t, "area")] += n
            for k in r.keywords:
                if keyword_hits[k]:
                    hits[(k, "area")] += keyword_hits[k]
            terms: dict[str, tuple[int, str]] = {}
            for (t, reason), n in hits.items():  # a term that is both a side and a place is a dyad term
                if t not in terms or reason == "dyad":
                    terms[t] = (n, reason)
            for t, (n, reason) in sorted(terms.items()):
                out.append(Place("region", r.id, t, n, reason))
        return out

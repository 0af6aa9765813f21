"""Which countries and regions a text is about, with the matched term as evidence.

Terms are proper nouns, matched case-sensitively on word boundaries and
longest first, so "Niger" is not found inside "Nigeria" and
"Democratic Republic of the Congo" wins over "Republic of the Congo".
Ambiguous terms ("Georgia") count only when none of their negative-context
terms ("Atlanta") appear in the same text; a region keyword that is an ambiguous
term ("M23", "Hebron") follows the same contexts.

Regions follow the membership rule of docs/indicators.md: a text is about a dyadic
region when it names both sides (reason `dyad`: a term of each side's countries) or
one of its places (reason `area`: a term of an area country, or a keyword; an area country
that is no side's counts only beside a party: a side's country or a keyword, as an event
there needs a party); about an internal region when it names one of its places.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

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


_WORD = re.compile(r"\w+")
# The language tags ReliefWeb puts in titles ("[EN/UK]": English and Ukrainian, "[EN/RU/UK]", "[UK]"): not countries
# (5 of the 20 items of the real ReliefWeb Ukraine feed were tagged as the United Kingdom by them). Only brackets
# made of language codes (ISO 639-1, and UA) are taken out: "[US/UK]" or "[UAE/KSA]" stay.
LANGUAGE_CODES = frozenset("AM AR AZ BN DE EN ES FA FR HI HT HY ID IT JA KA KO KU MY NE PL PS PT RO RU SO SW TI TR "
                           "UA UK UR ZH".split())
_BRACKET_CODES = re.compile(r"\[([A-Za-z]{2}(?:/[A-Za-z]{2})*)\]")


def without_language_tags(text: str) -> str:
    return _BRACKET_CODES.sub(
        lambda m: " " if all(c.upper() in LANGUAGE_CODES for c in m.group(1).split("/")) else m.group(0), text)
_WORD_START = re.compile(r"\w")


def _candidate_words(first_words: list[str]) -> re.Pattern[str]:
    """The whole words of a text that may be a term's first word: those starting with an upper-case letter that
    starts one (terms are proper nouns), and the few first words that do not start upper-case, by name ("al",
    "eSwatini"). The same words `\\w+` finds there, minus the ones no term can start with (most of a text): the
    matcher's loop then visits about a fifth of the words."""
    upper = sorted({w[0] for w in first_words if w[0].isupper()})
    others = sorted((w for w in first_words if not w[0].isupper()), key=len, reverse=True)
    branches = []
    if upper:
        branches.append("[" + "".join(re.escape(c) for c in upper) + r"]\w*")
    branches += [re.escape(w) + r"(?!\w)" for w in others]
    return re.compile(r"(?<!\w)(?:" + "|".join(branches or [r"(?!)"]) + ")")


class TermMatcher:
    """The terms a text names, in order: the same matches as `_pattern(terms).finditer(text)` (whole words,
    case-sensitive, longest term first at each position, non-overlapping), found with one pass of `\\w+` over
    the text and a dictionary lookup per word instead of a 2,000-way regex alternation tried at every
    character (about 8 times faster on real feed text; tests/test_gazetteer.py checks the two agree).

    A term can only start where a word starts (every term starts with a word character, checked here), so
    the candidates at a word are the terms whose first word it is, longest first."""

    def __init__(self, terms: list[str]):
        self.by_first: dict[str, list[str]] = {}
        for t in sorted(set(terms), key=len, reverse=True):
            first = _WORD.match(t)
            if not t or first is None:
                raise ValueError(f"gazetteer term {t!r} does not start with a letter or digit")
            self.by_first.setdefault(first.group(0), []).append(t)
        self.candidates = _candidate_words(list(self.by_first))

    def finditer(self, text: str) -> Iterator[str]:
        end = 0
        n = len(text)
        for m in self.candidates.finditer(text):
            start = m.start()
            if start < end:
                continue
            for term in self.by_first.get(m.group(0), ()):
                stop = start + len(term)
                if text.startswith(term, start) and (stop == n or not _WORD_START.match(text, stop)):
                    yield term
                    end = stop
                    break


class Gazetteer:
    def __init__(self, countries: dict[str, GazetteerCountry], regions: list[Region]):
        self.term_country: dict[str, str] = {}
        # an ambiguous term -> the contexts in which it is about something else (None: it has none)
        self.negative: dict[str, re.Pattern[str] | None] = {}
        for iso3, c in countries.items():
            for t in c.terms + [c.name]:
                self.term_country.setdefault(t, iso3)
            for t in c.ambiguous:
                self.term_country.setdefault(t, iso3)
                if self.term_country[t] == iso3:  # the contexts of the country the term counts for
                    self.negative[t] = _pattern(c.negative_contexts(t))
        self.country_terms = TermMatcher(list(self.term_country))
        self.regions = regions
        self.keyword_terms = TermMatcher([k for r in regions for k in r.keywords])
        # which regions a country or keyword can put a text in (the others need not be looked at)
        self.regions_of_country: dict[str, set[int]] = {}
        self.regions_of_keyword: dict[str, set[int]] = {}
        # each region's side countries: an area country outside them places a text only beside a party (places())
        self.side_countries: list[frozenset[str]] = [frozenset(c for side in r.sides for c in side.countries)
                                                     for r in regions]
        for i, r in enumerate(regions):
            for c in [c for side in r.sides for c in side.countries] + list(r.areas.countries):
                self.regions_of_country.setdefault(c, set()).add(i)
            for k in r.keywords:
                self.regions_of_keyword.setdefault(k, set()).add(i)

    def countries(self, text: str) -> Counter[tuple[str, str]]:
        """(iso3, term) -> mentions."""
        return self._countries(without_language_tags(text) if text else "")

    def _countries(self, plain: str) -> Counter[tuple[str, str]]:
        """countries() of a text already without its language tags."""
        found: Counter[tuple[str, str]] = Counter()
        for term in self.country_terms.finditer(plain):
            if not self._silenced(term, plain):
                found[(self.term_country[term], term)] += 1
        return found

    def _silenced(self, term: str, text: str) -> bool:
        """An ambiguous term beside one of its negative contexts is about something else; a region keyword that
        is an ambiguous gazetteer term ("M23", "Hebron") follows the same contexts."""
        neg = self.negative.get(term)
        return neg is not None and neg.search(text) is not None

    def places(self, text: str, coded_countries: Iterable[str] = ()) -> list[Place]:
        """The countries and regions `text` names; `coded_countries` are ISO3 codes the publisher itself gave
        the text (ReliefWeb's country field), counted as one mention each under the term 'coded:<ISO3>'."""
        out: list[Place] = []
        plain = without_language_tags(text) if text else ""
        countries = self._countries(plain)
        for iso3 in coded_countries:
            countries.setdefault((iso3, f"coded:{iso3}"), 1)
        for (iso3, term), n in sorted(countries.items()):
            out.append(Place("country", iso3, term, n))
        iso_terms: dict[str, list[tuple[str, int]]] = {}
        for (iso3, term), n in countries.items():
            iso_terms.setdefault(iso3, []).append((term, n))
        keyword_hits: Counter[str] = Counter(k for k in self.keyword_terms.finditer(plain)
                                             if not self._silenced(k, plain))
        candidates: set[int] = set()
        for iso3 in iso_terms:
            candidates |= self.regions_of_country.get(iso3, set())
        for k in keyword_hits:
            candidates |= self.regions_of_keyword.get(k, set())
        for i in sorted(candidates):
            r = self.regions[i]
            # (term, reason) -> mentions. A term reached twice (a keyword that is also an area country's term,
            # "Crimea"; a term two countries share) is the same occurrences in the text: counted once, not added
            hits: dict[tuple[str, str], int] = {}
            if r.type == "dyadic":
                sides = [[(t, n) for c in side.countries for t, n in iso_terms.get(c, [])] for side in r.sides]
                if all(sides):
                    for t, n in sides[0] + sides[1]:
                        _count(hits, t, "dyad", n)
            sides_countries = self.side_countries[i]
            # an area country that is no side's (Lebanon, for Israel-Iran and Hezbollah) places a text in a dyadic
            # region only beside a party (a side's country or one of the region's keywords), as an event there
            # needs a party: "Lebanese protesters clash with police in Beirut" is not the Israel-Hezbollah war
            with_party = r.type != "dyadic" or any(iso_terms.get(c) for c in sides_countries) \
                or any(keyword_hits[k] for k in r.keywords)
            for c in r.areas.countries:
                if c not in sides_countries and not with_party:
                    continue
                for t, n in iso_terms.get(c, []):
                    _count(hits, t, "area", n)
            for k in r.keywords:
                if keyword_hits[k]:
                    _count(hits, k, "area", keyword_hits[k])
            terms: dict[str, tuple[int, str]] = {}
            for (t, reason), n in hits.items():  # a term that is both a side and a place is a dyad term
                if t not in terms or reason == "dyad":
                    terms[t] = (n, reason)
            for t, (n, reason) in sorted(terms.items()):
                out.append(Place("region", r.id, t, n, reason))
        return out


def _count(hits: dict[tuple[str, str], int], term: str, reason: str, n: int) -> None:
    """A term's mentions for a reason: reached twice, it is the same occurrences (the larger count, not the sum)."""
    hits[(term, reason)] = max(hits.get((term, reason), 0), n)


_SHARED: Gazetteer | None = None


def use_gazetteer(countries: dict[str, GazetteerCountry], regions: list[Region]) -> None:
    """Build the gazetteer this process tags with (a worker pool's initializer: built once per process, not
    sent with every feed)."""
    global _SHARED
    _SHARED = Gazetteer(countries, regions)


def shared_gazetteer() -> Gazetteer:
    if _SHARED is None:
        raise RuntimeError("no gazetteer in this process: use_gazetteer() runs first (the load's worker setup)")
    return _SHARED

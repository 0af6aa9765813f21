"""Gazetteer: word boundaries, longest match, ambiguity rules, region tagging."""

from __future__ import annotations

import pytest

from conftest import PROJECT_CONFIG
from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config
from warehouse.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    config = open_config(Settings(PROJECT_CONFIG, PROJECT_CONFIG / "unused"))
    return Gazetteer(config.gazetteer, config.regions)


def countries(gaz, text):
    return {iso for iso, _ in gaz.countries(text)}


def regions(gaz, text):
    return {p.place_id for p in gaz.places(text) if p.place_type == "region"}


def test_niger_is_not_nigeria(gaz):
    assert countries(gaz, "Flooding in Nigeria displaced thousands; Nigerian officials appealed for aid.") == {"NGA"}
    assert countries(gaz, "Soldiers killed in Niger near the border; Nigerien authorities said.") == {"NER"}
    assert countries(gaz, "Niger and Nigeria agree on border patrols") == {"NER", "NGA"}


def test_georgia_country_vs_us_state(gaz):
    assert countries(gaz, "Protesters gathered in Tbilisi as Georgia's parliament voted.") == {"GEO"}
    assert "GEO" not in countries(gaz, "Voters in Atlanta, Georgia, went to the polls for the Senate runoff.")
    assert "GEO" in countries(gaz, "Russia and Georgia discussed the status of Abkhazia.")


def test_congo_vs_dr_congo(gaz):
    assert countries(gaz, "Fighting near Goma in the Democratic Republic of the Congo") == {"COD"}
    assert countries(gaz, "Elections in the Republic of the Congo, where Brazzaville hosted observers") == {"COG"}
    assert countries(gaz, "DR Congo and Rwanda signed a declaration") == {"COD", "RWA"}


def test_north_vs_south_korea(gaz):
    assert countries(gaz, "North Korea fired a missile, officials in Seoul said") == {"PRK", "KOR"}
    assert countries(gaz, "Pyongyang rejected the offer") == {"PRK"}
    assert countries(gaz, "South Korean troops held drills") == {"KOR"}
    assert countries(gaz, "The Korean War ended in an armistice") == set()


def test_aliases_and_evidence(gaz):
    found = gaz.countries("Strikes on Kiev and Kyiv; shelling in Donbas")
    assert {term for (iso, term) in found if iso == "UKR"} == {"Kiev", "Kyiv", "Donbas"}
    assert countries(gaz, "Aid reached Gaza and the West Bank") == {"PSE"}
    assert countries(gaz, "Taipei said aircraft crossed the median line") == {"TWN"}


def test_regions_from_countries_and_keywords(gaz):
    assert "russia-ukraine" in regions(gaz, "Shelling in Kharkiv overnight")
    assert "taiwan-strait" in regions(gaz, "Tension rises in the Taiwan Strait")
    assert "korean-peninsula" in regions(gaz, "Pyongyang tested a missile")
    assert "israel-palestine" in regions(gaz, "Aid convoys waited at Rafah in Gaza")
    # Gaza is not a place of the Israel-Iran region: one story, one conflict (no silent double count)
    assert "middle-east" not in regions(gaz, "Aid convoys waited at Rafah in Gaza")


def reasons(gaz, text):
    return {(p.place_id, p.matched_term, p.reason) for p in gaz.places(text) if p.place_type == "region"}


def test_documents_follow_the_membership_rule(gaz):
    # a dyadic region needs both sides named, or one of its places
    assert "russia-ukraine" not in regions(gaz, "Moscow court jails a Russian blogger")  # one side, far from the war
    assert "taiwan-strait" not in regions(gaz, "Beijing announces new rules for Chinese banks")
    assert "korean-peninsula" not in regions(gaz, "Seoul elects a new mayor")  # South Korea alone is no place of it
    assert reasons(gaz, "Moscow and Kyiv trade accusations") >= {("russia-ukraine", "Moscow", "dyad"),
                                                                  ("russia-ukraine", "Kyiv", "dyad")}
    # Ukraine is where the war is fought: naming it is naming a place of the region
    assert ("russia-ukraine", "Kyiv", "area") in reasons(gaz, "Power cuts in Kyiv after the storm")
    # internal regions: their places only
    assert "sudan" in regions(gaz, "Fighting in El Fasher")
    assert "sudan" not in regions(gaz, "Egypt and Ethiopia discuss the Nile dam")


def test_case_and_boundaries(gaz):
    assert countries(gaz, "a turkey dinner for thanksgiving") == set()
    assert countries(gaz, "Ukrainians and Ukraine's allies") == {"UKR"}


def _texts_to_match() -> list[str]:
    """Real feed text (the demo's outlets, the real feeds of ../shared when present) and edge cases."""
    from pathlib import Path

    from extractors.rss import parse_feed
    from tracktwo.demo.feeds import feed_files

    bodies = [t.encode() for t in feed_files().values()]
    shared = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "rss"
    bodies += [p.read_bytes() for p in sorted(shared.glob("*.xml"))] if shared.is_dir() else []
    texts = [f"{i.title or ''} \n {i.summary or ''}" for b in bodies for i in parse_feed(b).items]
    return texts + [
        "U.S.Army in Niger, Nigeria; Congo-Brazzaville and D.R. Congo, Republic of the Congo",
        "Côte d’Ivoire U.K.U.S. Washington, D.C. Washington D.C.", "Georgia Atlanta Georgia", "Ukraine's Ukrainians",
        "NigerNiger Niger-Niger _Niger Niger_ 2Niger Niger2 Россия Ukraine", "", "Taiwan Strait China Taiwan PLA",
    ]


def test_term_matcher_finds_exactly_what_the_regex_finds(gaz):
    """The fast matcher (one pass over words, dictionary lookups) gives the same terms, in the same order, as the
    longest-first whole-word regex it replaced, on real feed text and edge cases: tags must not change."""
    import random

    from warehouse.gazetteer import TermMatcher, _pattern

    keywords = [k for r in gaz.regions for k in r.keywords]
    lower_first = [t for t in terms_and_keywords(gaz) if not t[0].isupper()]
    assert lower_first  # "al-Shabaab", "eSwatini": found by name, not by their capital letter
    texts = _texts_to_match() + ["eSwatini al-Shabaab alShabaab Al-Shabaab the al-Shabaab, eSwatinis eswatini",
                                 "Éire İstanbul Ål"]
    rng = random.Random(7)
    seps = [" ", "-", ".", ",", "'", "’", "", "\n", "x", "é", "_", "2"]
    for terms in (list(gaz.term_country), keywords):
        regex, fast = _pattern(terms), TermMatcher(terms)
        mixed = texts + ["".join(rng.choice(terms + lower_first) + rng.choice(seps) for _ in range(12))
                         for _ in range(300)]
        assert len(mixed) > 400
        for text in mixed:
            assert list(fast.finditer(text)) == [m.group(0) for m in regex.finditer(text)], text


def terms_and_keywords(gaz) -> list[str]:
    return list(gaz.term_country) + [k for r in gaz.regions for k in r.keywords]


def test_reliefweb_language_tags_are_not_countries(gaz):
    """The real ReliefWeb Ukraine feed: "[EN/UK]" is English and Ukrainian; it tagged 5 of 20 items as the UK."""
    assert countries(gaz, "Ukraine Legislative Update: August 2020 [EN/UK]") == {"UKR"}
    assert "GBR" not in countries(gaz, "Ukraine: DDG Legal Alert: Issue 55 - August 2020 [EN/RU/UK]")
    assert "GBR" in countries(gaz, "The UK donated respirators to Ukraine [EN/UK]")  # the country itself still counts


@pytest.mark.parametrize("text, region", [
    ("Clashes erupt in Tripoli, Lebanon, between rival families", "libya"),
    ("Landslide buries homes in Beni, Myagdi district of western Nepal", "dr-congo"),
    ("Tourists return to Palma as the island reopens", "mozambique-cabo-delgado"),
    ("Ferry sinks off Pemba island, Zanzibar", "mozambique-cabo-delgado"),
    ("Kaduna governor Nasir El-Rufai opens a new road", "south-sudan"),
    ("New HTS codes for steel imports take effect", "syria"),
    ("Fano film festival opens", "horn-of-africa"),
    ("Record season for the Red Sea resort towns", "yemen"),
    ("Al-Shabaab fighters attack AU base near Aden Adde International Airport in Mogadishu", "yemen"),
    ("Kenya's Defence Secretary Aden Duale visits troops on the border", "yemen"),
    ("Somalia's president names Mohamed Aden as new defence minister", "yemen"),
    ("Kenyan police arrest Aden Mohamed over Garissa attack", "yemen"),
    ("Somali forces retake town in Lower Juba", "south-sudan"),
    ("Government of National Unity sworn in after peace deal", "libya"),  # South Sudan's R-TGoNU too
    ("Baloch separatists attack a train in Balochistan", "afghanistan-pakistan"),  # another conflict
    ("M23 closed northbound after a crash near Gatwick", "dr-congo"),  # the UK's M23 motorway
    ("Lorry fire shuts the M23 motorway for six hours", "dr-congo"),
    ("Crash closes M23 between junctions 9 and 10 in Surrey", "dr-congo"),
    ("M23 closed near Brighton after lorry fire", "dr-congo"),
    ("Roadworks on the M23 this weekend", "dr-congo"),
    ("Sheriff investigates shooting in Hebron, Kentucky", "israel-palestine"),
    ("Cargo flights grow at the hub in Hebron, Ky.", "israel-palestine"),
])
def test_region_keywords_name_only_the_regions_places(gaz, text, region):
    """A keyword puts a text in its region without a country name: each of these named another place or thing."""
    assert region not in regions(gaz, text)


def test_qualified_keywords_still_place_a_text(gaz):
    assert "dr-congo" in regions(gaz, "ADF attack in Beni territory kills 20")
    assert "south-sudan" in regions(gaz, "Fighting in Nasir County displaces thousands")
    assert "yemen" in regions(gaz, "Insurers raise Red Sea shipping premiums after attacks")
    assert "yemen" in regions(gaz, "Blast damages cranes at the port of Aden")
    assert "yemen" in regions(gaz, "Aden governor survives car bomb")  # Yemen's second city, its government's seat
    assert "yemen" in regions(gaz, "Explosion At Aden Port Kills Two")
    assert "south-sudan" in regions(gaz, "Curfew imposed in Juba after clashes")
    assert "dr-congo" in regions(gaz, "M23 rebels open a new front")
    assert "israel-palestine" in regions(gaz, "Curfew imposed on Hebron's old city")


def test_an_ambiguous_term_is_silenced_only_by_its_own_contexts(gaz):
    """DRC beside the Danish Refugee Council is the NGO, not the country; M23 there is still the armed group."""
    text = "DRC (Danish Refugee Council) warns of M23 offensive"
    assert ("COD", "M23") in gaz.countries(text) and ("COD", "DRC") not in gaz.countries(text)
    assert "dr-congo" in regions(gaz, text)
    near_gatwick = gaz.countries("DRC fans stuck on the M23 near Gatwick")
    assert ("COD", "DRC") in near_gatwick and ("COD", "M23") not in near_gatwick
    # the contexts are the UK road's names, not any road: rebels on a motorway are still the armed group
    assert "dr-congo" in regions(gaz, "M23 rebels block the motorway north of the city")
    assert "dr-congo" in regions(gaz, "M23 rebels seize two road junctions")


def test_a_place_of_no_side_needs_a_party_in_a_dyadic_region(gaz):
    """Lebanon is an area of Israel-Iran and Hezbollah but no side's country: a text naming only Lebanese places is
    Lebanese news, as an event there of Lebanese actors alone is (docs/indicators.md, "Regions and membership")."""
    assert "middle-east" not in regions(gaz, "Lebanese protesters clash with police in Beirut")
    assert "middle-east" in regions(gaz, "Israeli strike hits a suburb of Beirut")           # a side named
    assert "middle-east" in regions(gaz, "Hezbollah says it fired rockets from southern Lebanon")  # a keyword
    assert "middle-east" in regions(gaz, "Hizbollah says it fired rockets from southern Lebanon")  # spelt so too
    assert "middle-east" in regions(gaz, "IDF strikes targets in southern Lebanon")  # Israel's army: a side
    # IDF is also US military "indirect fire" and the International Diabetes Federation: not Israel there
    assert "middle-east" not in regions(gaz, "Iran-backed militia claims indirect fire (IDF) attack on US base")
    assert "ISR" not in countries(gaz, "International Diabetes Federation (IDF) warns Iran and Lebanon")
    assert "israel-palestine" in regions(gaz, "Raids reported in Jenin")  # a side's own place needs nothing more


def test_titles_about_the_two_koreas_are_placed(gaz):
    """Title-only items (GDELT DOC API, ReliefWeb v1 lists) about inter-Korean contacts name no country."""
    assert "korean-peninsula" in regions(gaz, "The two Koreas agree to restore military hotline")
    assert "korean-peninsula" in regions(gaz, "Inter-Korean talks resume at the border")
    assert "korean-peninsula" in regions(gaz, "Seoul proposes inter-Korean family reunions")


def test_only_language_codes_are_taken_for_language_tags(gaz):
    assert "GBR" not in countries(gaz, "Ukraine flash update [UK]")  # Ukrainian
    assert "GBR" in countries(gaz, "Joint statement [US/UK] on Ukraine")  # US is no language: kept


def test_an_ambiguous_term_follows_the_contexts_of_the_country_it_counts_for():
    """A term two countries list counts for the first; the contexts that silence it are that country's."""
    from tracktwo.core.config import GazetteerCountry

    gaz = Gazetteer({"AAA": GazetteerCountry(name="Aland", terms=["Springfield"], ambiguous=["Springfield"],
                                             negative_context=["Illinois"]),
                     "BBB": GazetteerCountry(name="Bland", terms=["Springfield"], ambiguous=["Springfield"],
                                             negative_context=["Vermont"])}, [])
    assert gaz.countries("Springfield, Vermont votes") == {("AAA", "Springfield"): 1}
    assert not gaz.countries("Springfield, Illinois votes")


def test_a_term_reached_twice_is_counted_once(gaz):
    """"Crimea" is a Ukraine term and a russia-ukraine keyword; "Donbas" likewise: a text naming Crimea twice and
    Donbas three times (the ICRC and DRC items of the real ReliefWeb feed) has those mentions in the region's rows,
    not twice as many (document_places.mentions ranks the digest's stories and the alerts' documents)."""
    text = "Crimea: legal alert. Residents of Crimea and of Donbas; Donbas families; aid in Donbas."
    region = {p.matched_term: (p.mentions, p.reason) for p in gaz.places(text)
              if p.place_type == "region" and p.place_id == "russia-ukraine"}
    country = {p.matched_term: p.mentions for p in gaz.places(text) if p.place_type == "country"}
    assert country == {"Crimea": 2, "Donbas": 3}
    assert region == {"Crimea": (2, "area"), "Donbas": (3, "area")}

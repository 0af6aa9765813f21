"""Curated datasets in the warehouse: UCDP and ACLED pages -> curated_events (versions, deletions), region
membership by sides and areas, fatalities per region and day with coverage, ReliefWeb reports -> documents.

Expectations are worked out here from the raw fixture rows (../shared/fixtures), by rules written out in the
test, not by the SQL under test.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from extractors.landing import FetchRecord, Landing, iso
from tracktwo.pipeline import indicators, load
from warehouse.db import reader

UCDP_CSV = "ucdp/uncertainUCDP_ucdpged_v23.1_sample_1000.csv"
ACLED_CSV = "acled/acledR_acled_old_dummy_326_events.csv"
RELIEFWEB_JSON = "reliefweb/reliefweb_v1_reports_NPL_2020-09.json"

CURATED_SOURCES = [
    {"id": "ucdp-ged", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "23.1", "license": None},
    {"id": "acled", "kind": "acled", "url": "http://127.0.0.1:9"},
    {"id": "reliefweb", "kind": "reliefweb", "url": "http://127.0.0.1:9/v2", "appname": "tracktwo-test"},
    {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
]
ARGENTINA = {"id": "argentina", "name": "Argentina (test region)", "type": "internal",
             "areas": {"countries": ["ARG"]}, "keywords": ["Chubut"]}


def _sources() -> list[dict]:
    return [{k: v for k, v in s.items() if v is not None} for s in CURATED_SOURCES]


def _clock():
    t = datetime(2026, 11, 1, tzinfo=timezone.utc)
    while True:
        t += timedelta(seconds=1)
        yield t


_TICK = _clock()


def land(config, source_id: str, kind: str, body: bytes, ext: str = ".json", **extra) -> FetchRecord:
    """A page landed the way the extractors land them (one record per page)."""
    landing = Landing(config.settings.data_dir)
    now = next(_TICK)
    rec = FetchRecord(run_id=landing.new_run_id(source_id, now), source_id=source_id, kind=kind,
                      url=f"http://127.0.0.1:9/{source_id}", started_at=iso(now), finished_at=iso(now),
                      status="ok", http_status=200, extra=extra)
    return landing.write(rec, body, ext)


def span_feed(config, days: list[date]) -> None:
    """A feed with one story per given day: region_daily spans the days with data (events or documents about
    a region: these name Aleppo, a place of the syria region)."""
    items = "".join(f"<item><title>Report from Aleppo {d}</title><link>http://example.org/{d}</link>"
                    f"<pubDate>{d:%a, %d %b %Y} 12:00:00 GMT</pubDate></item>" for d in days)
    body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    land(config, "span-feed", "rss", body, ".xml")


def ucdp_rows(shared: Path) -> list[dict]:
    with open(shared / UCDP_CSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def acled_rows(shared: Path) -> list[dict]:
    with open(shared / ACLED_CSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ucdp_page(rows: list[dict]) -> bytes:
    """The UCDP API envelope; empty CSV cells are the API's nulls."""
    result = [{k: (v if v != "" else None) for k, v in r.items()} for r in rows]
    return json.dumps({"TotalCount": len(rows), "TotalPages": 1, "PreviousPageUrl": "", "NextPageUrl": "",
                       "Result": result}).encode()


def acled_page(rows: list[dict]) -> bytes:
    return json.dumps({"status": 200, "success": True, "count": len(rows), "data": rows}).encode()


def daily(con, region: str, column: str) -> dict[date, object]:
    return dict(con.execute(f"SELECT day, {column} FROM v_region_daily WHERE region_id = ? ORDER BY day",
                            [region]).fetchall())


@pytest.fixture
def curated_config(make_config):
    config = make_config(_sources())
    regions = config.settings.config_dir / "regions.yaml"
    doc = yaml.safe_load(regions.read_text())
    doc["regions"].append(ARGENTINA)
    regions.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    from tracktwo.pipeline import open_config
    return open_config(config.settings)


# --- UCDP: fatalities per region and day equal the raw rows' sums ------------------------------------------

def _ucdp_day(r: dict) -> date:
    return date.fromisoformat(r["date_start"][:10])


def _in_box(r: dict, south: float, north: float, west: float, east: float) -> bool:
    # located to a place or a district (where_prec 1-3), on a linear feature or named area (5) or on international
    # waters (7): a province's centroid (4) matches no box
    return (r["latitude"] and south <= float(r["latitude"]) <= north and west <= float(r["longitude"]) <= east
            and int(r["where_prec"]) in (1, 2, 3, 5, 7))


def _party(r: dict, *sides: str) -> bool:
    """A UCDP event joins a dyadic region by area only when one of its states is a side's (GW codes `sides`) or it
    has no state at all (a non-state conflict, one-sided violence by a group), not a third state's war there."""
    return bool({r["gwnoa"], r["gwnob"]} & set(sides)) or not (r["gwnoa"] or r["gwnob"])


def _hand_russia_ukraine(r: dict) -> bool:
    """regions.yaml's russia-ukraine, applied by hand to a raw UCDP row (GW 365 Russia, 369 Ukraine)."""
    dyad = {r["gwnoa"], r["gwnob"]} == {"365", "369"}
    subdivision = r["country_id"] == "365" and (r["adm_1"] or "").split(" ")[0] in ("Belgorod", "Bryansk", "Kursk")
    boxes = _in_box(r, 45.2, 47.3, 34.8, 38.3) or _in_box(r, 46.9, 47.3, 38.3, 39.3) or \
        (r["country_id"] == "369" and _in_box(r, 43.5, 46.7, 29.5, 34.0))
    return dyad or ((r["country_id"] == "369" or subdivision or boxes) and _party(r, "365", "369"))


def _hand_israel_palestine(r: dict) -> bool:
    """UCDP codes Gaza and the West Bank under Israel (666); Hamas has no state code, so no dyad."""
    gaza_envelope = r["country_id"] == "666" and _in_box(r, 31.2, 31.65, 34.2, 34.62)
    return ((r["country_id"] == "666" and r["adm_1"] in ("Gaza Strip", "West Bank")) or gaza_envelope) \
        and _party(r, "666")


def _hand_middle_east(r: dict) -> bool:
    """Israel (666) against Iran (630) by dyad; Lebanon (660) as an area; the Golan Heights box. The sample's four
    Syrian government-insurgent clashes in Quneitra governorate are Syria's war, not Israel's: the three located
    only to the governorate (291156, 322318, 362438, where_prec 4, at its centroid 33.05 N 35.90 E) match no box,
    and the one located within 25 km of a place (340050, where_prec 2), inside the box, has a third state (Syria,
    652) and no party."""
    return {r["gwnoa"], r["gwnob"]} == {"630", "666"} or (
        (r["country_id"] == "660" or _in_box(r, 32.6, 33.35, 35.6, 35.95)) and _party(r, "666", "630"))


def _hand_armenia_azerbaijan(r: dict) -> bool:
    """Armenia (371) against Azerbaijan (373); Karabakh, Nakhchivan and Syunik, and the Karabakh box. The sample's
    three Karabakh events (155395, 155686, 376126: the 2020 war's first day) have no province, a side with no state
    (the Republic of Artsakh) and where_prec 5 ("Line of Contact", "Nagorno-Karabakh"): only the box takes them."""
    subdivision = (r["country_id"], r["adm_1"]) in (("373", "Nakhchivan"), ("373", "Nagorno-Karabakh"),
                                                    ("371", "Syunik province"))
    return {r["gwnoa"], r["gwnob"]} == {"371", "373"} or (
        (subdivision or _in_box(r, 39.1, 40.6, 45.3, 47.3)) and _party(r, "371", "373"))


def _hand_afghanistan_pakistan(r: dict) -> bool:
    """Afghanistan (700) against Pakistan (770); the former tribal areas and Khyber Pakhtunkhwa, and Balochistan only
    in its border box (Chaman to Zhob): the sample's Balochistan events (Quetta, Khuzdar, Kohlu, Sibi, Dasht,
    Dalbandin: the Baloch insurgency) are all south or west of it."""
    provinces = r["country_id"] == "770" and (r["adm_1"] or "").startswith(
        ("Federally Administered Tribal Areas", "Khyber Pakhtunkhwa", "Khyber Pakhtunkwa"))
    border = r["country_id"] == "770" and _in_box(r, 30.5, 31.95, 66.2, 69.9)
    return {r["gwnoa"], r["gwnob"]} == {"700", "770"} or ((provinces or border) and _party(r, "700", "770"))


def test_ucdp_fatalities_per_region_and_day_equal_the_raw_rows(curated_config, shared_fixtures):
    rows = ucdp_rows(shared_fixtures)
    half = len(rows) // 2
    land(curated_config, "ucdp-ged", "ucdp_ged", ucdp_page(rows[:half]), dataset="ucdp_ged", version="23.1",
         endpoint="events", page=0)
    land(curated_config, "ucdp-ged", "ucdp_ged", ucdp_page(rows[half:]), dataset="ucdp_ged", version="23.1",
         endpoint="events", page=1)
    span_feed(curated_config, [date(2013, 1, 1), date(2022, 12, 31)])
    load(curated_config)
    indicators(curated_config, full=True)

    checks = {"syria": lambda r: r["country_id"] == "652", "russia-ukraine": _hand_russia_ukraine,
              "israel-palestine": _hand_israel_palestine, "middle-east": _hand_middle_east,
              "armenia-azerbaijan": _hand_armenia_azerbaijan, "afghanistan-pakistan": _hand_afghanistan_pakistan}
    quneitra = {r["id"]: _hand_middle_east(r) for r in rows if r["id"] in ("291156", "322318", "362438", "340050")}
    assert quneitra == {"291156": False, "322318": False, "362438": False, "340050": False}
    assert _in_box(next(r for r in rows if r["id"] == "340050"), 32.6, 33.35, 35.6, 35.95)  # in the box, no party
    # a third state's war in a dyadic area: the US against al-Qaida in the tribal areas (190633), not Pakistan's
    assert not _hand_afghanistan_pakistan(next(r for r in rows if r["id"] == "190633"))
    assert {r["id"] for r in rows if _hand_armenia_azerbaijan(r)} == {"155395", "155686", "376126"}
    balochistan = {r["id"] for r in rows if r["adm_1"] == "Balochistan province"}
    assert len(balochistan) == 6 and not any(_hand_afghanistan_pakistan(r) for r in rows if r["id"] in balochistan)
    with reader(curated_config.settings) as con:
        assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM curated_events").fetchone() == (1000, 1000)
        coarse = sum(1 for r in rows if int(r["date_prec"]) >= 4)
        assert coarse > 0 and con.execute("SELECT count(*) FROM v_curated_events WHERE date_precision >= 4").fetchone() \
            == (coarse,)  # kept, queryable, just not on a day
        for region, member in checks.items():
            best, low, high, n = (defaultdict(int) for _ in range(4))
            for r in rows:
                # dated to the day or the week (date_prec 1-3); month- and year-dated events are not put on a day
                if member(r) and date(2013, 1, 1) <= _ucdp_day(r) <= date(2022, 12, 31) and int(r["date_prec"]) <= 3:
                    d = _ucdp_day(r)
                    best[d] += int(r["best"])
                    low[d] += int(r["low"])
                    high[d] += int(r["high"])
                    n[d] += 1
            assert sum(n.values()) > 0, region  # the sample has events in each checked region
            got = daily(con, region, "ucdp_fatalities")
            assert {d: v for d, v in got.items() if v} == {d: v for d, v in best.items() if v}, region
            # every other day up to the dataset's last event date is a known zero (UCDP GED covers it); the
            # days after it are unknown (the next release may fill them), not zero
            last = max(_ucdp_day(r) for r in rows)
            assert all(v == 0 for d, v in got.items() if not best.get(d) and d <= last), region
            assert all(v is None for d, v in got.items() if d > last), region
            assert len(got) == (date(2022, 12, 31) - date(2013, 1, 1)).days + 1
            assert {d: v for d, v in daily(con, region, "ucdp_fatalities_low").items() if v} == \
                {d: v for d, v in low.items() if v}
            assert {d: v for d, v in daily(con, region, "ucdp_fatalities_high").items() if v} == \
                {d: v for d, v in high.items() if v}
            assert {d: v for d, v in daily(con, region, "ucdp_events").items() if v} == dict(n)
            # fatalities: the larger of the datasets' counts; here UCDP's alone
            assert {d: v for d, v in daily(con, region, "fatalities").items() if v} == \
                {d: float(v) for d, v in best.items() if v}
            # no ACLED source loaded anything: unknown, not zero
            assert set(daily(con, region, "acled_fatalities").values()) == {None}


def test_migration_015_takes_province_located_ucdp_events_out_of_boxes(curated_config, shared_fixtures):
    """A warehouse loaded before migration 015 flagged UCDP where_prec 4 (a province, at its centroid) as below
    country level; upgrading re-flags the stored events, and the next full run drops them from the Golan box. (The
    shipped middle-east region no longer takes them at all, Syria being no side of it: a test region of Syria
    against Israel, over the same box, shows the box rule.)"""
    from tracktwo.pipeline import open_config
    from warehouse.db import writer

    regions = curated_config.settings.config_dir / "regions.yaml"
    doc = yaml.safe_load(regions.read_text())
    doc["regions"].append({"id": "golan", "name": "Syria-Israel (test)", "type": "dyadic",
                           "sides": [{"name": "Syria", "countries": ["SYR"]}, {"name": "Israel", "countries": ["ISR"]}],
                           "areas": {"boxes": [{"name": "Golan Heights", "south": 32.6, "north": 33.35, "west": 35.6,
                                                "east": 35.95}]}})
    regions.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    curated_config = open_config(curated_config.settings)
    rows = ucdp_rows(shared_fixtures)
    land(curated_config, "ucdp-ged", "ucdp_ged", ucdp_page(rows), dataset="ucdp_ged", version="23.1",
         endpoint="events", page=0)
    load(curated_config)
    with writer(curated_config.settings) as con:  # as stored by the old rule
        for table in ("curated_events", "curated_event_versions"):
            con.execute(f"UPDATE {table} SET below_country = geo_precision < 5 WHERE dataset <> 'acled'")
    indicators(curated_config, full=True)
    golan = "SELECT count(*) FROM curated_event_regions WHERE region_id = 'golan' AND event_id IN " \
            "('ucdp_ged:291156', 'ucdp_ged:322318', 'ucdp_ged:362438')"
    with reader(curated_config.settings) as con:
        assert con.execute(golan).fetchone()[0] == 3  # the old rule
    with writer(curated_config.settings) as con:  # a warehouse from before migration 015
        con.execute("DELETE FROM schema_migrations WHERE name = '015_ucdp_province_not_in_boxes'")
    with writer(curated_config.settings) as con:  # opening it applies the pending migration
        flags = con.execute("SELECT geo_precision, bool_and(below_country), bool_or(below_country) FROM curated_events "
                            "WHERE dataset <> 'acled' GROUP BY ALL ORDER BY ALL").fetchall()
        assert con.execute("SELECT count(*) FROM curated_event_versions WHERE dataset <> 'acled' "
                           "AND below_country <> (geo_precision <= 3)").fetchone()[0] == 0
    assert all(both == some == (precision <= 3) for precision, both, some in flags)
    assert {p for p, *_ in flags} >= {1, 2, 4, 6}
    indicators(curated_config, full=True)
    with reader(curated_config.settings) as con:
        assert con.execute(golan).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM curated_event_regions WHERE region_id = 'golan' "
                           "AND event_id = 'ucdp_ged:340050'").fetchone()[0] == 1  # within 25 km of a place
        assert con.execute("SELECT count(*) FROM curated_event_regions WHERE region_id = 'middle-east' AND event_id IN "
                           "('ucdp_ged:291156', 'ucdp_ged:322318', 'ucdp_ged:362438', 'ucdp_ged:340050')"
                           ).fetchone()[0] == 0  # Syria's war, not Israel's


def test_migration_018_puts_ucdp_events_on_a_front_line_in_boxes(curated_config, shared_fixtures, monkeypatch):
    """A warehouse loaded before migration 018 flagged UCDP where_prec 5 (a linear feature or named area: "Line of
    Contact") as not placeable; upgrading re-flags the stored events, and the next full run counts the Karabakh war
    for armenia-azerbaijan (the Karabakh box), while a province's centroid (4) stays out of every box. Loading the
    same page again afterwards adds no version: the flag is tracktwo's, not a change in the dataset, although the
    stored rows' hashes were computed with the old flag."""
    import warehouse.curated as curated
    from warehouse.db import writer

    rows = ucdp_rows(shared_fixtures)
    page = ucdp_page(rows)
    with monkeypatch.context() as old_rule:  # loaded by the rule before 018: the old flag in row and hash
        old_rule.setattr(curated, "UCDP_IN_BOXES", frozenset({1, 2, 3}))
        land(curated_config, "ucdp-ged", "ucdp_ged", page, dataset="ucdp_ged", version="23.1",
             endpoint="events", page=0)
        load(curated_config)
    versions = "SELECT count(*) FROM curated_event_versions"
    with reader(curated_config.settings) as con:
        assert con.execute(versions).fetchone()[0] == 1000
        assert con.execute("SELECT count(*) FROM curated_events WHERE geo_precision = 5 AND NOT below_country"
                           ).fetchone()[0] == 35
    indicators(curated_config, full=True)
    karabakh = "SELECT list(event_id ORDER BY event_id) FROM curated_event_regions WHERE region_id = 'armenia-azerbaijan'"
    with reader(curated_config.settings) as con:
        assert con.execute(karabakh).fetchone()[0] is None  # the old rule: a stated zero for the war's first day
    with writer(curated_config.settings) as con:  # a warehouse from before migration 018 (and so before 024)
        con.execute("DELETE FROM schema_migrations WHERE name IN ('018_ucdp_features_in_boxes', "
                    "'024_ucdp_waters_in_boxes')")
    with writer(curated_config.settings) as con:  # opening it applies the pending migrations
        for table in ("curated_events", "curated_event_versions"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE dataset <> 'acled' AND below_country <> "
                               "(geo_precision IN (1, 2, 3, 5, 7))").fetchone()[0] == 0, table
    indicators(curated_config, full=True)
    with reader(curated_config.settings) as con:
        assert con.execute(karabakh).fetchone()[0] == ["ucdp_ged:155395", "ucdp_ged:155686", "ucdp_ged:376126"]
    land(curated_config, "ucdp-ged", "ucdp_ged", page + b" ", dataset="ucdp_ged", version="23.1", endpoint="events",
         page=0)  # the same events again (another landed file: a re-fetch)
    load(curated_config)
    with reader(curated_config.settings) as con:
        assert con.execute(versions).fetchone()[0] == 1000  # no version for a flag tracktwo re-set
        assert con.execute("SELECT count(*) FROM curated_events WHERE geo_precision = 5 AND below_country"
                           ).fetchone()[0] == 35


def test_migration_024_puts_ucdp_events_on_international_waters_in_boxes(curated_config, shared_fixtures):
    """The real sample's one event in international waters (where_prec 7), id 23893: FRPI against civilians on Lake
    Albert off Irumu (1.3 N, 30.5 E, 10 deaths), inside the Ituri box of dr-congo and in no region before
    migration 024. Upgrading a warehouse that stored it by the old rule re-flags it, and the next full run puts it
    in dr-congo by area; it is dated only to the month (date_prec 4), so no day counts its deaths."""
    from warehouse.db import writer

    rows = ucdp_rows(shared_fixtures)
    lake_albert = next(r for r in rows if r["id"] == "23893")
    assert (lake_albert["where_prec"], lake_albert["date_prec"], lake_albert["best"]) == ("7", "4", "10")
    assert [r["id"] for r in rows if r["where_prec"] == "7"] == ["23893"]
    assert _in_box(lake_albert, 0.6, 3.6, 28.6, 31.3)  # the Ituri box (country COD: UCDP's country is DR Congo)
    land(curated_config, "ucdp-ged", "ucdp_ged", ucdp_page(rows), dataset="ucdp_ged", version="23.1",
         endpoint="events", page=0)
    load(curated_config)
    member = ("SELECT list(region_id || ':' || reason) FROM curated_event_regions "
              "WHERE event_id = 'ucdp_ged:23893'")
    with writer(curated_config.settings) as con:  # as stored by the rule before 024, and a warehouse from before it
        for table in ("curated_events", "curated_event_versions"):
            con.execute(f"UPDATE {table} SET below_country = false WHERE event_id = 'ucdp_ged:23893'")
        con.execute("DELETE FROM schema_migrations WHERE name = '024_ucdp_waters_in_boxes'")
    with writer(curated_config.settings) as con:  # opening it applies the pending migration
        for table in ("curated_events", "curated_event_versions"):
            assert con.execute(f"SELECT bool_and(below_country) FROM {table} WHERE event_id = 'ucdp_ged:23893'"
                               ).fetchone()[0] is True, table
    indicators(curated_config, full=True)
    with reader(curated_config.settings) as con:
        assert con.execute(member).fetchone()[0] == ["dr-congo:area"]
        assert con.execute("SELECT count(*) FROM v_curated_daily WHERE region_id = 'dr-congo' AND day = ?",
                           [date(2004, 11, 1)]).fetchone()[0] == 0  # on no day: dated to November 2004 only


def test_ucdp_membership_by_dyad_needs_both_states(curated_config, shared_fixtures):
    """India vs Pakistan (GW 750 vs 770) outside Kashmir joins india-pakistan by dyad; a one-sided event in
    India outside the areas does not."""
    rows = ucdp_rows(shared_fixtures)
    land(curated_config, "ucdp-ged", "ucdp_ged", ucdp_page(rows), dataset="ucdp_ged", version="23.1",
         endpoint="events", page=0)
    load(curated_config)
    indicators(curated_config, full=True)
    dyad_rows = {r["id"] for r in rows if {r["gwnoa"], r["gwnob"]} == {"750", "770"}}
    india_elsewhere = {r["id"] for r in rows if r["country_id"] == "750" and not r["gwnob"]
                       and not (r["adm_1"] or "").startswith("Jammu and Kashmir")}
    assert dyad_rows and india_elsewhere
    with reader(curated_config.settings) as con:
        members = {r[0].split(":", 1)[1]: r[1] for r in con.execute(
            "SELECT event_id, reason FROM curated_event_regions WHERE region_id = 'india-pakistan'").fetchall()}
    assert dyad_rows <= set(members)
    assert all(members[i] in ("dyad", "dyad+area") for i in dyad_rows)
    assert not (india_elsewhere & set(members))


# --- ACLED: fatalities, coverage, revisions, deletions --------------------------------------------------------

def _acled_hand(rows: list[dict]) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for r in rows:
        if r["iso"] == "32":  # ISO 3166 numeric 032 = Argentina: the test region's area
            out[date.fromisoformat(r["event_date"])] += int(r["fatalities"])
    return out


def test_acled_fatalities_revision_and_deletion(curated_config, shared_fixtures):
    rows = acled_rows(shared_fixtures)
    land(curated_config, "acled", "acled", acled_page(rows), dataset="acled", endpoint="events", page=0)
    span_feed(curated_config, [date(2022, 5, 25), date(2022, 7, 5)])
    load(curated_config)
    indicators(curated_config)
    first, last = min(r["event_date"] for r in rows), max(r["event_date"] for r in rows)
    hand = _acled_hand(rows)
    with reader(curated_config.settings) as con:
        got = daily(con, "argentina", "acled_fatalities")
        events = daily(con, "argentina", "acled_events")
    assert {d: v for d, v in got.items() if v} == {d: v for d, v in hand.items() if v}
    assert sum(events.values() and [v or 0 for v in events.values()]) == len(rows)
    # before ACLED's first and after its last event date: unknown (NULL), not zero
    assert got[date(2022, 5, 25)] is None and got[date(2022, 7, 5)] is None
    assert got[date.fromisoformat(first)] is not None and got[date.fromisoformat(last)] is not None

    # a revised event (more fatalities, a newer timestamp) replaces its earlier version in the indicators
    target = next(r for r in rows if r["fatalities"] == "0")
    revised = dict(target, fatalities="7", timestamp=str(int(target["timestamp"]) + 86400),
                   notes=target["notes"] + " [revised]")
    land(curated_config, "acled", "acled", acled_page([revised]), dataset="acled", endpoint="events", page=0)
    load(curated_config)
    indicators(curated_config)
    day = date.fromisoformat(target["event_date"])
    with reader(curated_config.settings) as con:
        assert daily(con, "argentina", "acled_fatalities")[day] == hand[day] + 7
        versions = con.execute("SELECT version, fatalities_best, deleted FROM curated_event_versions "
                               "WHERE event_id = ? ORDER BY version", [f"acled:{target['event_id_cnty']}"]).fetchall()
        assert versions == [(1, 0, False), (2, 7, False)]  # the earlier version stays queryable

    # a deleted event leaves the indicators; its versions stay, with a deletion version
    deleted = json.dumps({"status": 200, "success": True, "count": 1,
                          "data": [{"event_id_cnty": target["event_id_cnty"], "deleted_timestamp": "1700000000"}]})
    land(curated_config, "acled", "acled", deleted.encode(), dataset="acled", endpoint="deleted", page=0)
    load(curated_config)
    indicators(curated_config)
    with reader(curated_config.settings) as con:
        assert daily(con, "argentina", "acled_fatalities")[day] == hand[day]
        assert daily(con, "argentina", "acled_events")[day] == sum(1 for r in rows if r["event_date"] == target["event_date"]) - 1
        assert con.execute("SELECT count(*) FROM curated_events WHERE event_id = ?",
                           [f"acled:{target['event_id_cnty']}"]).fetchone() == (0,)
        assert con.execute("SELECT version, deleted FROM curated_event_versions WHERE event_id = ? ORDER BY version",
                           [f"acled:{target['event_id_cnty']}"]).fetchall() == [(1, False), (2, False), (3, True)]


def test_deleting_every_curated_event_clears_its_membership(curated_config, shared_fixtures):
    """The indicator run leaves its curated statements out only when the lake has neither curated events nor
    curated membership: after ACLED deletes the only event, they still run and the event leaves the counts."""
    row = next(r for r in acled_rows(shared_fixtures) if r["fatalities"] != "0")
    land(curated_config, "acled", "acled", acled_page([row]), dataset="acled", endpoint="events", page=0)
    span_feed(curated_config, [date(2022, 5, 25), date(2022, 7, 5)])
    load(curated_config)
    indicators(curated_config)
    day, members = date.fromisoformat(row["event_date"]), "SELECT count(*) FROM curated_event_regions"
    with reader(curated_config.settings) as con:
        assert con.execute(members).fetchone() == (1,)
        assert daily(con, "argentina", "acled_fatalities")[day] == int(row["fatalities"])

    deleted = json.dumps({"status": 200, "success": True, "count": 1,
                          "data": [{"event_id_cnty": row["event_id_cnty"], "deleted_timestamp": "1700000000"}]})
    land(curated_config, "acled", "acled", deleted.encode(), dataset="acled", endpoint="deleted", page=0)
    load(curated_config)
    assert indicators(curated_config).mode == "incremental"
    with reader(curated_config.settings) as con:
        assert con.execute("SELECT count(*) FROM curated_events").fetchone() == (0,)
        assert con.execute(members).fetchone() == (0,)
        # no ACLED event left: ACLED covers nothing, so its columns are unknown (NULL), not the deleted count
        assert set(daily(con, "argentina", "acled_fatalities").values()) == {None}
        incremental = con.execute("SELECT * EXCLUDE (as_of) FROM v_region_daily ORDER BY ALL").fetchall()
    indicators(curated_config, full=True)
    with reader(curated_config.settings) as con:
        assert con.execute("SELECT * EXCLUDE (as_of) FROM v_region_daily ORDER BY ALL").fetchall() == incremental


def test_reloading_a_page_adds_no_version(curated_config, shared_fixtures):
    rows = acled_rows(shared_fixtures)[:50]
    for _ in range(2):  # the same page fetched twice (two runs): the second changes nothing
        land(curated_config, "acled", "acled", acled_page(rows), dataset="acled", endpoint="events", page=0)
    summaries = load(curated_config)
    assert [(s.items_new, s.items_updated) for s in summaries if s.source_id == "acled"] == [(50, 0), (0, 0)]
    with reader(curated_config.settings) as con:
        assert con.execute("SELECT count(*) FROM curated_event_versions").fetchone() == (50,)


def test_a_page_that_is_not_the_envelope_fails_alone(curated_config, shared_fixtures):
    rows = acled_rows(shared_fixtures)[:5]
    land(curated_config, "acled", "acled", b"<html>maintenance</html>", dataset="acled", endpoint="events", page=0)
    land(curated_config, "acled", "acled", acled_page(rows), dataset="acled", endpoint="events", page=1)
    summaries = [s for s in load(curated_config) if s.source_id == "acled"]
    assert summaries[0].status == "failed" and "not JSON" in summaries[0].error
    assert summaries[1].status == "ok" and summaries[1].items_new == 5


def test_a_mostly_unusable_page_loads_its_usable_rows_and_is_flagged(curated_config, shared_fixtures):
    """Rows without an id or a date cannot be stored: the rest load, the run's warning counts the skipped
    ones, and says "mostly unusable" when they are the majority; a page with none usable is a failure."""
    rows = acled_rows(shared_fixtures)[:2]
    broken = [{**r, "event_id_cnty": ""} for r in acled_rows(shared_fixtures)[2:5]]
    land(curated_config, "acled", "acled", acled_page(rows + broken), dataset="acled", endpoint="events", page=0)
    land(curated_config, "acled", "acled", acled_page(broken), dataset="acled", endpoint="events", page=1)
    first, second = [s for s in load(curated_config) if s.source_id == "acled"]
    assert first.status == "ok" and first.items_new == 2 and first.items_seen == 5
    assert "mostly unusable: 3 of 5 row(s) without an id or a date skipped" in first.warning
    assert second.status == "failed"


# --- ReliefWeb: reports as documents, with their own publishers and coded countries ------------------------

def test_reliefweb_reports_become_documents_with_their_publishers(curated_config, shared_fixtures):
    body = (shared_fixtures / RELIEFWEB_JSON).read_bytes()
    doc = json.loads(body)
    land(curated_config, "reliefweb", "reliefweb", body, dataset="reliefweb", endpoint="reports", page=0)
    load(curated_config)
    with reader(curated_config.settings) as con:
        got = {r[0]: r[1:] for r in con.execute(
            "SELECT item_key, publisher, title, url FROM documents WHERE source_id = 'reliefweb'").fetchall()}
        places = con.execute("SELECT DISTINCT place_id FROM document_places WHERE place_type = 'country' "
                             "AND matched_term LIKE 'coded:%'").fetchall()
    assert len(got) == len(doc["data"])
    for item in doc["data"]:
        f = item["fields"]
        names = []
        for s in f["source"]:
            if s["shortname"] not in names:
                names.append(s["shortname"])
        publisher, title, url = got[f"reliefweb:{item['id']}"]
        assert publisher == "; ".join(names)  # the report's own organisations, not "ReliefWeb"
        assert title == f["title"]
        assert url == f["url_alias"]
    # the v1 fixture carries no country field; coded places appear only when the API gives them
    assert places == []


# --- End to end: credentials unset or wrong, the others still load, secrets appear nowhere --------------------

def test_missing_and_wrong_credentials_fail_alone_and_leave_no_secret(make_config, make_httpserver, caplog,
                                                                      tmp_path):
    """Through `tracktwo ingest`'s path: UCDP without a token and ACLED with a wrong password are recorded as
    failed with a message naming what is missing or refused; the feed and ReliefWeb still load; neither the
    wrong password nor the real one, nor the token, appears in the warehouse, landing, state or logs."""
    import logging
    import dataclasses
    from tracktwo.demo.curated_api import FakeCuratedApi
    from tracktwo.pipeline import ingest, select_sources

    secrets = {"token": "ucdp-SECRET-token-77", "user": "analyst-secret@example.org",
               "right": "right-PASSWORD-x1", "wrong": "wrong-PASSWORD-y2"}
    make_httpserver.expect_request("/creds-feed.xml").respond_with_data(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><title>Fighting near Goma"
        "</title><link>http://example.org/goma</link><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>"
        "</channel></rss>", content_type="application/rss+xml")
    with FakeCuratedApi(ucdp_token=secrets["token"], acled_username=secrets["user"],
                        acled_password=secrets["right"]) as api:
        api.reliefweb_rows = [{"id": "77", "fields": {"id": 77, "title": "Sudan: flash update",
                                                       "source": [{"name": "OCHA", "shortname": "OCHA"}],
                                                       "country": [{"iso3": "sdn"}],
                                                       "date": {"original": "2026-11-20T00:00:00+00:00",
                                                                "changed": "2026-11-20T00:00:00+00:00"},
                                                       "url_alias": "https://reliefweb.int/report/77"}}]
        config = make_config([
            {"id": "feed", "kind": "rss", "url": make_httpserver.url_for("/creds-feed.xml"), "publisher": "Feed"},
            {"id": "ucdp", "kind": "ucdp_ged", "url": api.ucdp_base, "version": "25.1"},
            {"id": "acled", "kind": "acled", "url": api.acled_base},
            {"id": "rw", "kind": "reliefweb", "url": api.reliefweb_base, "appname": "tracktwo-test"},
        ])
        # the environment holds the ACLED account with a wrong password and no UCDP token
        settings = dataclasses.replace(config.settings, credentials={"ACLED_USERNAME": secrets["user"],
                                                                     "ACLED_PASSWORD": secrets["wrong"]})
        from tracktwo.pipeline import open_config
        config = open_config(settings)
        with caplog.at_level(logging.DEBUG):
            runs = ingest(config, select_sources(config))
    by_source = {r.source_id: r for r in runs}
    assert by_source["feed"].status == "ok" and by_source["feed"].items_new == 1
    assert by_source["rw"].status == "ok" and by_source["rw"].items_new == 1
    assert by_source["ucdp"].status == "failed" and "UCDP_ACCESS_TOKEN" in by_source["ucdp"].error
    assert by_source["acled"].status == "failed" and "refused" in by_source["acled"].error.lower()
    with reader(config.settings) as con:
        errors = con.execute("SELECT source_id, error FROM ingest_runs WHERE status = 'failed'").fetchall()
        assert {s for s, _ in errors} == {"ucdp", "acled"}
    # nowhere: every file under the data dir (landing, state, the lake's catalog and Parquet), logs, records
    blobs = [p.read_bytes() for p in config.settings.data_dir.rglob("*") if p.is_file()]
    text = caplog.text + repr(runs)
    for name, secret in secrets.items():  # the account name too: it is a personal login
        assert secret not in text, name
        assert not any(secret.encode() in b for b in blobs), name


def test_load_order_never_undoes_a_revision_or_a_deletion(curated_config, shared_fixtures):
    """Pages can land out of order (a retried run, a rebuild): an older copy of an ACLED event never replaces
    a newer one, an old events page never brings back a deleted event, and a re-publication after the
    deletion (a newer timestamp) does."""
    row = acled_rows(shared_fixtures)[0]
    eid = f"acled:{row['event_id_cnty']}"
    ts = int(row["timestamp"])
    newer = dict(row, fatalities="9", timestamp=str(ts + 100))
    older = dict(row, fatalities="3", timestamp=str(ts))

    def events_page(r):
        land(curated_config, "acled", "acled", acled_page([r]), dataset="acled", endpoint="events", page=1)
        load(curated_config)

    def current():
        with reader(curated_config.settings) as con:
            return con.execute("SELECT fatalities_best FROM curated_events WHERE event_id = ?", [eid]).fetchall()

    events_page(newer)
    events_page(older)  # landed late: loses
    assert current() == [(9,)]
    deletion = {"status": 200, "success": True,
                "data": [{"event_id_cnty": row["event_id_cnty"], "deleted_timestamp": str(ts + 200)}]}
    land(curated_config, "acled", "acled", json.dumps(deletion).encode(), dataset="acled", endpoint="deleted", page=1)
    load(curated_config)
    assert current() == []
    events_page(newer)  # an events page from before the deletion, loaded again: the event stays deleted
    assert current() == []
    events_page(dict(row, fatalities="11", timestamp=str(ts + 300)))  # ACLED re-published it
    assert current() == [(11,)]
    with reader(curated_config.settings) as con:
        assert con.execute("SELECT version, deleted, fatalities_best, source_timestamp FROM curated_event_versions "
                           "WHERE event_id = ? ORDER BY version", [eid]).fetchall() == [
            (1, False, 9, ts + 100), (2, True, 9, ts + 200), (3, False, 11, ts + 300)]


def _ucdp_event(eid: int, day: str, country_id: int, best: int, adm_1: str | None = None) -> dict:
    return {"id": eid, "date_start": f"{day} 00:00:00.000", "date_end": f"{day} 00:00:00.000", "date_prec": 1,
            "country_id": country_id, "country": "x", "adm_1": adm_1, "type_of_violence": 1, "best": best,
            "low": best, "high": best, "where_prec": 1, "latitude": None, "longitude": None,
            "side_a": "a", "side_b": "b", "gwnoa": None, "gwnob": None}


def test_ucdp_ged_then_candidate_per_region_and_incremental_equals_full(make_config):
    """GED fetched for Ukraine and Russia, Candidate for the world: in Syria (no GED) every Candidate death
    counts; in Russia–Ukraine GED counts up to its last day and Candidate only after it. A new GED release
    moves that day: the next incremental run gives what a full run gives."""
    config = make_config([
        {"id": "ged", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.1", "countries": [369, 365]},
        {"id": "cand", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.0.1",
         "dataset": "candidate"},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])

    def page(source, dataset, rows):
        land(config, source, "ucdp_ged", ucdp_page(rows), dataset=dataset, version="x", endpoint="events", page=0)

    page("ged", "ucdp_ged", [_ucdp_event(1, "2024-01-02", 369, 5), _ucdp_event(2, "2024-01-10", 369, 7)])
    page("cand", "ucdp_candidate", [_ucdp_event(101, "2024-01-05", 369, 50),  # GED's period: GED counts
                                    _ucdp_event(102, "2024-01-15", 369, 11),  # after GED's last day: counts
                                    _ucdp_event(103, "2024-01-04", 652, 3),   # Syria: no GED there
                                    _ucdp_event(104, "2024-01-18", 652, 4)])
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 25)])
    load(config)
    indicators(config, full=True)

    def ucdp(con, region):
        return {d: v for d, v in daily(con, region, "ucdp_fatalities").items() if v}

    with reader(config.settings) as con:
        assert ucdp(con, "russia-ukraine") == {date(2024, 1, 2): 5, date(2024, 1, 10): 7, date(2024, 1, 15): 11}
        assert ucdp(con, "syria") == {date(2024, 1, 4): 3, date(2024, 1, 18): 4}
        # covered from the first to the last day of the series; after it unknown
        ru = daily(con, "russia-ukraine", "ucdp_fatalities")
        assert ru[date(2024, 1, 3)] == 0 and ru[date(2024, 1, 19)] is None
        assert con.execute("SELECT ged_through FROM curated_coverage WHERE region_id = 'syria'").fetchone() == (None,)
        # Sudan's places are in a country GED was not asked for, but Candidate covers the world
        assert con.execute("SELECT ged_through, ucdp_from FROM curated_coverage WHERE region_id = 'sudan'"
                           ).fetchone() == (None, date(2024, 1, 4))

    # a run that finds the same coverage leaves curated_coverage as it is (it is written only on change)
    stamp = "SELECT DISTINCT computed_at FROM curated_coverage"
    with reader(config.settings) as con:
        found = con.execute(stamp).fetchall()
    assert indicators(config).days_recomputed == 0
    with reader(config.settings) as con:
        assert con.execute(stamp).fetchall() == found

    # a new GED release reaches 16 January: Candidate's 15 January event gives way to GED's
    page("ged", "ucdp_ged", [_ucdp_event(3, "2024-01-16", 369, 2)])
    load(config)
    moved = indicators(config)
    with reader(config.settings) as con:
        assert con.execute(stamp).fetchall() == [(moved.as_of,)]
        incremental = con.execute("SELECT region_id, day, ucdp_events, ucdp_fatalities FROM v_region_daily "
                                  "ORDER BY ALL").fetchall()
        assert ucdp(con, "russia-ukraine") == {date(2024, 1, 2): 5, date(2024, 1, 10): 7, date(2024, 1, 16): 2}
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert con.execute("SELECT region_id, day, ucdp_events, ucdp_fatalities FROM v_region_daily "
                           "ORDER BY ALL").fetchall() == incremental


def test_a_source_for_some_countries_covers_only_regions_it_fully_asks_for(make_config):
    """ACLED asked for the USA only: no region whose places lie elsewhere is covered (Korean Peninsula and
    Venezuela–Caribbean have the USA among their sides, not their places), so their ACLED columns are
    unknown, not zero."""
    config = make_config([
        {"id": "acled", "kind": "acled", "url": "http://127.0.0.1:9", "countries": ["USA"]},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])
    row = {"event_id_cnty": "USA1", "event_date": "2024-01-03", "iso": "840", "country": "United States",
           "event_type": "Protests", "fatalities": "0", "timestamp": "1700000000", "geo_precision": "1"}
    land(config, "acled", "acled", acled_page([row]), dataset="acled", endpoint="events", page=1)
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 5)])
    load(config)
    indicators(config, full=True)
    with reader(config.settings) as con:
        covered = con.execute("SELECT region_id FROM curated_coverage WHERE acled_from IS NOT NULL").fetchall()
        assert covered == []
        assert set(daily(con, "korean-peninsula", "acled_fatalities").values()) == {None}


def test_reliefweb_coded_countries_tie_a_report_to_its_regions_but_not_a_global_appeal(curated_config):
    def report(rid, title, primary=None, countries=()):
        fields = {"title": title, "source": [{"name": "OCHA", "shortname": "OCHA"}],
                  "date": {"original": "2026-11-20T00:00:00+00:00"}, "url_alias": f"https://reliefweb.int/r/{rid}",
                  "country": [{"iso3": c} for c in countries]}
        if primary:
            fields["primary_country"] = {"iso3": primary}
        return {"id": str(rid), "fields": fields}

    page = {"totalCount": 3, "count": 3, "data": [
        report(1, "Flash update 12", primary="sdn", countries=["sdn", "tcd"]),
        report(2, "Global humanitarian overview", countries=["sdn", "ukr", "rus", "mmr", "hti", "cod"]),
        report(3, "Cross-border situation report", countries=["ukr", "rus"]),
    ]}
    land(curated_config, "reliefweb", "reliefweb", json.dumps(page).encode(), dataset="reliefweb",
         endpoint="reports", page=0)
    load(curated_config)
    with reader(curated_config.settings) as con:
        places = con.execute("""
            SELECT d.item_key, list(DISTINCT p.place_id ORDER BY p.place_id)
            FROM documents d JOIN document_places p USING (doc_id)
            WHERE d.source_id = 'reliefweb' GROUP BY ALL ORDER BY 1""").fetchall()
    assert places == [("reliefweb:1", ["SDN", "sudan"]),  # its primary country, and through it its region
                      ("reliefweb:3", ["RUS", "UKR", "russia-ukraine"])]  # both sides: the dyad
    # the global appeal (six countries, no primary) names no place in its text: no region at all


def test_the_level_carries_the_last_covered_fatalities_over_the_publication_lag(make_config):
    """UCDP Candidate covers Syria from 4 to 18 January (its first and last events); documents open the region's
    span to 25 January. With no GDELT events the level is the fatalities part alone:
    100 * 0.5 * f / (f + 3.33) / (0.7 + 0.3 + 0.5). On 18 January f = 4 deaths / 7 covered days. After it, the
    level keeps that f for index.fatalities_carry_days (5 here) days, then drops the part (0)."""
    config = make_config([
        {"id": "cand", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.0.1",
         "dataset": "candidate"},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])
    settings = yaml.safe_load((config.settings.config_dir / "indicators.yaml").read_text())
    settings["index"]["fatalities_carry_days"] = 5
    (config.settings.config_dir / "indicators.yaml").write_text(yaml.safe_dump(settings))
    land(config, "cand", "ucdp_ged", ucdp_page([_ucdp_event(103, "2024-01-04", 652, 3),
                                                _ucdp_event(104, "2024-01-18", 652, 4)]),
         dataset="ucdp_candidate", version="x", endpoint="events", page=0)
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 25)])
    load(config)
    indicators(config, full=True)

    def level(f: float) -> float:
        return round(100 * 0.5 * f / (f + 3.33) / 1.5, 2)

    with reader(config.settings) as con:
        idx = daily(con, "syria", "tension_index")
        assert daily(con, "syria", "ucdp_fatalities")[date(2024, 1, 19)] is None  # not covered: unknown
    on_18 = level(4 / 7)
    assert idx[date(2024, 1, 18)] == on_18 == 4.88
    # 19 to 23 January: the 18th's rate (the window's own covered days would give 4 / 6, 4 / 5, ... 4 / 1)
    assert {idx[date(2024, 1, d)] for d in range(19, 24)} == {on_18}
    # from the 24th, more than 5 days after the last covered day: no fatalities part
    assert idx[date(2024, 1, 24)] == idx[date(2024, 1, 25)] == 0.0
    # before the first covered day there is nothing to carry
    assert idx[date(2024, 1, 3)] == 0.0 and idx[date(2024, 1, 4)] == level(3.0)
    # a later release reaches 22 January: the incremental run recomputes the carried days as a full run does
    land(config, "cand", "ucdp_ged", ucdp_page([_ucdp_event(105, "2024-01-22", 652, 6)]),
         dataset="ucdp_candidate", version="y", endpoint="events", page=0)
    load(config)
    indicators(config)
    with reader(config.settings) as con:
        incremental = con.execute("SELECT region_id, day, tension_index FROM v_region_daily ORDER BY ALL").fetchall()
        assert daily(con, "syria", "tension_index")[date(2024, 1, 25)] == level(10 / 7)  # the 22nd's window
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert con.execute("SELECT region_id, day, tension_index FROM v_region_daily ORDER BY ALL").fetchall() \
            == incremental


def test_a_ucdp_event_in_a_dyadic_area_needs_a_party_or_no_state(make_config):
    """In Lebanon (an area of middle-east, Israel against Iran and Hezbollah): Israel against Hezbollah joins, as
    does a clash of two groups with no state; Lebanon's government against a group is Lebanon's war, and so is a
    government whose Gleditsch-Ward code the reference table cannot map (a state by UCDP's name for it, not 'no
    state')."""
    config = make_config([
        {"id": "ged", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.1"},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])

    def lebanon(eid: int, side_a: str, side_b: str, gwnoa: int | None, gwnob: int | None = None) -> dict:
        return {**_ucdp_event(eid, "2024-01-05", 660, 1), "side_a": side_a, "side_b": side_b, "gwnoa": gwnoa,
                "gwnob": gwnob, "latitude": 33.27, "longitude": 35.2, "adm_1": "South Lebanon province"}

    rows = [lebanon(1, "Government of Israel", "Hezbollah", 666), lebanon(2, "Hezbollah", "IS", None),
            lebanon(3, "Government of Lebanon", "Fatah al-Islam", 660), lebanon(4, "Government of Atlantis", "X", 9999)]
    land(config, "ged", "ucdp_ged", ucdp_page(rows), dataset="ucdp_ged", version="24.1", endpoint="events", page=0)
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 10)])
    load(config)
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert con.execute("SELECT actor1_iso3 FROM curated_events WHERE event_id = 'ucdp_ged:4'").fetchone() == (None,)
        members = con.execute("SELECT list(event_id ORDER BY event_id) FROM curated_event_regions "
                              "WHERE region_id = 'middle-east'").fetchone()[0]
    assert members == ["ucdp_ged:1", "ucdp_ged:2"]


def test_acled_state_forces_are_their_state_for_the_party_test_and_the_dyad(make_config):
    """ACLED names a state's forces by the country ("Military Forces of Israel (2022-)"), with no code. In Lebanon
    (an area of middle-east, Israel against Iran and Hezbollah) Israel's strike joins, and so does violence by a
    group with no state; Lebanon's army against a group is Lebanon's war, and so is an army whose country no
    table knows (a state, not 'no state'); a protest is not the war. In the Golan box Syria's army against HTS
    does not join middle-east (it is the syria region's). Russia's and Ukraine's forces fighting in Moscow, outside the areas, join russia-ukraine by
    dyad; the same forces' prisoner exchange (not violence) does not. Worked out by hand from the rows."""
    config = make_config([
        {"id": "acled", "kind": "acled", "url": "http://127.0.0.1:9"},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])

    def acled(eid: str, country: str, iso: str, lat: float, lon: float, event_type: str, actor1: str,
              actor2: str = "") -> dict:
        return {"event_id_cnty": eid, "event_date": "2024-01-05", "iso": iso, "country": country, "admin1": "",
                "latitude": str(lat), "longitude": str(lon), "geo_precision": "1", "event_type": event_type,
                "actor1": actor1, "actor2": actor2, "fatalities": "1", "timestamp": "1700000000",
                "time_precision": "1"}

    def lebanon(eid: str, event_type: str, actor1: str, actor2: str = "") -> dict:
        return acled(eid, "Lebanon", "422", 33.27, 35.2, event_type, actor1, actor2)

    rows = [
        lebanon("LBN1", "Explosions/Remote violence", "Military Forces of Israel (2022-)", "Hezbollah"),
        lebanon("LBN2", "Battles", "Military Forces of Lebanon (2021-)", "Fatah al-Islam"),
        lebanon("LBN3", "Violence against civilians", "Unidentified Armed Group (Lebanon)", "Civilians (Lebanon)"),
        lebanon("LBN4", "Protests", "Protesters (Lebanon)"),
        lebanon("LBN5", "Battles", "Military Forces of Atlantis (2020-)", "Hezbollah"),
        lebanon("LBN6", "Battles", "Hezbollah", "Military Forces of Israel (2022-) Special Forces"),
        acled("SYR1", "Syria", "760", 33.12, 35.82, "Battles", "Military Forces of Syria (2000-2024)",
              "HTS: Hayat Tahrir al-Sham"),
        acled("RUS1", "Russia", "643", 55.75, 37.62, "Explosions/Remote violence", "Military Forces of Ukraine (2019-)",
              "Military Forces of Russia (2000-)"),
        acled("RUS2", "Russia", "643", 55.75, 37.62, "Strategic developments", "Military Forces of Russia (2000-)",
              "Military Forces of Ukraine (2019-)"),
    ]
    land(config, "acled", "acled", acled_page(rows), dataset="acled", endpoint="events", page=0)
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 10)])
    load(config)
    indicators(config, full=True)
    with reader(config.settings) as con:
        members = con.execute("SELECT region_id, list(event_id || ' ' || reason ORDER BY event_id) "
                              "FROM curated_event_regions WHERE dataset = 'acled' GROUP BY ALL ORDER BY 1").fetchall()
    assert members == [
        ("middle-east", ["acled:LBN1 area", "acled:LBN3 area", "acled:LBN6 area"]),
        ("russia-ukraine", ["acled:RUS1 dyad"]),
        ("syria", ["acled:SYR1 area"]),  # Syria's own war (an internal region)
    ]


def test_every_acled_country_name_has_its_state(shared_fixtures):
    """Every country in ACLED's own country table (acledR) resolves to one ISO3, as an actor's name would give it
    ("Military Forces of Democratic Republic of Congo"); the ones ISO 3166 spells otherwise checked by hand."""
    from warehouse.curated import state_names
    from tracktwo.core.settings import packaged_config_dir
    table = state_names(packaged_config_dir())
    names = dict(zip(table.column("name").to_pylist(), table.column("iso3").to_pylist()))
    with open(shared_fixtures / "acled" / "acledR_acled_countries.csv", encoding="utf-8", newline="") as f:
        acled = [r["country"] for r in csv.DictReader(f)]
    assert len(acled) == 243
    assert [c for c in acled if c.lower() not in names] == []
    assert {c: names[c.lower()] for c in ("Democratic Republic of Congo", "Republic of Congo", "Russia", "Palestine",
                                          "Ivory Coast", "Kosovo", "North Korea", "South Korea", "Taiwan", "Syria",
                                          "Iran", "Turkey", "eSwatini", "Micronesia", "Vatican City")} == {
        "Democratic Republic of Congo": "COD", "Republic of Congo": "COG", "Russia": "RUS", "Palestine": "PSE",
        "Ivory Coast": "CIV", "Kosovo": "XKX", "North Korea": "PRK", "South Korea": "KOR", "Taiwan": "TWN",
        "Syria": "SYR", "Iran": "IRN", "Turkey": "TUR", "eSwatini": "SWZ", "Micronesia": "FSM", "Vatican City": "VAT"}


def test_the_state_names_are_part_of_the_indicators_configuration(tmp_path):
    """ACLED's actor names are read at each computation: renaming a country in cameo_countries.csv changes the
    configuration hash, so every day is recomputed with it, not only the days an incremental run touches."""
    import shutil

    from tracktwo.core.settings import packaged_config_dir
    from warehouse.curated import state_names, state_names_digest
    shutil.copy2(packaged_config_dir() / "cameo_countries.csv", tmp_path / "cameo_countries.csv")
    same = state_names_digest(tmp_path)
    text = (tmp_path / "cameo_countries.csv").read_text(encoding="utf-8")
    (tmp_path / "cameo_countries.csv").write_text(text.replace("LBN,LBN,Lebanon", "LBN,LBN,Mount Lebanon State"),
                                                    encoding="utf-8")
    state_names.cache_clear()
    assert same == state_names_digest(packaged_config_dir()) != state_names_digest(tmp_path)


def test_a_region_is_covered_only_from_the_day_its_states_existed(make_config):
    """UCDP codes an event under the state of its day: before 9 July 2011 (South Sudan's independence, Gleditsch
    and Ward's date, config/gw_iso3.csv `since`) Upper Nile's events are Sudan's (country 625), so south-sudan
    cannot be covered then: it showed a stated 0 beside deaths in its own land (on the real sample, 42 in Upper
    Nile on 2001-08-09). By hand: sudan counts the 1 July event (42); south-sudan is unknown from 1 to 8 July,
    0 from the 9th, 5 on the 20th (an event under South Sudan, 626: the dataset's last day; unknown after it)."""
    config = make_config([
        {"id": "ged", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.1"},
        {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"},
    ])
    rows = [_ucdp_event(1, "2011-07-01", 625, 42, "Upper Nile state"), _ucdp_event(2, "2011-07-20", 626, 5, "Jonglei state")]
    land(config, "ged", "ucdp_ged", ucdp_page(rows), dataset="ucdp_ged", version="24.1", endpoint="events", page=0)
    span_feed(config, [date(2011, 7, 1), date(2011, 7, 25)])
    load(config)
    # first without the dates (the stated zeros), then an incremental run with them recomputes the days that
    # left the coverage: the same rows as a full run
    from warehouse.curated import state_since
    dates = config.settings.config_dir / "gw_iso3.csv"
    text = dates.read_text(encoding="utf-8")
    dates.write_text(text.replace(",2011-07-09,", ",,"), encoding="utf-8")
    state_since.cache_clear()
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert daily(con, "south-sudan", "ucdp_fatalities")[date(2011, 7, 1)] == 0
    dates.write_text(text, encoding="utf-8")
    state_since.cache_clear()
    indicators(config)
    with reader(config.settings) as con:
        incremental = con.execute("SELECT * EXCLUDE (as_of) FROM region_daily_current ORDER BY ALL").fetchall()
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert con.execute("SELECT * EXCLUDE (as_of) FROM region_daily_current ORDER BY ALL").fetchall() == incremental
        south = daily(con, "south-sudan", "ucdp_fatalities")
        sudan = daily(con, "sudan", "ucdp_fatalities")
        since = con.execute("SELECT ucdp_from FROM curated_coverage WHERE region_id = 'south-sudan'").fetchone()[0]
    assert since == date(2011, 7, 9)
    assert [south[date(2011, 7, d)] for d in (1, 8, 9, 19, 20, 25)] == [None, None, 0, 0, 5, None]
    assert (sudan[date(2011, 7, 1)], sudan[date(2011, 7, 20)]) == (42, 0)


def test_when_ged_leaves_a_region_an_incremental_run_counts_candidate_as_a_full_run_does(make_config):
    """UCDP is one series per region: GED through its last day, Candidate after. GED (5 on 2 January, 7 on the 10th)
    and Candidate (50 on the 1st, 9 on the 5th, 11 on the 15th) both cover russia-ukraine: by hand, 5 January is
    GED's, 0. Then GED's source asks only for the USA: GED no longer covers the region (ged_through becomes NULL)
    and Candidate counts every day, 9 on the 5th. The incremental run recomputed only the bound's own day before
    (DuckDB's least/greatest skip the NULL), and kept 0 where a full run gives 9."""
    from tracktwo.pipeline import open_config
    ged = {"id": "ged", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.1"}
    cand = {"id": "cand", "kind": "ucdp_ged", "url": "http://127.0.0.1:9/api", "version": "24.0.1",
            "dataset": "candidate"}
    feed = {"id": "span-feed", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml", "publisher": "Span"}
    config = make_config([ged, cand, feed])
    land(config, "ged", "ucdp_ged", ucdp_page([_ucdp_event(1, "2024-01-02", 369, 5),
                                               _ucdp_event(2, "2024-01-10", 369, 7)]),
         dataset="ucdp_ged", version="24.1", endpoint="events", page=0)
    land(config, "cand", "ucdp_ged", ucdp_page([_ucdp_event(101, "2024-01-01", 369, 50),
                                                _ucdp_event(102, "2024-01-05", 369, 9),
                                                _ucdp_event(103, "2024-01-15", 369, 11)]),
         dataset="ucdp_candidate", version="24.0.1", endpoint="events", page=0)
    span_feed(config, [date(2024, 1, 1), date(2024, 1, 25)])
    load(config)
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert daily(con, "russia-ukraine", "ucdp_fatalities")[date(2024, 1, 5)] == 0
    sources = config.settings.config_dir / "sources.yaml"
    doc = yaml.safe_load(sources.read_text())
    doc["sources"] = [dict(ged, countries=[2]), cand, feed]
    sources.write_text(yaml.safe_dump(doc, sort_keys=False))
    config = open_config(config.settings)
    assert indicators(config).mode == "incremental"
    with reader(config.settings) as con:
        incremental = con.execute("SELECT * EXCLUDE (as_of) FROM region_daily_current ORDER BY ALL").fetchall()
        assert daily(con, "russia-ukraine", "ucdp_fatalities")[date(2024, 1, 5)] == 9
    indicators(config, full=True)
    with reader(config.settings) as con:
        assert con.execute("SELECT * EXCLUDE (as_of) FROM region_daily_current ORDER BY ALL").fetchall() == incremental


def test_a_malformed_state_date_is_a_config_error_naming_the_state(tmp_path):
    from tracktwo.core.errors import ConfigError
    from tracktwo.core.settings import packaged_config_dir
    from warehouse.curated import state_since
    text = (packaged_config_dir() / "gw_iso3.csv").read_text(encoding="utf-8")
    (tmp_path / "gw_iso3.csv").write_text(text.replace(",2011-07-09,", ",9 July 2011,"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gw_iso3.csv: state 626 \(SSD\) field 'since': '9 July 2011'"):
        state_since(tmp_path)

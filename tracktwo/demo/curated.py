"""Demo stage: small synthetic UCDP Candidate, ACLED and ReliefWeb API responses, served by a local fake of
the three APIs (`tracktwo.demo.curated_api`), so fatalities and curated evidence show on the dashboard and
in the digest.

Every row is invented for the demo (nothing is copied from ACLED, UCDP or ReliefWeb); the rows have the
APIs' column names and value types, and the noise real data have:
- ACLED publishes with a lag: its events stop 2 days before the end, so the last days are unknown, not
  zero (real ACLED publishes weekly, a few days after each week ends; the demo's lag is fixed, so that its
  alerts cite the same curated evidence on any weekday it runs); UCDP Candidate is monthly: it stops at the end
  of the last full month;
- a protest in Kyiv about pensions (not part of the war: dyadic regions count armed violence only), an
  event in Kosovo (ACLED's iso 0), a row without a date, the same event twice in one page;
- UCDP names subdivisions with a unit word ('Donetsk oblast') and codes Gaza under Israel (country_id 666);
- between the demo's two ingest passes ACLED revises one event (more fatalities) and deletes another.
The stories follow the GDELT stream's: Russia–Ukraine fatalities triple over the last 10 days,
Israel–Palestine calms over the last 20, Sudan and Eastern DR Congo stay violent.
"""

from __future__ import annotations

import json
import random
from time import time as time_now
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterator

from rich.console import Console

from tracktwo.core.config import Config
from tracktwo.demo.curated_api import FakeCuratedApi
from tracktwo.demo.feeds import anchor_today
from tracktwo.demo.gdelt import CALM_DAYS, DAYS, SURGE_DAYS
from warehouse.db import reader

SEED = 20261130
UCDP_VERSION = "26.0.10"
# demo credentials of the local fake API: the demo's settings carry these instead of the process environment,
# so a real UCDP/ACLED login in the environment is never sent to it
DEMO_CREDENTIALS = {"DEMO_UCDP_TOKEN": "demo-ucdp-token", "DEMO_ACLED_USERNAME": "demo@example.org",
                    "DEMO_ACLED_PASSWORD": "demo-password"}
LICENCE = "synthetic sample written for tracktwo (demo of {}'s format and terms)"

# (region story, ISO3, ACLED iso numeric, UCDP GW country id, country name, [(admin1 ACLED, admin1 UCDP, lat, lon)],
#  actors (ACLED actor1, actor2), UCDP (side_a, side_b, gwnoa, gwnob, type_of_violence), daily rate, fatal/event)
THEATRES = [
    ("russia-ukraine", "UKR", 804, 369, "Ukraine",
     [("Donetsk", "Donetsk oblast", 48.00, 37.80), ("Kharkiv", "Kharkiv oblast", 49.99, 36.23),
      ("Zaporizhzhia", "Zaporizhzhia oblast", 47.84, 35.14)],
     ("Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"),
     ("Government of Russia (Soviet Union)", "Government of Ukraine", 365, 369, 1), 6.0, 2.0),
    ("russia-ukraine", "RUS", 643, 365, "Russia",
     [("Belgorod", "Belgorod oblast", 50.60, 36.59)],
     ("Military Forces of Ukraine (2019-)", "Civilians (Russia)"),
     ("Government of Russia (Soviet Union)", "Government of Ukraine", 365, 369, 1), 1.0, 0.5),
    ("israel-palestine", "PSE", 275, 666, "Palestine",
     [("Gaza Strip", "Gaza Strip", 31.50, 34.45), ("West Bank", "West Bank", 32.22, 35.25)],
     ("Military Forces of Israel (2022-)", "Hamas Movement"),
     ("Government of Israel", "Hamas", 666, None, 1), 5.0, 3.0),
    ("sudan", "SDN", 729, 625, "Sudan",
     [("North Darfur", "North Darfur state", 13.63, 25.35), ("Khartoum", "Khartoum state", 15.59, 32.53)],
     ("Military Forces of Sudan (2019-)", "Rapid Support Forces"),
     ("Government of Sudan", "RSF", 625, None, 1), 3.0, 4.0),
    ("dr-congo", "COD", 180, 490, "Democratic Republic of Congo",
     [("Nord-Kivu", "Nord Kivu province", -1.68, 29.22), ("Ituri", "Ituri province", 1.56, 30.25)],
     ("M23: March 23 Movement", "Military Forces of the Democratic Republic of Congo (2019-)"),
     ("Government of DR Congo (Zaire)", "M23", 490, None, 1), 2.0, 3.0),
]


def _rate(region: str, day_index: int, days: int, base: float) -> float:
    """The demo stories, in curated data too."""
    if region == "russia-ukraine" and day_index >= days - SURGE_DAYS:
        return base * 3
    if region == "israel-palestine" and day_index >= days - CALM_DAYS:
        return base * 0.15
    return base


def _poisson(rng: random.Random, lam: float) -> int:
    n, p, limit = 0, 1.0, pow(2.718281828459045, -lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def acled_end(end: date) -> date:
    """ACLED's latest release: data through 2 days before `end` (the days after are unknown, not quiet). Real
    ACLED publishes weekly, so its lag is 2 to 8 days by weekday; a weekday-dependent lag made the demo's
    escalation (the last 2 days, tested on 2-day windows) cite ACLED events on 2 weekdays of 7 only, and the
    pages differ by the day the demo runs. A fixed lag keeps the demo the same on every day."""
    return end - timedelta(days=2)


def ucdp_end(end: date) -> date:
    """UCDP Candidate's monthly release: data through the end of the last full month."""
    return end.replace(day=1) - timedelta(days=1)


def make_rows(end: date, days: int = DAYS, seed: int = SEED) -> dict[str, list[dict]]:
    """ACLED events, ACLED deletions (empty: filled between the passes), UCDP Candidate events, ReliefWeb reports."""
    rng = random.Random(seed)
    first = end - timedelta(days=days - 1)
    a_end, u_end = acled_end(end), ucdp_end(end)
    acled: list[dict] = []
    ucdp: list[dict] = []
    # ACLED's `timestamp`: when the week's batch was coded (the end of its last day: always in the past, so a
    # deletion made later is newer than the event it removes)
    stamp = int(datetime.combine(a_end, time(23), tzinfo=timezone.utc).timestamp())
    n = 0
    for i in range(days):
        day = first + timedelta(days=i)
        for region, iso3, iso, gw, country, places, (a1, a2), (sa, sb, ga, gb, tov), rate, fatal in THEATRES:
            for _ in range(_poisson(rng, rng.gammavariate(4.0, _rate(region, i, days, rate) / 4.0))):
                n += 1
                adm_acled, adm_ucdp, lat, lon = rng.choice(places)
                deaths = _poisson(rng, fatal * rng.choice([0.2, 0.5, 1.0, 1.0, 2.5]))
                kind = rng.choice(["Battles", "Explosions/Remote violence", "Explosions/Remote violence",
                                   "Violence against civilians"])
                if day <= a_end:
                    acled.append({
                        "event_id_cnty": f"{iso3[:3]}{100000 + n}", "event_date": day.isoformat(), "year": str(day.year),
                        "time_precision": "1", "disorder_type": "Political violence", "event_type": kind,
                        "sub_event_type": {"Battles": "Armed clash", "Violence against civilians": "Attack"}.get(
                            kind, "Shelling/artillery/missile attack"),
                        "actor1": a1, "assoc_actor_1": "", "inter1": "1", "actor2": a2, "assoc_actor_2": "",
                        "inter2": "2", "interaction": "12", "civilian_targeting": "", "iso": str(iso),
                        "region": "Demo", "country": country, "admin1": adm_acled, "admin2": "", "admin3": "",
                        "location": adm_acled, "latitude": f"{lat + rng.uniform(-0.2, 0.2):.4f}",
                        "longitude": f"{lon + rng.uniform(-0.2, 0.2):.4f}", "geo_precision": "1",
                        "source": "Demo Wire; Demo Local Radio", "source_scale": "National",
                        "notes": f"On {day:%d %B %Y}, {a1} and {a2} clashed near {adm_acled}. "
                                 f"{deaths} fatalities reported. [synthetic demo row]",
                        "fatalities": str(deaths), "tags": "", "timestamp": str(stamp)})
                if day <= u_end and rng.random() < 0.7:
                    ucdp.append({
                        "id": 900000 + n, "relid": f"DEMO-{day.year}-{n}", "year": day.year, "active_year": True,
                        "code_status": "Clear", "type_of_violence": tov, "conflict_new_id": 9000 + gw,
                        "conflict_name": f"{country}: {sb}", "dyad_new_id": 19000 + gw, "dyad_name": f"{sa} - {sb}",
                        "side_a_new_id": gw, "side_a": sa, "side_b_new_id": 5000 + gw, "side_b": sb,
                        "number_of_sources": 2, "source_article": "Demo Wire, demo report",
                        "source_office": "Demo Wire", "source_date": day.isoformat(),
                        "source_headline": f"Fighting near {adm_ucdp} (synthetic demo headline)",
                        "source_original": "demo", "where_prec": 2, "where_coordinates": adm_ucdp,
                        "where_description": f"near {adm_ucdp}", "adm_1": adm_ucdp, "adm_2": None,
                        "latitude": lat, "longitude": lon, "geom_wkt": f"POINT ({lon} {lat})", "priogrid_gid": 0,
                        # UCDP codes Gaza and the West Bank under Israel
                        "country": "Israel" if iso3 == "PSE" else country, "country_id": 666 if iso3 == "PSE" else gw,
                        "region": "Demo", "event_clarity": 1, "date_prec": 1,
                        "date_start": f"{day.isoformat()} 00:00:00.000", "date_end": f"{day.isoformat()} 00:00:00.000",
                        "deaths_a": 0, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": deaths,
                        "best": deaths, "high": deaths + rng.randint(0, 3), "low": max(0, deaths - rng.randint(0, 2)),
                        "gwnoa": ga, "gwnob": gb})
    # noise ACLED has
    kyiv = dict(acled[-1], event_id_cnty="UKR999001", event_type="Protests", sub_event_type="Peaceful protest",
                disorder_type="Demonstrations", actor1="Protesters (Ukraine)", actor2="", admin1="Kyiv City",
                location="Kyiv", latitude="50.4501", longitude="30.5234", fatalities="0",
                notes="Pensioners protested in Kyiv over pension indexation. [synthetic demo row]")
    kosovo = dict(acled[-1], event_id_cnty="XKX999002", iso="0", country="Kosovo", admin1="Pristina",
                  location="Pristina", latitude="42.6629", longitude="21.1655", fatalities="0",
                  event_type="Protests", notes="A demonstration in Pristina. [synthetic demo row]")
    undated = dict(acled[0], event_id_cnty="UKR999003", event_date="")
    twice = dict(acled[5], timestamp=str(int(acled[5]["timestamp"]) - 86400), fatalities="0")  # an older copy
    acled += [kyiv, kosovo, undated, twice]
    reports = _reports(rng, end)
    return {"acled": acled, "acled_deleted": [], "ucdp": ucdp, "reliefweb": reports}


REPORT_TOPICS = [
    ("Sudan: humanitarian situation in North Darfur", "SDN", ["OCHA"], "El Fasher remains under siege; "
     "aid convoys to North Darfur were blocked again."),
    ("Ukraine: shelling damages water supply in Kharkiv", "UKR", ["UNICEF", "WHO"], "Shelling in Kharkiv "
     "damaged a water station serving 150,000 people."),
    ("DR Congo: displacement from Rutshuru and Masisi", "COD", ["UNHCR", "MSF"], "Fighting near Goma "
     "displaced thousands from Rutshuru and Masisi."),
    ("Occupied Palestinian territory: flash update", "PSE", ["OCHA"], "Movement restrictions in the West Bank "
     "and Gaza continue to limit access to health care."),
]


def _reports(rng: random.Random, end: date) -> list[dict]:
    out = []
    for i in range(16):
        title, iso3, sources, body = REPORT_TOPICS[i % len(REPORT_TOPICS)]
        day = end - timedelta(days=i * 2 + rng.randint(0, 1))
        stamp = datetime.combine(day, time(10, 0), tzinfo=timezone.utc).isoformat()
        out.append({"id": str(4_900_000 + i), "fields": {
            "id": 4_900_000 + i, "title": f"{title} ({day:%d %b %Y})", "body": body,
            "source": [{"name": s, "shortname": s, "type": {"name": "International Organization"}} for s in sources],
            "country": [{"iso3": iso3.lower(), "name": iso3}], "primary_country": {"iso3": iso3.lower()},
            "date": {"original": stamp, "created": stamp, "changed": stamp},
            "url_alias": f"https://reliefweb.int/report/demo/{4_900_000 + i}"}})
    return out


def write_rows(served: Path, rows: dict[str, list[dict]]) -> None:
    out = served / "curated"
    out.mkdir(parents=True, exist_ok=True)
    for name, data in rows.items():
        (out / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


def read_rows(served: Path) -> dict[str, list[dict]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (served / "curated").glob("*.json")}


def prepare(served: Path, config_dir: Path) -> list[dict]:
    write_rows(served, make_rows(anchor_today() - timedelta(days=1)))
    return [
        {"id": "demo-ucdp-candidate", "kind": "ucdp_ged", "url": "{curated}/api", "version": UCDP_VERSION,
         "dataset": "candidate", "token_env": "DEMO_UCDP_TOKEN", "publisher": "UCDP Candidate (synthetic demo)",
         "perspective": "international", "license": LICENCE.format("UCDP")},
        {"id": "demo-acled", "kind": "acled", "url": "{curated}", "username_env": "DEMO_ACLED_USERNAME",
         "password_env": "DEMO_ACLED_PASSWORD", "publisher": "ACLED (synthetic demo)",
         "perspective": "international"},
        {"id": "demo-reliefweb", "kind": "reliefweb", "url": "{curated}/v2", "appname": "tracktwo-demo",
         "publisher": "ReliefWeb (synthetic demo)", "perspective": "international", "license": LICENCE.format("ReliefWeb")},
    ]


@contextmanager
def serve(served: Path) -> Iterator[FakeCuratedApi]:
    """The fake APIs with the demo rows, accepting the demo credentials."""
    rows = read_rows(served)
    api = FakeCuratedApi(ucdp_token=DEMO_CREDENTIALS["DEMO_UCDP_TOKEN"],
                         acled_username=DEMO_CREDENTIALS["DEMO_ACLED_USERNAME"],
                         acled_password=DEMO_CREDENTIALS["DEMO_ACLED_PASSWORD"])
    api.ucdp_rows = {UCDP_VERSION: rows.get("ucdp", [])}
    api.acled_rows = rows.get("acled", [])
    api.acled_deleted = rows.get("acled_deleted", [])
    api.reliefweb_rows = rows.get("reliefweb", [])
    with api:
        yield api


def revise(api: FakeCuratedApi) -> None:
    """Between the two ingest passes: ACLED revises one event (more fatalities, a newer timestamp) and deletes
    another, as its weekly updates do."""
    rows = api.acled_rows
    ukr = [r for r in rows if r["iso"] == "804" and r["event_date"]]
    target, gone = ukr[-1], ukr[-2]
    stamp = max(int(r["timestamp"]) for r in rows) + 3600
    rows[rows.index(target)] = dict(target, fatalities=str(int(target["fatalities"]) + 5), timestamp=str(stamp),
                                    notes=target["notes"] + " Updated: 5 more fatalities confirmed.")
    # ACLED stamps a deletion when it happens: after the first pass, whose run began the deletions' cursor
    api.acled_deleted = [{"event_id_cnty": gone["event_id_cnty"], "deleted_timestamp": str(int(time_now()) + 1)}]


SUMMARY_SQL = """
SELECT dataset, count(*) AS events, sum(fatalities_best) AS fatalities, min(event_date), max(event_date)
FROM curated_events GROUP BY dataset ORDER BY dataset
"""


def run(config: Config, console: Console) -> int:
    """Curated data were loaded by ingest; show what the warehouse holds."""
    with reader(config.settings) as con:
        rows = con.execute(SUMMARY_SQL).fetchall()
        versions = con.execute("SELECT count(*) FILTER (version > 1 AND NOT deleted), count(*) FILTER (deleted) "
                               "FROM curated_event_versions").fetchone()
    for dataset, n, deaths, first, last in rows:
        console.print(f"  {dataset:<15} {n:>5} events, {deaths:>6} fatalities, {first} .. {last}")
    console.print(f"  revisions kept: {versions[0]}, deletions applied: {versions[1]} "
                  "(earlier versions stay in curated_event_versions)")
    return 0


STAGE = ("curated data", prepare, run)

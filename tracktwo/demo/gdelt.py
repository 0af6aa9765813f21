"""Demo stage: a synthetic GDELT 2.0 event stream written for the project, served in GDELT's layout.

90 days across the regions of config/regions.yaml, one export per day (GDELT publishes one per 15
minutes; one a day keeps the demo fast). Every row is invented; nothing is copied from GDELT. The
stream carries the noise real GDELT has, so the demo shows why the indicator rules matter:
over-dispersed daily counts (rates drawn from a gamma distribution), domestic events on each side's
territory (Moscow, Beijing, Seoul, Tel Aviv) that belong to no conflict, events in neighbouring
countries, the same incident coded two or three times from several articles, events coded from
background sentences (IsRootEvent 0) and references to past events (a SQLDATE a month or a year before
DATEADDED). Four stories are in the numbers:
- Russia–Ukraine: material conflict triples over the last 10 days (escalation);
- Israel–Palestine: heavy fighting for 70 days, then calm for the last 20 (de-escalation);
- Korean Peninsula: talks between North and South rise over the last 10 days while tension is high
  (dialogue opening);
- Taiwan Strait: cross-strait contacts stop for the last 12 days while tension is high (dialogue gap).

Layout under <served>/gdeltv2/: lastupdate.txt, masterfilelist.txt (lines
`<bytes> <md5> <url>`, real sizes and MD5s) and YYYYMMDDHHMMSS.export.CSV.zip.
The listings give URLs relative to themselves because the local server's port
is only known later; the extractor resolves them against the listing's URL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from rich.console import Console

from extractors.gdelt import EXPORT_COLUMNS
from tracktwo.core.config import Config
from tracktwo.demo.feeds import anchor_today
from warehouse.db import reader

DAYS = 90
SURGE_DAYS = 10      # russia-ukraine escalation, korean-peninsula talks
CALM_DAYS = 20       # israel-palestine de-escalation
GAP_DAYS = 12        # taiwan-strait dialogue gap
BASE_ID = 1_300_000_000
FILE_TIME = time(23, 45)
CODES = {  # CAMEO event codes used by the generator, by quad class
    1: ["010", "020", "036", "040", "042", "043", "046", "051", "057"],
    2: ["061", "071", "073", "081"],
    3: ["111", "112", "120", "128", "130", "138", "141"],
    4: ["173", "180", "181", "190", "193", "194", "195"],
}
TALK_CODES = ["0311", "032", "036", "040", "042", "043", "046", "051", "057"]
WAR_CODES = ["180", "190", "193", "194", "195"]
# Places (FIPS ADM1 or country code, name, latitude, longitude) of the main stories: city-level (geo type 4), so
# ADM1 areas and boxes apply; other countries' events are in made-up towns (_Day.place), and the centroid noise
# below is country-level (geo type 1).
PLACES: dict[str, list[tuple[str, str, float, float]]] = {
    "UKR": [("UP07", "Kharkiv, Kharkivs'ka Oblast', Ukraine", 49.99, 36.23),
            ("UP05", "Donetsk, Donets'ka Oblast', Ukraine", 48.00, 37.80),
            ("UP26", "Zaporizhzhia, Zaporiz'ka Oblast', Ukraine", 47.84, 35.14)],
    "RUS": [("RS09", "Belgorod, Belgorodskaya Oblast', Russia", 50.60, 36.59)],
    "PSE": [("GZ", "Gaza, Gaza Strip (general), Gaza Strip", 31.50, 34.47),
            ("WE", "Nablus, West Bank (general), West Bank", 32.22, 35.26)],
    "TWN": [("TW03", "Taipei, T'ai-pei, Taiwan", 25.03, 121.56)],
    "PRK": [("KN12", "Pyongyang, P'yongyang-si, North Korea", 39.02, 125.75)],
    "KOR": [("KS10", "Panmunjom, Kyonggi-do, South Korea", 37.95, 126.68)],
}
# Domestic places of each side, far from the conflict: their domestic events belong to no region.
CAPITALS: dict[str, tuple[str, str, float, float]] = {
    "RUS": ("RS48", "Moscow, Moskva, Russia", 55.75, 37.62),
    "CHN": ("CH22", "Beijing, Beijing, China", 39.90, 116.40),
    "KOR": ("KS11", "Seoul, Soul-t'ukpyolsi, South Korea", 37.57, 126.98),
    "ISR": ("IS05", "Tel Aviv, Tel Aviv, Israel", 32.08, 34.78),
    "TWN": ("TW03", "Taipei, T'ai-pei, Taiwan", 25.03, 121.56),  # Taiwan itself is not an area: the strait is
}
# Stories that name a country and no place in it, coded at the country's centroid (geo type 1): they join no
# region through its areas (on the real export of 2019-10-24, 14 of the 15 events "in Ukraine" were US political
# coverage that names Ukraine)
# (actor 1, actor 2, the country named)
CENTROID_STORIES = [("USA", "UKR", "UKR"), ("UKR", None, "UKR"), ("USA", "USA", "PRK"), ("SDN", "SDN", "SDN"),
                    ("DEU", "SYR", "SYR"), ("MMR", None, "MMR")]
NEIGHBOURS = [("RUS", "BLR"), ("CHN", "JPN"), ("KOR", "JPN"), ("ISR", "EGY"), ("UKR", "POL")]
_COLS = [n for n, _ in EXPORT_COLUMNS]


def export_line(**values: object) -> str:
    """One tab-separated export row from GDELT column names; missing columns are empty.

    MonthYear, Year and FractionDate follow from SQLDATE when not given.
    """
    sqldate = values.get("SQLDATE")
    if sqldate is not None and "MonthYear" not in values:
        d = datetime.strptime(str(sqldate), "%Y%m%d")
        values = {"MonthYear": d.strftime("%Y%m"), "Year": d.year,
                  "FractionDate": f"{d.year + (d.month * 30 + d.day) / 365:.4f}", **values}
    unknown = set(values) - set(_COLS)
    if unknown:
        raise KeyError(f"not GDELT export columns: {sorted(unknown)}")
    return "\t".join("" if values.get(c) is None else str(values[c]) for c in _COLS)


def zip_export(csv_text: str | bytes, ts: str) -> bytes:
    """Zip an export CSV the way GDELT does: one member named <ts>.export.CSV."""
    buf = io.BytesIO()
    data = csv_text.encode("utf-8") if isinstance(csv_text, str) else csv_text
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{ts}.export.CSV", data)
    return buf.getvalue()


def listing_line(body: bytes, url: str) -> str:
    return f"{len(body)} {hashlib.md5(body).hexdigest()} {url}"


def _regions(cfg: Path) -> list[dict]:
    doc = yaml.safe_load((cfg / "regions.yaml").read_text(encoding="utf-8")) or {}
    return list(doc.get("regions", []))


def _reference(cfg: Path) -> tuple[dict[str, list[str]], dict[str, str], dict[str, tuple[int, float]]]:
    """ISO3 -> FIPS codes, ISO3 -> name, CAMEO code -> (quad, goldstein), from config/."""
    fips: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    with open(cfg / "fips_iso3.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["iso3"]:
                fips.setdefault(row["iso3"], []).append(row["fips"])
                names.setdefault(row["iso3"], row["name"])
    countries = cfg / "cameo_countries.csv"
    if countries.exists():  # actor names as CAMEO names them (PSE: Palestine, not Gaza Strip)
        with open(countries, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("cameo_code") == row.get("iso3") and row.get("name"):
                    names[row["iso3"]] = row["name"]
    cameo: dict[str, tuple[int, float]] = {}
    with open(cfg / "cameo_codes.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                cameo[row["event_code"]] = (int(row["quad_class"]), float(row["goldstein"] or 0))
            except ValueError:
                continue
    return fips, names, cameo


class _Day:
    """The rows of one day's export, with the generator's noise (duplicates, background, references)."""

    def __init__(self, day: date, index: int, rng: random.Random, fips: dict[str, list[str]], names: dict[str, str],
                 cameo: dict[str, tuple[int, float]]):
        self.day, self.index, self.rng = day, index, rng
        self.fips, self.names, self.cameo = fips, names, cameo
        self.added = datetime.combine(day, FILE_TIME).strftime("%Y%m%d%H%M%S")
        self.rows: list[str] = []

    def place(self, iso3: str) -> tuple[str, str, str, int, float, float, str]:
        """(country FIPS, ADM1, name, geo type, lat, lon, feature id) of a town in the country (GDELT geo type
        4): near one of the country's PLACES (one of 40 feature ids around it), else one of 40 towns of the
        country (at made-up coordinates outside every box of config/regions.yaml)."""
        town = self.rng.randint(1, 40)
        if iso3 in PLACES:
            adm1, name, lat, lon = self.rng.choice(PLACES[iso3])
            return (adm1[:2], adm1, name, 4, lat + town / 400, lon - town / 400, f"-{adm1}{town:02d}")
        code = (self.fips.get(iso3) or ["OS"])[0]
        return (code, code, f"Town {town}, {self.names.get(iso3, iso3)} (demo)", 4, 10.0 + town / 400,
                10.0 - town / 400, f"-{code}{town:02d}")

    def centroid(self, iso3: str) -> tuple[str, str, str, int, float, float, str]:
        """The country itself (geo type 1, at its centroid): where GDELT puts an event whose article names the
        country and no place in it."""
        code = (self.fips.get(iso3) or ["OS"])[0]
        return code, code, self.names.get(iso3, iso3), 1, 10.0, 10.0, code

    def event(self, a1: str | None, a2: str | None, code: str, where: tuple, *, root: int = 1, copies: int = 1,
              sqldate: date | None = None) -> None:
        """One incident, coded `copies` times (as GDELT does from several articles); a copy is sometimes coded
        from the other actor's side (B -> A; "hosts a visit", 043, for "makes a visit", 042), as GDELT does."""
        country, adm1, name, geo_type, lat, lon, feature = where
        first = (a1, a2, code)
        for copy in range(copies):
            eid = BASE_ID + self.index * 100_000 + len(self.rows)
            a1, a2, code = first
            if copy and a1 and a2 and eid % 3 == 0:  # no draw of the generator: the other stories are unchanged
                a1, a2, code = a2, a1, "043" if code == "042" else code
            quad, goldstein = self.cameo.get(code, (int(code[:2]) // 5 + 1, 0.0))  # 043's own scale: 2.8, not 1.9
            self.rows.append(export_line(
                GLOBALEVENTID=eid, SQLDATE=(sqldate or self.day).strftime("%Y%m%d"),
                Actor1Code=a1, Actor1Name=self.names.get(a1, a1).upper() if a1 else None, Actor1CountryCode=a1,
                Actor2Code=a2, Actor2Name=self.names.get(a2, a2).upper() if a2 else None, Actor2CountryCode=a2,
                IsRootEvent=root if copy == 0 else self.rng.choice([0, 1]), EventCode=code, EventBaseCode=code[:3],
                EventRootCode=code[:2], QuadClass=quad, GoldsteinScale=goldstein,
                NumMentions=self.rng.randint(1, 12), NumSources=self.rng.randint(1, 4),
                NumArticles=self.rng.randint(1, 10), AvgTone=f"{self.rng.uniform(-8, 3):.4f}",
                ActionGeo_Type=geo_type, ActionGeo_FullName=name, ActionGeo_CountryCode=country,
                ActionGeo_ADM1Code=adm1, ActionGeo_Lat=f"{lat:.4f}", ActionGeo_Long=f"{lon:.4f}",
                ActionGeo_FeatureID=feature,
                DATEADDED=self.added, SOURCEURL=self.source_url(a1, a2, country, eid, listing=bool(copy) and eid % 13 == 0),
            ))

    def source_url(self, a1: str | None, a2: str | None, fips: str, eid: int, listing: bool) -> str:
        """The article an event was coded from; for `listing`, the outlet's tag page of the story's country, as
        GDELT crawls real ones (docs/indicators.md, "listing_pages": kept, not counted). The same one draw of the
        generator either way, so the other stories are unchanged."""
        outlet = self.outlet(a1, a2, fips)
        if listing:
            name = self.names.get(a2 or a1 or "", "world")
            return f"https://{outlet}/tag/{'-'.join(name.lower().split())}/"
        return f"https://{outlet}/demo/{self.day:%Y/%m/%d}/{eid}"

    def outlet(self, a1: str | None, a2: str | None, fips: str) -> str:
        """The outlet an event was coded from: one that covers its actors or place (OUTLET_COVERAGE), else one
        of the wires; never the same few for every region (corroboration counts distinct outlets)."""
        local = [o for o, covers in OUTLET_COVERAGE.items() if {a1, a2, fips} & covers]
        return self.rng.choice(local + WIRES if local else WIRES)

    def incidents(self, mean: float, k: float = 4.0) -> int:
        """An over-dispersed daily count: Poisson with a gamma-distributed rate (negative binomial)."""
        if mean <= 0:
            return 0
        rate = self.rng.gammavariate(k, mean / k)
        n, p, limit = 0, 1.0, 2.718281828459045 ** -rate
        while True:  # Knuth's Poisson sampler: small rates only, as here
            p *= self.rng.random()
            if p <= limit:
                return n
            n += 1

    def incident(self, a1: str | None, a2: str | None, code: str, where: tuple) -> None:
        """A counted incident: a root event, coded again from a second or third article one time in four."""
        self.event(a1, a2, code, where, copies=self.rng.choices([1, 2, 3], weights=[75, 18, 7])[0])


# Outlets of the synthetic events: regional ones cover the actors (ISO3) or places (FIPS) named, the wires
# cover everything. An event is coded from one of those that cover it.
OUTLET_COVERAGE: dict[str, set[str]] = {
    "kyivwire.example.org": {"UKR", "UP"},
    "moscowdaily.example.com": {"RUS", "UKR", "RS", "UP"},
    "levantpost.example.com": {"ISR", "PSE", "LBN", "IRN", "SYR", "IS", "GZ", "WE", "LE", "SY", "IR"},
    "straitsherald.example.org": {"CHN", "TWN", "CH", "TW"},
    "koreadesk.example.org": {"PRK", "KOR", "KN", "KS"},
    "sahelnews.example.org": {"MLI", "BFA", "NER", "TCD", "NGA", "CMR", "SDN", "ML", "UV", "NG", "CD", "NI", "CM", "SU"},
}
WIRES = ["wire.example.net", "worldreport.example.com", "dispatch.example.net"]


def day_rows(day: date, day_index: int, regions: list[dict], rng: random.Random,
             fips: dict[str, list[str]], names: dict[str, str], cameo: dict[str, tuple[int, float]]) -> list[str]:
    """All synthetic events first reported on one day."""
    d = _Day(day, day_index, rng, fips, names, cameo)
    last = DAYS - 1 - day_index  # 0 on the last day
    surge, calm, gap = last < SURGE_DAYS, last < CALM_DAYS, last < GAP_DAYS

    for region in regions:  # background activity of every region, in its own places
        if region["id"] in ("russia-ukraine", "israel-palestine", "korean-peninsula", "taiwan-strait"):
            continue
        areas = region.get("areas", {})
        if region.get("type") == "dyadic":
            a = [c for c in region["sides"][0].get("countries", []) if c in fips]
            b = [c for c in region["sides"][1].get("countries", []) if c in fips]
            if not (a and b):
                continue
            for _ in range(d.incidents(1.5)):
                x, y = rng.choice(a), rng.choice(b)
                pair = (x, y) if rng.random() < 0.5 else (y, x)
                d.incident(*pair, rng.choice(CODES[rng.choice([1, 3, 4])]), d.place(rng.choice([x, y])))
        else:
            where = [c for c in areas.get("countries", []) if c in fips]
            adm1 = list(areas.get("adm1", []))
            for _ in range(d.incidents(2.0)):
                quad = rng.choices([1, 2, 3, 4], weights=[35, 10, 25, 30])[0]
                if where and (not adm1 or rng.random() < 0.5):
                    c = rng.choice(where)
                    actor = rng.choice([c, None])
                    d.incident(actor, rng.choice([c, None]), rng.choice(CODES[quad]), d.place(c))
                elif adm1:
                    code = rng.choice(adm1)
                    d.incident(None, None, rng.choice(CODES[quad]),
                               (code[:2], code, f"{code} (demo place)", 2, 10.0, 10.0, code))

    # Russia-Ukraine: material conflict between the sides, in Ukraine and Belgorod; tripled in the surge
    for _ in range(d.incidents(36.0 if surge else 12.0, k=8)):
        pair = rng.choice([("RUS", "UKR"), ("RUS", "UKR"), ("UKR", "RUS")])
        d.incident(*pair, rng.choice(WAR_CODES), d.place("UKR" if rng.random() < 0.85 else "RUS"))
    for _ in range(d.incidents(3.0)):  # accusations and threats between the sides
        d.incident("RUS", "UKR", rng.choice(CODES[3]), d.place("UKR"))
    # and talks on prisoner exchanges and the nuclear plant, as the feeds report them (about one incident every two
    # days; GDELT codes such contacts between the sides even in war), from their own generator so the other
    # stories' draws stay as they were (their later event ids move, and with them which copies are coded from
    # the other side: counted incidents are the same, the pair being unordered)
    main, d.rng = d.rng, random.Random(f"ru-ua-talks-{day_index}")
    for _ in range(d.incidents(0.5, k=2)):
        d.incident(*d.rng.choice([("RUS", "UKR"), ("UKR", "RUS")]), d.rng.choice(TALK_CODES),
                   d.place(d.rng.choice(["UKR", "RUS"])))
    d.rng = main
    # Israel-Palestine: heavy fighting, then calm
    for _ in range(d.incidents(3.0 if calm else 15.0, k=8)):
        d.incident(*rng.choice([("ISR", "PSE"), ("PSE", "ISR")]), rng.choice(WAR_CODES), d.place("PSE"))
    # Korean Peninsula: steady threats and incidents, talks rising in the surge
    for _ in range(d.incidents(6.0, k=6)):
        d.incident("PRK", rng.choice(["KOR", "USA", "JPN"]), rng.choice(CODES[3] + CODES[4] * 2), d.place("PRK"))
    for _ in range(d.incidents(8.0 if surge else 2.0, k=8)):
        d.incident(*rng.choice([("PRK", "KOR"), ("KOR", "PRK")]), rng.choice(TALK_CODES),
                   d.place(rng.choice(["PRK", "KOR"])))
    if surge:  # a summit week: as many talks again, drawn from their own generator so the other stories' draws
        main, d.rng = d.rng, random.Random(f"summit-{day_index}")  # stay as they were
        for _ in range(d.incidents(8.0, k=8)):
            d.incident(*d.rng.choice([("PRK", "KOR"), ("KOR", "PRK")]), d.rng.choice(TALK_CODES),
                       d.place(d.rng.choice(["PRK", "KOR"])))
        d.rng = main
    # Taiwan Strait: steady pressure, cross-strait contacts that stop
    for _ in range(d.incidents(8.0, k=8)):
        d.incident("CHN", "TWN", rng.choice(CODES[3] + CODES[4] * 2), d.place("TWN"))
    for _ in range(d.incidents(0.0 if gap else 4.0, k=8)):
        d.incident(*rng.choice([("CHN", "TWN"), ("TWN", "CHN")]), rng.choice(TALK_CODES), d.place("TWN"))

    # Noise that must not count: domestic events far from the front, neighbours, background, references
    for iso3, where in CAPITALS.items():
        for _ in range(rng.randint(3, 8)):
            quad = rng.choice([1, 3, 4])
            d.event(iso3, rng.choice([iso3, None]), rng.choice(CODES[quad]),
                    (where[0][:2], *where[:2], 4, *where[2:], f"-{where[0]}"))
    for _ in range(rng.randint(2, 6)):
        x, y, named = rng.choice(CENTROID_STORIES)
        d.event(x, y, rng.choice(CODES[rng.choice([1, 3, 4])]), d.centroid(named))
    for x, y in NEIGHBOURS:
        for _ in range(rng.randint(0, 3)):
            d.event(x, y, rng.choice(CODES[rng.choice([1, 3])]), d.place(y))
    for _ in range(rng.randint(10, 20)):  # coded from background sentences: not root events
        x, y = rng.choice([("RUS", "UKR"), ("ISR", "PSE"), ("CHN", "TWN"), ("PRK", "KOR")])
        d.event(x, y, rng.choice(WAR_CODES), d.place(y), root=0)
    for _ in range(rng.randint(0, 3)):  # "a year ago", "last month": references to past events
        back = day - timedelta(days=rng.choice([30, 365]))
        d.event("RUS", "UKR", rng.choice(WAR_CODES), d.place("UKR"), sqldate=back)
    return d.rows


def write_stream(served: Path, cfg: Path, end: date | None = None, days: int = DAYS,
                 seed: int = 20261125) -> list[Path]:
    """Write <served>/gdeltv2/ with `days` daily exports ending on `end` (default: yesterday, UTC).

    `cfg` is the config folder whose regions and reference tables the synthetic events follow.
    """
    end = end or anchor_today() - timedelta(days=1)
    regions = _regions(cfg)
    fips, names, cameo = _reference(cfg)
    out = served / "gdeltv2"
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lines, files = [], []
    for i in range(days):
        day = end - timedelta(days=days - 1 - i)
        ts = datetime.combine(day, FILE_TIME).strftime("%Y%m%d%H%M%S")
        body = zip_export("\n".join(day_rows(day, i, regions, rng, fips, names, cameo)) + "\n", ts)
        name = f"{ts}.export.CSV.zip"
        (out / name).write_bytes(body)
        files.append(out / name)
        lines.append(listing_line(body, name))
    (out / "masterfilelist.txt").write_text("\n".join(lines) + "\n")
    (out / "lastupdate.txt").write_text(lines[-1] + "\n")
    return files


def prepare(served: Path, config_dir: Path) -> list[dict]:
    write_stream(served, config_dir)
    return [{"id": "demo-gdelt", "kind": "gdelt_events", "url": "{server}/gdeltv2/lastupdate.txt",
             "publisher": "GDELT (synthetic demo)", "perspective": "international", "max_files_per_run": 100,
             "license": "CC0 (synthetic sample written for tracktwo)"}]


SUMMARY_SQL = """
SELECT count(*) AS events, count(DISTINCT landing_file) AS files, min(event_date), max(event_date)
FROM events WHERE source = 'gdelt'
"""


def run(config: Config, console: Console) -> int:
    """The stream was loaded by ingest (catch-up from masterfilelist.txt); show what it holds."""
    with reader(config.settings) as con:
        n, files, first, last = con.execute(SUMMARY_SQL).fetchone()
    console.print(f"  {n} GDELT events from {files} export files, {first} .. {last} "
                  "(with domestic, neighbouring, duplicate, background and backdated noise)")
    return 0


STAGE = ("gdelt events", prepare, run)

"""Demo stage: a synthetic GDELT 2.0 event stream written for the project, served in GDELT's layout.

90 days across the regions in config/regions.yaml, one export per day (GDELT
publishes one per 15 minutes; one a day keeps the demo fast). Two stories are
visible in the numbers: material conflict between Russia and Ukraine rises over
the last 10 days (escalation), and cooperative statements, consultations and
agreements (CAMEO 03/04/05) between North and South Korea rise over the same
days (renewed talks). Every row is invented; nothing is copied from GDELT.

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
SURGE_DAYS = 10
ESCALATION = ("russia-ukraine", "RUS", "UKR")
TALKS = ("korean-peninsula", "PRK", "KOR")
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
_FALLBACK_REGIONS = [
    {"id": "russia-ukraine", "countries": ["RUS", "UKR"]},
    {"id": "israel-palestine", "countries": ["ISR", "PSE"]},
    {"id": "taiwan-strait", "countries": ["CHN", "TWN"]},
    {"id": "korean-peninsula", "countries": ["PRK", "KOR"]},
]
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
    p = cfg / "regions.yaml"
    if p.exists():
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        regions = [r for r in doc.get("regions", []) if r.get("countries")]
        if regions:
            return regions
    return _FALLBACK_REGIONS


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


def day_rows(day: date, day_index: int, regions: list[dict], rng: random.Random,
             fips: dict[str, list[str]], names: dict[str, str], cameo: dict[str, tuple[int, float]]) -> list[str]:
    """All synthetic events first reported on one day."""
    added = datetime.combine(day, FILE_TIME).strftime("%Y%m%d%H%M%S")
    surge = max(0, day_index - (DAYS - SURGE_DAYS) + 1)  # 0 before the last 10 days, then 1..10
    rows: list[str] = []

    def event(a1: str, a2: str | None, code: str, place: str) -> None:
        quad, goldstein = cameo.get(code, (int(code[:2]) // 5 + 1, 0.0))
        fips_code = rng.choice(fips.get(place, ["OS"]))
        eid = BASE_ID + day_index * 100_000 + len(rows)
        rows.append(export_line(
            GLOBALEVENTID=eid, SQLDATE=day.strftime("%Y%m%d"),
            Actor1Code=a1, Actor1Name=names.get(a1, a1).upper(), Actor1CountryCode=a1,
            Actor2Code=a2, Actor2Name=names.get(a2, a2).upper() if a2 else None, Actor2CountryCode=a2,
            IsRootEvent=rng.choice([0, 1]), EventCode=code, EventBaseCode=code[:3], EventRootCode=code[:2],
            QuadClass=quad, GoldsteinScale=goldstein,
            NumMentions=rng.randint(1, 12), NumSources=rng.randint(1, 4), NumArticles=rng.randint(1, 10),
            AvgTone=f"{rng.uniform(-8, 3):.4f}",
            ActionGeo_Type=1, ActionGeo_FullName=names.get(place, place), ActionGeo_CountryCode=fips_code,
            ActionGeo_ADM1Code=fips_code, ActionGeo_Lat=f"{rng.uniform(-60, 70):.4f}",
            ActionGeo_Long=f"{rng.uniform(-170, 170):.4f}", ActionGeo_FeatureID=fips_code,
            DATEADDED=added, SOURCEURL=f"https://news.example.org/demo/{day:%Y/%m/%d}/{eid}",
        ))

    for region in regions:
        countries = [c for c in region["countries"] if c in fips] or ["OS"]
        for _ in range(rng.randint(3, 6)):
            quad = rng.choices([1, 2, 3, 4], weights=[45, 15, 25, 15])[0]
            a1, a2 = rng.choice(countries), rng.choice(countries + [None])
            event(a1, a2, rng.choice(CODES[quad]), rng.choice(countries))
    _, rus, ukr = ESCALATION
    for _ in range(2 + surge * 4 + rng.randint(0, 2)):
        a1, a2 = rng.choice([(rus, ukr), (rus, ukr), (ukr, rus)])
        event(a1, a2, rng.choice(WAR_CODES), ukr if rng.random() < 0.85 else rus)
    _, prk, kor = TALKS
    for _ in range(1 + surge * 3 + rng.randint(0, 1)):
        a1, a2 = rng.choice([(prk, kor), (kor, prk)])
        event(a1, a2, rng.choice(TALK_CODES), rng.choice([prk, kor]))
    return rows


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
SURGE_SQL = """
WITH last AS (SELECT max(event_date) AS d FROM events WHERE source = 'gdelt'),
     e AS (SELECT *, (actor1_iso3, actor2_iso3) IN (('PRK', 'KOR'), ('KOR', 'PRK')) AS prk_kor FROM events)
SELECT
  count(*) FILTER (WHERE quad_class = 4 AND action_iso3 IN ('RUS', 'UKR') AND event_date >  d - 10) / 10.0,
  count(*) FILTER (WHERE quad_class = 4 AND action_iso3 IN ('RUS', 'UKR') AND event_date <= d - 10) / 80.0,
  count(*) FILTER (WHERE root_code IN ('03', '04', '05') AND prk_kor AND event_date >  d - 10) / 10.0,
  count(*) FILTER (WHERE root_code IN ('03', '04', '05') AND prk_kor AND event_date <= d - 10) / 80.0
FROM e, last WHERE source = 'gdelt'
"""


def run(config: Config, console: Console) -> int:
    """The stream was loaded by ingest (catch-up from masterfilelist.txt); show what it holds."""
    with reader(config.settings) as con:
        n, files, first, last = con.execute(SUMMARY_SQL).fetchone()
        war_now, war_before, talk_now, talk_before = con.execute(SURGE_SQL).fetchone()
    console.print(f"  {n} GDELT events from {files} export files, {first} .. {last}")
    console.print(f"  russia-ukraine material conflict: {war_now:.1f}/day in the last 10 days vs {war_before:.1f}/day before")
    console.print(f"  PRK-KOR cooperation (CAMEO 03-05): {talk_now:.1f}/day in the last 10 days vs {talk_before:.1f}/day before")
    return 0


STAGE = ("gdelt events", prepare, run)

"""The demo's synthetic GDELT stream: GDELT's layout, real sizes/MD5s, visible escalation and talks."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date, timedelta

import duckdb

from extractors.gdelt import READ_CSV_PARAMS, LandedState, export_entries, plan_catch_up
from conftest import PROJECT_CONFIG
from tracktwo.demo import demo_stages
from tracktwo.demo import gdelt as demo


def test_stream_layout_and_catch_up_plan(tmp_path):
    files = demo.write_stream(tmp_path, PROJECT_CONFIG, end=date(2026, 11, 24))
    folder = tmp_path / "gdeltv2"
    assert len(files) == demo.DAYS == 90
    base = "http://127.0.0.1:1/gdeltv2/masterfilelist.txt"
    master = list(export_entries((folder / "masterfilelist.txt").read_text().splitlines(), base))
    latest = list(export_entries((folder / "lastupdate.txt").read_text().splitlines(), base))
    assert [f.url for f in latest] == [master[-1].url] == ["http://127.0.0.1:1/gdeltv2/20261124234500.export.CSV.zip"]
    for f, path in zip(master, files):
        body = path.read_bytes()
        assert (f.size, f.md5) == (len(body), hashlib.md5(body).hexdigest())
        assert zipfile.ZipFile(path).namelist() == [path.name.replace(".zip", "")]
    # the demo source's first ingest catches up all 90 from masterfilelist.txt
    assert len(plan_catch_up(latest, iter(master), LandedState(), cap=100)) == 90


def test_stream_shows_escalation_and_talks(tmp_path):
    files = demo.write_stream(tmp_path, PROJECT_CONFIG, end=date(2026, 11, 24))
    con = duckdb.connect()
    for i, path in enumerate(files):
        with zipfile.ZipFile(path) as zf:
            (tmp_path / f"{i}.csv").write_bytes(zf.read(zf.namelist()[0]))
    con.execute("CREATE TABLE e AS SELECT * FROM "
                "read_csv($path, delim = $delim, header = false, quote = '', escape = '', auto_detect = false, "
                "dateformat = $dateformat, timestampformat = $timestampformat, columns = $columns, store_rejects = true)",
                {**READ_CSV_PARAMS, "path": str(tmp_path / "*.csv")})
    assert con.execute("SELECT count(*) FROM reject_errors").fetchone()[0] == 0
    n, distinct = con.execute("SELECT count(*), count(DISTINCT GLOBALEVENTID) FROM e").fetchone()
    assert n == distinct > 5000
    # the stories, in root events of the day they were added (what the indicators count), per day
    con.execute("""CREATE VIEW r AS SELECT *, DATEADDED::DATE - SQLDATE AS lag,
                          list_sort([Actor1CountryCode, Actor2CountryCode]) AS pair FROM e
                   WHERE IsRootEvent = 1 AND SQLDATE = DATEADDED::DATE""")

    def per_day(where: str, last: int) -> tuple[float, float]:
        cut = date(2026, 11, 24) - timedelta(days=last)
        now, before = con.execute(f"SELECT count(*) FILTER (WHERE SQLDATE > ?), count(*) FILTER (WHERE SQLDATE <= ?) "
                                  f"FROM r WHERE {where}", [cut, cut]).fetchone()  # fixed text, no input
        return now / last, before / (90 - last)

    war_now, war_before = per_day("QuadClass = 4 AND pair = ['RUS', 'UKR']", 10)
    talks_now, talks_before = per_day("EventRootCode IN ('03', '04', '05') AND pair = ['KOR', 'PRK']", 10)
    gaza_now, gaza_before = per_day("QuadClass = 4 AND pair = ['ISR', 'PSE']", 20)
    strait_now, strait_before = per_day("EventRootCode IN ('03', '04', '05') AND pair = ['CHN', 'TWN']", 12)
    assert war_now > 2 * war_before and talks_now > 2.5 * talks_before
    assert gaza_now < gaza_before / 3 and strait_now == 0 < strait_before
    # the noise real GDELT has: domestic Moscow events, background sentences, references, duplicate codings
    noise = con.execute("""SELECT count(*) FILTER (WHERE ActionGeo_ADM1Code = 'RS48'),
                                  count(*) FILTER (WHERE IsRootEvent = 0),
                                  count(*) FILTER (WHERE DATEADDED::DATE - SQLDATE >= 30)
                           FROM e""").fetchone()
    assert all(x > 50 for x in noise), noise
    dupes = con.execute("""SELECT count(*) FROM (SELECT SQLDATE, Actor1Code, Actor2Code, EventCode, ActionGeo_FeatureID
                           FROM e GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]
    assert dupes > 100
    # and codings of one event from the other actor's side (B -> A, "host a visit" for "make a visit")
    mirrors = con.execute("""SELECT count(*) FROM (
                                 SELECT SQLDATE, list_sort([Actor1Code, Actor2Code]), replace(EventCode, '043', '042'),
                                        ActionGeo_FeatureID
                                 FROM e WHERE Actor1Code <> Actor2Code GROUP BY ALL
                                 HAVING count(DISTINCT Actor1Code) = 2)""").fetchone()[0]
    assert mirrors > 100
    # several regions appear, every row has a typed date and a leading-zero-safe code
    assert con.execute("SELECT count(DISTINCT ActionGeo_CountryCode) FROM e").fetchone()[0] > 20
    assert con.execute("SELECT count(*) FROM e WHERE SQLDATE IS NULL OR length(EventCode) < 3").fetchone()[0] == 0


def test_stage_registered_with_source(tmp_path):
    assert any(name == "gdelt events" for name, _, _ in demo_stages())
    (src,) = demo.prepare(tmp_path, PROJECT_CONFIG)
    assert src["kind"] == "gdelt_events" and src["url"] == "{server}/gdeltv2/lastupdate.txt"
    assert src["max_files_per_run"] >= demo.DAYS
    assert (tmp_path / "gdeltv2" / "lastupdate.txt").exists()

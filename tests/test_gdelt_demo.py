"""The demo's synthetic GDELT stream: GDELT's layout, real sizes/MD5s, visible escalation and talks."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date

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
    war = con.execute("""SELECT count(*) FILTER (WHERE SQLDATE > DATE '2026-11-14'),
                                count(*) FILTER (WHERE SQLDATE <= DATE '2026-11-14') FROM e
                         WHERE QuadClass = 4 AND ActionGeo_CountryCode IN ('RS', 'UP')""").fetchone()
    talks = con.execute("""SELECT count(*) FILTER (WHERE SQLDATE > DATE '2026-11-14'),
                                  count(*) FILTER (WHERE SQLDATE <= DATE '2026-11-14') FROM e
                           WHERE EventRootCode IN ('03', '04', '05')
                             AND list_sort([Actor1CountryCode, Actor2CountryCode]) = ['KOR', 'PRK']""").fetchone()
    assert war[0] / 10 > 3 * war[1] / 80  # last 10 days vs the 80 before, per day
    assert talks[0] / 10 > 3 * talks[1] / 80
    # several regions appear, every row has a typed date and a leading-zero-safe code
    assert con.execute("SELECT count(DISTINCT ActionGeo_CountryCode) FROM e").fetchone()[0] > 20
    assert con.execute("SELECT count(*) FROM e WHERE SQLDATE IS NULL OR length(EventCode) < 3").fetchone()[0] == 0


def test_stage_registered_with_source(tmp_path):
    assert any(name == "gdelt events" for name, _, _ in demo_stages())
    (src,) = demo.prepare(tmp_path, PROJECT_CONFIG)
    assert src["kind"] == "gdelt_events" and src["url"] == "{server}/gdeltv2/lastupdate.txt"
    assert src["max_files_per_run"] >= demo.DAYS
    assert (tmp_path / "gdeltv2" / "lastupdate.txt").exists()

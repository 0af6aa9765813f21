"""GDELT 2.0 events end to end: local server in GDELT's layout -> landing -> events."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from werkzeug import Response

from warehouse.db import query
from warehouse.indicators import compute
from tracktwo import pipeline
from tracktwo.demo.gdelt import export_line, zip_export

SAMPLE = "20191024143000"


class FakeGdelt:
    """GDELT's folder on a local server: lastupdate.txt, masterfilelist.txt, export zips.

    `listed` controls what the listings announce (a test may lie about size/MD5
    or list a file it does not serve); `served` what is actually returned.
    """

    def __init__(self, httpserver):
        self.httpserver = httpserver
        self.served: dict[str, bytes] = {}
        self.listed: list[tuple[str, int, str]] = []  # (name, size, md5)
        self.latest_count = 1
        self.master_available = True
        self.ranges = True  # serve Range requests on the listings, as GDELT's storage does
        self.history: list[str] = []  # older lines of masterfilelist.txt (other files, years back)
        self.requests: list[str] = []
        self.extra_latest: list[str] = []  # raw lines appended to lastupdate.txt (forged entries)
        self.range_bytes: list[int] = []  # bytes sent for each masterfilelist.txt request
        httpserver.expect_request(re.compile(r"^/gdeltv2/.*")).respond_with_handler(self._handle)

    def url(self, name: str) -> str:
        return self.httpserver.url_for(f"/gdeltv2/{name}")

    @property
    def lastupdate_url(self) -> str:
        return self.url("lastupdate.txt")

    def add(self, ts: str, body: bytes, *, serve: bool = True, size: int | None = None, md5: str | None = None) -> str:
        import hashlib

        name = f"{ts}.export.CSV.zip"
        if serve:
            self.served[name] = body
        self.listed = [x for x in self.listed if x[0] != name]
        self.listed.append((name, len(body) if size is None else size, md5 or hashlib.md5(body).hexdigest()))
        self.listed.sort()
        return name

    def _lines(self, entries) -> str:
        out = []
        for name, size, md5 in entries:
            out.append(f"{size} {md5} {self.url(name)}")
            # real listings also carry mentions and gkg files: they must be ignored
            out.append(f"123 {'0' * 32} {self.url(name.replace('.export.CSV.zip', '.mentions.CSV.zip'))}")
        return "\n".join(out) + "\n"

    def _handle(self, request):
        name = request.path.rsplit("/", 1)[-1]
        self.requests.append(name)
        if name == "lastupdate.txt":
            return Response(self._lines(self.listed[-self.latest_count:]) + "".join(self.extra_latest),
                            content_type="text/plain")
        if name == "masterfilelist.txt" and self.master_available:
            data = ("".join(self.history) + self._lines(self.listed)).encode()
            resp = Response(data, content_type="text/plain")
            if self.ranges:
                resp.make_conditional(request, accept_ranges=True, complete_length=len(data))
            self.range_bytes.append(resp.content_length or 0)
            return resp
        if name in self.served:
            return Response(self.served[name], content_type="application/zip")
        return Response("not found", status=404)

    def downloads(self) -> list[str]:
        return [r for r in self.requests if r.endswith(".zip")]


def gdelt_source(url: str, **kw) -> dict:
    return {"id": "gdelt", "kind": "gdelt_events", "url": url, "publisher": "GDELT", **kw}


def ingest(config):
    pipeline.extract_all(config, pipeline.select_sources(config))
    return pipeline.load(config)


def q(config, sql, params=None):
    return query(config.settings, sql, params)


def ts_of(d: date, hh: int = 0, mm: int = 0) -> str:
    return (datetime(d.year, d.month, d.day, hh) + timedelta(minutes=mm)).strftime("%Y%m%d%H%M%S")


def synthetic(ts: str, n: int, first_id: int, **over) -> str:
    """n well-formed rows added in window ts."""
    rows = []
    for i in range(n):
        vals = dict(GLOBALEVENTID=first_id + i, SQLDATE=ts[:8], Actor1Code="RUS", Actor1Name="RUSSIA",
                    Actor1CountryCode="RUS", Actor2Code="UKR", Actor2Name="UKRAINE", Actor2CountryCode="UKR",
                    IsRootEvent=1, EventCode="190", EventBaseCode="190", EventRootCode="19", QuadClass=4,
                    GoldsteinScale=-10, NumMentions=3, NumSources=1, NumArticles=3, AvgTone=-5.5,
                    ActionGeo_Type=1, ActionGeo_FullName="Ukraine", ActionGeo_CountryCode="UP",
                    ActionGeo_ADM1Code="UP", ActionGeo_Lat=49, ActionGeo_Long=32, DATEADDED=ts,
                    SOURCEURL=f"https://example.org/{first_id + i}")
        vals.update(over)
        rows.append(export_line(**vals))
    return "\n".join(rows) + "\n"


# --- the real sample ------------------------------------------------------------

def test_real_export_loads_2111_events_and_second_run_adds_none(httpserver, make_config, shared_fixtures):
    csv_bytes = (shared_fixtures / "gdelt" / f"{SAMPLE}.export.CSV").read_bytes()
    fake = FakeGdelt(httpserver)
    fake.add(SAMPLE, zip_export(csv_bytes, SAMPLE))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    runs = ingest(config)
    assert [(r.status, r.items_seen, r.items_new, r.warning) for r in runs] == [("ok", 2111, 2111, None)]
    assert q(config, "SELECT count(*) FROM events WHERE source = 'gdelt'")[0][0] == 2111
    assert q(config, "SELECT count(DISTINCT source_event_id) FROM events")[0][0] == 2111
    # codes keep their leading zeros; dates and DATEADDED typed
    assert q(config, "SELECT count(*) FROM events WHERE event_code LIKE '0%' AND root_code LIKE '0_'")[0][0] > 0
    assert q(config, "SELECT min(date_added), max(date_added) FROM events")[0] == (
        datetime(2019, 10, 24, 14, 30), datetime(2019, 10, 24, 14, 30))
    row = q(config, "SELECT event_id, event_date, actor2_country, actor2_iso3, event_code, quad_class, "
                    "action_fips, action_iso3, landing_file FROM events WHERE source_event_id = '881990833'")[0]
    assert row[:8] == ("gdelt:881990833", date(2018, 10, 24), "EUR", None, "040", 1, "BO", "BLR")
    assert row[8].endswith(".export.CSV.zip")
    assert q(config, "SELECT rows_read, rows_new, rows_malformed FROM gdelt_files") == [(2111, 2111, 0)]

    n_downloads = len(fake.downloads())
    runs = ingest(config)
    assert [(r.status, r.items_new) for r in runs] == [("not_modified", 0)]
    assert len(fake.downloads()) == n_downloads  # same URL and MD5: not downloaded again
    assert q(config, "SELECT count(*) FROM events")[0][0] == 2111
    compute(config)  # the events' region membership (event_regions), which a rebuild carries over
    members = q(config, "SELECT count(*) FROM event_regions")[0][0]
    assert members > 0
    pipeline.rebuild(config)  # replaying landing gives the same table
    assert q(config, "SELECT count(*) FROM events")[0][0] == 2111
    # the carried-over membership matches the replayed events by id and day (the alerts' evidence joins on both)
    assert q(config, "SELECT count(*) FROM event_regions er WHERE EXISTS (SELECT 1 FROM events e "
                     "WHERE e.event_id = er.event_id AND e.event_date = er.day)")[0][0] == members


def test_server_without_masterfilelist_first_run_loads_latest(httpserver, make_config, shared_fixtures):
    """Only lastupdate.txt (real three-line layout) and the zipped sample are served."""
    csv_bytes = (shared_fixtures / "gdelt" / f"{SAMPLE}.export.CSV").read_bytes()
    fake = FakeGdelt(httpserver)
    fake.master_available = False
    fake.add(SAMPLE, zip_export(csv_bytes, SAMPLE))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert (run.status, run.items_new) == ("ok", 2111)
    assert "no catch-up" in run.warning
    assert [r.items_new for r in ingest(config)] == [0]
    assert q(config, "SELECT count(*) FROM events WHERE source = 'gdelt'")[0][0] == 2111


def test_masterfilelist_down_during_a_gap_postpones_catch_up(httpserver, make_config):
    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    ts0 = ts_of(day)
    fake.add(ts0, zip_export(synthetic(ts0, 2, 0), ts0))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    for k in (1, 2, 3):
        ts = ts_of(day, 0, 15 * k)
        fake.add(ts, zip_export(synthetic(ts, 2, 100 * k), ts))
    fake.master_available = False
    runs = ingest(config)
    assert [r.status for r in runs] == ["failed"] and "postponed" in runs[0].error
    fake.master_available = True
    assert [r.items_new for r in ingest(config)] == [2, 2, 2]  # the gap is not lost


def test_real_export_quad_class_agrees_with_cameo_root(httpserver, make_config, shared_fixtures):
    csv_bytes = (shared_fixtures / "gdelt" / f"{SAMPLE}.export.CSV").read_bytes()
    fake = FakeGdelt(httpserver)
    fake.add(SAMPLE, zip_export(csv_bytes, SAMPLE))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    bad = q(config, """
        SELECT count(*) FROM events
        WHERE quad_class <> CASE WHEN root_code BETWEEN '01' AND '05' THEN 1 WHEN root_code BETWEEN '06' AND '09' THEN 2
                                 WHEN root_code BETWEEN '10' AND '14' THEN 3 ELSE 4 END""")[0][0]
    assert bad == 0
    # and with the CAMEO reference table loaded from config/
    assert q(config, "SELECT count(*) FROM events e JOIN cameo_codes c ON c.event_code = e.root_code "
                     "WHERE c.quad_class <> e.quad_class")[0][0] == 0
    assert q(config, "SELECT count(*) FROM events e LEFT JOIN cameo_codes c USING (event_code) "
                     "WHERE c.event_code IS NULL")[0][0] == 0


# --- mapping ------------------------------------------------------------------------

FIPS = {"RS": "RUS", "UP": "UKR", "IS": "ISR", "GZ": "PSE", "WE": "PSE", "KN": "PRK", "KS": "KOR", "TW": "TWN",
        "CH": "CHN"}


def test_fips_and_actor_country_mapping(httpserver, make_config):
    ts = "20261102120000"
    rows = [export_line(GLOBALEVENTID=100 + i, SQLDATE="20261102", EventCode="0211", EventBaseCode="021",
                        EventRootCode="02", QuadClass=1, Actor1CountryCode=iso, Actor2CountryCode="AFR",
                        ActionGeo_Type=1, ActionGeo_CountryCode=fips, DATEADDED=ts)
            for i, (fips, iso) in enumerate(FIPS.items())]
    rows.append(export_line(GLOBALEVENTID=99, SQLDATE="20261102", EventCode="190", ActionGeo_CountryCode="OS",
                            Actor1CountryCode="ROM", DATEADDED=ts))
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export("\n".join(rows) + "\n", ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    got = dict(q(config, "SELECT action_fips, action_iso3 FROM events WHERE action_fips <> 'OS'"))
    assert got == FIPS
    assert q(config, "SELECT action_iso3, actor1_iso3 FROM events WHERE action_fips = 'OS'") == [(None, "ROU")]
    # actor country: CAMEO three-letter code kept, ISO3 only for countries (AFR is a region)
    assert q(config, "SELECT DISTINCT actor2_country, actor2_iso3 FROM events WHERE source_event_id <> '99'") == [
        ("AFR", None)]
    assert q(config, "SELECT count(*) FROM events WHERE actor1_iso3 = actor1_country")[0][0] == len(FIPS)
    # missing base/root/goldstein/quad filled from cameo_codes; codes keep leading zeros
    assert q(config, "SELECT event_code, base_code, root_code, quad_class, goldstein FROM events "
                     "WHERE source_event_id = '99'") == [("190", "190", "19", 4, -10.0)]
    assert q(config, "SELECT DISTINCT event_code FROM events WHERE source_event_id <> '99'") == [("0211",)]
    assert dict(q(config, "SELECT fips, iso3 FROM fips_countries WHERE fips IN ('GZ', 'WE', 'OS')")) == {
        "GZ": "PSE", "WE": "PSE", "OS": None}


def test_cameo_countries_fallback_without_csv(httpserver, make_config):
    ts = "20261102120000"
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(synthetic(ts, 3, 1, Actor2CountryCode="EUR"), ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (config.settings.config_dir / "cameo_countries.csv").unlink()
    ingest(config)
    assert q(config, "SELECT DISTINCT actor1_iso3, actor2_iso3 FROM events") == [("RUS", None)]


# --- malformed input --------------------------------------------------------------

def test_rows_with_extra_or_missing_columns_are_counted_and_the_rest_loads(httpserver, make_config):
    ts = "20261102121500"
    good = synthetic(ts, 10, 1000).splitlines()
    extra = synthetic(ts, 1, 2000).rstrip("\n") + "\tsurplus"
    missing = "\t".join(synthetic(ts, 1, 3000).rstrip("\n").split("\t")[:-2])
    not_a_number = synthetic(ts, 1, 4000, NumMentions="many").rstrip("\n")
    no_id = synthetic(ts, 1, 5000, GLOBALEVENTID="").rstrip("\n")
    text = "\n".join(good[:5] + [extra, missing, not_a_number, no_id] + good[5:]) + "\n"
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(text, ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert (run.status, run.items_seen, run.items_new) == ("ok", 10, 10)
    assert run.warning.startswith("4 malformed row(s) skipped")
    assert "line 6" in run.warning and "line 7" in run.warning
    assert q(config, "SELECT count(*) FROM events")[0][0] == 10
    assert q(config, "SELECT rows_malformed FROM gdelt_files")[0][0] == 4
    assert "malformed" in q(config, "SELECT warning FROM ingest_runs")[0][0]


def test_repeated_event_id_within_a_file_is_kept_once(httpserver, make_config):
    ts = "20261102123000"
    text = synthetic(ts, 3, 1) + synthetic(ts, 2, 1, Actor1Name="LATER CODING")
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(text, ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert (run.status, run.items_seen, run.items_new) == ("ok", 3, 3)
    assert "2 repeated GLOBALEVENTID(s) within the file kept once" in run.warning
    assert q(config, "SELECT count(*) FROM events")[0][0] == 3
    # the first row of each repeated id is the one kept (file order), not the later coding
    assert q(config, "SELECT count(*) FROM events WHERE actor1_name = 'LATER CODING'")[0][0] == 0


def test_untrusted_free_text_is_capped_and_kept_as_data(httpserver, make_config):
    ts = "20261102123000"
    hostile = "<script>alert(1)</script>"
    text = synthetic(ts, 1, 1, Actor1Name=hostile + "X" * 5000, SOURCEURL="https://e.org/" + "a" * 10000)
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(text, ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    ((name, url),) = q(config, "SELECT actor1_name, source_url FROM events")
    assert name.startswith(hostile) and len(name) == 255  # stored as text; escaping is the renderer's job
    assert len(url) == 2048


def test_md5_mismatch_is_failed_and_retried(httpserver, make_config):
    ts = "20261102124500"
    body = zip_export(synthetic(ts, 4, 1), ts)
    fake = FakeGdelt(httpserver)
    fake.add(ts, body, md5="0" * 32)
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert run.status == "failed" and "MD5 mismatch" in run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0
    assert q(config, "SELECT status, bytes FROM ingest_runs") == [("failed", len(body))]  # bytes kept
    fake.add(ts, body)  # listing fixed upstream: next run retries and loads
    (run,) = ingest(config)
    assert (run.status, run.items_new) == ("ok", 4)


def test_truncated_zip_is_failed_never_loaded(httpserver, make_config):
    ts = "20261102130000"
    body = zip_export(synthetic(ts, 50, 1), ts)[:-40]
    fake = FakeGdelt(httpserver)
    fake.add(ts, body)  # listing agrees with the truncated bytes: the zip check must catch it
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert run.status == "failed" and "truncated zip" in run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0


def test_zip_failing_its_crc_is_a_failed_load_with_nothing_stored(httpserver, make_config):
    """The listing's MD5 matches the bytes, but the zip's member is damaged: found while the load unzips it (the
    CRC is checked as it streams, not by a second unzip at fetch time), recorded as a failed load, nothing kept."""
    ts = "20261102131500"
    body = bytearray(zip_export(synthetic(ts, 200, 1), ts))
    body[len(body) // 3] ^= 0xFF  # inside the compressed data, far from the zip's directory
    fake = FakeGdelt(httpserver)
    fake.add(ts, bytes(body))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert run.status == "failed" and run.error.startswith("load failed:") and run.load_error, run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0
    assert q(config, "SELECT count(*) FROM gdelt_files")[0][0] == 0


def test_size_mismatch(httpserver, make_config):
    ts = "20261102130000"
    body = zip_export(synthetic(ts, 5, 1), ts)
    fake = FakeGdelt(httpserver)
    fake.add(ts, body, size=len(body) + 10)
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert run.status == "failed" and "size mismatch" in run.error


def test_404_for_a_listed_file_others_go_on(httpserver, make_config):
    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    names = []
    for k, (hh, mm) in enumerate([(0, 0), (0, 15), (0, 30)]):
        ts = ts_of(day, hh, mm)
        names.append(fake.add(ts, zip_export(synthetic(ts, 2, 100 * k), ts), serve=(k != 1)))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    runs = ingest(config)
    assert [r.status for r in runs] == ["ok", "failed", "ok"]
    assert runs[1].http_status == 404 and "HTTP 404" in runs[1].error and names[1] in runs[1].error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 4


def test_catch_up_missed_windows_oldest_first_with_cap(httpserver, make_config):
    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    ts0 = ts_of(day, 0, 0)
    fake.add(ts0, zip_export(synthetic(ts0, 2, 0), ts0))
    config = make_config([gdelt_source(fake.lastupdate_url, max_files_per_run=3)])
    assert [r.items_new for r in ingest(config)] == [2]
    # the pipeline was down for 6 windows (90 minutes)
    missed = []
    for k in range(1, 7):
        ts = ts_of(day, 0, 15 * k)
        missed.append(fake.add(ts, zip_export(synthetic(ts, 2, 100 * k), ts)))
    before = len(fake.downloads())
    runs = ingest(config)
    assert [r.status for r in runs] == ["ok"] * 3
    assert fake.downloads()[before:] == missed[:3]  # oldest first, capped
    runs = ingest(config)
    assert fake.downloads()[before + 3:] == missed[3:]
    assert q(config, "SELECT count(*) FROM events")[0][0] == 14
    assert [r.status for r in ingest(config)] == ["not_modified"]
    assert "masterfilelist.txt" in fake.requests


@pytest.mark.parametrize("ranges", [True, False])
def test_catch_up_reads_only_the_tail_of_a_long_masterfilelist(httpserver, make_config, ranges):
    """masterfilelist.txt holds ten years of files: a 2-hour gap must not download all of it."""
    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    fake.ranges = ranges
    start = datetime(2026, 1, 1)
    for k in range(8000):  # ~83 days of older files, export + mentions + gkg lines, ~1.8 MB
        ts = (start + timedelta(minutes=15 * k)).strftime("%Y%m%d%H%M%S")
        for kind in ("export", "mentions", "gkg"):
            fake.history.append(f"51234 {'a' * 32} {fake.url(f'{ts}.{kind}.CSV.zip')}\n")
    total = sum(len(x) for x in fake.history)
    ts0 = ts_of(day, 0, 0)
    fake.add(ts0, zip_export(synthetic(ts0, 2, 0), ts0))
    fake.latest_count = 1
    ingest(make_config([gdelt_source(fake.lastupdate_url, max_files_per_run=1)]))  # first run: the newest file
    config = make_config([gdelt_source(fake.lastupdate_url, max_files_per_run=4)])
    missed = [fake.add(ts_of(day, 0, 15 * k), zip_export(synthetic(ts_of(day, 0, 15 * k), 2, 100 * k),
                                                          ts_of(day, 0, 15 * k))) for k in range(1, 9)]
    fake.range_bytes.clear()
    before = len(fake.downloads())
    ingest(config)
    assert fake.downloads()[before:] == missed[:4]  # oldest first, capped, from the listing's tail
    if ranges:
        assert fake.range_bytes and sum(fake.range_bytes) < total / 4
    else:  # a server without ranges: the whole listing, streamed
        assert fake.range_bytes[-1] > total
    ingest(config)
    assert fake.downloads()[before + 4:] == missed[4:]


def test_failed_file_gives_up_after_max_attempts(httpserver, make_config):
    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    ts0, ts1 = ts_of(day, 0, 0), ts_of(day, 0, 15)
    fake.add(ts0, b"PK-missing", serve=False)
    fake.add(ts1, zip_export(synthetic(ts1, 2, 10), ts1))
    config = make_config([gdelt_source(fake.lastupdate_url, max_attempts=2)])
    assert [r.status for r in ingest(config)] == ["failed", "ok"]
    assert [r.status for r in ingest(config)] == ["failed"]  # retried once more
    assert [r.status for r in ingest(config)] == ["not_modified"]  # then given up


def test_loader_skips_a_file_already_loaded(httpserver, make_config):
    """Two landed records of the same file (URL and MD5): the second adds nothing, without reading it."""
    from extractors.gdelt import ListedFile, fetch_export
    from extractors.landing import Landing

    ts = "20261102140000"
    body = zip_export(synthetic(ts, 5, 1), ts)
    fake = FakeGdelt(httpserver)
    fake.add(ts, body)
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    import hashlib
    listed = ListedFile(len(body), hashlib.md5(body).hexdigest(), fake.url(f"{ts}.export.CSV.zip"))
    fetch_export(config.source("gdelt"), config.http, Landing(config.settings.data_dir), listed)
    (run,) = pipeline.load(config)
    assert (run.status, run.items_new) == ("ok", 0) and "already loaded" in run.warning
    assert q(config, "SELECT count(*) FROM events")[0][0] == 5


# --- backfill ---------------------------------------------------------------------------

def test_backfill_range_resumes_after_interruption(httpserver, make_config, monkeypatch):
    from extractors import gdelt as ext
    from tracktwo.cli import main

    fake = FakeGdelt(httpserver)
    start = date(2026, 11, 1)
    for k in range(10):  # ten windows on Nov 1, two on Nov 3 (outside the range)
        ts = (datetime(2026, 11, 1) + timedelta(minutes=15 * k)).strftime("%Y%m%d%H%M%S")
        fake.add(ts, zip_export(synthetic(ts, 3, 1000 * k), ts))
    for k in range(2):
        ts = ts_of(date(2026, 11, 3), 0, 15 * k)
        fake.add(ts, zip_export(synthetic(ts, 3, 90_000 + 1000 * k), ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    argv = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir),
            "backfill", "gdelt", "--start", str(start), "--end", "2026-11-02", "--batch", "3"]

    real = ext.fetch_export
    calls = []

    def flaky(*a, **kw):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*a, **kw)

    monkeypatch.setattr(ext, "fetch_export", flaky)
    assert main(argv) == 130
    loaded = q(config, "SELECT count(*) FROM events")[0][0]
    assert loaded == 9  # the first batch of 3 files; the 4th file is landed but not loaded yet
    monkeypatch.setattr(ext, "fetch_export", real)
    assert main(argv) == 0
    assert q(config, "SELECT count(*) FROM events")[0][0] == 30
    zips = fake.downloads()
    assert len(zips) == len(set(zips)) == 10  # nothing downloaded twice, Nov 3 not touched
    assert main(argv) == 0  # all done: nothing fetched
    assert len(fake.downloads()) == 10


def test_landed_state_reads_each_fetch_record_once(httpserver, make_config, monkeypatch):
    """The index in state/gdelt/ spares re-reading thousands of landed records every 15 minutes."""
    from extractors import gdelt as ext
    from extractors.landing import Landing

    day = date(2026, 11, 2)
    fake = FakeGdelt(httpserver)
    for k in range(3):
        ts = ts_of(day, 1, 15 * k)
        fake.add(ts, zip_export(synthetic(ts, 1, 10 * k), ts), md5="0" * 32 if k == 1 else None)
    fake.latest_count = 3
    config = make_config([gdelt_source(fake.lastupdate_url)])
    ingest(config)
    landing = Landing(config.settings.data_dir)
    reads: list = []
    real = Landing.read_record
    monkeypatch.setattr(Landing, "read_record", staticmethod(lambda p: reads.append(p) or real(p)))
    first = ext.landed_state(landing, config.source("gdelt"))
    assert len(reads) == 3  # the three files landed after this run's index update
    reads.clear()
    assert ext.landed_state(landing, config.source("gdelt")) == first and reads == []  # nothing new: nothing read
    index = config.settings.data_dir / "state" / "gdelt" / "gdelt.json"
    index.write_text("{broken")  # a damaged index is rebuilt from landing, with the same answer
    again = ext.landed_state(landing, config.source("gdelt"))
    assert len(reads) == len(landing.meta_paths("gdelt")) and again == first
    assert len(first.ok) == 2 and [f.url for f in first.pending_retries] == [fake.url(f"{ts_of(day, 1, 15)}.export.CSV.zip")]


def test_a_load_failing_mid_insert_reports_its_own_error_and_stores_nothing(httpserver, make_config, monkeypatch):
    """A statement failing inside the load's transaction (here the insert) is the error recorded, not the aborted
    transaction's refusal of the clean-up that follows; nothing is stored, and landing keeps the file."""
    import warehouse.events as events

    ts = "20261102141500"
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(synthetic(ts, 5, 8000), ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    real_sql = events.sql
    monkeypatch.setattr(events, "sql", lambda name, **kw: "SELECT CAST($stage || $landing_file || $run_id AS INTEGER)"
                        if name == "gdelt_insert.sql.j2" else real_sql(name, **kw))
    (run,) = ingest(config)
    assert run.status == "failed" and "Could not convert" in run.error and "aborted" not in run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0
    assert q(config, "SELECT count(*) FROM gdelt_files")[0][0] == 0
    monkeypatch.setattr(events, "sql", real_sql)
    pipeline.rebuild(config)  # landing kept the file: replaying it loads it
    assert q(config, "SELECT count(*) FROM events")[0][0] == 5


def test_every_row_malformed_is_a_failure_not_a_success(httpserver, make_config):
    """A layout change that inserts columns mid-row makes every row malformed: recorded as failed, nothing loaded."""
    ts = "20261102140000"
    rows = []
    for line in synthetic(ts, 20, 7000).splitlines():
        cells = line.split("\t")
        rows.append("\t".join(cells[:10] + ["new", "columns"] + cells[10:]))
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export("\n".join(rows) + "\n", ts))
    config = make_config([gdelt_source(fake.lastupdate_url)])
    (run,) = ingest(config)
    assert run.status == "failed" and "no usable row: 20 malformed" in run.error and "layout" in run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0
    assert q(config, "SELECT count(*) FROM gdelt_files")[0][0] == 0  # not recorded as loaded


def test_zip_bomb_stops_at_the_unzipped_cap_and_leftovers_are_swept(httpserver, make_config):
    ts = "20261102141500"
    text = synthetic(ts, 2000, 9000)  # about 600 KB unzipped, a few KB zipped
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(text, ts))
    config = make_config([gdelt_source(fake.lastupdate_url, max_unzipped_bytes=100_000)])
    leftover = config.settings.data_dir / "tmp" / "gdelt-killed" / "export.csv"  # from a process killed mid-load
    leftover.parent.mkdir(parents=True)
    leftover.write_text("partial")
    (run,) = ingest(config)
    assert run.status == "failed" and "over the limit of 100,000" in run.error
    assert q(config, "SELECT count(*) FROM events")[0][0] == 0
    assert list((config.settings.data_dir / "tmp").iterdir()) == []  # the partial file and the leftover are gone


def test_listing_entries_off_the_listing_host_are_never_fetched(httpserver, make_config):
    """A forged lastupdate.txt cannot point the fetcher elsewhere: an entry on another host or port, or one
    whose file name only appears in a query string, is ignored; the genuine entry loads."""
    from pytest_httpserver import HTTPServer

    other = HTTPServer(host="127.0.0.1", port=0)  # "another machine": its own port
    other.expect_request(re.compile(".*")).respond_with_data("secret", content_type="application/zip")
    other.start()
    try:
        ts = "20261102120000"
        fake = FakeGdelt(httpserver)
        fake.add(ts, zip_export(export_line(GLOBALEVENTID=1, SQLDATE="20261102", DATEADDED=ts) + "\n", ts))
        fake.extra_latest = [
            f"6 {'a' * 32} {other.url_for('/gdeltv2/20261102121500.export.CSV.zip')}\n",
            f"6 {'b' * 32} {fake.url('secret.txt')}?/20261102123000.export.CSV.zip\n",
            f"6 {'c' * 32} {fake.url('x.zip')}#/20261102124500.export.CSV.zip\n",
        ]
        config = make_config([gdelt_source(fake.lastupdate_url)])
        ingest(config)
        assert other.log == []  # nothing was asked of the other host
    finally:
        other.stop()
    assert fake.downloads() == [f"{ts}.export.CSV.zip"] and "secret.txt" not in fake.requests
    assert q(config, "SELECT count(*) FROM events")[0][0] == 1
    assert q(config, "SELECT count(*) FROM ingest_runs WHERE kind = 'gdelt_events' AND status <> 'not_modified' "
                     "AND url LIKE '%export.CSV.zip'")[0][0] == 1


def test_the_listing_redirect_chain_is_recorded_with_each_file(httpserver, make_config):
    """lastupdate.txt and masterfilelist.txt reached through redirects: each export they named is landed with
    the listings' chains (`extra.listing_redirects`), and a later run that finds nothing new records
    lastupdate's chain on its listing record."""
    from extractors.landing import Landing

    ts = "20261102120000"
    fake = FakeGdelt(httpserver)
    fake.add(ts, zip_export(export_line(GLOBALEVENTID=1, SQLDATE="20261102", DATEADDED=ts) + "\n", ts))
    httpserver.expect_request("/old/lastupdate.txt").respond_with_data(
        "", status=301, headers={"Location": fake.lastupdate_url})
    httpserver.expect_request("/old/masterfilelist.txt").respond_with_data(
        "", status=302, headers={"Location": fake.url("masterfilelist.txt")})
    config = make_config([gdelt_source(httpserver.url_for("/old/lastupdate.txt"))])
    ingest(config)
    ingest(config)
    records = sorted(Landing(config.settings.data_dir).records(), key=lambda r: r.started_at)
    export, listing = [r for r in records if r.url.endswith(".export.CSV.zip")][0], records[-1]
    assert export.status == "ok", [(r.status, r.url, r.error) for r in records]
    assert export.extra["listing_redirects"] == [fake.lastupdate_url, fake.url("masterfilelist.txt")]
    assert export.extra["listed_in"] == "masterfilelist"
    assert listing.status == "not_modified" and listing.extra["redirects"] == [fake.lastupdate_url]
    assert q(config, "SELECT count(*) FROM events")[0][0] == 1


def test_listing_host_rule():
    from extractors.gdelt import parse_listing_line

    base = "https://data.gdeltproject.org/gdeltv2/lastupdate.txt"
    md5 = "0" * 32
    ok = parse_listing_line(f"1 {md5} http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip", base)
    # GDELT's https listing names http files: accepted as listed (the URL is the file's identity)
    assert ok is not None and ok.url == "http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip"
    for url in ("http://127.0.0.1:8702/gdeltv2/20191024143000.export.CSV.zip",
                "http://data.gdeltproject.org:8080/gdeltv2/20191024143000.export.CSV.zip",
                "http://evil.example/gdeltv2/20191024143000.export.CSV.zip",
                "http://user:pw@data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip",
                "ftp://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip",
                "http://data.gdeltproject.org:99999/gdeltv2/20191024143000.export.CSV.zip",  # a port out of range
                "http://data.gdeltproject.org:x/gdeltv2/20191024143000.export.CSV.zip",
                "http://[::1/gdeltv2/20191024143000.export.CSV.zip"):                    # a broken IPv6 literal
        assert parse_listing_line(f"1 {md5} {url}", base) is None, url

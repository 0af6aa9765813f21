"""Region membership on the real GDELT export of 2019-10-24 14:30 (../shared/fixtures/gdelt, 2,111 rows).

Before regions were defined by sides and areas, `taiwan-strait` counted the 53 events that happened
anywhere in China (3 of them involve Taiwan) and `russia-ukraine` counted statements in Moscow about
Russian affairs. Each expectation below was worked out by hand from the raw rows, which the test reads
again with the csv module (column positions from extractors.gdelt.EXPORT_COLUMNS).
"""

from __future__ import annotations

import csv

import pytest

from extractors.gdelt import EXPORT_COLUMNS
from test_gdelt import SAMPLE, FakeGdelt, gdelt_source, ingest, q
from tracktwo.demo.gdelt import zip_export
from warehouse.indicators import compute

COL = {name: i for i, (name, _) in enumerate(EXPORT_COLUMNS)}


@pytest.fixture(scope="module")
def real(shared_fixtures, tmp_path_factory):
    """The project's regions over the real export, loaded through the pipeline, indicators computed."""
    from conftest import FAST_HTTP, PROJECT_CONFIG
    import shutil
    import yaml
    from pytest_httpserver import HTTPServer

    from tracktwo.core.settings import Settings
    from tracktwo.pipeline import open_config

    path = shared_fixtures / "gdelt" / f"{SAMPLE}.export.CSV"
    server = HTTPServer(host="127.0.0.1", port=0)  # its own server: no handler of another test can answer
    server.start()
    fake = FakeGdelt(server)
    fake.add(SAMPLE, zip_export(path.read_bytes(), SAMPLE))
    root = tmp_path_factory.mktemp("real")
    cfg = root / "config"
    cfg.mkdir()
    for p in PROJECT_CONFIG.iterdir():
        if p.is_file() and p.name != "sources.yaml":
            shutil.copy2(p, cfg / p.name)
    (cfg / "sources.yaml").write_text(yaml.safe_dump({"http": FAST_HTTP, "sources": [gdelt_source(fake.lastupdate_url)]}))
    config = open_config(Settings(cfg, root / "data"))
    try:
        ingest(config)
    finally:
        server.stop()
    compute(config, full=True)
    with path.open(encoding="utf-8", newline="") as f:
        raw = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    yield config, raw


def members(config, region: str) -> dict[str, tuple[str, bool]]:
    return {sid: (reason, counted) for sid, reason, counted in q(
        config, "SELECT e.source_event_id, er.reason, er.counted FROM event_regions er JOIN events e USING (event_id) "
                "WHERE er.region_id = ?", [region])}


def test_taiwan_strait_counts_taiwan_not_china(real):
    config, raw = real
    in_china = [r for r in raw if r[COL["ActionGeo_CountryCode"]] == "CH"]
    assert len(in_china) == 53  # what the whole-country region used to count
    got = members(config, "taiwan-strait")
    assert got == {
        # CHN -> TWN, "make optimistic comment" (014), geocoded to China: opposite sides; coded from a
        # background sentence (IsRootEvent 0), so kept but not counted
        "881991301": ("dyad", False),
        # TWN -> GOVMED (media, no country) at Yilan, Taiwan: in the area, and Taiwan is a party
        "881992511": ("area", True),
        # TWN -> LEG (legislators, no country) at Taipei: likewise
        "881992512": ("area", True),
    }
    for r in raw:  # every member involves Taiwan, on one side or as the place
        if r[COL["GLOBALEVENTID"]] in got:
            assert "TWN" in (r[COL["Actor1CountryCode"]], r[COL["Actor2CountryCode"]]) or \
                r[COL["ActionGeo_CountryCode"]] == "TW"
    # one 15-minute file is not a finished day (docs/indicators.md, "Partial days"): the daily row waits,
    # event_regions already holds what it will count
    assert q(config, "SELECT events_total FROM v_region_daily "
                     "WHERE region_id = 'taiwan-strait' AND day = DATE '2019-10-24'")[0] == (None,)
    assert q(config, "SELECT count(*), count(*) FILTER (counted), count(DISTINCT incident_id) FILTER (counted) "
                     "FROM event_regions WHERE region_id = 'taiwan-strait' AND day = DATE '2019-10-24'")[0] == (3, 2, 2)


def test_russia_ukraine_counts_no_domestic_moscow_event(real):
    config, raw = real
    moscow = {r[COL["GLOBALEVENTID"]] for r in raw if r[COL["ActionGeo_ADM1Code"]] == "RS48"}
    assert len(moscow) == 25  # Moscow and the Kremlin: statements by Russian actors on Russian affairs
    got = members(config, "russia-ukraine")
    assert moscow.isdisjoint(got)
    assert {sid for sid, (reason, _) in got.items() if "dyad" in reason} == {
        "881992396", "881992397"}  # RUS -> UKR / UKRCVL, "use conventional military force" (192)
    # the rest happen in Ukraine and involve a party (UKR, RUS) or an armed actor GDELT could not place
    # (MED -> MIL, 881992156): 10 rows
    assert sum(1 for reason, _ in got.values() if reason == "area") == 10
    # in Ukraine but not the war's: unidentified legislators, judges and civilians with no party and no armed
    # actor (LEG -> USA, LEG alone, CVL -> USAGOV, USAJUD -> JUD, JUD alone)
    assert {"881992116", "881992098", "881991425", "881990882", "881990878"}.isdisjoint(got)
    # not counted: two background sentences (IsRootEvent 0)
    assert {sid for sid, (_, counted) in got.items() if not counted} == {"881992533", "881992824"}
    day = q(config, "SELECT count(*), count(*) FILTER (counted) FROM event_regions "
                    "WHERE region_id = 'russia-ukraine' AND day = DATE '2019-10-24'")[0]
    assert day == (12, 10)


def test_korean_peninsula_counts_no_seoul_politics(real):
    config, raw = real
    seoul = {r[COL["GLOBALEVENTID"]] for r in raw if r[COL["ActionGeo_ADM1Code"]] == "KS11"}
    assert seoul and seoul.isdisjoint(members(config, "korean-peninsula"))


def test_middle_east_counts_no_beirut_domestic_politics(real):
    config, raw = real
    beirut = {r[COL["GLOBALEVENTID"]] for r in raw if r[COL["ActionGeo_ADM1Code"]] == "LE04"}
    assert len(beirut) == 26  # Beirut, a week into the protests of October 2019
    got = members(config, "middle-east")
    # Lebanon is an area of the Israel-Iran/Hezbollah region, but an event there needs a party or an armed
    # actor: the parliament (LEG), the opposition (OPP -> LBN, LBNELI, LBNMED, MED), officials (LBN -> GOV,
    # LBNGOV -> GOV, EDU -> GOV) are Lebanese politics, not that conflict
    assert {"881992084", "881992087", "881992089", "881992093", "881992097", "881992285", "881992286",
            "881992287", "881992288", "881991479"}.isdisjoint(got)
    # what remains involves Israel or Iran: IRNGOV -> RUSGOV in Lebanon, USA -> ISR and TUR -> ISR in Beirut
    assert set(got) == {"881991959", "881992767", "881992493", "881992494"}
    # TUR -> ISR (045, "mediate") twice from background sentences (IsRootEvent 0): kept, not counted
    assert got == {"881991959": ("area", True), "881992767": ("area", True),
                   "881992493": ("area", False), "881992494": ("area", False)}
    for r in raw:
        if r[COL["GLOBALEVENTID"]] in got:
            assert {"ISR", "IRN"} & {r[COL["Actor1CountryCode"]], r[COL["Actor2CountryCode"]]}

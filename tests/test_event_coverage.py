"""Days whose GDELT update files are missing are unknown, not calm (docs/indicators.md, "Partial days").

A feed outage, or a first run that loads only the last day's files while the feeds bring weeks of news, left
days without events that the indicators read as days without conflict: a steady war "de-escalated" during the
outage and "surged" after it. Every expectation here is worked out by hand from the rows inserted."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from conftest import batch_writer
from indicators_data import RU, SETTINGS, D, event, make, run
from test_indicators import snapshot
from warehouse.indicators import compute

GAP = (D(20), D(21), D(22))
DAILY = {**SETTINGS, "event_feed": {"update_minutes": 1440}}  # one update file a day, as the demo's stream


def file_row(con, ts: datetime) -> None:
    con.execute("INSERT INTO gdelt_files (file_url, md5, file_ts, run_id, landing_file, rows_read, rows_new, "
                "rows_malformed, loaded_at) VALUES (?, 'm', ?, 'r1', 'landing/x.zip', 1, 1, 0, ?)",
                [f"http://data.gdeltproject.org/gdeltv2/{ts:%Y%m%d%H%M%S}.export.CSV.zip", ts, ts])


def steady_war(con, days, files: bool = True, run_id: str = "r1") -> None:
    """Four Russia -> Ukraine conflict incidents on each day, each day's update file recorded (`files`)."""
    for d in days:
        for i in range(4):
            event(con, f"{d:%m%d}-{i}", d, a1="RUS", a2="UKR", action="UKR", quad=4, run_id=run_id)
        if files:
            file_row(con, datetime.combine(d, time(23, 45)))


def ru_days(config) -> dict[date, tuple]:
    with batch_writer(config.settings) as con:
        return {d: tuple(rest) for d, *rest in con.execute(
            "SELECT day, conflict_incidents, tension_index, tension_change, escalation_p, deescalation_p "
            "FROM v_region_daily WHERE region_id = ? ORDER BY day", [RU]).fetchall()}


def outage(make_config, name: str = "run"):
    config = make(make_config, DAILY, name=name)
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(n) for n in range(1, 31) if D(n) not in GAP])
    return config


def test_days_without_their_update_files_are_unknown_not_calm(make_config):
    config = outage(make_config)
    compute(config)
    days = ru_days(config)
    assert sorted(days) == [D(n) for n in range(1, 31)]
    for d in GAP:  # no file: every event-based column unknown, so no test and no alert
        assert days[d] == (None, None, None, None, None), d
    assert all(days[D(n)][0] == 4 for n in range(1, 31) if D(n) not in GAP)
    # tension_change (2 days against the 2 before: change_days 2) needs all four days: unknown while the gap is
    # in either window (D20 .. D25), 0.0 from D26, when both windows are whole again
    assert [days[D(n)][2] for n in range(19, 28)] == [0.0, None, None, None, None, None, None, 0.0, 0.0]
    assert days[D(23)][1] is not None  # the level is a mean over the window's known days: 4 a day
    with batch_writer(config.settings) as con:
        assert con.execute("SELECT count(*) FROM v_alerts").fetchone()[0] == 0


def test_without_file_records_every_day_counts_as_before(make_config):
    """Events written by other means (tests, benchmarks) have no file records: no day is missing, and an empty day
    is a day with no events."""
    config = make(make_config, DAILY)
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(n) for n in range(1, 31) if D(n) not in GAP], files=False)
    compute(config)
    days = ru_days(config)
    assert [days[d][0] for d in GAP] == [0, 0, 0]


def test_a_missing_day_whose_file_comes_late_is_counted_and_incremental_equals_full(make_config):
    config = outage(make_config)
    compute(config)
    with batch_writer(config.settings) as con:  # GDELT republishes D21's file; it is loaded the next day
        run(con, "r2", datetime(2024, 4, 2))
        for i in range(4):
            event(con, f"late-{i}", D(21), a1="RUS", a2="UKR", action="UKR", quad=4, run_id="r2")
        file_row(con, datetime.combine(D(21), time(23, 45)))
    inc = compute(config)
    assert inc.mode == "incremental"
    days = ru_days(config)
    assert [days[d][0] for d in GAP] == [None, 4, None]

    fresh = outage(make_config, name="fresh")
    with batch_writer(fresh.settings) as con:
        run(con, "r2", datetime(2024, 4, 2))
        for i in range(4):
            event(con, f"late-{i}", D(21), a1="RUS", a2="UKR", action="UKR", quad=4, run_id="r2")
        file_row(con, datetime.combine(D(21), time(23, 45)))
    compute(fresh)
    assert snapshot(config) == snapshot(fresh)
    assert compute(config, full=True).rows_written == 0


def test_a_day_needs_87_of_its_96_files_by_default(make_config):
    """GDELT 2.0: a file every 15 minutes; min_day_share 0.9 of 96 is 86.4, so 87 files."""
    config = make(make_config, {**SETTINGS, "event_feed": {"update_minutes": 15}})
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(n) for n in range(1, 9)], files=False)
        for n, files in ((1, 96), (2, 96), (3, 96), (4, 96), (5, 87), (6, 86), (7, 96), (8, 96)):
            for slot in range(96 - files, 96):  # the day's last files (an outage in the morning)
                file_row(con, datetime.combine(D(n), time()) + timedelta(minutes=15 * slot))
    compute(config)
    days = ru_days(config)
    assert [days[D(n)][0] for n in range(1, 9)] == [4, 4, 4, 4, 4, None, 4, 4]


def test_a_late_file_without_events_makes_its_day_a_known_zero(make_config):
    """The day's state changes with its files alone (indicators_days_status.sql), not only with its events."""
    config = outage(make_config)
    compute(config)
    with batch_writer(config.settings) as con:
        file_row(con, datetime.combine(D(21), time(23, 45)))  # the file came in, and held nothing for the region
    inc = compute(config)
    assert inc.mode == "incremental" and inc.days_recomputed == 1
    assert [ru_days(config)[d][0] for d in GAP] == [None, 0, None]
    fresh = outage(make_config, name="fresh")
    with batch_writer(fresh.settings) as con:
        file_row(con, datetime.combine(D(21), time(23, 45)))
    compute(fresh)
    assert snapshot(config) == snapshot(fresh)


def test_missing_days_are_not_recomputed_by_every_run(make_config):
    """An outage inside the span is recomputed when its files or events come, not by each new day's run."""
    config = outage(make_config)
    compute(config)
    with batch_writer(config.settings) as con:
        run(con, "r2", datetime(2024, 4, 2))
        steady_war(con, [D(31)], run_id="r2")
    inc = compute(config)
    assert inc.mode == "incremental" and inc.days_recomputed == 1  # D31 only, not the three missing days too
    assert [ru_days(config)[d][0] for d in GAP] == [None, None, None] and ru_days(config)[D(31)][0] == 4
    assert compute(config, full=True).rows_written == 0


def test_missing_days_at_the_start_keep_their_place_in_the_span(make_config):
    """The days before a first run's files hold events (dated back by a day, GDELT's lag) but are missing; an
    incremental run that does not recompute them must not drop them from the span a full run gives."""
    config = make(make_config, DAILY)
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(n) for n in range(1, 31)], files=False)
        for n in range(3, 31):
            file_row(con, datetime.combine(D(n), time(23, 45)))
    compute(config)
    assert [ru_days(config)[D(n)][0] for n in (1, 2, 3)] == [None, None, 4]
    with batch_writer(config.settings) as con:
        run(con, "r2", datetime(2024, 4, 2))
        steady_war(con, [D(31)], run_id="r2")
    inc = compute(config)
    assert inc.mode == "incremental" and inc.first_day == D(1)
    assert sorted(ru_days(config))[:2] == [D(1), D(2)]
    full = compute(config, full=True)
    assert (full.rows_written, full.alerts_written) == (0, 0)


def test_the_pages_and_the_digest_say_not_known_where_the_days_are_unknown(make_config):
    """Four conflict incidents a day on D1-D30, each day's update file recorded but D26's and D27's (events
    arrived, no file: those days are unknown). The pages and the digest printed unknown days as zeros (on the
    real GDELT export, 1 file of 2019-10-24's 96: index 0.0, "Events, 7 days 0", and a digest saying "no events or
    documents reached the warehouse"). By hand: the report day is D30; its 7 days D24-D30 hold 5 known days, 20
    events; the ISO week 2024-W13 (D25-D31) holds 4 known days (D25, D28-D30: 16 events, all material
    conflict), 2 unknown (D26, D27) and no row for D31; taiwan-strait has no document and 2 unknown days."""
    import email
    from email import policy
    from pathlib import Path

    import yaml

    from reports import digest as dg
    from tracktwo.pipeline import dashboard as build, open_config

    config = make(make_config, DAILY)
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(n) for n in range(1, 31) if n not in (26, 27)])
        steady_war(con, [D(26), D(27)], files=False)
    compute(config)
    assert [ru_days(config)[D(n)][0] for n in range(24, 31)] == [4, 4, None, None, 4, 4, 4]
    with batch_writer(config.settings) as con:  # a dyad's coverage is not known on those days either
        coverage = dict(con.execute("SELECT day, coverage FROM v_dyad_daily WHERE region_id = ? AND day >= ?",
                                    [RU, D(24)]).fetchall())
    assert [coverage[D(n)] is None for n in range(24, 31)] == [False, False, True, True, False, False, False]

    out = config.settings.data_dir / "site"
    build(config, out=out)
    region = (out / "region-russia-ukraine.html").read_text()
    assert '<span class="v">20 <span class="small">(5 of 7 days known)</span></span>' in region

    (config.settings.config_dir / "digest.yaml").write_text(yaml.safe_dump({
        "from": "tracktwo digest <digest@example.org>",
        "subscribers": [{"email": "ana@example.org", "regions": ["russia-ukraine"]},
                        {"email": "ben@example.org", "regions": ["taiwan-strait"]}]}))
    summary = dg.run_weekly(open_config(config.settings), week="2024-W13")
    texts = {Path(f).name: email.message_from_bytes(Path(f).read_bytes(), policy=policy.default)
             .get_body(preferencelist=("plain",)).get_content() for f in summary["files"]}
    ana = next(t for n, t in texts.items() if n.startswith("ana"))
    assert "\nEvents: 16 (material conflict 16) (4 of 7 days known)" in ana  # its own line, after the index's
    assert "Tension index (0-100, mean of the 4 days known)" in ana
    # its dyad has no coverage on those days either: both said
    assert ("Dialogue activity: 0 (no coverage; 4 of 7 days known) dialogue events between the sides "
            "(week before: 0, no coverage)") in ana
    ben = next(t for n, t in texts.items() if n.startswith("ben"))
    # taiwan-strait is quiet on the 4 days known (D25, D28-D30) and not known on 2: said so, not "nothing reached
    # the warehouse" (before 2026-12-02 its known quiet days were "Not known" with the days nothing is known of)
    assert "reached the warehouse" not in ben and "Nothing can be reported" not in ben
    assert ("No counted events or documents in 2024-W13 (on the 4 of its 7 days whose event numbers are known) for: "
            "Taiwan Strait.") in ben


def test_with_no_known_day_the_pages_print_no_number(make_config):
    """The real GDELT export's case: one update file of a day's 96 (the default), so no day's event numbers are
    known. The front page printed index 0.0 for every region, the region page "Tension index 0.0"."""
    from tracktwo.pipeline import dashboard as build

    config = make(make_config, SETTINGS)
    with batch_writer(config.settings) as con:
        run(con, "r1", datetime(2024, 4, 1))
        steady_war(con, [D(1)])  # its one file, at 23:45: 1 of 96
    compute(config)
    assert ru_days(config)[D(1)][:2] == (None, None)
    out = config.settings.data_dir / "site"
    build(config, out=out)
    index = (out / "index.html").read_text()
    row = index[index.index('id="region-russia-ukraine"'):]
    assert '<span class="index-value">–</span>' in row[:row.index("</tr>")]
    assert "no day's event numbers known" in index
    region = (out / "region-russia-ukraine.html").read_text()
    assert '<span class="k">Tension index</span><span class="v">not known</span>' in region
    assert '<span class="k">Events, 7 days</span><span class="v">not known</span>' in region

"""Golden tests: every value below is worked out by hand from the rows inserted here.

Settings (tests/indicators_data.py): baseline 4 days (day excluded), at least 3
baseline days for a z-score, change against the previous 2 days, default MAD floors
(1.0 for counts) and default index weights.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from indicators_data import D, document, event, make, run
from warehouse.db import writer
from warehouse.indicators import DAILY_COLUMNS, EVENT_COLUMNS, compute

RU = "russia-ukraine"
MAD = 1.4826


def clamp(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def load_golden(con) -> None:
    """Russia-Ukraine over D1..D5; D5 is the spike."""
    run(con, "r1", datetime(2024, 3, 6))
    run(con, "rss1", datetime(2024, 3, 6), source_id="un-news", kind="rss")
    # D1: one material-conflict event in Ukraine
    event(con, "e1", D(1), action="UKR", quad=4, gold=-10, mentions=1, tone=-4)
    # D2: a consultation between Russia and Ukraine, in Russia (verbal coop, dialogue event)
    event(con, "e2", D(2), a1="RUS", a2="UKR", action="RUS", quad=1, root="04", gold=1, mentions=3, tone=2)
    # D3: a verbal-conflict event in Ukraine, and an actor-only dyad event (RUS -> UKR, in Germany)
    event(con, "e3", D(3), action="UKR", quad=3, gold=-2, mentions=1, tone=-2)
    event(con, "e4", D(3), a1="RUS", a2="UKR", action="DEU", quad=4, gold=-10, mentions=3, tone=-6)
    # D4: a verbal-coop event in Russia between Russians (no dyad), plus a talks article
    event(con, "e5", D(4), a1="RUS", a2="RUS", action="RUS", quad=1, root="03", gold=3, mentions=1, tone=1)
    document(con, "talks", "moscow-wire", datetime(2024, 3, 4, 10), "Negotiators hold talks in Geneva",
             [(RU, "Ukraine", 1)], run_id="rss1")
    # D5: six material-conflict events from three outlets, two articles (one UN)
    for i in range(6):
        event(con, f"s{i}", D(5), action="UKR", quad=4, gold=-10, mentions=i + 1, tone=-8,
              url=f"https://www.outlet{i % 3}.example.com/a/{i}")
    document(con, "un1", "un-news", datetime(2024, 3, 5, 9), "Strikes near Kharkiv", [(RU, "Kharkiv", 2)],
             run_id="rss1")
    document(con, "kyiv1", "kyiv-ledger", datetime(2024, 3, 5, 23, 59), "Shelling in Ukraine", [(RU, "Ukraine", 1)],
             run_id="rss1")
    # Not Russia-Ukraine: one actor in the region only, action elsewhere
    event(con, "x1", D(5), a1="RUS", a2="USA", action="USA", quad=4)


@pytest.fixture
def golden(make_config):
    config = make(make_config)
    with writer(config.settings) as con:
        load_golden(con)
    summary = compute(config)
    return config, summary


def rows(config, region: str) -> dict:
    with writer(config.settings) as con:
        cur = con.execute("SELECT * FROM v_region_daily WHERE region_id = ? ORDER BY day", [region])
        cols = [d[0] for d in cur.description]
        return {r[cols.index("day")]: dict(zip(cols, r)) for r in cur.fetchall()}


def test_counts_and_weighted_means(golden):
    config, summary = golden
    assert summary.mode == "full"
    r = rows(config, RU)
    assert list(r) == [D(1), D(2), D(3), D(4), D(5)]
    d3 = r[D(3)]
    # the actor-only dyad event (in Germany) counts; weights are num_mentions (1 and 3)
    assert (d3["events_total"], d3["verbal_conflict"], d3["material_conflict"]) == (2, 1, 1)
    assert d3["goldstein_mean"] == pytest.approx((-2 * 1 + -10 * 3) / 4)  # -8
    assert d3["tone_mean"] == pytest.approx((-2 * 1 + -6 * 3) / 4)  # -5
    assert d3["conflict_share"] == 1.0
    assert r[D(2)]["dialogue_events"] == 1 and r[D(4)]["dialogue_events"] == 0  # RUS-RUS is no dyad
    assert r[D(4)]["dialogue_documents"] == 1 and r[D(4)]["documents"] == 1
    d5 = r[D(5)]
    assert (d5["events_total"], d5["material_conflict"]) == (6, 6)  # x1 (RUS-USA in USA) is not in the region
    assert (d5["documents"], d5["publishers"], d5["un_documents"], d5["dialogue_documents"]) == (2, 2, 1, 0)
    assert d5["goldstein_mean"] == -10 and d5["tone_mean"] == -8
    assert d5["fatalities"] is None


def test_robust_z_with_mad_floor_and_change(golden):
    config, _ = golden
    r = rows(config, RU)
    # material_conflict D1..D5 = 1, 0, 1, 0, 6
    assert r[D(3)]["material_conflict_z"] is None  # only 2 baseline days (< 3)
    # D4: baseline [1, 0, 1]: median 1, MAD 0 -> floor 1.0 -> (0 - 1) / 1
    assert r[D(4)]["material_conflict_z"] == pytest.approx(-1.0)
    # D5: baseline [1, 0, 1, 0]: median 0.5, MAD 0.5 * 1.4826 = 0.7413 < floor 1.0 -> (6 - 0.5) / 1
    assert r[D(5)]["material_conflict_z"] == pytest.approx(5.5)
    # 7-day change with change_days 2: 6 - mean(1, 0)
    assert r[D(5)]["material_conflict_chg7"] == pytest.approx(5.5)
    # conflict_share D1..D4 = 1, 0, 1, 0: MAD 0.7413 above the 0.05 floor
    assert r[D(5)]["conflict_share_z"] == pytest.approx((1 - 0.5) / (0.5 * MAD), abs=1e-6)
    # goldstein D1..D4 = -10, 1, -8, 3: median -3.5, |dev| 6.5, 4.5, 4.5, 6.5 -> MAD 5.5
    assert r[D(5)]["goldstein_mean_z"] == pytest.approx((-10 + 3.5) / (5.5 * MAD), abs=1e-6)
    # tone D1..D4 = -4, 2, -5, 1: median -1.5, |dev| 2.5, 3.5, 3.5, 2.5 -> MAD 3.0
    assert r[D(5)]["tone_mean_z"] == pytest.approx((-8 + 1.5) / (3.0 * MAD), abs=1e-6)


def test_tension_index_by_hand(golden):
    config, _ = golden
    r = rows(config, RU)
    gz = (-10 + 3.5) / (5.5 * MAD)
    tz = (-8 + 1.5) / (3.0 * MAD)
    csz = 0.5 / (0.5 * MAD)
    expected = 100 * (0.15 * 6 / (6 + 10) + 0.25 * clamp(5.5 / 3) + 0.15 * 1.0 + 0.10 * clamp(csz / 3)
                      + 0.10 * clamp(10 / 10) + 0.10 * clamp(-gz / 3) + 0.05 * clamp(8 / 10) + 0.10 * clamp(-tz / 3))
    assert r[D(5)]["tension_index"] == pytest.approx(round(expected, 2), abs=0.006)
    # D1: one material-conflict event, goldstein -10, tone -4, no baseline yet
    d1 = 100 * (0.15 * 1 / 11 + 0.15 * 1.0 + 0.10 * 1.0 + 0.05 * 0.4)
    assert r[D(1)]["tension_index"] == pytest.approx(round(d1, 2), abs=0.006)
    # D2: verbal coop only, goldstein +1, tone +2 -> every component 0
    assert r[D(2)]["tension_index"] == 0


def test_alerts_trigger_by_hand(golden):
    config, _ = golden
    with writer(config.settings) as con:
        alerts = {(a[0], a[1]): a[2:] for a in con.execute(
            "SELECT day, kind, severity, trigger, trigger_value, dialogue_activity, dialogue_baseline_low,"
            " corroboration, evidence_count FROM v_alerts WHERE region_id = ?", [RU]).fetchall()}
    assert set(alerts) == {(D(5), "escalation"), (D(5), "dialogue-gap"), (D(4), "de-escalation")}
    # D4: index D1..D3 = 28.86, 0, 26.86 (D3: 100 * (0.15/11 + 0.15 + 0.10 * 0.8 + 0.05 * 0.5)); median 26.86,
    # |dev| 2, 26.86, 0 -> MAD 2 * 1.4826 < floor 5 -> z = (0 - 26.86) / 5; baseline median of material_conflict 1 >= 1
    sev, trig, val, *_ = alerts[(D(4), "de-escalation")]
    assert trig == "tension_index_z<=-2.0" and val == pytest.approx(-26.86 / 5, abs=0.002) and sev == "high"
    sev, trig, val, *_ = alerts[(D(5), "escalation")]
    assert "material_conflict_z>=2.0" in trig and sev == "high" and val >= 5.5
    sev, trig, val, act, low, corr, n = alerts[(D(5), "dialogue-gap")]
    # dialogue activity D1..D4 = 0, 1, 0, 1 -> baseline low 0, and D5 has none; index 69.x -> medium (65..80)
    assert (act, low) == (0, 0) and sev == "medium"
    # three event outlets + two document outlets
    assert corr == 5 and n == 5 + 2  # at most 5 events, and both documents


def test_evidence_ranked_diverse_and_resolving(golden):
    config, _ = golden
    with writer(config.settings) as con:
        ev = con.execute("""SELECT e.rank, e.item_type, e.item_id, e.publisher, e.score, e.url, e.day
                            FROM v_alert_evidence e JOIN v_alerts a USING (alert_id)
                            WHERE a.kind = 'escalation' ORDER BY e.rank""").fetchall()
        dangling = con.execute("""
            SELECT count(*) FROM alert_evidence e
            WHERE (e.item_type = 'event' AND e.item_id NOT IN (SELECT event_id FROM events))
               OR (e.item_type = 'document' AND e.item_id NOT IN (SELECT doc_id FROM documents))""").fetchone()[0]
        nested = con.execute("SELECT len(evidence) FROM v_alerts WHERE kind = 'escalation'").fetchone()[0]
    assert dangling == 0
    assert len(ev) >= 3 and nested == len(ev)
    events = [e for e in ev if e[1] == "event"]
    docs = [e for e in ev if e[1] == "document"]
    # best item of each outlet first: s5 (6 mentions, outlet2), s4 (outlet1), s3 (outlet0), then s2, s1
    assert [e[2] for e in events] == ["gdelt:s5", "gdelt:s4", "gdelt:s3", "gdelt:s2", "gdelt:s1"]
    assert len({e[3] for e in events[:3]}) == 3 and events[0][3] == "outlet2.example.com"
    assert [d[2] for d in docs] == ["un1", "kyiv1"]  # un1 names the region twice
    assert ev[0][2] == "gdelt:s5" and ev[1][2] == "un1"  # events and documents interleave
    assert all(e[5].startswith("https://") and e[6] == D(5) for e in ev)


def test_membership_pse_and_dyads(make_config):
    config = make(make_config)
    with writer(config.settings) as con:
        run(con, "r1", datetime(2024, 3, 6))
        event(con, "gz", D(1), action="PSE", fips="GZ", quad=4)        # Gaza Strip
        event(con, "we", D(1), action="PSE", fips="WE", quad=3)        # West Bank
        event(con, "both", D(1), a1="ISR", a2="PSE", action="ISR", quad=4)  # counted once
        event(con, "us-cn", D(1), a1="USA", a2="CHN", action="USA", quad=1, root="04")  # taiwan dyad, not member
        event(con, "cn-us", D(1), a1="CHN", a2="USA", action="CHN", quad=1, root="05")  # member and dialogue
        event(con, "cn-us-fight", D(1), a1="CHN", a2="USA", action="USA", quad=4)       # dyad, root 19: no dialogue
    compute(config)
    ip, ts = rows(config, "israel-palestine")[D(1)], rows(config, "taiwan-strait")[D(1)]
    assert (ip["events_total"], ip["material_conflict"], ip["verbal_conflict"]) == (3, 2, 1)
    assert (ts["events_total"], ts["dialogue_events"]) == (1, 2)


def test_region_without_data_is_zeros(golden):
    config, _ = golden
    r = rows(config, "sudan")
    assert list(r) == [D(1), D(2), D(3), D(4), D(5)]
    for row in r.values():
        assert row["events_total"] == 0 and row["documents"] == 0 and row["tension_index"] == 0
        assert row["goldstein_mean"] is None and row["conflict_share"] == 0
    assert r[D(5)]["material_conflict_z"] == 0  # zero against a zero baseline


def test_empty_warehouse(make_config):
    config = make(make_config)
    s = compute(config)
    assert (s.first_day, s.rows_written, s.active_alerts) == (None, 0, 0)


def snapshot(config) -> tuple[list, list]:
    with writer(config.settings) as con:
        daily = con.execute(f"SELECT {', '.join(DAILY_COLUMNS)} FROM v_region_daily ORDER BY region_id, day").fetchall()
        alerts = con.execute("SELECT * EXCLUDE (as_of) FROM v_alerts ORDER BY alert_id").fetchall()
    return daily, alerts


def test_incremental_equals_full_and_as_of(golden):
    config, first = golden
    before = snapshot(config)
    with writer(config.settings) as con:
        run(con, "r2", datetime(2024, 3, 7, 12))
        event(con, "late", D(2), action="UKR", quad=4, run_id="r2")  # backdated: changes D2 and later z-scores
        for i in range(3):
            event(con, f"d6-{i}", D(6), a1="RUS", a2="UKR", action="UKR", quad=1, root="04", gold=1, run_id="r2")
    inc = compute(config)
    assert inc.mode == "incremental" and inc.days_recomputed == 2 and inc.last_day == D(6)
    assert rows(config, RU)[D(2)]["material_conflict"] == 1
    after_inc = snapshot(config)
    full = compute(config, full=True)
    assert full.mode == "full" and full.rows_written == 0 and full.alerts_written == 0
    assert snapshot(config) == after_inc != before
    # what a briefing between the two computations saw
    with writer(config.settings) as con:
        seen = con.execute("SELECT material_conflict FROM region_daily_as_of(?) WHERE region_id = ? AND day = ?",
                           [first.as_of, RU, D(2)]).fetchone()[0]
        runs = con.execute("SELECT mode FROM indicator_runs ORDER BY as_of").fetchall()
    assert seen == 0 and [m for (m,) in runs] == ["full", "incremental", "full"]


def test_range_recompute_and_nothing_new(golden):
    config, _ = golden
    before = snapshot(config)
    s = compute(config, start=D(2), end=D(3))
    assert s.mode == "range" and s.days_recomputed == 2 and s.rows_written == 0
    again = compute(config)
    assert again.mode == "incremental" and again.days_recomputed == 0 and again.rows_written == 0
    assert snapshot(config) == before


def test_withdrawn_alert_disappears_from_view(golden):
    config, _ = golden
    with writer(config.settings) as con:
        run(con, "r3", datetime(2024, 3, 8))
        # a busy baseline: six more material-conflict events on each of D1..D4, so D5 is no longer exceptional
        for day in range(1, 5):
            for i in range(6):
                event(con, f"b{day}-{i}", D(day), action="UKR", quad=4, gold=-10, tone=-8, run_id="r3")
    compute(config)
    with writer(config.settings) as con:
        now = dict(con.execute("SELECT kind, trigger FROM v_alerts WHERE day = ?", [D(5)]).fetchall())
        withdrawn = con.execute("SELECT kind FROM alerts WHERE status = 'withdrawn'").fetchall()
        versions = con.execute("SELECT count(*) FROM alerts WHERE kind = 'escalation' AND day = ?", [D(5)]).fetchone()[0]
    # material conflict is ordinary now (z -0.5), the index still jumps (tone, goldstein) but stays below 50
    assert now == {"escalation": "tension_index_z>=2.0"} and versions == 2
    assert ("dialogue-gap",) in withdrawn


def test_settings_errors_are_config_errors(make_config):
    from tracktwo.core.config import ConfigError

    config = make(make_config, {"baseline_days": 3, "min_baseline_days": 9})
    with pytest.raises(ConfigError, match="indicators.yaml"):
        compute(config)


def test_cli_indicators(golden, capsys):
    from tracktwo.cli import main

    config, _ = golden
    args = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    assert main(args + ["indicators", "--full"]) == 0
    out = capsys.readouterr().out
    assert "russia" in out and "indicators (full)" in out
    assert main(args + ["indicators", "--start", "2024-03-01", "--end", "2024-03-02"]) == 0
    assert main(args + ["indicators", "--full", "--start", "2024-03-01"]) == 2


# ---------------------------------------------------------------- partial days (docs/indicators.md)


def steady_conflict(con, days=range(1, 6), added_hour: int | None = None) -> None:
    """Russia-Ukraine: three material-conflict events a day (baseline median 3: a de-escalation needs that)."""
    for d in days:
        for i in range(3):
            event(con, f"c{d}-{i}", D(d), action="UKR", quad=4, gold=-10, tone=-8,
                  added=None if added_hour is None else datetime(2024, 3, d, added_hour))


def alert_kinds(config, day) -> set[str]:
    with writer(config.settings) as con:
        return {k for (k,) in con.execute("SELECT kind FROM v_alerts WHERE region_id = ? AND day = ?",
                                          [RU, day]).fetchall()}


def test_documents_after_last_event_day_raise_no_deescalation(make_config):
    """Today has news items but no events yet: not a collapse of conflict."""
    config = make(make_config)
    with writer(config.settings) as con:
        run(con, "r1", datetime(2024, 3, 6, 10))
        steady_conflict(con)
        document(con, "today", "kyiv-ledger", datetime(2024, 3, 6, 8), "Shelling in Ukraine", [(RU, "Ukraine", 1)])
    s = compute(config)
    assert s.events_through == D(5) and s.last_day == D(6)
    d6 = rows(config, RU)[D(6)]
    assert d6["documents"] == 1 and d6["documents_z"] == pytest.approx(1.0)  # document columns are kept
    for col in EVENT_COLUMNS + [f"{c}_{s}" for c in EVENT_COLUMNS for s in ("z", "chg7")] + [
            "tension_index", "tension_index_z", "tension_index_chg7"]:
        assert d6[col] is None, col
    assert alert_kinds(config, D(6)) == set()  # without the rule: material_conflict_z -3, de-escalation
    assert rows(config, RU)[D(5)]["material_conflict"] == 3

    # the events of the 6th arrive: the day is complete, ordinary, and full agrees with incremental
    with writer(config.settings) as con:
        run(con, "r2", datetime(2024, 3, 7, 1))
        steady_conflict(con, days=[6])
        con.execute("UPDATE events SET run_id = 'r2' WHERE event_date = ?", [D(6)])
    inc = compute(config)
    assert inc.mode == "incremental" and inc.events_through == D(6)
    d6 = rows(config, RU)[D(6)]
    assert (d6["events_total"], d6["material_conflict"], d6["material_conflict_z"]) == (3, 3, 0)
    assert alert_kinds(config, D(6)) == set()
    after = snapshot(config)
    full = compute(config, full=True)
    assert (full.rows_written, full.alerts_written) == (0, 0) and snapshot(config) == after


def test_partial_day_by_arrival_time(make_config):
    """With GDELT's DATEADDED the day being fetched is partial although it has some events."""
    config = make(make_config)
    with writer(config.settings) as con:
        run(con, "r1", datetime(2024, 3, 6, 9, 30))
        steady_conflict(con, added_hour=12)
        event(con, "early", D(6), action="UKR", quad=4, added=datetime(2024, 3, 6, 9, 0))  # 1 of the day's events
    first = compute(config)
    assert first.events_through == D(5)  # latest file 09:00 on the 6th: the 5th is finished, the 6th is not
    assert rows(config, RU)[D(6)]["events_total"] is None
    assert alert_kinds(config, D(6)) == set()  # without the rule: material_conflict 1 vs 3, de-escalation

    with writer(config.settings) as con:
        run(con, "r2", datetime(2024, 3, 7, 0, 5))
        for i in range(2):  # the day's last 15-minute file (stamped 23:45) completes the 6th
            event(con, f"late{i}", D(6), action="UKR", quad=4, added=datetime(2024, 3, 6, 23, 45), run_id="r2")
    second = compute(config)
    assert second.events_through == D(6)
    d6 = rows(config, RU)[D(6)]
    assert (d6["events_total"], d6["material_conflict"]) == (3, 3) and d6["tension_index"] is not None
    with writer(config.settings) as con:
        through = con.execute("SELECT events_through FROM indicator_runs ORDER BY as_of").fetchall()
        seen = con.execute("SELECT events_total FROM region_daily_as_of(?) WHERE region_id = ? AND day = ?",
                           [first.as_of, RU, D(6)]).fetchone()[0]
    assert [t for (t,) in through] == [D(5), D(6)]
    assert seen is None  # what a briefing between the two runs saw: the 6th as partial


def test_partial_day_completes_without_new_data_on_it(make_config):
    """The feed moves past a documents-only day: the day becomes complete (zero events) in incremental mode too."""
    config = make(make_config)
    with writer(config.settings) as con:
        run(con, "r1", datetime(2024, 3, 6, 10))
        steady_conflict(con)
        document(con, "d6", "kyiv-ledger", datetime(2024, 3, 6, 8), "Shelling in Ukraine", [(RU, "Ukraine", 1)])
    compute(config)
    assert rows(config, RU)[D(6)]["events_total"] is None
    with writer(config.settings) as con:
        run(con, "r2", datetime(2024, 3, 8, 1))
        event(con, "d7", D(7), action="ISR", quad=1, run_id="r2")  # elsewhere, on the 7th
    inc = compute(config)
    assert inc.events_through == D(7) and inc.days_recomputed == 2  # the 7th, and the 6th whose state changed
    d6 = rows(config, RU)[D(6)]
    assert (d6["events_total"], d6["material_conflict"], d6["documents"]) == (0, 0, 1)
    assert alert_kinds(config, D(6)) == {"de-escalation"}  # the feed ran and found nothing: a real drop
    after = snapshot(config)
    full = compute(config, full=True)
    assert (full.rows_written, full.alerts_written) == (0, 0) and snapshot(config) == after


# ---------------------------------------------------------------- incremental = full on a longer series


def load_series(con, days: range, seed: int, run_id: str = "r1", prefix: str = "") -> None:
    """Pseudo-random events and documents for two regions over `days` (deterministic by seed)."""
    import random

    rnd = random.Random(seed)
    for d in days:
        day = date(2024, 1, 1) + timedelta(days=d)
        for region, country in ((RU, "UKR"), ("israel-palestine", "ISR")):
            burst = 4 if rnd.random() < 0.15 else 1
            for i in range(rnd.randint(0, 4) * burst):
                quad = rnd.choice([1, 2, 3, 4, 4])
                event(con, f"{prefix}{country}{d}-{i}", day, action=country, quad=quad,
                      gold=rnd.choice([-10, -4, 2, 6]), mentions=rnd.randint(1, 9), tone=rnd.choice([-8, -3, 1]),
                      run_id=run_id,
                      url=f"https://outlet{rnd.randint(0, 5)}.example.org/{prefix}{country}{d}-{i}")
            if rnd.random() < 0.4:
                document(con, f"{prefix}doc{country}{d}", "kyiv-ledger", datetime.combine(day, datetime.min.time())
                         + timedelta(hours=rnd.randint(0, 23)), rnd.choice(["Ceasefire talks", "Strikes reported"]),
                         [(region, country, rnd.randint(1, 3))], run_id=run_id)


def add_late_data(con) -> None:
    run(con, "r2", datetime(2024, 3, 1))
    load_series(con, range(4, 5), seed=11, run_id="r2", prefix="late")     # backdated, early in the series
    load_series(con, range(33, 34), seed=12, run_id="r2", prefix="late")   # backdated, late in the series
    load_series(con, range(45, 47), seed=13, run_id="r2", prefix="late")   # new days


def test_incremental_equals_fresh_full_on_long_series(make_config):
    """Derived columns are recomputed only for the days a change reaches; the rows equal a full computation."""
    config = make(make_config)
    with writer(config.settings) as con:
        run(con, "r1", datetime(2024, 2, 20))
        load_series(con, range(45), seed=7)
    compute(config)
    with writer(config.settings) as con:
        add_late_data(con)
    inc = compute(config)
    assert inc.mode == "incremental" and inc.days_recomputed == 4 and inc.rows_written > 0

    fresh = make(make_config, name="fresh")
    with writer(fresh.settings) as con:
        run(con, "r1", datetime(2024, 2, 20))
        load_series(con, range(45), seed=7)
        add_late_data(con)
    compute(fresh)
    daily, alerts = snapshot(config)
    assert (daily, alerts) == snapshot(fresh)
    assert any(a for a in alerts) and len(daily) == 4 * 47
    full = compute(config, full=True)
    assert (full.rows_written, full.alerts_written) == (0, 0)

    with writer(config.settings) as con:  # the current tables are the latest history rows
        for hist, cur, key in (("region_daily", "region_daily_current", "region_id, day"),
                               ("alerts", "alerts_current", "alert_id")):
            latest = f"SELECT * FROM {hist} QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY as_of DESC) = 1"
            assert con.execute(f"SELECT count(*) FROM (({latest}) EXCEPT SELECT * FROM {cur})").fetchone()[0] == 0
            assert con.execute(f"SELECT count(*) FROM {cur}").fetchone()[0] == \
                con.execute(f"SELECT count(DISTINCT ({key})) FROM {hist}").fetchone()[0]


def test_partial_mad_floor_keeps_the_other_defaults():
    from warehouse.indicator_settings import MAD_FLOOR_DEFAULTS, IndicatorSettings

    s = IndicatorSettings.model_validate({"mad_floor": {"tension_index": 3}})
    assert s.floor("tension_index") == 3.0
    assert s.floor("conflict_share") == MAD_FLOOR_DEFAULTS["conflict_share"] == 0.05
    assert s.floor("material_conflict") == 1.0

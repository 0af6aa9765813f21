"""Every SQL, Python and shell example of docs/warehouse.md runs, on the demo warehouse, as printed.

The examples use the demo's paths (`data/demo`, `export/`) relative to the working directory; this test runs
them in a folder laid out that way. R examples are not run (no R here); they attach the lake exactly like the
SQL example that is.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tracktwo.cli import main
from tracktwo.core.settings import Settings, packaged_config_dir
from warehouse import lake
from warehouse.db import reader, statements

DOC = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)


@pytest.fixture(scope="module")
def demo_cwd(tmp_path_factory):
    """A working directory with the demo warehouse at data/demo, its dashboard, and an export at export/."""
    from rich.console import Console

    from tracktwo.demo import run_demo

    work = tmp_path_factory.mktemp("docs")
    with open("/dev/null", "w") as quiet:
        assert run_demo(Settings(packaged_config_dir(), work / "data"), Console(file=quiet),
                        out=str(work / "data" / "demo")) == 0
    flags = ["--data-dir", str(work / "data" / "demo"), "--config-dir", str(work / "data" / "demo" / "config")]
    assert main(flags + ["export", "--format", "parquet", "--out", str(work / "export")]) == 0
    return work


def test_sql_examples_run(demo_cwd, monkeypatch):
    monkeypatch.chdir(demo_cwd)
    settings = Settings(demo_cwd / "data" / "demo" / "config", demo_cwd / "data" / "demo")
    found = blocks("sql")
    assert len(found) >= 10
    for block in found:
        if "ATTACH" in block:  # a session of its own, as a researcher's DuckDB would be
            con = duckdb.connect()
            lake.load_extension(con, "ducklake")
            lake.load_extension(con, "sqlite")
            for stmt in statements(block):
                con.execute(stmt).fetchall()
            con.close()
            continue
        with reader(settings) as con:
            for stmt in statements(block):
                con.execute(stmt).fetchall()


def test_python_examples_run(demo_cwd, monkeypatch):
    monkeypatch.chdir(demo_cwd)
    monkeypatch.setenv("TRACKTWO_CONFIG_DIR", str(demo_cwd / "data" / "demo" / "config"))
    found = blocks("python")
    assert len(found) >= 3
    for block in found:
        exec(compile(block, str(DOC), "exec"), {})


def test_shell_examples_run(demo_cwd):
    found = [line.split("#")[0].strip() for block in blocks("sh") for line in block.splitlines()
             if line.startswith(".venv/bin/tracktwo")]
    assert found
    for line in found:
        argv = shlex.split(line)
        if argv[-1] == "shell":  # the interactive one: give it a statement on stdin and end
            run = subprocess.run([sys.executable, "-m", "tracktwo.cli", *argv[1:]], cwd=demo_cwd, text=True,
                                 input="SELECT count(*) FROM documents;\n", capture_output=True, timeout=120)
        else:
            run = subprocess.run([sys.executable, "-m", "tracktwo.cli", *argv[1:]], cwd=demo_cwd, text=True,
                                 capture_output=True, timeout=120)
        assert run.returncode == 0, (line, run.stdout[-2000:], run.stderr[-2000:])


def test_no_export_page_or_digest_carries_a_raw_acled_row(demo_cwd, tmp_path):
    """ACLED's terms forbid redistributing its rows: the demo's ACLED events (synthetic, under ACLED's
    terms in the demo) appear in the export, the dashboard and the digests only as aggregates by default."""
    demo = demo_cwd / "data" / "demo"
    settings = Settings(demo / "config", demo)
    with reader(settings) as con:
        ids, notes = zip(*con.execute("SELECT source_event_id, source_notes FROM curated_events "
                                      "WHERE dataset = 'acled'").fetchall())
        assert con.execute("SELECT count(*) FROM v_alert_evidence WHERE item_id LIKE 'acled:%'").fetchone()[0] > 0
        assert con.execute("SELECT sum(acled_fatalities) FROM v_region_daily").fetchone()[0] > 0
    needles = [f"acled:{i}" for i in ids] + list(ids) + [n for n in notes if n]

    def leaks(text: str) -> list[str]:
        return [n for n in needles if n in text]

    export = demo_cwd / "export"
    con = duckdb.connect()
    for f in export.rglob("*.parquet"):
        text = " ".join(str(v) for row in con.execute(f"SELECT * FROM read_parquet('{f}')").fetchall() for v in row)
        assert leaks(text) == [], f
    pages = list((demo / "site").rglob("*.html")) + list((demo / "digests").rglob("*.*"))
    assert pages
    for p in pages:
        assert leaks(p.read_text(encoding="utf-8", errors="replace")) == [], p
    # the aggregates are there, with attribution, and the manifest says what was held back
    assert "acleddata.com" in (demo / "site" / "region-russia-ukraine.html").read_text(encoding="utf-8")
    import csv
    rows = list(csv.DictReader(open(demo / "site" / "region-russia-ukraine.csv", newline="", encoding="utf-8")))
    assert any(r["acled_fatalities"] for r in rows)  # ACLED's aggregates travel with its attribution, every row
    assert all("acleddata.com" in r["attribution"] and "ucdp.uu.se" in r["attribution"] for r in rows)
    # credited to the datasets the warehouse holds, and only those (UCDP's series: GED and/or Candidate)
    from tracktwo.core.datasets import DATASETS
    with reader(settings) as rcon:
        present = {d for (d,) in rcon.execute("SELECT DISTINCT dataset FROM curated_events").fetchall()}
        acled_evidence = rcon.execute(
            "SELECT count(*), sum(score)::INTEGER FROM v_alert_evidence WHERE item_id LIKE 'acled:%' "
            "GROUP BY alert_id").fetchall()
    absent = [DATASETS[d].attribution for d in DATASETS if d not in present]
    assert absent and all(a not in r["attribution"] for r in rows for a in absent)
    # each ACLED aggregate line says how many of an alert's events it stands for and their fatalities
    page = (demo / "site" / "region-russia-ukraine.html").read_text(encoding="utf-8")
    shown = {(int(n), int(f)) for n, f in
             re.findall(r"\(aggregate: (\d+) events? among the strongest, (\d+) fatalities; source:", page)}
    assert shown and shown <= set(acled_evidence)
    assert leaks((demo / "site" / "region-russia-ukraine.csv").read_text(encoding="utf-8")) == []
    manifest = json.loads((export / "manifest.json").read_text())
    acled = next(d for d in manifest["datasets"] if d["dataset"] == "acled")
    assert acled["raw_rows_exported"] is False and "no redistribution" in acled["licence"]
    assert acled["rows_in_warehouse"] == len(ids)
    views = {v["view"]: v for v in manifest["views"]}
    assert views["v_curated_events"]["rows_withheld_by_licence"] == ["acled"]

    # with TRACKTWO_RAW_SHARING=acled (the user's licence allows it) the rows are exported
    from warehouse.export import export_views
    shared = tmp_path / "shared-export"
    with reader(settings) as rcon:
        manifest = export_views(rcon, shared, shared=("acled",))
    n = con.execute(f"SELECT count(*) FROM read_parquet('{shared / 'v_curated_events.parquet'}') "
                    "WHERE dataset = 'acled'").fetchone()[0]
    assert n == len(ids)
    assert next(d for d in manifest["datasets"] if d["dataset"] == "acled")["raw_rows_exported"] is True


def test_demo_level_uses_fatalities_and_alerts_say_which_datasets_agree(demo_cwd):
    """On the demo: the tension index equals the documented formula, worked out here from v_region_daily's own
    columns (with the fatalities part on days ACLED or UCDP cover, over the window's covered days; after their
    last covered day that day's part, for up to 45 days; without it elsewhere); an escalation alert on days
    ACLED covers says whether ACLED agrees and cites curated events."""
    demo = demo_cwd / "data" / "demo"
    settings = Settings(demo / "config", demo)
    with reader(settings) as con:
        rows = con.execute("SELECT region_id, day, conflict_incidents, verbal_conflict + material_conflict, "
                           "events_total, fatalities, tension_index FROM v_region_daily "
                           "WHERE region_id IN ('russia-ukraine', 'taiwan-strait') ORDER BY region_id, day").fetchall()
        # every escalation and de-escalation alert says what ACLED says of its window, or that ACLED does not
        # cover it (the demo's ACLED stops 2 days before its last day: each alert is checked against the
        # coverage it has)
        claims = con.execute("SELECT region_id, day, window_days, curated_support, evidence FROM v_alerts "
                             "WHERE kind IN ('escalation', 'de-escalation')").fetchall()
        through = dict(con.execute("SELECT region_id, max(day) FILTER (WHERE acled_events IS NOT NULL) "
                                   "FROM v_region_daily GROUP BY ALL").fetchall())
        acled_days = {(r, d) for r, d in con.execute("SELECT region_id, day FROM v_region_daily "
                                                    "WHERE acled_events > 0").fetchall()}
        # a high de-escalation rests on a curated dataset that agrees; a gap has no corroboration (an absence)
        high_de = con.execute("SELECT curated_support FROM v_alerts WHERE kind = 'de-escalation' "
                              "AND severity = 'high' AND region_id = 'israel-palestine'").fetchall()
        gap_corroboration = con.execute("SELECT DISTINCT corroboration FROM v_alerts "
                                        "WHERE kind = 'dialogue-gap'").fetchall()
    # Israel-Palestine's calm: two distinct reports of the Gaza talks (the demo's fixed stories, 10 and 8 days before
    # its last day) and ACLED's weeks, which always cover the alert days between them
    assert high_de and all(" agrees (" in s for (s,) in high_de), high_de
    assert gap_corroboration in ([], [(None,)])
    checked = {"with": 0, "carried": 0, "without": 0}
    raised = {True: 0, False: 0}  # days the deaths raised the level above the news level, and days they did not
    by_region: dict[str, list] = {}
    for r in rows:
        by_region.setdefault(r[0], []).append(r)

    def window_f(series: list, j: int) -> float:  # mean fatalities over the covered days of the window ending on j
        known = [w[5] for w in series[max(0, j - 6):j + 1] if w[5] is not None]
        return sum(known) / len(known)

    for series in by_region.values():
        for i in range(6, len(series)):
            window = series[i - 6:i + 1]
            if series[i][6] is None or any(w[2] is None for w in window):
                continue
            c = sum(w[2] for w in window) / 7
            conflict, events = sum(w[3] for w in window), sum(w[4] for w in window)
            share = conflict / events if events else 0
            news = 0.7 * c / (c + 5) + 0.3 * share
            level = news
            covered = [j for j in range(i + 1) if series[j][5] is not None and (series[i][1] - series[j][1]).days <= 45]
            if covered:  # the larger of the news level and the level with the fatalities part
                f = window_f(series, covered[-1])
                level = max(news, (news + 0.5 * f / (f + 3.33)) / 1.5)
                raised[level > news] += 1
            assert abs(100 * level - series[i][6]) < 0.011, series[i][:2]
            checked["without" if not covered else "with" if covered[-1] == i else "carried"] += 1
    # the demo's ACLED stops 2 days before its last day (a publication lag): the 2 days after it carry the last
    # covered day's fatalities, in both regions (without curated data the formula is the
    # one tests/test_indicators.py checks)
    assert checked["with"] > 20 and checked["carried"] >= 2
    assert raised[True] > 0 and raised[False] > 0, raised
    agree = 0
    for region, day, window, support, evidence in claims:
        if through.get(region) is not None and day <= through[region]:
            assert support.startswith(("ACLED agrees", "ACLED does not agree")), (region, day, support)
            assert "fatalities" in support and "expected" in support
            agree += support.startswith("ACLED agrees")
        else:  # the window's days up to ACLED's last are covered: "covers 1 of these 2 days", or none
            first = day - timedelta(days=window - 1)
            if through.get(region) is not None and first <= through[region]:
                n = (through[region] - first).days + 1
                assert f"ACLED covers {n} of these {window} days" in support, (region, day, support)
            else:
                assert "ACLED does not cover these days" in support, (region, day, support)
        window_days = {day - timedelta(days=k) for k in range(window)}
        if region == "russia-ukraine" and any((region, d) in acled_days for d in window_days):
            # an escalation's evidence cites the ACLED events of its window's covered days
            assert any(e["item_type"] == "curated_event" and e["item_id"].startswith("acled:") for e in evidence)
    # Israel-Palestine's calm (the last 20 days) is flagged from about 15 days before the end, always inside the
    # days the demo's ACLED has published: ACLED agrees there
    assert agree > 0, claims


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_researcher_notebook_and_sql_file_run_on_the_demo(demo_cwd, monkeypatch):
    """examples/researcher_questions.ipynb runs top to bottom on the demo warehouse (nbclient, a real kernel),
    without an error and with an answer to every question; the same questions as SQL run in the shell's way."""
    import nbformat
    from nbclient import NotebookClient

    demo = demo_cwd / "data" / "demo"
    monkeypatch.setenv("TRACKTWO_DATA_DIR", str(demo))
    monkeypatch.setenv("TRACKTWO_CONFIG_DIR", str(demo / "config"))
    nb = nbformat.read(EXAMPLES / "researcher_questions.ipynb", as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(demo_cwd)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    tables = [o for o in outputs if o.get("output_type") == "execute_result"]
    assert len(tables) >= 5  # each question answered with a table
    assert "indicators as of" in "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")

    settings = Settings(demo / "config", demo)
    with reader(settings) as con:
        results = [con.execute(stmt).fetchall() for stmt in statements((EXAMPLES / "researcher_questions.sql").read_text())]
    assert len(results) == 7 and results[0] and results[1] and results[4]


def test_every_connection_is_utc_whatever_the_machine_time_zone(demo_cwd, monkeypatch):
    """A researcher's machine 14 hours ahead of UTC: tracktwo.connect() and the readers still run in UTC, so the
    documented "last 7 days" example returns the same rows as in UTC, and now() is UTC."""
    import time as _time

    import tracktwo

    demo = demo_cwd / "data" / "demo"
    query = ("SELECT count(*) FROM documents d WHERE d.published_at >= timezone('UTC', now()) - INTERVAL 7 DAY")
    with reader(Settings(demo / "config", demo)) as con:
        utc_count = con.execute(query).fetchone()[0]
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    _time.tzset()
    try:
        con = tracktwo.connect(str(demo), config_dir=str(demo / "config"))
        try:
            assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
            assert con.execute(query).fetchone()[0] == utc_count
            # a naive TIMESTAMP from now() is UTC wall time, not Kiritimati's
            drift = con.execute("SELECT abs(epoch(now()::TIMESTAMP) - epoch(timezone('UTC', now())))").fetchone()[0]
            assert drift < 1
        finally:
            con.close()
    finally:
        monkeypatch.delenv("TZ")
        _time.tzset()


def test_demo_applies_acleds_revision_and_deletion(demo_cwd):
    """Between the demo's two ingest passes ACLED revises one event and deletes another: both are applied, the
    earlier versions stay queryable."""
    demo = demo_cwd / "data" / "demo"
    with reader(Settings(demo / "config", demo)) as con:
        revised, deleted = con.execute(
            "SELECT count(*) FILTER (version > 1 AND NOT deleted), count(*) FILTER (deleted) "
            "FROM curated_event_versions WHERE dataset = 'acled'").fetchone()
        gone = con.execute("SELECT count(*) FROM curated_events WHERE event_id IN "
                           "(SELECT event_id FROM curated_event_versions WHERE deleted)").fetchone()[0]
    assert revised == 1 and deleted == 1 and gone == 0


def test_every_evidence_item_names_its_stored_copy_and_the_dashboard_links_it(demo_cwd):
    """Each evidence item's landing_file is the landed payload it was read from (the item is in those bytes),
    and the region pages link each shown item to that file, relative to the page, so it opens from disk."""
    import html as html_lib
    import zipfile

    demo = demo_cwd / "data" / "demo"
    with reader(Settings(demo / "config", demo)) as con:
        items = con.execute("""
            SELECT e.item_type, e.item_id, e.landing_file, d.item_key, c.source_event_id
            FROM v_alert_evidence e
            LEFT JOIN documents d ON e.item_type = 'document' AND d.doc_id = e.item_id
            LEFT JOIN curated_events c ON e.item_type = 'curated_event' AND c.event_id = e.item_id""").fetchall()
        nested = con.execute("SELECT count(*), count(x.landing_file) FROM (SELECT unnest(evidence) AS x FROM v_alerts)"
                             ).fetchone()
    assert {t for t, *_ in items} == {"event", "document", "curated_event"}
    assert nested[0] == nested[1] == len(items)
    for item_type, item_id, landing_file, item_key, curated_id in items:
        path = demo / landing_file
        assert landing_file.startswith("landing/") and path.is_file(), (item_id, landing_file)
        if item_type == "event":  # a GDELT export zip: the event's GLOBALEVENTID starts one of its lines
            with zipfile.ZipFile(path) as z:
                text = z.read(z.namelist()[0]).decode("utf-8", "replace")
            assert re.search(rf"^{re.escape(item_id.split(':', 1)[1])}\t", text, re.M), item_id
        else:
            text = path.read_text(encoding="utf-8")
            # a feed item's guid; a ReliefWeb report's id (its item key is 'reliefweb:<id>'); a curated event's id
            needle = item_key.removeprefix("reliefweb:") if item_type == "document" else curated_id
            assert needle in text or html_lib.escape(needle) in text, (item_id, landing_file)

    site = demo / "site"
    hrefs = [h for page in site.glob("region-*.html")
             for h in re.findall(r'<a class="stored" href="([^"]+)"', page.read_text(encoding="utf-8"))]
    assert hrefs and all(h.startswith("../landing/") for h in hrefs)
    assert all((site / h).resolve().is_file() for h in hrefs)
    assert {(site / h).resolve() for h in hrefs} <= {(demo / f).resolve() for _, _, f, _, _ in items}


def test_the_demo_pages_claim_no_more_than_the_data_support(demo_cwd):
    """What a reviewer found in the demo's pages (2026-12-01): a de-escalation's publishers report talks, not that
    fighting fell, and say so; a dyad that cannot be observed shows no "0 events"; the Koreas' summit is reported
    as talks in the feeds, not contradicted by a "hotline silent" story; Russia and Ukraine talk in the events as
    in the feeds."""
    demo = demo_cwd / "data" / "demo"
    index = (demo / "site" / "index.html").read_text(encoding="utf-8")
    with reader(Settings(demo / "config", demo)) as con:
        deesc = con.execute("SELECT count(*) FROM v_alerts WHERE kind = 'de-escalation' AND corroboration > 0 "
                            "AND day > (SELECT max(day) FROM v_alerts) - 7").fetchone()[0]
        uncovered = con.execute("SELECT list(region_id) FROM (SELECT region_id, bool_and(coverage = 'no coverage') "
                                "AS none FROM v_region_daily WHERE day > (SELECT max(day) FROM v_region_daily "
                                "WHERE tension_index IS NOT NULL) - 7 AND coverage IS NOT NULL GROUP BY ALL) "
                                "WHERE none").fetchone()[0]
        korea = [t for (t,) in con.execute("SELECT title FROM v_region_documents WHERE region_id = "
                                            "'korean-peninsula'").fetchall()]
        ru_ua_talks = con.execute("SELECT count(*) FROM v_region_daily WHERE region_id = 'russia-ukraine' "
                                  "AND dialogue_events > 0").fetchone()[0]
    assert deesc  # the demo's Israel-Palestine calm
    badges = re.findall(r'<a class="badge sev-\w+ kind-de-escalation"[^>]*>(.*?)</a>', index)
    assert badges and all("on talks</span>" in b for b in badges if re.search(r"[1-9]\d* publishers?", b)), badges
    assert "israel-palestine" in uncovered
    row = index[index.index("Israel–Palestine"):]
    assert "no coverage of events" in row[:row.index("</tr>")]
    assert not any("hotline silent" in t for t in korea)
    assert any("Inter-Korean liaison officers meet" in t for t in korea)
    assert ru_ua_talks > 10
    # an internal region has no sides: its digest section gives documents on talks, no events "between the sides"
    import email
    from email import policy
    eml = next((demo / "digests").rglob("analyst@example.org.eml"))
    text = email.message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    sections = dict(re.findall(r"^([^\n]*\[[a-z-]+\])\r?\n=+\r?\n(.*?)(?=^=+\r?$)", text, re.S | re.M))
    sudan, russia = sections["Sudan civil war [sudan]"], sections["Russia–Ukraine war [russia-ukraine]"]
    assert "documents on talks" in sudan and "between the sides" not in sudan
    assert "dialogue events between the sides" in russia

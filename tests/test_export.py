"""`tracktwo export`: researcher views as Parquet with a manifest of counts, hashes and licenses."""

from __future__ import annotations

import hashlib
import json

import duckdb

from test_indicators import load_story
from indicators_data import make
from tracktwo.cli import main
from conftest import batch_writer
from warehouse.db import query, reader
from warehouse.export import export_views
from warehouse.indicators import compute


def test_export_cli_manifest(make_config, tmp_path):
    config = make(make_config)
    with batch_writer(config.settings) as con:
        load_story(con)
    compute(config)
    out = tmp_path / "export"
    args = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    assert main(args + ["export", "--format", "parquet", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    views = {v["view"]: v for v in manifest["views"]}
    assert {"v_region_daily", "v_alerts", "v_alert_evidence"} <= set(views)
    for v in views.values():
        n = 0
        for f in v["files"]:
            p = out / f["path"]
            assert hashlib.sha256(p.read_bytes()).hexdigest() == f["sha256"]
            n += duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(p)]).fetchone()[0]
        assert n == v["rows"]
    assert views["v_region_daily"]["rows"] == 4 * 21  # 4 regions, 21 days
    assert {"v_dyad_daily", "v_source_status", "v_region_documents", "v_indicator_runs"} <= set(views)
    licenses = {s["source_id"]: s["license"] for s in manifest["sources"]}
    assert licenses == {"gdelt": "GDELT terms (free, with citation)", "un-news": "UN terms of use",
                        "kyiv-ledger": "CC0", "moscow-wire": "CC0"}
    # nested evidence survives the round trip
    ev = duckdb.execute("SELECT evidence[1].item_id FROM read_parquet(?) WHERE kind = 'escalation'",
                        [str(out / "v_alerts.parquet")]).fetchone()[0]
    assert ev.startswith("gdelt:ru21-")  # a conflict event of the escalation's day
    # the manifest names the lake snapshot it was read from; that snapshot still gives the same rows after a
    # later write (a briefing's numbers are reproducible)
    snap = manifest["lake_snapshot"]
    with batch_writer(config.settings) as con:
        con.execute("DELETE FROM alert_evidence")
    import tracktwo

    con = tracktwo.connect(str(config.settings.data_dir), as_of=snap)  # the record: its lake_id is checked
    try:
        assert con.execute("SELECT count(*) FROM v_alert_evidence").fetchone()[0] == views["v_alert_evidence"]["rows"] > 0
    finally:
        con.close()
    assert query(config.settings, "SELECT count(*) FROM v_alert_evidence")[0][0] == 0


def test_export_partitions_large_views_by_month(make_config, tmp_path):
    config = make(make_config)
    with batch_writer(config.settings) as con:
        load_story(con)
    compute(config)
    with reader(config.settings) as con:
        manifest = export_views(con, tmp_path / "x", partition_rows=5)
    v = {v["view"]: v for v in manifest["views"]}["v_region_daily"]
    assert v["layout"].startswith("hive") and all(f["path"].startswith("v_region_daily/month=2024-03/") for f in v["files"])
    n = duckdb.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true) WHERE month = '2024-03'",
                       [str(tmp_path / "x" / "v_region_daily" / "**" / "*.parquet")]).fetchone()[0]
    assert n == 84


def test_export_csv_with_filters_tables_and_a_citable_manifest(make_config, tmp_path):
    """--format csv, --since/--until on each object's own date, --region (documents and events through their
    memberships); the researcher tables beside the views; the manifest gives the config hash, the exact as-of,
    the filters and every column's description."""
    import csv

    config = make(make_config)
    with batch_writer(config.settings) as con:
        load_story(con)
    compute(config)
    regions = [r.id for r in config.regions]
    with reader(config.settings) as con:
        lo, hi = con.execute("SELECT min(day), max(day) FROM v_region_daily").fetchone()
        since = lo + (hi - lo) / 2
        want = {
            "v_region_daily": con.execute("SELECT count(*) FROM v_region_daily WHERE day >= ? AND region_id = ?",
                                          [since, regions[0]]).fetchone()[0],
            "events": con.execute("SELECT count(*) FROM events WHERE event_date >= ? AND event_id IN "
                                  "(SELECT event_id FROM event_regions WHERE region_id = ?)",
                                  [since, regions[0]]).fetchone()[0],
            "documents": con.execute("SELECT count(*) FROM documents WHERE published_at::DATE >= ? AND doc_id IN "
                                     "(SELECT doc_id FROM document_places WHERE place_type = 'region' "
                                     "AND place_id = ?)", [since, regions[0]]).fetchone()[0],
            "sources": con.execute("SELECT count(*) FROM sources").fetchone()[0],
        }
        as_of, chash = con.execute("SELECT as_of, config_hash FROM indicator_runs ORDER BY as_of DESC LIMIT 1").fetchone()
    assert all(want.values())
    out = tmp_path / "csv"
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    assert main(flags + ["export", "--format", "csv", "--out", str(out), "--since", since.isoformat(),
                         "--region", regions[0]]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    objects = {v["view"]: v for v in manifest["views"]}
    for name, n in want.items():
        assert objects[name]["rows"] == n, name
        with open(out / f"{name}.csv", newline="") as f:
            assert len(list(csv.reader(f))) == n + 1, name  # the header and every row
    days = {r["day"] for r in csv.DictReader(open(out / "v_region_daily.csv"))}
    assert min(days) >= since.isoformat()
    assert manifest["format"] == "csv" and manifest["config_hash"] == chash
    assert manifest["indicators_as_of"] == as_of.isoformat(sep=" ")
    assert manifest["filters"] == {"since": since.isoformat(), "until": None, "regions": [regions[0]]}
    # children follow their parents: no evidence of an alert not exported, no place of a document not exported
    def ids(name, col):
        return {r[col] for r in csv.DictReader(open(out / f"{name}.csv", newline=""))}
    assert ids("v_alert_evidence", "alert_id") <= ids("v_alerts", "alert_id")
    assert ids("document_places", "doc_id") <= ids("documents", "doc_id")
    assert objects["v_alert_evidence"]["rows"] > 0 and objects["document_places"]["rows"] > 0
    # nested values are JSON in CSV
    regions_csv = list(csv.DictReader(open(out / "regions.csv", newline="")))
    assert json.loads(regions_csv[0]["area_countries"]) is not None
    desc = objects["v_region_daily"]["column_descriptions"]
    assert set(desc) == set(objects["v_region_daily"]["columns"]) and all(desc.values())
    assert main(flags + ["export", "--out", str(tmp_path / "x"), "--region", "atlantis"]) == 2


def test_export_refuses_an_empty_range_and_the_warehouses_own_folders(make_config, tmp_path, capsys):
    """A researcher's `--since 2026-12-01 --until 2026-11-01` wrote empty files with exit 0, and `--out` inside the
    lake's data folder was accepted: both are refused (exit 2) before anything is written."""
    config = make(make_config)
    with batch_writer(config.settings) as con:
        load_story(con)
    args = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    out = tmp_path / "export"
    assert main(args + ["export", "--out", str(out), "--since", "2024-03-10", "--until", "2024-03-01"]) == 2
    assert "is after --until" in capsys.readouterr().out and not out.exists()
    for inside in (config.settings.lake_path / "data" / "x", config.settings.landing_dir / "x"):
        assert main(args + ["export", "--out", str(inside)]) == 2
        assert "holds the warehouse's own files" in capsys.readouterr().out and not inside.exists()

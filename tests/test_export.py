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

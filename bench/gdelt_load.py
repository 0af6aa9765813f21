"""Benchmark: loading a 1,000,000-row GDELT export vs DuckDB reading the same CSV alone.

Measured in one run, each step in its own child process (so peak RSS is that
step's alone):
  (a) DuckDB alone: CREATE TABLE t AS SELECT * FROM read_csv(file, <explicit 61-column schema>)
      into a fresh DuckDB file, then CHECKPOINT;
  (b) tracktwo loading the zipped file as a landed GDELT export (sha256 check,
      unzip, parse, type, map FIPS/CAMEO, dedup, insert, record) into a fresh
      lake (DuckLake, SQLite catalog, Parquet files), committed;
  (c) (b) again on the already-loaded file (a second landed record of the same URL and MD5);
  (d) end to end, as `tracktwo ingest` does it: the zip and a lastupdate.txt listing it served on 127.0.0.1
      (a `python -m http.server` child), then `tracktwo.pipeline.ingest` of one gdelt_events source into a
      fresh lake (created before the clock starts, as it exists in steady state): HTTP download, MD5 check,
      landing (sha256, fsync), then (b)'s load.
Targets: b/a <= 2, peak RSS of (b) < 1 GB, c/a <= 0.05, d/a <= 1.5 (issue 14).

    .venv/bin/python -m bench.gdelt_load [--rows 1000000] [--keep DIR]

The export is the real sample (../shared/fixtures) repeated with fresh ids
when present, else synthetic rows.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "fixtures" / "gdelt" / "20191024143000.export.CSV"
TS = "20261101000000"
FILE_URL = f"http://data.gdeltproject.org/gdeltv2/{TS}.export.CSV.zip"


def build_export(path: Path, rows: int) -> str:
    """Write a `rows`-line export CSV; returns where the rows came from."""
    if SAMPLE.exists():
        rests = [line.split(b"\t", 1)[1] for line in SAMPLE.read_bytes().splitlines() if line]
        origin = f"real sample {SAMPLE.name} repeated with fresh GLOBALEVENTIDs"
    else:
        from tracktwo.demo.gdelt import export_line

        rests = [export_line(GLOBALEVENTID=0, SQLDATE="20261101", Actor1Code="RUS", Actor1CountryCode="RUS",
                             Actor2Code="UKR", Actor2CountryCode="UKR", IsRootEvent=1, EventCode=code,
                             EventBaseCode=code[:3], EventRootCode=code[:2], QuadClass=q, GoldsteinScale=-2.0,
                             NumMentions=5, NumSources=2, NumArticles=5, AvgTone=-3.2, ActionGeo_Type=4,
                             ActionGeo_FullName="Kharkiv, Kharkivs'ka Oblast', Ukraine", ActionGeo_CountryCode="UP",
                             ActionGeo_ADM1Code="UP07", ActionGeo_Lat=49.98, ActionGeo_Long=36.25,
                             DATEADDED=TS, SOURCEURL=f"https://news.example.org/story/{i}").encode().split(b"\t", 1)[1]
                 for i, (code, q) in enumerate([("190", 4), ("0211", 1), ("112", 3), ("073", 2)] * 50)]
        origin = "synthetic rows (shared fixtures absent)"
    base = 1_500_000_000
    with open(path, "wb") as out:
        buf: list[bytes] = []
        for i in range(rows):
            buf.append(b"%d\t%s\n" % (base + i, rests[i % len(rests)]))
            if len(buf) >= 50_000:
                out.write(b"".join(buf))
                buf.clear()
        out.write(b"".join(buf))
    return origin


def _end_to_end(work: Path, base: str) -> dict:
    """(d): inside a fresh interpreter, one gdelt_events source ingested from the local server."""
    import yaml

    from tracktwo import pipeline
    from tracktwo.core.settings import Settings
    from warehouse.db import writer

    cfg = work / "e2e-config"
    cfg.mkdir(exist_ok=True)
    for p in sorted((ROOT / "config").iterdir()):
        if p.is_file() and p.name != "sources.yaml":
            shutil.copy2(p, cfg / p.name)
    doc = {"http": {"retries": 1, "max_bytes": 2_000_000_000, "max_seconds": 600, "read_timeout": 60},
           "sources": [{"id": "gdelt-bench", "kind": "gdelt_events", "url": f"{base}/gdeltv2/lastupdate.txt",
                        "publisher": "GDELT", "perspective": "international", "license": "GDELT terms"}]}
    (cfg / "sources.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    config = pipeline.open_config(Settings.from_env(cfg, work / "e2e-data"))
    with writer(config.settings):
        pass  # the lake exists before the clock starts (steady state)
    t = time.perf_counter()
    runs = pipeline.ingest(config, config.enabled_sources())
    out = {"step": "d", "seconds": time.perf_counter() - t,
           "runs": [(r.status, r.items_new, r.error) for r in runs]}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(step: str, work: Path) -> dict:
    """Runs inside a fresh interpreter: one measured step."""
    import duckdb

    from extractors.gdelt import READ_CSV_PARAMS

    out: dict = {"step": step}
    if step.startswith("d "):
        return _end_to_end(work, step.split(" ", 1)[1])
    if step == "a":
        db = work / "baseline.duckdb"
        con = duckdb.connect(str(db))
        t = time.perf_counter()
        con.execute("CREATE TABLE t AS SELECT * FROM "
                    "read_csv($path, delim = $delim, header = false, quote = '', escape = '', auto_detect = false, "
                    "dateformat = $dateformat, timestampformat = $timestampformat, columns = $columns)",
                    {**READ_CSV_PARAMS, "path": str(work / "export.CSV")})
        con.execute("CHECKPOINT")
        out["seconds"] = time.perf_counter() - t
        out["rows"] = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
    else:
        from extractors.landing import FetchRecord, Landing
        from tracktwo.core.settings import Settings
        from tracktwo.pipeline import kinds, open_config
        from warehouse.db import writer
        from warehouse.load import LoadContext, load_record
        config = open_config(Settings(ROOT / "config", work / "data"))
        landing = Landing(config.settings.data_dir)
        recs = [FetchRecord.from_dict(json.loads(line)) for line in (work / "records.jsonl").read_text().splitlines()]
        rec = recs[0] if step == "b" else recs[1]
        with writer(config.settings) as con:
            ctx = LoadContext(con, config, landing)
            t = time.perf_counter()
            s = load_record(ctx, rec, kinds.loaders())  # commits: the rows are in Parquet files of the lake
            out["seconds"] = time.perf_counter() - t
            out.update(status=s.status, items_seen=s.items_seen, items_new=s.items_new, error=s.error)
            out["rows"] = con.execute("SELECT count(*) FROM events").fetchone()[0]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run_child(step: str, work: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench.gdelt_load", "--child", step, "--work", str(work)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _land(work: Path) -> None:
    """Zip the export and land it twice (same URL and MD5) as fetch records, like the extractor does."""
    import hashlib

    from extractors.landing import FetchRecord, Landing, iso
    from datetime import datetime, timezone

    zpath = work / f"{TS}.export.CSV.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.write(work / "export.CSV", f"{TS}.export.CSV")
    body = zpath.read_bytes()
    md5 = hashlib.md5(body).hexdigest()
    landing = Landing(work / "data")
    lines = []
    for _ in range(2):
        now = datetime.now(timezone.utc)
        rec = FetchRecord(run_id=landing.new_run_id("gdelt-bench", now), source_id="gdelt-bench", kind="gdelt_events",
                          url=FILE_URL, started_at=iso(now), finished_at=iso(now), status="ok", http_status=200,
                          extra={"file_url": FILE_URL, "size": len(body), "md5": md5})
        landing.write(rec, body, ".export.CSV.zip")
        lines.append(rec.to_json().replace("\n", ""))
    (work / "records.jsonl").write_text("\n".join(lines) + "\n")
    served = work / "served" / "gdeltv2"
    served.mkdir(parents=True)
    zpath.rename(served / zpath.name)
    (work / "listing.txt").write_text(f"{len(body)} {md5} {zpath.name}\n")


def _serve(work: Path) -> tuple[subprocess.Popen, str]:
    """The served folder on 127.0.0.1, with lastupdate.txt and masterfilelist.txt listing the zip."""
    from bench._local_server import free_port, start

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    size, md5, name = (work / "listing.txt").read_text().split()
    line = f"{size} {md5} {base}/gdeltv2/{name}\n"
    for listing in ("lastupdate.txt", "masterfilelist.txt"):
        (work / "served" / "gdeltv2" / listing).write_text(line)
    return start(work / "served", port, "gdeltv2/lastupdate.txt"), base


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--keep", help="work folder to keep (default: a temporary one, removed)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--work", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, Path(args.work))))
        return 0

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tracktwo-bench-gdelt-", dir=ROOT / "data"
                                                                    if (ROOT / "data").is_dir() else None))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        origin = build_export(work / "export.CSV", args.rows)
        _land(work)
        size_mb = (work / "export.CSV").stat().st_size / 1e6
        print(f"gdelt_load: {args.rows:,} rows ({size_mb:.0f} MB CSV; {origin}); setup {time.perf_counter() - t:.1f}s")
        a = _run_child("a", work)
        b = _run_child("b", work)
        c = _run_child("c", work)
        server, base = _serve(work)
        try:
            d = _run_child(f"d {base}", work)
        finally:
            server.terminate()
            server.wait()
        assert d["runs"] and all(st == "ok" for st, _, _ in d["runs"]), d
        assert sum(n for _, n, _ in d["runs"]) == args.rows, d
        assert a["rows"] == args.rows, a
        assert b["status"] == "ok" and b["items_new"] == args.rows == b["rows"], b
        assert c["status"] == "ok" and c["items_new"] == 0 and c["rows"] == args.rows, c
        ratio_b, ratio_c, ratio_d = (b["seconds"] / a["seconds"], c["seconds"] / a["seconds"],
                                     d["seconds"] / a["seconds"])
        print(f"  (a) DuckDB alone, read_csv -> table : {a['seconds']:7.2f} s   peak RSS {a['peak_rss_mb']:6.0f} MB")
        print(f"  (b) tracktwo GDELT load             : {b['seconds']:7.2f} s   peak RSS {b['peak_rss_mb']:6.0f} MB"
              f"   b/a = {ratio_b:.2f}  (target <= 2)")
        print(f"  (c) (b) again, file already loaded  : {c['seconds']:7.3f} s   peak RSS {c['peak_rss_mb']:6.0f} MB"
              f"   c/a = {ratio_c:.4f} (target <= 0.05)")
        print(f"  (d) end to end from 127.0.0.1     : {d['seconds']:7.2f} s   peak RSS {d['peak_rss_mb']:6.0f} MB"
              f"   d/a = {ratio_d:.2f}  (target <= 1.5)")
        ok = ratio_b <= 2 and ratio_c <= 0.05 and b["peak_rss_mb"] < 1024 and ratio_d <= 1.5
        print(f"  {'PASS' if ok else 'MISS'}: b/a {ratio_b:.2f}, c/a {ratio_c:.4f}, d/a {ratio_d:.2f}, "
              f"peak RSS (b) {b['peak_rss_mb']:.0f} MB")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

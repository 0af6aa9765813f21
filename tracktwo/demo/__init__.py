"""`tracktwo demo`: the real pipeline, offline, on sample data served over local HTTP.

Same path as live: HTTP fetch (conditional GET on the second pass), landing,
load. The stages after ingest (GDELT, indicators, dashboard, digest) each
live in their own module, which exposes STAGE.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import yaml
from rich.console import Console

from tracktwo.console import run_ingest
from tracktwo.core.config import Config
from tracktwo.core.settings import Settings
from tracktwo.demo import curated, dashboard, digest, gdelt, indicators
from tracktwo.demo.feeds import OUTLETS, feed_files
from tracktwo.demo.server import LocalServer
from tracktwo.pipeline import open_config
from warehouse.db import reader

# (name, prepare(served_dir, base config dir) -> list of extra source dicts, run(config, console) -> exit code)
DemoStage = tuple[str, Callable[[Path, Path], list[dict]], Callable[[Config, Console], int]]

SUMMARY_SQL = """
SELECT publisher, count(*) AS documents, min(published_at)::DATE AS first_day, max(published_at)::DATE AS last_day
FROM documents GROUP BY publisher ORDER BY publisher
"""


def demo_stages() -> list[DemoStage]:
    """The stages after ingest, in pipeline order."""
    return [gdelt.STAGE, curated.STAGE, indicators.STAGE, dashboard.STAGE, digest.STAGE]


def _daily_event_feed(path: Path) -> None:
    """The demo's GDELT stream has one export a day (tracktwo/demo/gdelt.py), not GDELT's 96: say so in the
    copied indicators.yaml (event_feed.update_minutes 1440), or every demo day would lack 95 of its 96 update
    files and count as missing (docs/indicators.md, "Partial days"). The copy keeps its comments."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new, n = re.subn(r"(?m)^(\s+update_minutes:)[^\n]*$", r"\1 1440  # tracktwo demo: one GDELT export a day", text)
    if n != 1:  # not the shipped layout: set the key on the parsed file
        doc = yaml.safe_load(text) or {}
        doc.setdefault("event_feed", {})["update_minutes"] = 1440
        new = "# Written by `tracktwo demo`: event_feed.update_minutes 1440 (one GDELT export a day).\n" + \
            yaml.safe_dump(doc, sort_keys=False)
    path.write_text(new, encoding="utf-8")


def write_config(base: Settings, out: Path, server_url: str, extra_sources: list[dict],
                 curated_url: str = "") -> Path:
    cfg = out / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    for p in sorted(base.config_dir.iterdir()):
        if p.is_file() and p.name != "sources.yaml":
            shutil.copy2(p, cfg / p.name)
    _daily_event_feed(cfg / "indicators.yaml")
    sources = [
        {"id": o.id, "kind": "rss", "url": f"{server_url}/feeds/{o.id}.xml", "publisher": o.publisher,
         "perspective": o.perspective, "license": "CC0 (sample written for tracktwo)"}
        for o in OUTLETS
    ]
    for s in extra_sources:
        s = dict(s)
        s["url"] = s["url"].replace("{server}", server_url).replace("{curated}", curated_url)
        sources.append(s)
    doc = {"http": {"retries": 1, "backoff_base": 0.1, "connect_timeout": 5, "read_timeout": 10}, "sources": sources}
    (cfg / "sources.yaml").write_text("# Written by `tracktwo demo`: sample sources on a local server.\n" + yaml.safe_dump(doc, sort_keys=False))
    return cfg


MARKER = ".tracktwo-demo"  # written in every folder the demo makes: only such a folder is replaced by the next demo


class DemoFolderTaken(Exception):
    """The demo's folder holds something the demo did not make (a live landing zone, say): it is not deleted."""


def _made_by_demo(folder: Path) -> bool:
    """An empty folder, one with the demo's marker, or one an earlier version of the demo made: its config says so
    and it holds the demo's served sample files (a project started from a copy of the demo's config has those
    words but not the served folder)."""
    if not any(folder.iterdir()) or (folder / MARKER).is_file():
        return True
    sources = folder / "config" / "sources.yaml"
    return (folder / "served" / "feeds").is_dir() and sources.is_file() and sources.read_text(
        encoding="utf-8", errors="replace").startswith("# Written by `tracktwo demo`")


def run_demo(base: Settings, console: Console, out: str | None = None) -> int:
    """The demo in `out` (default <data>/demo), on a copy of `base`'s config with sample sources.

    The folder is replaced on each run, so the demo starts from nothing; a folder the demo did not make is
    refused (DemoFolderTaken) rather than deleted: `--out data` must not wipe a live landing zone."""
    stages = demo_stages()
    out_dir = Path(out or base.data_dir / "demo").resolve()
    if out_dir.exists():
        if not out_dir.is_dir() or not _made_by_demo(out_dir):
            raise DemoFolderTaken(
                f"{out_dir} exists and was not made by `tracktwo demo` (no {MARKER} file in it): the demo replaces "
                f"its folder on every run, so it will not use this one; choose another with --out, or remove it")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    (out_dir / MARKER).write_text("made by `tracktwo demo`; the next demo run replaces this folder\n", encoding="utf-8")
    served = out_dir / "served"
    served.mkdir()
    for rel, text in feed_files().items():
        (served / rel).parent.mkdir(parents=True, exist_ok=True)
        (served / rel).write_text(text, encoding="utf-8")
    extra: list[dict] = []
    for _, prepare, _ in stages:
        extra += prepare(served, base.config_dir)

    rc = 0
    with LocalServer(served) as server, curated.serve(served) as api:
        console.print(f"[bold]tracktwo demo[/]: sample data served at {server.url}, curated-data APIs (UCDP, "
                      f"ACLED, ReliefWeb, all synthetic) at {api.url} (loopback only)")
        cfg_dir = write_config(base, out_dir, server.url, extra, api.url)
        config = open_config(Settings(cfg_dir, out_dir, credentials=curated.DEMO_CREDENTIALS))
        console.rule("ingest, first pass")
        rc |= run_ingest(config, [], console)
        curated.revise(api)
        console.rule("ingest, second pass (conditional GET: expect not_modified; ACLED sends one revision and "
                     "one deletion)")
        rc |= run_ingest(config, [], console)
        for name, _, run in stages:
            console.rule(name)
            rc |= run(config, console)

    with reader(config.settings) as con:
        rows = con.execute(SUMMARY_SQL).fetchall()
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    console.rule("loaded")
    for publisher, n, first, last in rows:
        console.print(f"  {publisher:<28} {n:>4} documents  {first} .. {last}")
    console.print(f"\n[bold]{n_docs} documents[/] in the warehouse: {config.settings.warehouse_label}")
    console.print(f"landing zone: {config.settings.landing_dir}")
    console.print(f'try: .venv/bin/tracktwo --data-dir {out_dir} --config-dir {cfg_dir} sql "SELECT * FROM documents LIMIT 5"')
    return rc

"""Every SQL, Python and shell example of docs/warehouse.md runs, on the demo warehouse, as printed.

The examples use the demo's paths (`data/demo`, `export/`) relative to the working directory; this test runs
them in a folder laid out that way. R examples are not run (no R here); they attach the lake exactly like the
SQL example that is.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
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

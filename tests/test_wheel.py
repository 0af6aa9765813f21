"""The wheel works on its own: package data inside, and a fresh environment runs the demo from it.

The wheel is built offline from a copy of the checkout (no build isolation: the pinned setuptools of this
environment). It is installed with --no-index into a new virtual environment, whose dependencies
come from this environment's site-packages (already installed with constraints.txt) through a
plain path entry: the editable install's .pth hook there is not executed, so the only `tracktwo`
that environment can import is the wheel's. The demo then runs in an empty folder: it creates the
warehouse from the packaged migrations and renders the dashboard from packaged templates, CSS,
methodology text and default config, with no checkout in sight.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# what a build must not see: local state that would leak into the wheel or be written into the checkout
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "data", "build", "dist", "*.egg-info", "__pycache__",
                                     ".pytest_cache", "out")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # built from a copy, so the build's own files (build/, *.egg-info) never land in the checkout
    src = tmp_path_factory.mktemp("src") / "tracktwo"
    shutil.copytree(ROOT, src, symlinks=True, ignore=NOT_SOURCES)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (whl,) = out.glob("tracktwo-*.whl")
    return whl


def test_wheel_holds_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = {p.name for p in (ROOT / "warehouse" / "sql" / "migrations").glob("*.sql")}
    assert migrations and {f"warehouse/sql/migrations/{m}" for m in migrations} <= names
    sql = {p.name for p in (ROOT / "warehouse" / "sql").iterdir() if p.is_file()}
    assert {f"warehouse/sql/{s}" for s in sql} <= names
    templates = {p.name for p in (ROOT / "reports" / "templates").iterdir()}
    assert {f"reports/templates/{t}" for t in templates} <= names
    assert {"reports/static/dashboard.css", "reports/methodology.md"} <= names
    config = {p.name for p in (ROOT / "config").iterdir() if p.suffix in (".yaml", ".csv")}
    assert {f"tracktwo/defaults/{c}" for c in config} <= names
    assert not any(n.startswith(("tests/", "dags/", "bench/")) for n in names)
    # only the four packages and the wheel's metadata at the top
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == \
        {"tracktwo", "warehouse", "reports", "extractors"}


def test_fresh_environment_runs_the_demo_from_the_wheel(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies, pinned by constraints.txt in this environment; a plain path, so no .pth hook runs
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-index", "--no-deps",
                           "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]

    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKTWO_", "PYTHON"))}
    where = subprocess.run([str(py), "-c", "import tracktwo, warehouse, reports; print(tracktwo.__file__); "
                            "print(warehouse.__file__); print(reports.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where  # the wheel's modules, not the checkout's

    demo = subprocess.run([str(env_dir / "bin" / "tracktwo"), "demo"], cwd=work, env=env, capture_output=True,
                          text=True, timeout=600)
    assert demo.returncode == 0, (demo.stdout[-3000:], demo.stderr[-3000:])
    data = work / "data" / "demo"
    assert (data / "lake" / "catalog.sqlite").is_file()
    site_dir = data / "site"
    index = (site_dir / "index.html").read_text()
    assert "Russia–Ukraine" in index and "<style>" in index  # the packaged templates and CSS
    methodology = (site_dir / "methodology.html").read_text()
    assert "Tension: level and change" in methodology  # the packaged methodology text, not an empty page
    assert list((data / "digests").rglob("*.eml"))

"""The layer order of docs/architecture.md holds, and every TRACKTWO_* setting is read in one place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tracktwo.core.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tracktwo", "extractors", "warehouse", "reports", "dags")


def test_import_linter_layers_contract_is_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is not installed (make install)"
    proc = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def _code(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_environment_is_read_only_by_the_settings_object():
    """No module but tracktwo/core/settings.py reads the environment (the CLI's terminal width aside)."""
    offenders = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if path == ROOT / "tracktwo" / "core" / "settings.py":
                continue
            for n, line in enumerate(_code(path).splitlines(), 1):
                if re.search(r"os\.environ|getenv\(", line) and '"COLUMNS"' not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


def test_every_setting_is_in_the_readme_and_nothing_else():
    readme = _code(ROOT / "README.md")
    documented = set(re.findall(r"`(TRACKTWO_[A-Z_]+)`", readme))
    assert documented == set(ENVIRONMENT), (sorted(set(ENVIRONMENT) - documented), sorted(documented - set(ENVIRONMENT)))
    used = set()
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            used |= set(re.findall(r"\b(TRACKTWO_[A-Z_]*[A-Z])\b", _code(path)))
    assert used <= set(ENVIRONMENT), sorted(used - set(ENVIRONMENT))


def test_no_sql_spliced_into_text():
    """SQL is in warehouse/sql/ with bound parameters; templates only there (no str.replace on SQL text)."""
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            code = _code(path)
            assert not re.search(r'sql\([^)]*\)\.replace\(|"""\.replace\(', code), path
            assert "/*MEMBER_EVENTS*/" not in code, path

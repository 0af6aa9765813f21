"""Run every benchmark: each module bench/<name>.py that defines main() -> exit code.

    .venv/bin/python -m bench.run [NAME ...]
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

SKIP = {"run"}


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP and not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Run every benchmark (or the named ones), each with its defaults.")
    ap.add_argument("names", nargs="*", metavar="NAME", help=f"default: all ({', '.join(discover())})")
    names = ap.parse_args(argv).names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        ap.error(f"no benchmark named {', '.join(unknown)}")
    rc = 0
    for name in names:
        mod = importlib.import_module(f"bench.{name}")
        print(f"== bench.{name}", flush=True)
        try:
            rc |= mod.main([])
        except SystemExit as exc:  # a benchmark's own argparse may exit
            rc |= exc.code if isinstance(exc.code, int) else 1
    return rc


if __name__ == "__main__":
    sys.exit(main())

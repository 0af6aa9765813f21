"""Run every benchmark: each module bench/<name>.py that defines main() -> exit code.

    .venv/bin/python -m bench.run [NAME ...]
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

SKIP = {"run", "__init__"}


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP and not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or discover()
    rc = 0
    for name in names:
        mod = importlib.import_module(f"bench.{name}")
        fn = getattr(mod, "main", None)
        if fn is None:
            continue
        print(f"== bench.{name}", flush=True)
        try:
            code = fn([]) if inspect.signature(fn).parameters else fn()
        except SystemExit as exc:  # a benchmark's own argparse may exit
            code = exc.code if isinstance(exc.code, int) else 1
        rc |= code if isinstance(code, int) else 0  # some benchmarks return their results instead
    return rc


if __name__ == "__main__":
    sys.exit(main())

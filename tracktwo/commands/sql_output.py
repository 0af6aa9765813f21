"""`tracktwo sql`'s output formats: exact values for scripts (csv, json, parquet, markdown), a table for people.

Only the `table` format shortens anything (long cells wrap, rows stop at --max-rows, and it is the default
only on a terminal); every other format writes every row and every character, so a URL or a landing path
pasted from the output is the stored one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = ("table", "csv", "json", "parquet", "markdown")


@dataclass
class Result:
    """One statement's result: its text, column names and rows (an Arrow table: exact types for parquet)."""

    statement: str
    table: pa.Table


def plain(v: Any) -> Any:
    """A value as JSON holds it: dates and times in ISO 8601, nested values kept nested. Decimals stay Decimal
    (exact): `dumps` writes them as the numbers they are, `text` as their digits."""
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, (date, time)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return v if v.is_finite() else None
    if isinstance(v, float) and not math.isfinite(v):
        return None  # NaN and infinities are not JSON
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def _decimal_digits(d: Decimal) -> str:
    """A DECIMAL's exact digits, never in exponent notation (JSON and CSV readers take them as they are)."""
    return format(d, "f")


def dumps(v: Any) -> str:
    """JSON text of a `plain` value with every Decimal written as its exact digits (json writes only floats:
    a DECIMAL(18,3) sum such as 12345678901234.567 would come back as ...234.56 or worse). Each Decimal goes
    in as a placeholder string unique to this call, and its quoted form is replaced by the digits."""
    marks: dict[str, str] = {}
    tag = uuid.uuid4().hex

    def mark(x: Any) -> Any:
        if isinstance(x, Decimal):
            key = f"{tag}:{len(marks)}"
            marks[key] = _decimal_digits(x)
            return key
        if isinstance(x, dict):
            return {k: mark(y) for k, y in x.items()}
        if isinstance(x, list):
            return [mark(y) for y in x]
        return x

    out = json.dumps(mark(v), ensure_ascii=False)
    if marks:
        out = re.sub(f'"({tag}:[0-9]+)"', lambda m: marks[m.group(1)], out)
    return out


def text(v: Any) -> str:
    """A value in one CSV or Markdown cell: NULL is empty, nested values are JSON, the rest as written."""
    if v is None:
        return ""
    if isinstance(v, (dict, list, tuple)):
        return dumps(plain(v))
    p = plain(v)
    if isinstance(p, Decimal):
        return _decimal_digits(p)
    return "" if p is None else p if isinstance(p, str) else str(p)


def write_csv(results: list[Result], out: TextIO) -> None:
    """RFC 4180 CSV with a header per result; several results are separated by an empty line."""
    for i, r in enumerate(results):
        if i:
            out.write("\n")
        w = csv.writer(out, lineterminator="\n")
        w.writerow(r.table.column_names)
        for row in r.table.to_pylist():
            w.writerow([text(v) for v in row.values()])


def write_json(results: list[Result], out: TextIO) -> None:
    """One JSON document per result, in order: an array of row objects (a stream `jq` reads as is)."""
    for r in results:
        out.write(dumps([{k: plain(v) for k, v in row.items()} for row in r.table.to_pylist()]))
        out.write("\n")


def _md(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def write_markdown(results: list[Result], out: TextIO) -> None:
    """A GitHub-flavoured Markdown table per result ('|' and line breaks escaped), separated by an empty line."""
    for i, r in enumerate(results):
        if i:
            out.write("\n")
        cols = r.table.column_names
        out.write("| " + " | ".join(_md(c) for c in cols) + " |\n")
        out.write("|" + "|".join("---" for _ in cols) + "|\n")
        for row in r.table.to_pylist():
            out.write("| " + " | ".join(_md(text(v)) for v in row.values()) + " |\n")


def parquet_paths(out: Path, n: int) -> list[Path]:
    """FILE for the first result, FILE-2.parquet, FILE-3.parquet... for the next ones."""
    stem = out.name[: -len(".parquet")] if out.name.endswith(".parquet") else out.name
    return [out] + [out.with_name(f"{stem}-{i}.parquet") for i in range(2, n + 1)]


def write_parquet(results: list[Result], out: Path) -> list[Path]:
    paths = parquet_paths(out, len(results))
    for r, p in zip(results, paths):
        pq.write_table(r.table, p)
    return paths


def render(results: list[Result], fmt: str) -> str:
    """csv, json or markdown as text."""
    buf = io.StringIO()
    {"csv": write_csv, "json": write_json, "markdown": write_markdown}[fmt](results, buf)
    return buf.getvalue()

"""The lake at scale: a PostgreSQL catalog on a real server (127.0.0.1), two writers at once, a reader held open.

Two `tracktwo ingest` processes (two Airflow workers) start together against one catalog and one data path:
both finish, every fetch is loaded exactly once, no key has a duplicate. Skipped, saying why, when the
PostgreSQL server binaries are absent (`.ci/run` installs Debian's `postgresql`).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import fixture_bytes, rss_source
from postgres_server import PostgresServer, server_binaries
from test_lake import _documented_keys
from tracktwo.core.settings import Settings
from warehouse.db import query, reader

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


@pytest.fixture(scope="module")
def postgres():
    bindir = server_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (Debian package postgresql; .ci/run installs it)")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


def _env(catalog: str, data_path: str) -> dict[str, str]:
    return {**os.environ, "TRACKTWO_CATALOG": f"postgres:{catalog}", "TRACKTWO_DATA_PATH": data_path,
            "TRACKTWO_LOCK_TIMEOUT": "120"}


def test_two_writers_at_once_both_commit_nothing_lost_or_doubled(postgres, httpserver, make_config, tmp_path):
    feeds = {f"s{i}": (fixture_bytes(name), kind) for i, (name, kind) in
             enumerate([("rss2.xml", RSS), ("atom.xml", ATOM), ("rss1.xml", RSS), ("rss2.xml", RSS)])}
    for sid, (body, kind) in feeds.items():
        httpserver.expect_request(f"/{sid}").respond_with_data(body.replace(b"example", sid.encode()),
                                                              content_type=kind)
    config = make_config([rss_source(sid, httpserver.url_for(f"/{sid}")) for sid in feeds])
    catalog = postgres.createdb("two_writers")
    env = _env(catalog, str(tmp_path / "shared-data"))
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    with reader_after_first_load(flags, env) as held:
        workers = [subprocess.Popen([sys.executable, "-m", "tracktwo.cli", *flags, "ingest", *ids], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for ids in (["s0", "s1"], ["s2", "s3"])]
        outs = [w.communicate(timeout=300)[0] for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outs
        held.stdin.write("again\n")
        held.stdin.flush()
        assert int(held.stdout.readline()) == held.first  # the held reader kept its snapshot throughout
    settings = Settings.from_env(config.settings.config_dir, config.settings.data_dir, env=env)
    assert not settings.embedded and not (config.settings.data_dir / "lake").exists()
    runs = query(settings, "SELECT source_id, status FROM ingest_runs ORDER BY source_id")
    # s0 was ingested once before the two workers, then again by the first: two fetches, both loaded once
    assert [r for r in runs if r[0] != "s0"] == [("s1", "ok"), ("s2", "ok"), ("s3", "ok")]
    assert [r for r in runs if r[0] == "s0"] == [("s0", "ok"), ("s0", "ok")]
    for table, key in _documented_keys().items():
        cols = ", ".join(key)
        assert query(settings, f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1 LIMIT 3") == [], table
    per_source = dict(query(settings, "SELECT source_id, count(*) FROM documents GROUP BY ALL"))
    assert set(per_source) == set(feeds) and all(n > 0 for n in per_source.values())
    with reader(settings) as con:
        assert con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0] > 3


class reader_after_first_load:
    """Ingest s0 alone, then hold a reader (another process) open on the PostgreSQL catalog."""

    def __init__(self, flags: list[str], env: dict[str, str]):
        self.flags, self.env = flags, env

    def __enter__(self):
        subprocess.run([sys.executable, "-m", "tracktwo.cli", *self.flags, "ingest", "s0"], env=self.env,
                       check=True, capture_output=True, timeout=300)
        self.proc = subprocess.Popen([sys.executable, "-c", (
            "import sys\n"
            "from tracktwo.core.settings import Settings\n"
            "from warehouse.db import reader\n"
            f"s = Settings.from_env({self.flags[1]!r}, {self.flags[3]!r})\n"
            "with reader(s) as con:\n"
            "    print(con.execute('SELECT count(*) FROM documents').fetchone()[0], flush=True)\n"
            "    sys.stdin.readline()\n"
            "    print(con.execute('SELECT count(*) FROM documents').fetchone()[0], flush=True)\n")],
            env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.first = int(self.proc.stdout.readline())
        assert self.proc.first > 0
        return self.proc

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        return False


def test_writer_lock_is_shared_across_processes_through_postgres(postgres, tmp_path):
    """A second writer waits for the first's advisory lock, then fails clearly (exit code 3 in the CLI)."""
    from warehouse.db import WarehouseBusy, writer

    catalog = postgres.createdb("lock_test")
    env = _env(catalog, str(tmp_path / "data"))
    settings = Settings.from_env(tmp_path / "config", tmp_path, env=env)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time\n"
        "from tracktwo.core.settings import Settings\n"
        "from warehouse.db import writer\n"
        f"with writer(Settings.from_env({str(tmp_path / 'config')!r}, {str(tmp_path)!r})):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(30)\n")], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match="being written by another process"):
            with writer(settings, lock_timeout=1.0):
                pass
    finally:
        holder.kill()
        holder.wait()
    with writer(settings, lock_timeout=10) as con:  # released when the holder's session ended
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0

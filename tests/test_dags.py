"""The Airflow DAGs: they import, are wired as documented, and run end to end with dag.test().

Airflow reads AIRFLOW_HOME when it is first imported, so a session fixture points
it at a temporary folder (SQLite metadata database, our dags/ folder) before
anything imports airflow, and undoes the environment afterwards. The runs are
in-process `dag.test()` calls against local HTTP servers and a temporary data dir.
"""

from __future__ import annotations

import hashlib
import io
import socket
import sys
import time
import zipfile
from pathlib import Path

import pytest
from werkzeug import Response

from warehouse.db import query
from conftest import fixture_bytes, rss_source

ROOT = Path(__file__).resolve().parents[1]
DAGS = ROOT / "dags"
RSS = "application/rss+xml"
DAG_IDS = {"tracktwo_ingest_feeds", "tracktwo_ingest_gdelt", "tracktwo_indicators", "tracktwo_dashboard",
           "tracktwo_weekly_digest", "tracktwo_maintenance", "tracktwo_ingest_ucdp", "tracktwo_ingest_acled",
           "tracktwo_ingest_reliefweb"}
# tasks that write the lake queue in the one-slot pool; the dashboard only reads and needs none
WAREHOUSE_TASKS = {
    "tracktwo_ingest_feeds": ["load"], "tracktwo_ingest_gdelt": ["load"], "tracktwo_indicators": ["compute"],
    "tracktwo_ingest_ucdp": ["load"], "tracktwo_ingest_acled": ["load"], "tracktwo_ingest_reliefweb": ["load"],
    "tracktwo_weekly_digest": ["send"], "tracktwo_maintenance": ["compact"],
}
GDELT_EXPORT = "20191024143000.export.CSV"


@pytest.fixture(scope="session")
def dagbag(tmp_path_factory):
    """A DagBag of dags/, with Airflow configured on a temporary home and a migrated SQLite database."""
    if "airflow" in sys.modules:
        from airflow.configuration import conf

        if Path(conf.get("core", "dags_folder")).resolve() != DAGS:
            pytest.skip("airflow was imported before this module could configure AIRFLOW_HOME; run tests/test_dags.py alone")
    home = tmp_path_factory.mktemp("airflow_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("AIRFLOW_HOME", str(home))
    mp.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS))
    mp.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    mp.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    mp.setenv("TRACKTWO_AIRFLOW_RETRY_DELAY", "0")  # retries still happen, about a second apart
    for var in ("TRACKTWO_SMTP_HOST", "TRACKTWO_ALERT_EMAIL", "TRACKTWO_SMTP_FROM", "AIRFLOW_CONN_SMTP_DEFAULT"):
        mp.delenv(var, raising=False)
    try:
        from airflow.dag_processing.dagbag import DagBag
        from airflow.utils import db

        db.upgradedb()  # what `airflow db migrate` does, without a second interpreter

        yield DagBag(dag_folder=str(DAGS))
    finally:
        mp.undo()


@pytest.fixture
def run_env(monkeypatch, make_config):
    """A tracktwo config + data dir in tmp_path that the DAG tasks will read through the environment."""

    def _use(sources: list[dict], **kw):
        config = make_config(sources, **kw)
        monkeypatch.setenv("TRACKTWO_CONFIG_DIR", str(config.settings.config_dir))
        monkeypatch.setenv("TRACKTWO_DATA_DIR", str(config.settings.data_dir))
        return config

    return _use


def q(config, sql, params=None):
    return query(config.settings, sql, params)


def task_states(dr) -> dict[tuple[str, int], str]:
    from airflow.utils.session import create_session

    with create_session() as session:
        return {(ti.task_id, ti.map_index): str(ti.state.value if hasattr(ti.state, "value") else ti.state)
                for ti in dr.get_task_instances(session=session)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- structure ---------------------------------------------------------------------------------


def test_dagbag_imports_all_nine(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS


def test_tags_owner_docs(dagbag):
    for dag_id in DAG_IDS:
        dag = dagbag.get_dag(dag_id)
        assert "tracktwo" in dag.tags and len(dag.tags) >= 2, dag_id
        assert dag.doc_md and dag_id in dag.doc_md, dag_id
        assert dag.catchup is False
        for t in dag.tasks:
            assert t.owner == "tracktwo", (dag_id, t.task_id)
            assert t.on_failure_callback, (dag_id, t.task_id)


def test_fetch_tasks_retry_with_backoff_and_never_use_the_pool(dagbag):
    for dag_id in ("tracktwo_ingest_feeds", "tracktwo_ingest_gdelt", "tracktwo_ingest_ucdp", "tracktwo_ingest_acled",
                   "tracktwo_ingest_reliefweb"):
        fetch = dagbag.get_dag(dag_id).get_task("fetch")
        assert fetch.retries >= 2
        assert fetch.retry_exponential_backoff and fetch.retry_exponential_backoff > 1
        assert fetch.pool != "tracktwo_duckdb"  # fetches never open DuckDB: they run in parallel
        load = dagbag.get_dag(dag_id).get_task("load")
        assert str(load.trigger_rule.value if hasattr(load.trigger_rule, "value") else load.trigger_rule) == "all_done"
        assert fetch.task_id in load.upstream_task_ids


def test_every_task_has_an_execution_timeout(dagbag):
    from datetime import timedelta

    for dag_id in DAG_IDS:
        for t in dagbag.get_dag(dag_id).tasks:
            assert t.execution_timeout is not None and t.execution_timeout <= timedelta(hours=1), (dag_id, t.task_id)
    assert dagbag.get_dag("tracktwo_ingest_feeds").get_task("fetch").execution_timeout == timedelta(minutes=30)


def test_warehouse_tasks_share_the_one_slot_pool(dagbag):
    for dag_id, task_ids in WAREHOUSE_TASKS.items():
        for task_id in task_ids:
            t = dagbag.get_dag(dag_id).get_task(task_id)
            assert (t.pool, t.pool_slots) == ("tracktwo_duckdb", 1), (dag_id, task_id)
    assert dagbag.get_dag("tracktwo_dashboard").get_task("build").pool != "tracktwo_duckdb"


def test_schedules(dagbag):
    from airflow.sdk import Asset, AssetAny, AssetOrTimeSchedule

    def cron(dag_id):
        return dagbag.get_dag(dag_id).timetable.expression

    assert cron("tracktwo_ingest_feeds") == "*/30 * * * *"
    assert cron("tracktwo_ingest_gdelt") == "5,20,35,50 * * * *"  # every 15 minutes, after GDELT publishes
    assert cron("tracktwo_weekly_digest") == "0 6 * * 1"  # Mondays 06:00, in UTC
    assert str(dagbag.get_dag("tracktwo_weekly_digest").timetable.timezone) in ("UTC", "Timezone('UTC')")
    indicators = dagbag.get_dag("tracktwo_indicators").timetable.asset_condition
    assert isinstance(indicators, AssetAny)
    assert {a.name for a in indicators.objects} == {"tracktwo_documents", "tracktwo_events"}
    assert cron("tracktwo_ingest_ucdp") == "40 4 * * *" and cron("tracktwo_ingest_acled") == "50 4 * * *"
    assert cron("tracktwo_ingest_reliefweb") == "25 * * * *"
    for dag_id, asset in (("tracktwo_ingest_feeds", "tracktwo_documents"), ("tracktwo_ingest_gdelt", "tracktwo_events"),
                          ("tracktwo_ingest_ucdp", "tracktwo_events"), ("tracktwo_ingest_acled", "tracktwo_events"),
                          ("tracktwo_ingest_reliefweb", "tracktwo_documents"),
                          ("tracktwo_indicators", "tracktwo_indicators")):
        producers = [t for t in dagbag.get_dag(dag_id).tasks if any(isinstance(o, Asset) for o in t.outlets)]
        assert [o.name for t in producers for o in t.outlets] == [asset], dag_id
    dash = dagbag.get_dag("tracktwo_dashboard").timetable
    assert isinstance(dash, AssetOrTimeSchedule)
    assert dash.asset_condition.name == "tracktwo_indicators" and dash.timetable.expression == "30 5 * * *"


def test_no_logical_date_in_dag_code():
    """Asset-triggered and manual runs have no logical_date: the DAGs must not read it."""
    for path in [*DAGS.glob("*.py"), ROOT / "tracktwo" / "airflow.py"]:
        code = path.read_text()
        for bad in ('["logical_date"]', ".logical_date", "{{ ds", "{{ logical_date", "execution_date", "data_interval"):
            assert bad not in code, (path.name, bad)


def test_dag_files_are_thin(dagbag):
    """DAG files import only Airflow and the installed tracktwo.airflow wiring: no sys.path edits, no business code."""
    import ast

    for path in DAGS.glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert modules <= {"__future__", "airflow.sdk", "tracktwo.airflow"}, (path.name, modules)
        assert "sys.path" not in path.read_text(), path.name


def test_failure_notice_without_smtp_is_a_log_line(dagbag, caplog):
    from tracktwo import airflow as wiring

    smtp, why = wiring.failure_mail_setup(wiring.settings())
    assert smtp is None and "TRACKTWO_SMTP_HOST" in why
    caplog.set_level("ERROR", logger="tracktwo.airflow")
    wiring.notify_failure({"exception": RuntimeError("boom")})
    assert "no failure email sent" in caplog.text and "boom" in caplog.text


# --- end to end ---------------------------------------------------------------------------------


class _Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def test_ingest_feeds_end_to_end_with_a_broken_source(dagbag, httpserver, run_env, monkeypatch):
    from aiosmtpd.controller import Controller

    httpserver.expect_request("/rss2.xml").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    httpserver.expect_request("/atom.xml").respond_with_data(fixture_bytes("atom.xml"), content_type=RSS)
    down_is_back: list[bool] = []
    httpserver.expect_request("/down.xml").respond_with_handler(
        lambda req: Response(fixture_bytes("rss1.xml"), content_type=RSS) if down_is_back else Response("down", status=500))
    config = run_env([rss_source("wire", httpserver.url_for("/rss2.xml")),
                      rss_source("atom", httpserver.url_for("/atom.xml")),
                      rss_source("down", httpserver.url_for("/down.xml")),
                      rss_source("off", httpserver.url_for("/off.xml"), enabled=False)],
                     http={"retries": 0})
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    monkeypatch.setenv("TRACKTWO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKTWO_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("TRACKTWO_SMTP_FROM", "tracktwo@example.org")
    monkeypatch.setenv("TRACKTWO_ALERT_EMAIL", "ops@example.org")
    try:
        dr = dagbag.get_dag("tracktwo_ingest_feeds").test(logical_date=None)
    finally:
        smtp.stop()
    states = task_states(dr)
    fetches = {k[1]: v for k, v in states.items() if k[0] == "fetch"}
    assert sorted(fetches.values()) == ["failed", "success", "success"]  # the broken source fails alone
    assert states[("load", -1)] == "success" and states[("announce", -1)] == "success"
    assert q(config, "SELECT source_id, count(*) FROM documents GROUP BY 1 ORDER BY 1") == [("atom", 2), ("wire", 3)]
    runs = q(config, "SELECT source_id, status, http_status, error FROM ingest_runs ORDER BY started_at")
    ok = [r for r in runs if r[1] == "ok"]
    failed = [r for r in runs if r[1] == "failed"]
    assert sorted(r[0] for r in ok) == ["atom", "wire"]
    # the failed fetch was retried by Airflow (2 retries), every attempt landed and recorded
    assert len(failed) == 3 and {r[0] for r in failed} == {"down"}
    assert all(r[2] == 500 and "HTTP 500" in r[3] for r in failed)
    # one notice, after the last retry, through tracktwo's mailer (reports.mail)
    assert len(inbox.messages) == 1
    assert b"tracktwo_ingest_feeds.fetch" in inbox.messages[0] and b"ops@example.org" in inbox.messages[0]

    # the next run: the source is back and brings its documents; the others bring nothing new
    down_is_back.append(True)
    dr = dagbag.get_dag("tracktwo_ingest_feeds").test(logical_date=None)
    states = task_states(dr)
    assert {v for k, v in states.items() if k[0] == "fetch"} == {"success"}
    assert states[("announce", -1)] == "success"  # the recovered source brought 2 new documents
    assert q(config, "SELECT count(*) FROM documents")[0][0] == 7


def test_ingest_feeds_nothing_new_announces_nothing(dagbag, httpserver, run_env):
    httpserver.expect_request("/rss2.xml").respond_with_data(fixture_bytes("rss2.xml"), content_type=RSS)
    config = run_env([rss_source("wire", httpserver.url_for("/rss2.xml"))])
    from tracktwo import pipeline

    pipeline.extract_all(config, config.enabled_sources())
    pipeline.load(config)
    dr = dagbag.get_dag("tracktwo_ingest_feeds").test(logical_date=None)
    states = task_states(dr)
    assert states[("load", -1)] == "success" and states[("announce", -1)] == "skipped"
    assert dr.state == "success"


def _gdelt_zip(shared: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(shared / "gdelt" / GDELT_EXPORT, GDELT_EXPORT)
    return buf.getvalue()


def test_ingest_gdelt_end_to_end(dagbag, httpserver, run_env, shared_fixtures):
    pytest.importorskip("extractors.gdelt", reason="extractors.gdelt (issue 3) is not there yet")
    pytest.importorskip("warehouse.events", reason="warehouse.events (issue 3) is not there yet")
    body = _gdelt_zip(shared_fixtures)
    url = httpserver.url_for(f"/gdeltv2/{GDELT_EXPORT}.zip")
    line = f"{len(body)} {hashlib.md5(body).hexdigest()} {url}\n"
    httpserver.expect_request(f"/gdeltv2/{GDELT_EXPORT}.zip").respond_with_data(body, content_type="application/zip")
    httpserver.expect_request("/gdeltv2/lastupdate.txt").respond_with_data(line, content_type="text/plain")
    httpserver.expect_request("/gdeltv2/masterfilelist.txt").respond_with_data(line, content_type="text/plain")
    config = run_env([{"id": "gdelt", "kind": "gdelt_events", "url": httpserver.url_for("/gdeltv2/lastupdate.txt"),
                       "publisher": "GDELT"}])
    dr = dagbag.get_dag("tracktwo_ingest_gdelt").test(logical_date=None)
    states = task_states(dr)
    assert states[("fetch", 0)] == "success" and states[("load", -1)] == "success"
    assert states[("announce", -1)] == "success"
    assert q(config, "SELECT count(*) FROM events WHERE source = 'gdelt'")[0][0] == 2111
    # the next window: nothing new listed, nothing added, no asset event
    dr = dagbag.get_dag("tracktwo_ingest_gdelt").test(logical_date=None)
    assert task_states(dr)[("announce", -1)] == "skipped"
    assert q(config, "SELECT count(*) FROM events WHERE source = 'gdelt'")[0][0] == 2111


def test_indicators_end_to_end(dagbag, httpserver, run_env):
    pytest.importorskip("warehouse.indicators", reason="warehouse.indicators (issue 4) is not there yet")
    for name in ("rss2.xml", "atom.xml", "rss1.xml"):
        httpserver.expect_request(f"/{name}").respond_with_data(fixture_bytes(name), content_type=RSS)
    config = run_env([rss_source(n.split(".")[0], httpserver.url_for(f"/{n}")) for n in ("rss2.xml", "atom.xml", "rss1.xml")])
    from tracktwo import pipeline

    pipeline.extract_all(config, config.enabled_sources())
    pipeline.load(config)
    start = time.time()
    dr = dagbag.get_dag("tracktwo_indicators").test(logical_date=None)  # as an asset-triggered run: no logical_date
    assert task_states(dr)[("compute", -1)] == "success", f"after {time.time() - start:.1f}s"
    rows = q(config, "SELECT count(*), coalesce(sum(documents), 0) FROM region_daily")[0]
    assert rows[0] > 0 and rows[1] > 0


def test_failure_notice_never_logs_the_smtp_password_a_server_echoes(dagbag, caplog, monkeypatch):
    """An SMTP server that echoes the credentials in its refusal, and a task error that contains the password:
    neither the password nor the base64 forms AUTH sends it in reach the log."""
    import base64
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from tracktwo import airflow as wiring

    password = "s3cret-Echo-Pa55"
    forms = [password, base64.b64encode(password.encode()).decode(),
             base64.b64encode(f"\0tracktwo\0{password}".encode()).decode()]

    def echo(server, session, envelope, mechanism, auth_data):
        said = auth_data.password.decode() if isinstance(auth_data, LoginPassword) else repr(auth_data)
        return AuthResult(success=False, handled=False,
                          message=f"535 5.7.8 bad credentials {said} {forms[1]} {forms[2]}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(_Inbox(), hostname="127.0.0.1", port=port, authenticator=echo, auth_require_tls=False)
    ctl.start()
    try:
        for var, value in {"TRACKTWO_SMTP_HOST": "127.0.0.1", "TRACKTWO_SMTP_PORT": str(port),
                           "TRACKTWO_SMTP_USER": "tracktwo", "TRACKTWO_SMTP_PASSWORD": password,
                           "TRACKTWO_ALERT_EMAIL": "ops@example.org"}.items():
            monkeypatch.setenv(var, value)
        for var in ("TRACKTWO_SMTP_STARTTLS", "TRACKTWO_SMTP_SSL", "TRACKTWO_SMTP_CA_FILE"):
            monkeypatch.delenv(var, raising=False)
        caplog.set_level("DEBUG")
        wiring.notify_failure({"exception": RuntimeError(f"connect failed for tracktwo:{password}")})
    finally:
        ctl.stop()
    ours = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records if not r.name.startswith("mail.log"))
    assert "tracktwo task failed" in ours and "not delivered" in ours  # the refusal is reported ...
    assert "535 5.7.8 bad credentials *** *** ***" in ours  # ... with what the server echoed, scrubbed
    for secret in forms:
        assert secret not in ours  # ... without the secret in any form

"""Curated APIs (UCDP, ACLED, ReliefWeb) to landing, against the fake APIs on 127.0.0.1 (no internet).

Rows come from the real samples in ../shared/fixtures where a test needs real ones (skipped when absent),
else from small hand-written rows."""

from __future__ import annotations

import copy
import csv
import json
import logging
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pydantic import ValidationError

from extractors import acled, reliefweb, ucdp
from extractors.http import FetchError, fetch, post_form
from extractors.landing import FetchRecord, Landing
from tracktwo.core.config import HttpSettings
from tracktwo.demo.curated_api import FakeCuratedApi

FAST = HttpSettings(retries=2, backoff_base=0, backoff_max=0, max_retry_after=5, connect_timeout=2, read_timeout=5)
TOKEN = "ucdp-T0ken+with/odd=chars"
USER = "leak.check+analyst@example.org"
PASSWORD = "p@ss w0rd&=/+%x"
UCDP_ENV = {"UCDP_ACCESS_TOKEN": TOKEN}
ACLED_ENV = {"ACLED_USERNAME": USER, "ACLED_PASSWORD": PASSWORD}

# -- real rows, typed as the APIs send them --------------------------------------------------------------

UCDP_INT = {"id", "year", "type_of_violence", "conflict_new_id", "dyad_new_id", "side_a_new_id", "side_b_new_id",
            "number_of_sources", "where_prec", "priogrid_gid", "country_id", "event_clarity", "date_prec",
            "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low"}


def _ucdp_row(r: dict[str, str]) -> dict:
    """A CSV row of the GED sample as the UCDP API's JSON has it (numbers, booleans, ISO date-times, null)."""
    out: dict = {}
    for k, v in r.items():
        if k in UCDP_INT:
            out[k] = int(v) if v != "" else None
        elif k in ("latitude", "longitude"):
            out[k] = float(v)
        elif k == "active_year":
            out[k] = v == "1"
        elif k in ("date_start", "date_end"):
            out[k] = v[:19].replace(" ", "T")
        elif k in ("gwnoa", "gwnob"):
            out[k] = v or None
        else:
            out[k] = v
    return out


@pytest.fixture(scope="module")
def ucdp_rows(shared_fixtures) -> list[dict]:
    with open(shared_fixtures / "ucdp" / "uncertainUCDP_ucdpged_v23.1_sample_1000.csv", newline="") as f:
        return [_ucdp_row(r) for r in csv.DictReader(f)]


@pytest.fixture(scope="module")
def acled_rows(shared_fixtures) -> list[dict]:
    """ACLED's JSON gives every value as a string, as the CSV does."""
    with open(shared_fixtures / "acled" / "acledR_acled_old_dummy_326_events.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def reliefweb_items(shared_fixtures) -> list[dict]:
    """The real v1 reports' items, given the date.changed and country the v2 extractor filters on (the
    sample was fetched without them): changed = original + a few hours, country = Nepal."""
    doc = json.loads((shared_fixtures / "reliefweb" / "reliefweb_v1_reports_NPL_2020-09.json").read_text())
    items = []
    for i, it in enumerate(doc["data"]):
        it = copy.deepcopy(it)
        original = datetime.fromisoformat(it["fields"]["date"]["original"])
        it["fields"]["date"]["changed"] = (original + timedelta(hours=i)).isoformat()
        it["fields"]["country"] = [{"iso3": "npl", "name": "Nepal"}]
        it["fields"]["primary_country"] = {"iso3": "npl", "name": "Nepal"}
        items.append(it)
    return items


# -- helpers ----------------------------------------------------------------------------------------------

def _ucdp(api: FakeCuratedApi, **kw) -> ucdp.UcdpSource:
    return ucdp.UcdpSource(**{"id": "ucdp-ged", "kind": "ucdp_ged", "url": api.ucdp_base, "version": "23.1", **kw})


def _acled(api: FakeCuratedApi, **kw) -> acled.AcledSource:
    return acled.AcledSource(**{"id": "acled", "kind": "acled", "url": api.acled_base, **kw})


def _rw(api: FakeCuratedApi, **kw) -> reliefweb.ReliefwebSource:
    return reliefweb.ReliefwebSource(**{"id": "reliefweb", "kind": "reliefweb", "url": api.reliefweb_base,
                                        "appname": "tracktwo-tests-x7q", **kw})


def _rows(landing: Landing, rec: FetchRecord, key: str) -> list:
    return json.loads(landing.read_body(rec))[key]


def _acled_event(i: int, ts: int, iso: str = "804") -> dict:
    return {"event_id_cnty": f"UKR{i}", "event_date": "2024-03-01", "iso": iso, "country": "Ukraine",
            "event_type": "Battles", "fatalities": "0", "timestamp": str(ts)}


def _rw_item(i: int, changed: str, iso3: str = "ukr") -> dict:
    return {"id": str(1000 + i), "fields": {"title": f"Report {i}", "body": f"Body {i}",
                                            "date": {"original": changed, "created": changed, "changed": changed},
                                            "source": [{"name": "OCHA", "shortname": "OCHA",
                                                        "type": {"name": "International Organization"}}],
                                            "country": [{"iso3": iso3}], "primary_country": {"iso3": iso3},
                                            "url_alias": f"https://reliefweb.int/report/{i}", "theme": [{"name": "x"}]}}


# -- the HTTP client additions ----------------------------------------------------------------------------

def test_fetch_sends_own_headers_to_its_origin_only():
    with FakeCuratedApi() as a, FakeCuratedApi() as b:
        b.override = lambda req: (200, {"Content-Type": "text/plain"}, b"elsewhere")
        a.override = lambda req: ((302, {"Location": f"{b.url}/x"}, b"") if req.path == "/away"
                                  else (302, {"Location": "/here"}, b"") if req.path == "/stay"
                                  else (200, {"Content-Type": "text/plain"}, b"home"))
        res = fetch(f"{a.url}/away", FAST, headers={"X-Api-Token": "tok-1"}, etag='"e1"')
        assert res.body == b"elsewhere"
        assert a.requests[0].headers.get("X-Api-Token") == "tok-1"
        assert "X-Api-Token" not in b.requests[0].headers  # another origin: the token is not sent on
        assert b.requests[0].headers.get("If-None-Match") == '"e1"'  # the conditional headers are
        res = fetch(f"{a.url}/stay", FAST, headers={"X-Api-Token": "tok-1"})
        assert res.body == b"home" and a.requests[-1].headers.get("X-Api-Token") == "tok-1"


def test_fetch_error_does_not_quote_a_header_value():
    with pytest.raises(FetchError) as err:
        fetch("http://127.0.0.1:9/x", FAST, headers={"X-Api-Token": "abc\r\nsecret-part"})
    assert "secret-part" not in str(err.value)


def test_post_form_retries_refuses_redirects_and_keeps_form_values_out_of_errors():
    sleeps: list[float] = []
    with FakeCuratedApi(acled_password=PASSWORD) as api:
        api.throttle_next = 2
        form = {"username": "analyst@example.org", "password": PASSWORD, "grant_type": "password", "client_id": "acled"}
        res = post_form(f"{api.url}/oauth/token", FAST, form, sleep=sleeps.append)
        assert res.status == 200 and res.attempts == 3 and sleeps == [0.0, 0.0]
        assert json.loads(res.body)["access_token"]
        assert api.requests[-1].form == form
        with pytest.raises(FetchError) as err:
            post_form(f"{api.url}/oauth/token", FAST, {**form, "password": "wrong-Pw-123"})
        assert err.value.status == 401 and "wrong-Pw-123" not in str(err.value)
        n = len(api.requests)
        api.override = lambda req: (307, {"Location": f"{api.url}/oauth/token"}, b"") if req.path == "/moved" else None
        with pytest.raises(FetchError) as err:
            post_form(f"{api.url}/moved", FAST, form)
        assert err.value.status == 307 and "refused" in str(err.value)
        assert [r.path for r in api.requests[n:]] == ["/moved"]  # not re-sent to the target
        assert PASSWORD not in str(err.value) and "analyst" not in str(err.value)
        api.override = None
        api.throttle_next = 10
        with pytest.raises(FetchError) as err:
            post_form(f"{api.url}/oauth/token", FAST, form, sleep=lambda s: None)
        assert err.value.status == 429 and "3 attempts" in str(err.value)


# -- UCDP -------------------------------------------------------------------------------------------------

def test_ucdp_pages_land_every_row_in_order(tmp_path, ucdp_rows):
    landing = Landing(tmp_path)
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = ucdp_rows
        recs = ucdp.fetch_to_landing(_ucdp(api, pagesize=300), FAST, landing, env=UCDP_ENV)
        assert [r.status for r in recs] == ["ok"] * 4
        assert [r.extra["page"] for r in recs] == [0, 1, 2, 3]
        assert [r.extra["rows"] for r in recs] == [300, 300, 300, 100]
        assert {r.extra["fetch_id"] for r in recs} == {recs[0].extra["fetch_id"]}
        assert recs[0].extra == {"dataset": "ucdp_ged", "version": "23.1", "endpoint": "events", "page": 0,
                                 "pages": 4, "fetch_id": recs[0].extra["fetch_id"], "rows": 300}
        assert all(r.headers.get("x-ucdp-access-token") == TOKEN for r in api.requests)
        assert [r.arg("page") for r in api.requests] == ["0", "1", "2", "3"]
    in_landing = [r for r in landing.records("ucdp-ged")]
    assert [r.run_id for r in in_landing] == [r.run_id for r in recs]  # landing order is page order
    landed = [row for r in in_landing for row in _rows(landing, r, "Result")]
    assert [row["id"] for row in landed] == [row["id"] for row in ucdp_rows]
    assert landed[0]["active_year"] is True and isinstance(landed[0]["latitude"], float)
    assert all(r.body_file.endswith(".json") and TOKEN not in r.url for r in recs)


def test_ucdp_filters_are_sent(tmp_path, ucdp_rows):
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = ucdp_rows
        src = _ucdp(api, countries=[369, 365], start_date=date(2022, 1, 1), end_date=date(2022, 12, 31))
        recs = ucdp.fetch_to_landing(src, FAST, Landing(tmp_path), env=UCDP_ENV)
        req = api.requests[0]
        assert (req.arg("Country"), req.arg("StartDate"), req.arg("EndDate")) == ("365,369", "2022-01-01", "2022-12-31")
        rows = [row for r in recs for row in _rows(Landing(tmp_path), r, "Result")]
        want = [r for r in ucdp_rows if r["country_id"] in (365, 369) and "2022-01-01" <= r["date_start"][:10]
                and r["date_end"][:10] <= "2022-12-31"]
        assert rows and [r["id"] for r in rows] == [r["id"] for r in want]


def test_ucdp_without_token_fails_without_asking(tmp_path):
    with FakeCuratedApi() as api:
        recs = ucdp.fetch_to_landing(_ucdp(api), FAST, Landing(tmp_path), env={})
        assert api.requests == []
    assert [r.status for r in recs] == ["failed"]
    assert recs[0].error.startswith("UCDP access token not set: set UCDP_ACCESS_TOKEN")
    assert Landing(tmp_path).read_record(next(Path(tmp_path, "landing").rglob("*.meta.json"))).status == "failed"


def test_ucdp_wrong_token_is_a_failed_record(tmp_path):
    with FakeCuratedApi(ucdp_token="the-right-one") as api:
        api.ucdp_rows["23.1"] = [{"id": 1}]
        recs = ucdp.fetch_to_landing(_ucdp(api), FAST, Landing(tmp_path), env=UCDP_ENV)
    assert [(r.status, r.http_status) for r in recs] == [("failed", 401)]
    assert "refused the access token" in recs[0].error and TOKEN not in recs[0].error


def test_ucdp_release_is_not_fetched_again_until_version_changes(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = [{"id": i} for i in range(5)]
        api.ucdp_rows["24.1"] = [{"id": i} for i in range(7)]
        assert [r.status for r in ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, landing, env=UCDP_ENV)] == ["ok"] * 3
        n = len(api.requests)
        again = ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, landing, env=UCDP_ENV)
        assert [r.status for r in again] == ["not_modified"] and len(api.requests) == n
        assert again[0].extra["version"] == "23.1" and again[0].extra["pages"] == 3
        new = ucdp.fetch_to_landing(_ucdp(api, pagesize=2, version="24.1"), FAST, landing, env=UCDP_ENV)
        assert [r.extra["rows"] for r in new] == [2, 2, 2, 1]
        filtered = ucdp.fetch_to_landing(_ucdp(api, pagesize=2, version="24.1", countries=[369]), FAST, landing,
                                         env=UCDP_ENV)
        assert [r.status for r in filtered] == ["ok"]  # other filters: fetched again (no rows match here)


def test_ucdp_capped_run_resumes_and_candidate_is_labelled(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["25.0.10"] = [{"id": i} for i in range(9)]
        src = _ucdp(api, version="25.0.10", dataset="candidate", pagesize=2, max_pages=3)
        first = ucdp.fetch_to_landing(src, FAST, landing, env=UCDP_ENV)
        second = ucdp.fetch_to_landing(src, FAST, landing, env=UCDP_ENV)
        third = ucdp.fetch_to_landing(src, FAST, landing, env=UCDP_ENV)
    assert [r.extra["page"] for r in first] == [0, 1, 2] and [r.extra["page"] for r in second] == [3, 4]
    assert [r.status for r in third] == ["not_modified"]
    assert {r.extra["dataset"] for r in first + second} == {"ucdp_candidate"}
    assert [row["id"] for r in first + second for row in _rows(landing, r, "Result")] == list(range(9))


def test_ucdp_throttling_is_answered_by_backoff(tmp_path):
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = [{"id": i} for i in range(3)]
        api.throttle_next = 2
        sleeps: list[float] = []
        recs = ucdp.fetch_to_landing(_ucdp(api), FAST, Landing(tmp_path), env=UCDP_ENV, sleep=sleeps.append)
        assert [(r.status, r.attempts) for r in recs] == [("ok", 3)] and sleeps == [0.0, 0.0]
        assert [r.status for r in api.requests] == [429, 429, 200]


def test_ucdp_broken_page_fails_and_earlier_pages_stay(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = [{"id": i} for i in range(7)]
        api.broken_pages = {("ucdp", 2)}
        recs = ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, landing, env=UCDP_ENV)
        assert [(r.extra["page"], r.status) for r in recs] == [(0, "ok"), (1, "ok"), (2, "failed")]
        assert "page 2: not a UCDP API page: not JSON" in recs[2].error
        assert landing.read_body(recs[2]).startswith(b"<html>") and recs[2].body_file.endswith(".json")
        assert all(landing.read_body(r) for r in recs[:2])
        api.broken_pages = set()
        rest = ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, landing, env=UCDP_ENV)
        assert [(r.extra["page"], r.status) for r in rest] == [(2, "ok"), (3, "ok")]  # resumes at the broken page


def test_ucdp_page_over_the_size_cap_fails(tmp_path):
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = [{"id": i, "notes": "x" * (3000 if i == 3 else 10)} for i in range(10)]
        small = FAST.model_copy(update={"max_bytes": 2000})
        recs = ucdp.fetch_to_landing(_ucdp(api, pagesize=2), small, Landing(tmp_path), env=UCDP_ENV)
    assert [r.status for r in recs] == ["ok", "failed"] and "body too large" in recs[1].error


# -- ACLED ------------------------------------------------------------------------------------------------

def test_acled_pages_land_every_event(tmp_path, acled_rows):
    landing = Landing(tmp_path)
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = acled_rows
        src = _acled(api, countries=["ARG"], start_date=date(2022, 6, 1), page_size=100)
        recs = acled.fetch_to_landing(src, FAST, landing, env=ACLED_ENV)
        token_req, *data_reqs = api.requests
        assert token_req.form == {"username": USER, "password": PASSWORD, "grant_type": "password",
                                  "client_id": "acled", "scope": "authenticated"}
        first = data_reqs[0]
        assert (first.arg("_format"), first.arg("iso"), first.arg("event_date"), first.arg("event_date_where"),
                first.arg("limit"), first.arg("page"), first.arg("timestamp")) == \
               ("json", "32", "2022-06-01", ">=", "100", "1", None)
        assert all(r.headers["Authorization"] == f"Bearer {api.issued_tokens[0]}" for r in data_reqs)
    events = [r for r in recs if r.extra["endpoint"] == "events"]
    assert [(r.extra["page"], r.extra["rows"]) for r in events] == [(1, 100), (2, 100), (3, 100), (4, 26)]
    assert recs[0].extra.keys() == {"dataset", "endpoint", "page", "fetch_id", "rows", "max_timestamp"}
    landed = [row["event_id_cnty"] for r in events for row in _rows(landing, r, "data")]
    assert sorted(landed) == sorted(r["event_id_cnty"] for r in acled_rows)
    assert [r.run_id for r in landing.records("acled")] == [r.run_id for r in recs]
    assert [r.extra["endpoint"] for r in recs][-1] == "deleted" and all(r.status == "ok" for r in recs)
    state = json.loads((tmp_path / "state" / "curated" / "acled.json").read_text())
    assert state["events"] == {"cursor": max(int(r["timestamp"]) for r in acled_rows), "resume": None}


def test_acled_without_credentials_fails_without_asking(tmp_path):
    with FakeCuratedApi() as api:
        recs = acled.fetch_to_landing(_acled(api), FAST, Landing(tmp_path), env={"ACLED_USERNAME": USER})
        assert api.requests == []
    assert [r.status for r in recs] == ["failed"]
    assert recs[0].error == "ACLED credentials not set: set ACLED_USERNAME and ACLED_PASSWORD"


def test_acled_wrong_credentials_are_refused_without_echoing_them(tmp_path):
    with FakeCuratedApi(acled_username=USER, acled_password="the-right-one") as api:
        api.acled_rows = [_acled_event(1, 1700000000)]
        recs = acled.fetch_to_landing(_acled(api), FAST, Landing(tmp_path), env=ACLED_ENV)
        assert [r.path for r in api.requests] == ["/oauth/token"]
    assert [(r.status, r.http_status, r.error) for r in recs] == [("failed", 401, "ACLED login refused (HTTP 401)")]
    assert recs[0].extra["endpoint"] == "token" and recs[0].url.endswith("/oauth/token")


def test_acled_token_refresh_after_expiry(tmp_path):
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [_acled_event(i, 1700000000 + i) for i in range(10)]
        api.acled_token_uses = 2  # the third data request with a token is refused
        recs = acled.fetch_to_landing(_acled(api, page_size=3), FAST, Landing(tmp_path), env=ACLED_ENV)
        assert all(r.status == "ok" for r in recs)
        assert [(r.extra["endpoint"], r.extra["page"]) for r in recs] == \
               [("events", 1), ("events", 2), ("events", 3), ("events", 4), ("deleted", 1)]
        grants = [r.form["grant_type"] for r in api.requests if r.path == "/oauth/token"]
        assert grants == ["password", "refresh_token", "refresh_token"]
        assert [r.status for r in api.requests if r.path != "/oauth/token"] == [200, 200, 401, 200, 200, 401, 200]
        # a refused refresh token: logged in again with the password
        api.override = lambda req: ((400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}')
                                    if req.form and req.form.get("grant_type") == "refresh_token" else None)
        recs = acled.fetch_to_landing(_acled(api, page_size=3), FAST, Landing(tmp_path / "again"), env=ACLED_ENV)
        assert all(r.status == "ok" for r in recs) and len(recs) == 5
        assert [r.form["grant_type"] for r in api.requests if r.path == "/oauth/token"][3:] == \
               ["password", "refresh_token", "password", "refresh_token", "password"]


def test_acled_incremental_cursor_and_deleted_events(tmp_path, acled_rows):
    landing = Landing(tmp_path)
    cut = 1656371436
    clock = datetime(2022, 7, 30, tzinfo=timezone.utc)
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [r for r in acled_rows if int(r["timestamp"]) < cut]
        first = acled.fetch_to_landing(_acled(api, countries=["ARG"]), FAST, landing, env=ACLED_ENV, now=lambda: clock)
        cursor = max(int(r["timestamp"]) for r in api.acled_rows)
        assert first[-1].extra["endpoint"] == "deleted" and api.requests[-1].arg("deleted_timestamp") == \
               str(int(clock.timestamp()))  # deletions before a first run are already reflected in it
        api.acled_rows = acled_rows
        api.acled_deleted = [{"event_id_cnty": "ARG10607", "deleted_timestamp": str(int(clock.timestamp()) + 60)},
                             {"event_id_cnty": "ARG0", "deleted_timestamp": str(int(clock.timestamp()) - 60)}]
        n = len(api.requests)
        second = acled.fetch_to_landing(_acled(api, countries=["ARG"]), FAST, landing, env=ACLED_ENV)
        events_req = [r for r in api.requests[n:] if r.path == "/api/acled/read"][0]
        assert (events_req.arg("timestamp"), events_req.arg("timestamp_where")) == (str(cursor), ">=")
        landed = {row["event_id_cnty"] for r in second if r.extra["endpoint"] == "events"
                  for row in _rows(landing, r, "data")}
        new = {r["event_id_cnty"] for r in acled_rows if int(r["timestamp"]) >= cut}
        assert new <= landed
        assert landed - new == {r["event_id_cnty"] for r in acled_rows if int(r["timestamp"]) == cursor}
        deleted = [r for r in second if r.extra["endpoint"] == "deleted"]
        assert [row["event_id_cnty"] for r in deleted for row in _rows(landing, r, "data")] == ["ARG10607"]
        assert deleted[0].extra["max_timestamp"] == int(clock.timestamp()) + 60
        acled.fetch_to_landing(_acled(api, countries=["ARG"]), FAST, landing, env=ACLED_ENV)
        assert api.requests[-1].arg("deleted_timestamp") == str(int(clock.timestamp()) + 60)
        assert [r for r in api.requests if r.path == "/api/acled/read"][-1].arg("timestamp") == \
               str(max(int(r["timestamp"]) for r in acled_rows))


def test_acled_failed_page_keeps_cursor_and_earlier_pages(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [_acled_event(i, 1700000000 + i) for i in range(7)]
        api.broken_pages = {("acled", 2)}
        recs = acled.fetch_to_landing(_acled(api, page_size=3), FAST, landing, env=ACLED_ENV)
        assert [(r.extra["endpoint"], r.extra["page"], r.status) for r in recs] == \
               [("events", 1, "ok"), ("events", 2, "failed"), ("deleted", 1, "ok")]
        assert "events page 2: not an ACLED API page" in recs[1].error and landing.read_body(recs[1])
        api.broken_pages = set()
        acled.fetch_to_landing(_acled(api, page_size=3), FAST, landing, env=ACLED_ENV)
        again = [r for r in api.requests if r.path == "/api/acled/read"][-3:]
        assert [(r.arg("page"), r.arg("timestamp")) for r in again] == [("1", None), ("2", None), ("3", None)]


def test_acled_capped_run_resumes_before_moving_the_cursor(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [_acled_event(i, 1700000000 + i) for i in range(7)]
        src = _acled(api, page_size=2, max_pages=2)
        acled.fetch_to_landing(src, FAST, landing, env=ACLED_ENV)
        acled.fetch_to_landing(src, FAST, landing, env=ACLED_ENV)
        asked = [(r.arg("page"), r.arg("timestamp")) for r in api.requests if r.path == "/api/acled/read"]
        assert asked == [("1", None), ("2", None), ("3", None), ("4", None)]
        acled.fetch_to_landing(src, FAST, landing, env=ACLED_ENV)
        assert [r for r in api.requests if r.path == "/api/acled/read"][-1].arg("timestamp") == "1700000006"


def test_acled_throttled_login_and_pages(tmp_path):
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [_acled_event(1, 1700000000)]
        api.throttle_next = 2
        recs = acled.fetch_to_landing(_acled(api), FAST, Landing(tmp_path), env=ACLED_ENV, sleep=lambda s: None)
        assert all(r.status == "ok" for r in recs)
        assert [r.status for r in api.requests][:3] == [429, 429, 200]


def test_acled_login_redirect_is_refused(tmp_path):
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.override = lambda req: (302, {"Location": f"{api.url}/oauth/token"}, b"") if req.path == "/login" else None
        recs = acled.fetch_to_landing(_acled(api, token_url=f"{api.url}/login"), FAST, Landing(tmp_path), env=ACLED_ENV)
        assert [r.path for r in api.requests] == ["/login"]
    assert recs[0].status == "failed" and "refused" in recs[0].error and PASSWORD not in recs[0].error


def test_acled_country_codes_are_checked():
    with pytest.raises(ValidationError, match="XKX"):
        acled.AcledSource(id="a", kind="acled", url="https://acleddata.com", countries=["UKR", "XKX"])
    src = acled.AcledSource(id="a", kind="acled", url="https://acleddata.com", countries=["UKR", "AFG"])
    assert src.iso_codes == [4, 804] and src.oauth_url == "https://acleddata.com/oauth/token"


# -- ReliefWeb --------------------------------------------------------------------------------------------

def test_reliefweb_pages_land_real_items_with_the_fields_asked(tmp_path, reliefweb_items):
    landing = Landing(tmp_path)
    with FakeCuratedApi() as api:
        api.reliefweb_rows = reliefweb_items
        recs = reliefweb.fetch_to_landing(_rw(api, limit=4, countries=["NPL"]), FAST, landing)
        req = api.requests[0]
        assert req.arg("appname") == "tracktwo-tests-x7q"
        assert req.query["fields[include][]"] == list(reliefweb.FIELDS)
        assert req.query["sort[]"] == ["date.changed:asc", "id:asc"]
        assert (req.arg("filter[conditions][0][field]"), req.query["filter[conditions][0][value][]"]) == \
               ("country.iso3", ["NPL"])
        # keyset paging: each page starts at the last date.changed read (offset 0; that report comes again)
        assert {(r.arg("offset"), r.arg("limit")) for r in api.requests} == {("0", "4")}
        froms = [r.arg("filter[conditions][0][value][from]") for r in api.requests]
        assert froms[0] is None and froms[1:] == sorted(froms[1:])  # no lower bound on the first (no cursor yet)
    assert [r.status for r in recs] == ["ok"] * len(recs) and recs[-1].extra["rows"] < 4
    assert recs[0].extra == {"dataset": "reliefweb", "endpoint": "reports", "page": 0,
                             "fetch_id": recs[0].extra["fetch_id"], "rows": 4}
    docs = [d for r in recs for d in _rows(landing, r, "data")]
    assert sorted({d["id"] for d in docs}) == sorted(it["id"] for it in reliefweb_items)  # each page's first comes again
    first = docs[0]["fields"]
    assert set(first) <= {"title", "body", "source", "country", "primary_country", "date", "url_alias", "url"}
    assert "file" not in first and first["source"][0].keys() <= {"name", "shortname", "type"}
    envelope = json.loads(landing.read_body(recs[0]))
    assert {"time", "href", "links", "took", "totalCount", "count", "data"} <= envelope.keys()


def test_reliefweb_incremental_by_date_changed(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi() as api:
        api.reliefweb_rows = [_rw_item(i, f"2024-05-0{i + 1}T10:00:00+00:00") for i in range(4)]
        first = reliefweb.fetch_to_landing(_rw(api, start_date=date(2024, 5, 2)), FAST, landing)
        assert api.requests[0].arg("filter[conditions][0][value][from]") == "2024-05-02T00:00:00+00:00"
        assert [d["id"] for r in first for d in _rows(landing, r, "data")] == ["1001", "1002", "1003"]
        api.reliefweb_rows.append(_rw_item(7, "2024-05-09T08:00:00+00:00"))
        api.reliefweb_rows[0] = _rw_item(0, "2024-05-09T09:00:00+00:00")  # an old report edited
        second = reliefweb.fetch_to_landing(_rw(api, start_date=date(2024, 5, 2)), FAST, landing)
        assert api.requests[-1].arg("filter[conditions][0][value][from]") == "2024-05-04T10:00:00+00:00"
        assert [d["id"] for r in second for d in _rows(landing, r, "data")] == ["1003", "1007", "1000"]


def test_reliefweb_broken_page_and_refused_appname(tmp_path):
    landing = Landing(tmp_path)
    with FakeCuratedApi(reliefweb_appnames={"tracktwo-tests-x7q"}) as api:
        api.reliefweb_rows = [_rw_item(i, f"2024-05-0{i + 1}T10:00:00+00:00") for i in range(5)]
        calls = []

        def break_second_page(req):  # pages are keyset pages: the second request is the second page
            calls.append(req)
            return (200, {"Content-Type": "text/html"}, b"<html>maintenance</html>") if len(calls) == 2 else None

        api.override = break_second_page
        recs = reliefweb.fetch_to_landing(_rw(api, limit=2), FAST, landing)
        api.override = None
        assert [(r.extra["page"], r.status) for r in recs] == [(0, "ok"), (1, "failed")]
        assert "page 1: not a ReliefWeb API page: not JSON" in recs[1].error
        assert not (tmp_path / "state" / "curated" / "reliefweb.json").exists()  # no cursor from a failed run
        refused = reliefweb.fetch_to_landing(_rw(api, appname="someone-else"), FAST, landing)
        assert refused[0].http_status == 403 and "appname" in refused[0].error


def test_reliefweb_limit_is_checked():
    with pytest.raises(ValidationError):
        reliefweb.ReliefwebSource(id="r", kind="reliefweb", url="https://api.reliefweb.int/v2", appname="a", limit=5000)
    with pytest.raises(ValidationError):
        ucdp.UcdpSource(id="u", kind="ucdp_ged", url="https://ucdpapi.pcr.uu.se/api", version="25.1", pagesize=5000)
    with pytest.raises(ValidationError):
        ucdp.UcdpSource(id="u", kind="ucdp_ged", url="https://ucdpapi.pcr.uu.se/api", version="../x")


# -- secrets ----------------------------------------------------------------------------------------------

def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


def _leaks(secrets: list[str], data_dir: Path, records: list[FetchRecord], logs: str) -> list[str]:
    """Where any form of any secret appears: a landed or state file, a fetch record, the captured logs."""
    found = []
    for s in secrets:
        for form in _forms(s):
            for p in data_dir.rglob("*"):
                if p.is_file() and form.encode() in p.read_bytes():
                    found.append(f"{s!r} in {p.relative_to(data_dir)}")
            for r in records:
                if form in r.to_json():
                    found.append(f"{s!r} in record {r.run_id}")
            if form in logs:
                found.append(f"{s!r} in the logs")
    return found


def test_no_secret_in_landing_state_records_or_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    landing = Landing(tmp_path)
    records: list[FetchRecord] = []
    wrong = "wr0ng-Passw0rd!"
    with FakeCuratedApi(ucdp_token=TOKEN, acled_username=USER, acled_password=PASSWORD,
                        token_prefix="SECRET-acled") as api:
        api.ucdp_rows["23.1"] = [{"id": i} for i in range(5)]
        api.acled_rows = [_acled_event(i, 1700000000 + i) for i in range(5)]
        api.acled_deleted = [{"event_id_cnty": "UKR1", "deleted_timestamp": "1800000000"}]
        # UCDP: success, wrong token, broken page
        records += ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, landing, env=UCDP_ENV)
        records += ucdp.fetch_to_landing(_ucdp(api, id="u2"), FAST, landing, env={"UCDP_ACCESS_TOKEN": "wrong-" + TOKEN})
        api.broken_pages = {("ucdp", 1), ("acled", 2)}
        records += ucdp.fetch_to_landing(_ucdp(api, id="u3", pagesize=2), FAST, landing, env=UCDP_ENV)
        # ACLED: success with a token refresh, wrong password, broken page, expired token and refused refresh
        api.acled_token_uses = 1
        api.broken_pages = set()
        records += acled.fetch_to_landing(_acled(api, page_size=2), FAST, landing, env=ACLED_ENV)
        records += acled.fetch_to_landing(_acled(api, id="a2"), FAST, landing,
                                          env={"ACLED_USERNAME": USER, "ACLED_PASSWORD": wrong})
        api.broken_pages = {("acled", 2)}
        records += acled.fetch_to_landing(_acled(api, id="a3", page_size=2), FAST, landing, env=ACLED_ENV)
        api.acled_password = "changed-meanwhile"  # the refresh is refused and so is the new login
        api.override = lambda req: (400, {}, b"{}") if req.form and req.form.get("grant_type") == "refresh_token" else None
        api.broken_pages = set()
        records += acled.fetch_to_landing(_acled(api, id="a4", page_size=2), FAST, Landing(tmp_path), env=ACLED_ENV)
        issued = list(api.issued_tokens)
    statuses = {r.status for r in records}
    assert statuses == {"ok", "failed"} and len(issued) >= 6
    assert any("login refused" in (r.error or "") for r in records)
    secrets = [TOKEN, "wrong-" + TOKEN, USER, PASSWORD, wrong, *issued]
    assert _leaks(secrets, tmp_path, records, caplog.text) == []
    assert "landed" in caplog.text  # the logs were captured (the check above is not vacuous)


def test_the_leak_check_catches_a_token_in_the_url(tmp_path, caplog, monkeypatch):
    """A token put into the page URL is caught (in the landed body that echoes the query, and in the logs),
    even though the record's own URL is scrubbed; and a record holding one is caught too."""
    caplog.set_level(logging.DEBUG)
    real = ucdp._page_url
    monkeypatch.setattr(ucdp, "_page_url", lambda source, page: real(source, page) + "&token=" + quote_plus(TOKEN))
    with FakeCuratedApi(ucdp_token=TOKEN) as api:
        api.ucdp_rows["23.1"] = [{"id": i} for i in range(5)]
        records = ucdp.fetch_to_landing(_ucdp(api, pagesize=2), FAST, Landing(tmp_path), env=UCDP_ENV)
    assert all(r.status == "ok" for r in records) and all(TOKEN not in r.url for r in records)
    assert _leaks([TOKEN], tmp_path, records, caplog.text)
    bad = FetchRecord(run_id="x", source_id="x", kind="ucdp_ged", url=f"https://h/?t={quote_plus(TOKEN)}",
                      started_at="", finished_at="", status="ok")
    assert _leaks([TOKEN], tmp_path / "nothing-here", [bad], "")


def test_an_echoed_credential_is_masked_in_every_form_and_piece(tmp_path, caplog):
    """A real-looking probe: a UCDP server answered 200 text/plain "Invalid API token supplied, you sent: <token>";
    the error kept the body's first 60 bytes, cut inside the token, and the piece (22 of its 34 characters)
    reached the console, ingest_runs.error and the landed record, past a scrubber that knew only the whole token.
    An ACLED login refused with the form echoed stored the password URL-encoded. Both are masked now, and the
    landed body keeps no copy (the record says what was masked)."""
    from extractors.api_state import Clock, Pages, json_object
    from tracktwo.core.secrets import scrub, scrub_bytes

    token = "UCDPSECRETTOKEN0123456789abcdefXYZ"
    body = f"Invalid API token supplied, you sent: {token} please retry".encode()
    with pytest.raises(ValueError) as cut:
        json_object(body, "a UCDP page")
    assert token[:22] in str(cut.value)  # the excerpt is cut inside the token ...
    assert token[:22] not in scrub(str(cut.value), [token]) and "***" in scrub(str(cut.value), [token])  # ... masked
    password = 'Pa$$ w0rd&x=1"q\\z'
    echoed = f"login failed for username=alice%40example.org&{'password=' + quote_plus(password)}"
    assert scrub(echoed, [password]) == "login failed for username=alice%40example.org&password=***"
    for form in (quote(password, safe=""), json.dumps(password)[1:-1], password.upper(), password.encode().hex()):
        assert scrub(f"<{form}>", [password]) == "<***>", form
    assert scrub("a run id 20261202T114307Z-9f2c1ab3 and a word", [password, token]) == \
        "a run id 20261202T114307Z-9f2c1ab3 and a word"  # nothing else is masked
    assert scrub_bytes(b"x" + quote_plus(password).encode() + b"y" + token.encode(), [password, token]) == \
        (b"x***y***", 2)
    # a short secret is not looked for in a body (it would change the data), and an e-mail's domain is no secret
    assert scrub_bytes(b'{"date":"2024-01-05","id":2024}', ["2024"]) == (b'{"date":"2024-01-05","id":2024}', 0)
    assert scrub("see https://example.org/x for analyst.one@example.org", ["analyst.one@example.org"]) == \
        "see https://example.org/x for ***"
    # a non-ASCII credential in a non-JSON body's excerpt is text, so the scrubber finds it
    secret = "секретный-пароль"
    with pytest.raises(ValueError) as echoed:
        json_object(f"bad login: {secret}".encode(), "a page")
    assert secret in str(echoed.value) and secret not in scrub(str(echoed.value), [secret])

    pages = Pages(Landing(tmp_path), "ucdp-probe", "ucdp_ged", Clock(None), [token])
    rec = pages.record("https://ucdp.example/api", {"page": 0})
    rec.error = str(cut.value)
    pages.land(rec, body)
    landed = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert len(landed) == 2 and not any(token[:8].encode() in b for b in landed)
    assert rec.extra["credentials_masked"] == 1 and "masked" in rec.warning
    assert b"you sent: *** please retry" in (tmp_path / rec.body_file).read_bytes()
    assert token[:8] not in caplog.text


def test_acled_deletions_cursor_survives_a_change_of_countries(tmp_path):
    """Changing a source's countries starts the events over, but not the deletions: a deletion made between the
    two runs is still fetched (the events fetched again would otherwise leave it counted)."""
    with FakeCuratedApi(acled_username=USER, acled_password=PASSWORD) as api:
        api.acled_rows = [{"event_id_cnty": "ARG1", "event_date": "2022-06-01", "iso": "32", "timestamp": "100",
                           "fatalities": "1"}]
        landing = Landing(tmp_path)
        day1, day2, day3 = (datetime(2026, 1, d, tzinfo=timezone.utc) for d in (1, 2, 3))
        acled.fetch_to_landing(_acled(api, countries=["ARG"]), FAST, landing, env=ACLED_ENV, now=lambda: day1)
        # deleted on day 2, between the runs; the second run (day 3) asks for other countries
        api.acled_deleted = [{"event_id_cnty": "ARG1", "deleted_timestamp": str(int(day2.timestamp()))}]
        recs = acled.fetch_to_landing(_acled(api, countries=["ARG", "CHL"]), FAST, landing, env=ACLED_ENV,
                                      now=lambda: day3)
        deleted = [r for r in recs if r.extra["endpoint"] == "deleted" and r.status == "ok"]
        assert deleted and sum(r.extra["rows"] for r in deleted) == 1


def test_reliefweb_report_edited_during_a_run_is_not_lost_and_a_page_too_large_is_halved(tmp_path):
    """Keyset paging: a report edited after its page was read moves to the end of the list; with offset paging
    the next report would slide into the offset already read and be lost. A page over http.max_bytes is asked
    again with half as many reports."""
    landing = Landing(tmp_path)
    with FakeCuratedApi() as api:
        api.reliefweb_rows = [_rw_item(i, f"2024-05-{i + 1:02d}T10:00:00+00:00") for i in range(9)]
        served = []

        def edit_after_first_page(req):
            served.append(req)
            if len(served) == 2:  # the first page has been read: report 1 is edited now
                api.reliefweb_rows[1] = _rw_item(1, "2024-06-01T00:00:00+00:00")
            return None

        api.override = edit_after_first_page
        recs = reliefweb.fetch_to_landing(_rw(api, limit=3), FAST, landing)
        ids = [d["id"] for r in recs for d in _rows(landing, r, "data")]
        assert set(ids) == {str(1000 + i) for i in range(9)}, ids  # nothing skipped
        assert ids.count("1001") >= 2  # read before and after its edit

        big = FAST.model_copy(update={"max_bytes": 12_000})  # 40 reports are ~32 kB, 10 are ~9.5 kB
        api.override = None
        api.reliefweb_rows = [_rw_item(i, f"2024-07-01T10:{i:02d}:00+00:00") for i in range(40)]
        for it in api.reliefweb_rows:
            it["fields"]["body"] = "x" * 300
        recs = reliefweb.fetch_to_landing(_rw(api, id="rw2", limit=40), big, Landing(tmp_path / "b"))
        # the oversized attempts land nothing and fail nothing: the first page landed says what happened
        assert all(r.status == "ok" for r in recs)
        assert "40 reports a page were over the size cap" in recs[0].warning and "asked for 10" in recs[0].warning
        got = [d["id"] for r in recs for d in _rows(Landing(tmp_path / "b"), r, "data")]
        assert sorted(set(got)) == sorted(str(1000 + i) for i in range(40))


def test_reliefweb_edit_at_the_instant_being_read_loses_nothing(tmp_path):
    """Reports at T1, T2, T2, T2, T3 read two at a time; the T2 report already read is edited before the next page
    (it moves to T9): the next page still starts at T2, so the other T2 reports are read, and the edit later."""
    landing = Landing(tmp_path)
    with FakeCuratedApi() as api:
        stamps = ["2024-05-01T10:00:00+00:00"] + ["2024-05-02T10:00:00+00:00"] * 3 + ["2024-05-03T10:00:00+00:00"]
        api.reliefweb_rows = [_rw_item(i, t) for i, t in enumerate(stamps)]
        calls = []

        def edit_first_t2_after_page_one(req):
            calls.append(req)
            if len(calls) == 2:
                api.reliefweb_rows[1] = _rw_item(1, "2024-05-09T10:00:00+00:00")
            return None

        api.override = edit_first_t2_after_page_one
        recs = reliefweb.fetch_to_landing(_rw(api, limit=2), FAST, landing)
        got = {d["id"] for r in recs for d in _rows(landing, r, "data")}
        assert got == {str(1000 + i) for i in range(5)}

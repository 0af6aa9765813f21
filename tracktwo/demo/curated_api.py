"""A fake of the three curated-data APIs on 127.0.0.1 (UCDP, ACLED, ReliefWeb), for tests and the demo.

It pages, authenticates and filters like the real services as tracktwo's extractors call them, from
in-memory rows the caller sets, so an extractor is exercised end to end over real HTTP without the
internet:

- UCDP:      GET  /api/gedevents/<version>?pagesize=&page=[&Country=&StartDate=&EndDate=]  (base `ucdp_base`)
             header x-ucdp-access-token; envelope TotalCount, TotalPages, PreviousPageUrl, NextPageUrl,
             Result; pages numbered from 0.
- ACLED:     POST /oauth/token (password and refresh_token grants, client_id acled);
             GET  /api/acled/read?_format=json&limit=&page=[&iso=a|b&event_date=&event_date_where=
                  &timestamp=&timestamp_where=]  and  /api/deleted/read?...deleted_timestamp=..;
             header Authorization: Bearer; envelope status, success, count, data; pages from 1.
             (base `acled_base`)
- ReliefWeb: GET  /v2/reports?appname=&filter[...]&fields[include][]=&sort[]=&offset=&limit=
             envelope time, href, links, took, totalCount, count, data[{id, score, fields, href}].
             (base `reliefweb_base`)

Knobs: `throttle_next` (the next N requests answer 429 with Retry-After: 0), `acled_token_uses` (an
access token stops working after N data requests), `broken_pages` ((api, page) pairs answered 200 with
an HTML body), `override` (a function that may answer any request itself). Every request is kept in
`requests` (method, path, query, headers, form): they hold credentials as sent, so they stay in memory.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

Reply = tuple[int, dict[str, str], bytes]
BROKEN = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    form: dict[str, str] | None = None
    status: int = 0

    def arg(self, name: str) -> str | None:
        """The first value of query parameter `name`, or None."""
        values = self.query.get(name)
        return values[0] if values else None


def _json(status: int, doc: Any, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(doc).encode()


def _text(status: int, text: str) -> Reply:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _nested(query: dict[str, list[str]], name: str) -> Any:
    """PHP-style bracket parameters (filter[conditions][0][field]=x, fields[include][]=a) as nested dicts and
    lists, the way ReliefWeb reads a GET query."""
    root: dict[str, Any] = {}
    for key, values in query.items():
        if key != name and not key.startswith(name + "["):
            continue
        parts = [name, *re.findall(r"\[([^\]]*)\]", key[len(name):])]
        for value in values:
            node: Any = root
            for i, part in enumerate(parts[:-1]):
                if not isinstance(node, dict):
                    break  # "[]" before the end: not a form ReliefWeb reads either
                if part not in node:
                    node[part] = [] if parts[i + 1] == "" else {}
                node = node[part]
            else:
                if parts[-1] == "" and isinstance(node, list):
                    node.append(value)
                elif isinstance(node, dict):
                    node[parts[-1]] = value
    return root.get(name)


def _leaves(value: Any, path: list[str]) -> list[Any]:
    """The values at a dotted path through dicts and lists (country.iso3 -> every country's iso3)."""
    if not path:
        return [x for v in (value if isinstance(value, list) else [value]) for x in ([v] if v is not None else [])]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v, path)]
    if isinstance(value, dict) and path[0] in value:
        return _leaves(value[path[0]], path[1:])
    return []


def _project(fields: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """`fields` with only the dotted paths asked for (fields[include][])."""
    tree: dict[str, Any] = {}
    for p in paths:
        node = tree
        for part in p.split("."):
            node = node.setdefault(part, {})

    def cut(value: Any, node: dict[str, Any]) -> Any:
        if not node:
            return value
        if isinstance(value, list):
            return [cut(v, node) for v in value]
        if isinstance(value, dict):
            return {k: cut(value[k], sub) for k, sub in node.items() if k in value}
        return value

    return cut(fields, tree)


def _time(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _condition(fields: dict[str, Any], cond: dict[str, Any]) -> bool:
    if "conditions" in cond:
        parts = [_condition(fields, c) for _, c in sorted(cond["conditions"].items(), key=lambda kv: int(kv[0]))]
        ok = all(parts) if cond.get("operator", "AND").upper() == "AND" else any(parts)
    else:
        have = _leaves(fields, cond.get("field", "").split("."))
        value = cond.get("value")
        if value is None:
            ok = bool(have)
        elif isinstance(value, dict):  # a range: from / to, inclusive
            times = [_time(str(h)) for h in have]
            ok = any((("from" not in value) or t >= _time(value["from"])) and
                     (("to" not in value) or t <= _time(value["to"])) for t in times)
        else:
            wanted = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
            got = {str(h).lower() for h in have}
            hits = [w in got for w in wanted]
            ok = all(hits) if cond.get("operator", "OR").upper() == "AND" else any(hits)
    return not ok if str(cond.get("negate", "")).lower() in ("1", "true") else ok


class FakeCuratedApi:
    """The three APIs on a free loopback port until the `with` block ends. Set the rows and knobs (plain
    attributes) before or between runs; credentials are given to the constructor."""

    def __init__(self, *, ucdp_token: str | None = "ucdp-demo-token", acled_username: str = "analyst@example.org",
                 acled_password: str = "demo-password", reliefweb_appnames: set[str] | None = None,
                 token_prefix: str = "fake"):
        self.ucdp_token = ucdp_token  # None: no token checked
        self.acled_username = acled_username
        self.acled_password = acled_password
        self.reliefweb_appnames = reliefweb_appnames  # None: any non-empty appname is accepted
        self.token_prefix = token_prefix
        self.ucdp_rows: dict[str, list[dict]] = {}
        self.acled_rows: list[dict] = []
        self.acled_deleted: list[dict] = []
        self.reliefweb_rows: list[dict] = []  # API items: {"id": ..., "fields": {...}}
        self.acled_token_uses: int | None = None
        self.acled_login_status = 401
        self.throttle_next = 0
        self.broken_pages: set[tuple[str, int]] = set()  # ("ucdp" | "acled" | "acled_deleted" | "reliefweb", page)
        self.override: Callable[[RecordedRequest], Reply | None] | None = None
        self.requests: list[RecordedRequest] = []
        self.issued_tokens: list[str] = []  # every access and refresh token handed out
        self._access: dict[str, int | None] = {}  # access token -> data requests left (None: unlimited)
        self._refresh: set[str] = set()
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                form = None
                if method == "POST":
                    n = int(self.headers.get("Content-Length") or 0)
                    form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode(), keep_blank_values=True).items()}
                req = RecordedRequest(method, parts.path, parse_qs(parts.query, keep_blank_values=True),
                                      dict(self.headers.items()), form)
                status, headers, body = api._answer(req)
                req.status = status
                self.send_response(status)
                for k, v in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def ucdp_base(self) -> str:
        return f"{self.url}/api"

    @property
    def acled_base(self) -> str:
        return self.url

    @property
    def reliefweb_base(self) -> str:
        return f"{self.url}/v2"

    def __enter__(self) -> "FakeCuratedApi":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    # -- dispatch --------------------------------------------------------------------------------------

    def _answer(self, req: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(req)
            if self.override is not None:
                reply = self.override(req)
                if reply is not None:
                    return reply
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return 429, {"Retry-After": "0", "Content-Type": "text/plain"}, b"Too Many Requests"
            m = re.fullmatch(r"/api/gedevents/([^/]+)", req.path)
            if req.method == "GET" and m:
                return self._ucdp(req, m.group(1))
            if req.method == "POST" and req.path == "/oauth/token":
                return self._token(req.form or {})
            if req.method == "GET" and req.path in ("/api/acled/read", "/api/deleted/read"):
                return self._acled(req)
            if req.method == "GET" and req.path == "/v2/reports":
                return self._reliefweb(req)
            return _text(404, "Not Found")

    # -- UCDP ------------------------------------------------------------------------------------------

    def _ucdp(self, req: RecordedRequest, version: str) -> Reply:
        token = req.headers.get("x-ucdp-access-token") or next(
            (v for k, v in req.headers.items() if k.lower() == "x-ucdp-access-token"), None)
        if self.ucdp_token is not None and token != self.ucdp_token:
            return _text(401, "API token required. Add header: x-ucdp-access-token" if token is None
                         else "Invalid API token")
        if version not in self.ucdp_rows:
            return _text(404, f"No such dataset version: {version}")
        rows = self.ucdp_rows[version]
        if req.arg("Country"):
            codes = {int(c) for c in req.arg("Country").split(",") if c.strip()}
            rows = [r for r in rows if int(r.get("country_id") or -1) in codes]
        if req.arg("StartDate"):
            rows = [r for r in rows if str(r.get("date_start", ""))[:10] >= req.arg("StartDate")]
        if req.arg("EndDate"):
            rows = [r for r in rows if str(r.get("date_end", ""))[:10] <= req.arg("EndDate")]
        size = max(1, min(1000, int(req.arg("pagesize") or 1)))
        page = int(req.arg("page") or 0)
        if ("ucdp", page) in self.broken_pages:
            return 200, {"Content-Type": "text/html"}, BROKEN
        pages = math.ceil(len(rows) / size)

        def link(p: int) -> str:
            query = {k: v[0] for k, v in req.query.items()}
            return f"{self.url}{req.path}?{urlencode({**query, 'pagesize': size, 'page': p})}"

        return _json(200, {"TotalCount": len(rows), "TotalPages": pages,
                           "PreviousPageUrl": link(page - 1) if page > 0 else "",
                           "NextPageUrl": link(page + 1) if page + 1 < pages else "",
                           "Result": rows[page * size:(page + 1) * size]})

    # -- ACLED -----------------------------------------------------------------------------------------

    def _issue(self) -> Reply:
        n = len(self.issued_tokens)
        access = f"{self.token_prefix}-access-{n}-{secrets.token_hex(8)}"
        refresh = f"{self.token_prefix}-refresh-{n}-{secrets.token_hex(8)}"
        self.issued_tokens += [access, refresh]
        self._access[access] = self.acled_token_uses
        self._refresh.add(refresh)
        return _json(200, {"token_type": "Bearer", "expires_in": 86400, "access_token": access,
                           "refresh_token": refresh})

    def _token(self, form: dict[str, str]) -> Reply:
        grant = form.get("grant_type")
        if form.get("client_id") != "acled":
            return _json(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if grant == "password":
            if form.get("username") == self.acled_username and form.get("password") == self.acled_password:
                return self._issue()
            return _json(self.acled_login_status, {"error": "invalid_grant",
                                                   "error_description": "The user credentials were incorrect."})
        if grant == "refresh_token":
            if form.get("refresh_token") in self._refresh:
                self._refresh.discard(form["refresh_token"])  # refresh tokens are single use
                return self._issue()
            return _json(400, {"error": "invalid_grant", "error_description": "The refresh token is invalid."})
        return _json(400, {"error": "unsupported_grant_type"})

    def _bearer_ok(self, req: RecordedRequest) -> bool:
        auth = next((v for k, v in req.headers.items() if k.lower() == "authorization"), "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if token not in self._access:
            return False
        left = self._access[token]
        if left is None:
            return True
        if left <= 0:
            return False
        self._access[token] = left - 1
        return True

    @staticmethod
    def _compare(value: str, where: str | None, bound: str, numeric: bool) -> bool:
        a: Any = value
        b: Any = bound
        if numeric:
            a, b = int(value), int(bound)
        if where in (None, "", "="):
            return a == b
        if where == ">=":
            return a >= b
        if where == ">":
            return a > b
        if where == "<=":
            return a <= b
        if where == "<":
            return a < b
        if where.upper() == "BETWEEN":
            lo, hi = bound.split("|")
            return (int(lo) <= a <= int(hi)) if numeric else (lo <= a <= hi)
        raise ValueError(where)

    def _acled(self, req: RecordedRequest) -> Reply:
        if not self._bearer_ok(req):
            return _json(401, {"status": 401, "success": False,
                               "error": {"message": "Access denied: the access token is missing, invalid or expired"}})
        deleted = req.path == "/api/deleted/read"
        rows = list(self.acled_deleted if deleted else self.acled_rows)
        try:
            if not deleted and req.arg("iso"):
                codes = {int(c) for c in req.arg("iso").split("|")}
                rows = [r for r in rows if int(r["iso"]) in codes]
            filters = [("deleted_timestamp", True)] if deleted else [("event_date", False), ("timestamp", True)]
            for name, numeric in filters:
                if req.arg(name) is not None:
                    rows = [r for r in rows if self._compare(str(r[name]), req.arg(f"{name}_where"), req.arg(name),
                                                             numeric)]
        except (ValueError, KeyError):
            return _json(200, {"status": 400, "success": False, "error": {"message": "Invalid filter"}})
        if deleted:
            rows.sort(key=lambda r: (int(r["deleted_timestamp"]), str(r["event_id_cnty"])))
        else:
            rows.sort(key=lambda r: (str(r.get("event_date", "")), int(r.get("timestamp") or 0),
                                     str(r.get("event_id_cnty", ""))), reverse=True)
        limit = int(req.arg("limit") or 5000)
        page = int(req.arg("page") or 1)
        if ("acled_deleted" if deleted else "acled", page) in self.broken_pages:
            return 200, {"Content-Type": "text/html"}, BROKEN
        chunk = rows[(page - 1) * limit:page * limit] if limit > 0 else rows
        doc: dict[str, Any] = {"status": 200, "success": True, "last_update": 0, "count": len(chunk),
                               "messages": [], "data": chunk}
        if req.arg("with_total") == "true":
            doc["total_count"] = len(rows)
        return _json(200, doc)

    # -- ReliefWeb -------------------------------------------------------------------------------------

    def _reliefweb(self, req: RecordedRequest) -> Reply:
        appname = req.arg("appname")
        if not appname:
            return _json(400, {"status": 400, "error": {"type": "BadRequestHttpException",
                                                        "message": "Missing appname parameter"}})
        if self.reliefweb_appnames is not None and appname not in self.reliefweb_appnames:
            return _json(403, {"status": 403, "error": {"type": "AccessDeniedHttpException",
                                                        "message": "You are not authorized to access this API."}})
        limit = int(req.arg("limit") or 10)
        offset = int(req.arg("offset") or 0)
        if not 0 <= limit <= 1000:
            return _json(400, {"status": 400, "error": {"type": "BadRequestHttpException",
                                                        "message": 'Invalid "limit" specified. Valid values are '
                                                                   'between 0 and 1000'}})
        items = list(self.reliefweb_rows)
        cond = _nested(req.query, "filter")
        if cond:
            items = [it for it in items if _condition(it.get("fields", {}), cond)]
        for spec in reversed(_nested(req.query, "sort") or []):
            name, _, direction = spec.partition(":")

            def key(it: dict, name: str = name) -> Any:
                if name == "id":
                    return int(it["id"])
                leaves = _leaves(it.get("fields", {}), name.split("."))
                return str(leaves[0]) if leaves else ""

            items.sort(key=key, reverse=direction == "desc")
        if ("reliefweb", offset // max(limit, 1)) in self.broken_pages:
            return 200, {"Content-Type": "text/html"}, BROKEN
        include = ((_nested(req.query, "fields") or {}).get("include")) or ["title"]
        chunk = items[offset:offset + limit]
        query = {k: v for k, v in req.query.items()}
        href = f"{self.reliefweb_base}/reports?{urlencode(query, doseq=True)}"
        links: dict[str, Any] = {"self": {"href": href}}
        if offset + limit < len(items):
            links["next"] = {"href": f"{self.reliefweb_base}/reports?"
                                     f"{urlencode({**query, 'offset': [str(offset + limit)]}, doseq=True)}"}
        data = [{"id": str(it["id"]), "score": 1, "fields": _project(it.get("fields", {}), include),
                 "href": f"{self.reliefweb_base}/reports/{it['id']}"} for it in chunk]
        return _json(200, {"time": 1, "href": href, "links": links, "took": 1, "totalCount": len(items),
                           "count": len(data), "data": data})

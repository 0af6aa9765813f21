"""The one HTTP client setup: timeouts, User-Agent, retries, size cap, download deadline.

Every source goes through `fetch`, so politeness (backoff, Retry-After,
conditional GET) and safety (body cap) are decided in one place.
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from extractors.http_guard import Guard, GuardedAdapter, PeerRefused
from extractors.http_guard import current as current_guard
from tracktwo.core.config import HttpSettings


class FetchError(Exception):
    """A fetch failed for good (after retries): carries the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class _Retryable(Exception):
    def __init__(self, message: str, status: int | None = None, wait: float | None = None):
        super().__init__(message)
        self.status = status
        self.wait = wait


@dataclass
class HttpResult:
    url: str
    status: int
    body: bytes
    headers: CaseInsensitiveDict = field(default_factory=CaseInsensitiveDict)  # header names in any case
    attempts: int = 1
    redirects: list[str] = field(default_factory=list)  # the URLs redirected to, in order (the last one answered)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now_ts = now if now is not None else time.time()
    return max(0.0, when.timestamp() - now_ts)


def session(http: HttpSettings) -> requests.Session:
    """The one session setup: our User-Agent, gzip/deflate, and connections watched by the request's Guard
    (overall deadline, the connected address checked: extractors.http_guard)."""
    s = requests.Session()
    s.headers["User-Agent"] = http.user_agent
    s.headers["Accept-Encoding"] = "gzip, deflate"
    for prefix in ("http://", "https://"):
        s.mount(prefix, GuardedAdapter())
    return s


def _guard(http: HttpSettings, url: str) -> Guard:
    """A deadline of `http.max_seconds` for one request to `url` (connecting, headers and body together), and
    the peer rule: a non-public address only when `url` is non-public itself (`_open` adds the hops)."""
    return Guard(http.max_seconds, private_ok=lambda: _private_chain([url]))


def _too_slow(seconds: float, status: int | None = None, received: int | None = None) -> FetchError:
    got = f"{received} bytes of body received; " if received is not None else ""
    return FetchError(f"too slow: no complete response in {seconds:g}s ({got}connecting, headers and body count "
                      "together: http.max_seconds, or the source's max_seconds)", status)


class _Inflate:
    """Content-Encoding gzip or deflate, decoded here, with a bound on what one call may produce.

    Decoding is not left to urllib3: its read1 keeps reading inside itself while the input decodes to
    nothing (a gzip comment dripped byte by byte, a stream of empty deflate blocks), so no deadline or
    size check could run between arrivals."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.d = zlib.decompressobj(wbits=31 if encoding == "gzip" else 15)
        self.first = True

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self.d.decompress(data, limit)
        except zlib.error:
            if not (self.first and self.encoding == "deflate"):
                raise
            self.d = zlib.decompressobj(wbits=-15)  # "deflate" sent raw, without the zlib header, as some do
            out = self.d.decompress(data, limit)
        self.first = False
        if self.d.unconsumed_tail:  # more output than `limit`
            raise OverflowError
        return out

    def finish(self) -> bytes:
        out = self.d.flush()
        if not self.d.eof:
            raise zlib.error(f"{self.encoding} body ended before its end marker")
        return out


def _inflate_for(resp: requests.Response) -> _Inflate | None:
    enc = (resp.headers.get("Content-Encoding") or "").strip().lower()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip", "deflate"):
        return _Inflate("deflate" if enc == "deflate" else "gzip")
    raise FetchError(f"unsupported Content-Encoding {enc[:40]!r}", resp.status_code)


def _read_capped(resp: requests.Response, max_bytes: int, guard: Guard) -> bytes:
    """The body, decoded, refused past `max_bytes` (on the wire and decoded) or past the guard's deadline
    (checked after every arrival; a read still waiting then is ended by the guard).

    Read with read1 (whatever has arrived, up to a chunk) rather than iter_content, whose reads wait for a
    full chunk: a server dripping a byte at a time would otherwise hold a read for as long as it likes
    while never tripping the read timeout. The deadline bounds connecting, headers and body together.
    """
    max_seconds = guard.seconds
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"body too large: Content-Length {declared} > limit {max_bytes} bytes", resp.status_code)
    inflate = _inflate_for(resp)
    chunks: list[bytes] = []
    wire = total = 0
    too_large = FetchError(f"body too large: more than {max_bytes} bytes", resp.status_code)
    while True:
        too_slow = _too_slow(max_seconds, resp.status_code, total)
        try:
            raw = resp.raw.read1(64 * 1024, decode_content=False)
        except urllib3.exceptions.ReadTimeoutError as exc:  # the same errors iter_content would raise
            raise requests.exceptions.ReadTimeout(str(exc)) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:  # protocol, TLS, connection
            if guard.expired:  # the guard shut the socket at the deadline
                raise too_slow from None
            raise requests.exceptions.ConnectionError(str(exc)) from exc
        if not raw and guard.expired:
            raise too_slow
        try:
            if not raw:
                tail = inflate.finish() if inflate else b""
                if total + len(tail) > max_bytes:
                    raise too_large
                return b"".join(chunks) + tail
            wire += len(raw)
            if wire > max_bytes:
                raise too_large
            data = inflate.feed(raw, max_bytes - total + 1) if inflate else raw
        except OverflowError:
            raise too_large from None
        except zlib.error as exc:
            raise FetchError(f"body does not decode as {inflate.encoding if inflate else 'sent'}: {exc}",
                             resp.status_code) from None
        total += len(data)
        if total > max_bytes:
            raise too_large
        chunks.append(data)
        if time.monotonic() > guard.deadline:
            raise _too_slow(max_seconds, resp.status_code, total)


def connection_problem(exc: Exception) -> str:
    """The cause of a connection error in a few words (requests' own message repeats itself)."""
    text = str(exc)
    m = re.search(r"Failed to resolve '([^']+)'", text)
    if m:
        return f"cannot resolve host {m.group(1)}"
    m = re.search(r"host='([^']+)', port=(\d+)", text)
    where = f"{m.group(1)}:{m.group(2)}" if m else "the server"
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSLError" in text:
        return f"TLS error with {where}: certificate not trusted or handshake failed"
    for needle, what in (("Connection refused", "connection refused by"), ("timed out", "connection timed out to"),
                         ("Network is unreachable", "network unreachable to"),
                         ("RemoteDisconnected", "connection closed by"), ("Connection reset", "connection reset by")):
        if needle in text:
            return f"{what} {where}"
    return text[:300]


@contextmanager
def _network_errors(http: HttpSettings, guard: Guard | None = None) -> Iterator[None]:
    """Timeouts and broken connections, while connecting or reading the body, are worth a retry; a request
    its guard ended (deadline) or refused (a non-public peer) is not."""
    guard = guard or current_guard()
    try:
        yield
    except PeerRefused as exc:
        raise FetchError(str(exc)) from None
    except (requests.Timeout, requests.ConnectionError) as exc:
        if guard is not None and guard.expired:
            raise _too_slow(http.max_seconds) from None
        if isinstance(exc, requests.Timeout):
            raise _Retryable(f"timeout after {http.read_timeout:g}s: {exc.__class__.__name__}") from exc
        raise _Retryable(f"connection error: {connection_problem(exc)}") from exc


@contextmanager
def _session_for(http: HttpSettings, sess: requests.Session | None) -> Iterator[requests.Session]:
    """The caller's session, or one of our own for this call (closed after it)."""
    if sess is not None:
        yield sess
        return
    own = session(http)
    try:
        yield own
    finally:
        own.close()


def _addresses(host: str, resolve: Callable[..., list]) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = resolve(host, None)
    except (OSError, UnicodeError, ValueError):
        return []  # unresolvable: the request itself will fail and say so
    out = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address):  # IPv4 inside IPv6 forms (mapped, 6to4, NAT64, compatible)
            packed = ip.packed
            embedded = ip.ipv4_mapped or ip.sixtofour or (
                ipaddress.IPv4Address(packed[12:]) if packed[:12] in (bytes(12), bytes.fromhex("0064ff9b") + bytes(8))
                else None)
            if embedded is not None:
                out.append(embedded)
        out.append(ip)
    return out


def _private(host: str, resolve: Callable[..., list] = socket.getaddrinfo) -> str | None:
    """The first loopback, private, link-local or otherwise non-public address `host` resolves to, or None."""
    for ip in _addresses(host, resolve):
        if not ip.is_global:
            return str(ip)
    return None


def _all_private(host: str, resolve: Callable[..., list]) -> bool:
    """Every address of `host` is non-public (a local test server, an intranet mirror)."""
    ips = _addresses(host, resolve)
    return bool(ips) and all(not ip.is_global for ip in ips)


def _private_chain(urls: Sequence[str], resolve: Callable[..., list] | None = None) -> bool:
    """Every URL of a request's chain (the configured URL, then each hop) is on non-public addresses only: the
    one condition under which a redirect or a connection may reach loopback or a private network."""
    resolve = resolve or socket.getaddrinfo
    return all(_all_private(urlsplit(u).hostname or "", resolve) for u in urls)


def refused_redirect(origin: str, target: str, resolve: Callable[..., list] | None = None,
                     via: Sequence[str] = ()) -> str | None:
    """Why a redirect from the configured URL `origin` (through the URLs `via`) to `target` is not followed,
    or None to follow it.

    Only http(s); and never into loopback, private or link-local space (IPv4 inside IPv6 forms included)
    unless the configured URL and every hop so far are there themselves, all their addresses non-public (a
    local test server, an intranet mirror): a public feed must not be able to point tracktwo at the machine
    it runs on or at its network (the landed body would carry what it found there)."""
    resolve = resolve or socket.getaddrinfo
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"only http(s) URLs are followed, not {parts.scheme or 'a relative URL'}"
    if parts.username or parts.password:
        return "a URL with credentials"
    if _private_chain([origin, *via], resolve):
        return None
    where = _private(parts.hostname, resolve)
    return f"{parts.hostname} is a non-public address ({where})" if where else None


def _classify(resp: requests.Response, http: HttpSettings) -> None:
    """Raise for an error status as `_open` does: 429/5xx retryable (429 honouring Retry-After), other 4xx final."""
    status = resp.status_code
    if status == 429 or status >= 500:
        wait = parse_retry_after(resp.headers.get("Retry-After")) if status == 429 else None
        reason = resp.reason
        resp.close()
        if wait is not None and wait > http.max_retry_after:
            raise FetchError(f"HTTP 429 Too Many Requests; Retry-After {wait:.0f}s exceeds limit", status)
        raise _Retryable(f"HTTP {status} {reason}", status, wait)
    if status >= 400:
        reason = resp.reason
        resp.close()
        raise FetchError(f"HTTP {status} {reason}", status)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _open(sess: requests.Session, url: str, http: HttpSettings, headers: dict[str, str] | None = None,
          private: dict[str, str] | None = None) -> requests.Response:
    """One streamed GET, classified: 429/5xx/timeouts are retryable, other 4xx are final. Redirects are
    followed here, not by requests, so each hop is checked (refused_redirect) and counted (max_redirects);
    the URLs followed are on the response as `tracktwo_redirects`. The `private` headers (an API token, a
    bearer token) go to the URL's own origin only: a hop to another scheme, host or port does not get them,
    as requests itself does with Authorization when it follows redirects."""
    chain: list[str] = []
    current = url
    guard = current_guard()
    if guard is not None:  # a non-public peer only when the configured URL and every hop are non-public
        guard.private_ok = lambda: _private_chain([url, *chain])
    while True:
        sent = {**(headers or {}), **(private or {})} if _origin(current) == _origin(url) else dict(headers or {})
        with _network_errors(http):
            try:
                resp = sess.get(current, headers=sent, timeout=(http.connect_timeout, http.read_timeout),
                                stream=True, allow_redirects=False)
            except requests.exceptions.InvalidHeader:  # its message quotes the value: a token, perhaps
                raise FetchError("a request header has a value that cannot be sent (not shown)") from None
            except (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError, ValueError) as exc:
                raise FetchError(f"bad URL {current[:300]!r}: {exc}") from None
        if not (resp.is_redirect and resp.headers.get("Location")):
            break
        status = resp.status_code
        try:  # requests' own reading of Location (a raw UTF-8 header is re-decoded), resolved against this hop
            target = urljoin(current, sess.get_redirect_target(resp) or "")
            urlsplit(target).port  # raises on a port that is not a number in range
        except ValueError as exc:
            raise FetchError(f"bad redirect target {resp.headers.get('Location', '')[:200]!r}: {exc}", status) from None
        finally:
            resp.close()
        if len(chain) >= http.max_redirects:
            raise FetchError(f"too many redirects (more than {http.max_redirects}), last to {target[:300]}", status)
        why = refused_redirect(url, target, via=chain)
        if why:
            raise FetchError(f"redirect to {target[:300]} refused: {why}", status)
        chain.append(target)
        current = target
    resp.tracktwo_redirects = chain  # type: ignore[attr-defined]
    _classify(resp, http)
    return resp


def _with_retries(fn, http: HttpSettings, sleep) -> Any:
    """Call fn until it succeeds: exponential backoff, or the server's Retry-After when it gave one."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.wait is not None:
            return exc.wait
        return min(http.backoff_max, http.backoff_base * (2 ** (state.attempt_number - 1)))

    try:
        return Retrying(
            stop=stop_after_attempt(http.retries + 1),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            sleep=sleep,
            reraise=True,
        )(fn)
    except _Retryable as exc:
        n = http.retries + 1
        raise FetchError(f"{exc} (gave up after {n} attempt{'s' if n > 1 else ''})", exc.status) from None


def fetch(
    url: str,
    http: HttpSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str | None = None,
    headers: dict[str, str] | None = None,
    sess: requests.Session | None = None,
    sleep=time.sleep,
) -> HttpResult:
    """GET with conditional headers; retries timeouts, connection errors, 5xx and 429.

    `headers` are the caller's own (an API token, `Authorization`): sent with the conditional ones, to the
    URL's origin only (never to a redirect target elsewhere), and never put in an error message."""
    conditional: dict[str, str] = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    if accept:
        conditional["Accept"] = accept
    own = dict(headers or {})
    attempts = 0

    def once(sess: requests.Session) -> HttpResult:
        nonlocal attempts
        attempts += 1
        with _guard(http, url) as guard, guard.current():
            return _get(sess, guard)

    def _get(sess: requests.Session, guard: Guard) -> HttpResult:
        with _open(sess, url, http, conditional, own) as resp:
            if resp.status_code == 304:
                return HttpResult(url, 304, b"", CaseInsensitiveDict(resp.headers), attempts,
                                  list(resp.tracktwo_redirects))
            with _network_errors(http):
                body = _read_capped(resp, http.max_bytes, guard)
            return HttpResult(resp.url, resp.status_code, body, CaseInsensitiveDict(resp.headers), attempts,
                              list(resp.tracktwo_redirects))

    with _session_for(http, sess) as s:
        return _with_retries(lambda: once(s), http, sleep)


def post_form(
    url: str,
    http: HttpSettings,
    data: dict[str, str],
    *,
    sess: requests.Session | None = None,
    sleep=time.sleep,
) -> HttpResult:
    """POST an application/x-www-form-urlencoded body (an OAuth token request); the answer is read like a
    `fetch` (size cap, deadline, retries on timeouts, connection errors, 5xx and 429 with Retry-After).

    A redirect is refused, not followed: a POST is never re-sent to another URL (the form holds credentials).
    Error messages name the URL and the status, never a form value."""
    attempts = 0

    def once(sess: requests.Session) -> HttpResult:
        nonlocal attempts
        attempts += 1
        with _guard(http, url) as guard, guard.current():
            return _post(sess, guard)

    def _post(sess: requests.Session, guard: Guard) -> HttpResult:
        with _network_errors(http):
            try:
                resp = sess.post(url, data=data, timeout=(http.connect_timeout, http.read_timeout), stream=True,
                                 allow_redirects=False)
            except (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError, ValueError) as exc:
                raise FetchError(f"bad URL {url[:300]!r}: {exc.__class__.__name__}") from None
        if resp.is_redirect or 300 <= resp.status_code < 400:
            status = resp.status_code
            resp.close()
            raise FetchError(f"HTTP {status} redirect from {url[:300]} refused: a POST is not re-sent elsewhere",
                             status)
        _classify(resp, http)
        with resp, _network_errors(http):
            body = _read_capped(resp, http.max_bytes, guard)
        return HttpResult(url, resp.status_code, body, CaseInsensitiveDict(resp.headers), attempts)

    with _session_for(http, sess) as s:
        return _with_retries(lambda: once(s), http, sleep)


def fetch_tail(
    url: str,
    http: HttpSettings,
    nbytes: int,
    *,
    sess: requests.Session | None = None,
    sleep=time.sleep,
    redirects: list[str] | None = None,
) -> tuple[bytes, int | None] | None:
    """The last `nbytes` of a resource (a suffix Range request), with the resource's total size.

    None when the server ignores ranges (HTTP 200) or refuses this one (416, a file shorter
    than `nbytes`): the caller then reads the whole thing as a stream. Asks for the identity
    encoding, so byte offsets are those of the file itself. `redirects`, when given, receives the
    URLs redirected to (as `HttpResult.redirects`).
    """
    headers = {"Range": f"bytes=-{int(nbytes)}", "Accept-Encoding": "identity"}

    def once(sess: requests.Session) -> tuple[bytes, int | None] | None:
        with _guard(http, url) as guard, guard.current():
            return _tail(sess, guard)

    def _tail(sess: requests.Session, guard: Guard) -> tuple[bytes, int | None] | None:
        with _open(sess, url, http, headers) as resp:
            if redirects is not None:
                redirects[:] = resp.tracktwo_redirects
            if resp.status_code != 206:
                return None
            m = re.match(r"bytes\s+\d+-\d+/(\d+)", resp.headers.get("Content-Range", ""))
            with _network_errors(http):
                body = _read_capped(resp, min(http.max_bytes, int(nbytes) + 1024), guard)
            return body, int(m.group(1)) if m else None

    with _session_for(http, sess) as s:
        try:
            return _with_retries(lambda: once(s), http, sleep)
        except FetchError as exc:
            if exc.status == 416:  # some servers refuse a suffix longer than the file: read it whole
                return None
            raise


def stream_lines(
    url: str,
    http: HttpSettings,
    *,
    sess: requests.Session | None = None,
    sleep=time.sleep,
    redirects: list[str] | None = None,
):
    """GET a large text listing (GDELT's masterfilelist.txt) line by line, without the body cap.

    Opening the response is retried like `fetch` (timeouts, connection errors,
    5xx, 429); a failure mid-stream raises FetchError. Memory stays at one chunk. One deadline
    (`http.max_seconds`) covers the attempts and the whole stream. `redirects`, when given, receives
    the URLs redirected to once the response is open.
    """
    def opened(s: requests.Session, guard: Guard) -> requests.Response:
        with guard.current():
            return _open(s, url, http)

    with _session_for(http, sess) as s, _guard(http, url) as guard, \
            _with_retries(lambda: opened(s, guard), http, sleep) as resp:
        if redirects is not None:
            redirects[:] = resp.tracktwo_redirects
        try:
            for raw in resp.iter_lines(chunk_size=256 * 1024):
                yield raw.decode("utf-8", errors="replace")
        except (requests.RequestException, OSError, urllib3.exceptions.HTTPError) as exc:
            if guard.expired:
                raise _too_slow(http.max_seconds, resp.status_code) from None
            raise FetchError(f"listing download broke off: {exc}", resp.status_code) from exc
        if guard.expired:  # a body without a length ends at EOF: the guard's shutdown looks like the end
            raise _too_slow(http.max_seconds, resp.status_code)

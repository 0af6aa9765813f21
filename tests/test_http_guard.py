"""The request guard (extractors/http_guard.py) against local servers: one deadline over connecting, headers and
body (a server dripping its headers, a listing dripping its lines), and the connected address checked (DNS
rebinding: a name that resolves to a public address when checked and to 127.0.0.1 when connected)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from extractors.http import FetchError, fetch, post_form, stream_lines
from extractors.http_guard import is_public
from tracktwo.core.config import HttpSettings


def serve(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A raw TCP server on 127.0.0.1 that hands each connection to `handle` in its own thread."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def loop() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            threading.Thread(target=_run, args=(handle, conn), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        srv.close()


def _run(handle: Callable[[socket.socket], None], conn: socket.socket) -> None:
    try:
        conn.recv(65536)  # the request
        handle(conn)
    except OSError:
        pass  # the client hung up: what the guard is for
    finally:
        conn.close()


def drip_headers(conn: socket.socket) -> None:
    """A status line, then one header byte every 0.2 s, for a minute: never a read timeout, never done."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(300):
        conn.sendall(b"X")
        time.sleep(0.2)


def drip_lines(conn: socket.socket) -> None:
    """Headers at once, then a listing line every 0.2 s for a minute (chunked, as a live stream would be)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    for i in range(300):
        line = f"{i} 0123456789abcdef http://127.0.0.1/x/2026010100{i % 60:02d}00.export.CSV.zip\n".encode()
        conn.sendall(f"{len(line):x}\r\n".encode() + line + b"\r\n")
        time.sleep(0.2)


def drip_lines_until_close(conn: socket.socket) -> None:
    """Headers without a length (the body ends when the server closes), then a line every 0.2 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
    for i in range(300):
        conn.sendall(f"{i} 0123456789abcdef http://127.0.0.1/x/2026010100{i % 60:02d}00.export.CSV.zip\n".encode())
        time.sleep(0.2)


def ok_feed(conn: socket.socket) -> None:
    body = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


@pytest.fixture
def headers_dripper() -> Iterator[int]:
    yield from serve(drip_headers)


@pytest.fixture
def lines_dripper() -> Iterator[int]:
    yield from serve(drip_lines)


@pytest.fixture
def close_dripper() -> Iterator[int]:
    yield from serve(drip_lines_until_close)


@pytest.fixture
def feed_server() -> Iterator[int]:
    yield from serve(ok_feed)


HTTP = HttpSettings(retries=2, backoff_base=0, backoff_max=0, connect_timeout=2, read_timeout=2, max_seconds=1)


def test_headers_dripped_byte_by_byte_end_at_the_deadline(headers_dripper):
    """Each byte comes well within read_timeout (2 s), so only the overall deadline (1 s) ends it; the
    failure says why, and is not retried (a retry would wait as long again)."""
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"too slow: no complete response in 1s \((0 bytes of body received; )?connecting, headers and body"):
        fetch(f"http://127.0.0.1:{headers_dripper}/feed.xml", HTTP)
    assert time.monotonic() - t0 < 3
    with pytest.raises(FetchError, match="too slow"):
        post_form(f"http://127.0.0.1:{headers_dripper}/oauth/token", HTTP, {"username": "u", "password": "p"})


def test_a_listing_streamed_line_by_line_ends_at_the_deadline(lines_dripper):
    """GDELT's masterfilelist is streamed without the body cap; one deadline still bounds the whole stream."""
    got: list[str] = []
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="too slow"):
        for line in stream_lines(f"http://127.0.0.1:{lines_dripper}/masterfilelist.txt", HTTP):
            got.append(line)
    assert time.monotonic() - t0 < 3
    assert len(got) < 20  # cut off long before its 300 (how many came first depends on the machine's timing)


def test_a_listing_without_a_length_cut_at_the_deadline_is_not_taken_as_complete(close_dripper):
    """The body ends at the connection's end: the guard's shutdown looks like that end, and must still be a
    failure (a cut-off masterfilelist read as whole would skip the files it did not get to)."""
    got: list[str] = []
    with pytest.raises(FetchError, match="too slow"):
        for line in stream_lines(f"http://127.0.0.1:{close_dripper}/masterfilelist.txt", HTTP):
            got.append(line)
    # How many lines were handed over before the failure depends on the machine's timing (a CI run under load
    # handed over none); what matters is that the cut-off stream raised instead of ending as if complete.
    assert len(got) < 20


def test_a_name_that_rebinds_to_loopback_is_refused_at_connect(feed_server, monkeypatch):
    """DNS rebinding: `feeds.example.org` answers a public address to the checks (which resolve the name
    alone) and 127.0.0.1 to the connection (which resolves it with a port). The connected address is what
    counts: refused, final, nothing read. The same server by its own address (a local test server, an
    intranet mirror, configured as such) is fetched."""
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "feeds.example.org":
            return real("93.184.216.34" if port is None else "127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(FetchError, match="connected to the non-public address 127.0.0.1") as err:
        fetch(f"http://feeds.example.org:{feed_server}/rss.xml", HTTP)
    assert "gave up" not in str(err.value)  # not retried
    assert fetch(f"http://127.0.0.1:{feed_server}/rss.xml", HTTP).status == 200


def test_behind_a_proxy_the_peer_is_the_proxy_and_is_not_refused(feed_server, monkeypatch):
    """An HTTP proxy on a private address (a corporate proxy) resolves names itself: its own address is not
    a reason to refuse, and the deadline still applies."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{feed_server}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    res = fetch("http://feeds.example.org/rss.xml", HTTP)  # answered by the "proxy"
    assert res.status == 200 and b"<rss" in res.body


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("127.0.0.1", False), ("10.1.2.3", False), ("169.254.169.254", False),
    ("::1", False), ("::ffff:127.0.0.1", False), ("::ffff:93.184.216.34", True), ("64:ff9b::a00:5", False),
    ("2002:7f00:1::", False), ("2606:4700::1111", True), ("fe80::1%eth0", False)])
def test_is_public(address, public):
    assert is_public(address) is public

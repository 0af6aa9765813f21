"""Guards on the sockets of one request: an overall deadline, and the address actually connected to.

Two gaps that request-level checks cannot close:

- **Deadline.** A read timeout bounds each socket read, not the response: a server that sends its status line
  and headers a byte every few seconds never trips it. A `Guard` starts a timer with the request; when it
  fires, every socket the request opened (or reused) is shut down, so a blocked read returns at once and the
  fetch fails with a clear "deadline" error. Connecting, headers and body are all inside it.
- **DNS rebinding.** Redirect targets are checked by resolving their host name (`refused_redirect`), but the
  connection resolves the name again: a host that answers a public address to the check and 127.0.0.1 to the
  connection would reach the machine tracktwo runs on. The guard checks the address of the connected socket
  itself: a non-public peer is refused unless the configured URL and every hop are non-public themselves
  (a local test server, an intranet mirror), the same rule as for redirects. Behind an HTTP proxy the peer is
  the proxy, which resolves names itself, so the peer check is off (the deadline still holds; through a SOCKS
  proxy neither applies). The configured URL's own host name is trusted as configured: a name the operator
  configured that resolves to a private address (an intranet mirror) is fetched, so the check protects against
  redirects and hops that rebind, not against a configured host whose DNS turns hostile.
- **Not covered:** the TLS handshake detaches the socket the guard watches, so an HTTPS server that never
  completes its handshake is bounded by `connect_timeout`, not by the deadline; from then on (headers, body)
  the deadline holds.

The guard is found through a thread-local while the request is made (each ingest worker is a thread); the
connection classes below are mounted on every session by `extractors.http.session`.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager

_local = threading.local()


class PeerRefused(Exception):
    """The connection reached a non-public address the request may not reach (raised from inside urllib3,
    which lets an exception of its own kind through; `extractors.http` turns it into a FetchError)."""


class Guard:
    """One request's deadline and peer rule. Use as a context manager (starts and stops the timer) and
    `current()` around the code that opens connections."""

    def __init__(self, seconds: float, private_ok: Callable[[], bool]):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.private_ok = private_ok  # asked only when a peer is non-public: may resolve host names
        self.expired = False
        self._done = False  # the request is over: a timer firing now must not touch its (pooled) sockets
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> "Guard":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._sockets.clear()

    @contextmanager
    def current(self) -> Iterator["Guard"]:
        """Connections opened (or reused) inside this block are watched by this guard."""
        previous = getattr(_local, "guard", None)
        _local.guard = self
        try:
            yield self
        finally:
            _local.guard = previous

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sockets = list(self._sockets)
            for s in sockets:  # under the lock: __exit__ cannot hand a socket back to the pool meanwhile
                _shut(s)

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            if sock not in self._sockets:
                self._sockets.append(sock)
            late = self.expired or time.monotonic() > self.deadline
        if late:
            self.expired = True
            _shut(sock)

    def admit(self, sock: socket.socket, proxied: bool) -> None:
        """A new connection: refused (closed) when its peer is non-public and may not be, else watched."""
        if not proxied:
            try:
                peer = sock.getpeername()[0]
            except OSError:
                peer = None
            if peer is not None and not is_public(peer) and not self.private_ok():
                sock.close()
                raise PeerRefused(f"connected to the non-public address {peer}, which this URL may not reach "
                                  "(its name resolved to a public address before: DNS rebinding?)")
        self.watch(sock)


def is_public(address: str) -> bool:
    """A global address (IPv4 inside IPv6 forms judged by the IPv4 inside)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.packed[:12] in (bytes(12), bytes.fromhex("0064ff9b") + bytes(8)):
            embedded = ipaddress.IPv4Address(ip.packed[12:])  # IPv4-compatible and NAT64 forms
        if embedded is not None:
            return embedded.is_global
    return ip.is_global


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def current() -> Guard | None:
    return getattr(_local, "guard", None)


class _Guarded:
    """Mixed into urllib3's connections: new sockets are admitted by the current guard, reused ones watched."""

    _tracktwo_proxied = False

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        guard = current()
        if guard is not None:
            guard.admit(sock, proxied=self._tracktwo_proxied or getattr(self, "proxy", None) is not None)
        return sock

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        guard = current()
        if guard is not None:
            guard.watch(self.sock)  # type: ignore[attr-defined]  # a kept-alive connection: watched again
        return super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter with the guarded connection classes, direct and through a proxy."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):  # type: ignore[no-untyped-def]
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):  # an HTTP(S) proxy; a SOCKS manager keeps its own pools (and has
            manager.pool_classes_by_scheme = {"http": _ProxiedHTTPPool, "https": _ProxiedHTTPSPool}  # no guard)
        return manager


class _ProxiedHTTPConnection(GuardedHTTPConnection):
    _tracktwo_proxied = True


class _ProxiedHTTPSConnection(GuardedHTTPSConnection):
    _tracktwo_proxied = True


class _ProxiedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _ProxiedHTTPConnection


class _ProxiedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _ProxiedHTTPSConnection

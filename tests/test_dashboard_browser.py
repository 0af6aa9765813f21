"""The dashboard in a real browser: headless Chromium opens the pages from file:// with no network.

Talks the DevTools protocol over --remote-debugging-pipe (fds 3/4, NUL-separated
JSON), so no port is opened. Checks: no console error or exception, no request
outside file://, the injected feed title stays text (no <img> in the DOM), the
print layout (A4 width) does not overflow, printing gives A4 pages. Screenshots
land in the pytest tmp dir. Skips when chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from dashboard_fixture import EVIL_TITLE, make_site

# TRACKTWO_CHROMIUM names another binary (an empty or missing one skips the test).
_CANDIDATES = ([os.environ["TRACKTWO_CHROMIUM"]] if "TRACKTWO_CHROMIUM" in os.environ
               else [shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"])
CHROMIUM = next((p for p in _CANDIDATES if p and os.path.isfile(p) and os.access(p, os.X_OK)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe"]
TIMEOUT = 15.0
A4_PRINT_WIDTH_PX = 700  # 210 mm - 2 x 12 mm margins = 186 mm = 703 CSS px

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


class Browser:
    """A minimal CDP client over the pipe: send commands, collect events per session."""

    def __init__(self, profile: Path):
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # Move the child's ends above 4 so that dup2 onto 3 and 4 cannot clobber one another.
        child_r, child_w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def fds() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4 (dup2 makes them inheritable)
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=fds, close_fds=False)
        os.close(child_r)
        os.close(child_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self._read(deadline)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("dashboard-browser"))[1]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def _open(browser: Browser, url: str, width: int = 1200, height: int = 900, media: str = "screen") -> tuple[str, list[dict]]:
    """Open url in a fresh tab with Network/Runtime/Log enabled; return (session, events seen until load)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
    browser.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
    browser.events.clear()
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    browser.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush pending events
    events = [e for e in browser.events if e.get("sessionId") == session]
    browser.events.clear()
    return session, events


def _problems(events: list[dict]) -> tuple[list[str], list[str]]:
    errors, requests = [], []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith("file://"):
                requests.append(url)
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append(f"console.{p['type']}: {p.get('args')}")
        elif m == "Runtime.exceptionThrown":
            errors.append(f"exception: {p.get('exceptionDetails')}")
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            errors.append(f"log {p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return errors, requests


def _eval(browser: Browser, session: str, expr: str):
    return browser.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session)["result"]["value"]


def _screenshot(browser: Browser, session: str, path: Path) -> Path:
    data = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
    path.write_bytes(base64.b64decode(data["data"]))
    return path


@pytest.mark.parametrize("page", ["index.html", "region-russia-ukraine.html", "methodology.html"])
def test_page_offline_clean(site, browser, page, tmp_path_factory):
    session, events = _open(browser, (site / page).as_uri())
    errors, requests = _problems(events)
    assert errors == []
    assert requests == [], f"requests outside file://: {requests}"
    assert _eval(browser, session, "document.images.length") == 0  # feed HTML never becomes an element
    assert _eval(browser, session, "document.scripts.length") == 0
    assert _eval(browser, session, "document.querySelectorAll('svg[role=img] > title').length") >= (
        0 if page == "methodology.html" else 1)
    shot = _screenshot(browser, session, tmp_path_factory.mktemp("screens") / page.replace(".html", ".png"))
    assert shot.stat().st_size > 10_000


def test_region_page_shows_injected_title_as_text(site, browser):
    session, _ = _open(browser, (site / "region-russia-ukraine.html").as_uri())
    text = _eval(browser, session, "document.body.innerText")
    assert EVIL_TITLE in text
    hrefs = _eval(browser, session, "Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))")
    external = [h for h in hrefs if re.match(r"^[a-z][a-z0-9+.-]*:", h, re.I)]
    assert external and all(h.startswith(("http://", "https://")) for h in external)


@pytest.mark.parametrize("page", ["index.html", "region-russia-ukraine.html"])
def test_print_layout_fits_a4(site, browser, page):
    session, _ = _open(browser, (site / page).as_uri(), width=A4_PRINT_WIDTH_PX, height=1000, media="print")
    overflow = _eval(browser, session, "document.documentElement.scrollWidth")
    assert overflow <= A4_PRINT_WIDTH_PX + 1, f"print layout is {overflow}px wide, A4 allows {A4_PRINT_WIDTH_PX}"
    pdf = base64.b64decode(browser.send("Page.printToPDF", {"preferCSSPageSize": True}, session=session)["data"])
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for w, h in boxes:  # A4 is 595.3 x 841.9 pt
        assert abs(float(w) - 595.3) < 3 and abs(float(h) - 841.9) < 3


@pytest.mark.parametrize("page", ["index.html", "region-russia-ukraine.html"])
def test_map_is_drawn_offline_with_event_places(site, browser, page, tmp_path_factory):
    """The static SVG map (Natural Earth outlines shipped with the project): drawn, with the week's event
    places as dots with text alternatives, inside the page's width; a screenshot of it is kept."""
    session, events = _open(browser, (site / page).as_uri())
    assert _problems(events) == ([], [])
    width = _eval(browser, session, "document.querySelector('svg.map').getBoundingClientRect().width")
    dots = _eval(browser, session, "document.querySelectorAll('svg.map circle').length")
    titled = _eval(browser, session, "Array.from(document.querySelectorAll('svg.map circle > title'), t => t.textContent)")
    assert width > 300 and dots >= 1 and len(titled) == dots
    assert all("event" in t or "alert" in t for t in titled)
    shot = _screenshot(browser, session, tmp_path_factory.mktemp("map") / f"map-{page}.png")
    assert shot.stat().st_size > 10_000

"""`real-browser`: load the URL in Chromium (DevTools protocol), wait for network idle, keep a screenshot.

As Uptime Kuma 2.5.3 (Playwright's `page.goto(url, {waitUntil: "networkidle", timeout: interval × 0.8})`):
only http(s) URLs; a fresh browser context per check (1280×720); after the optional `screenshot_delay` ms
a PNG goes to `<data>/screenshots/<JWT of the monitor id>.png` (the monitor JSON's `screenshot` path, served
at `/screenshots/…`); the main document's final status 200–399 → UP with the status as msg and the ping =
request start to response end (ms), else DOWN with the status (`500`). Navigation errors read like Playwright's
(`page.goto: net::ERR_CONNECTION_REFUSED at <url>`, `page.goto: Timeout 16000ms exceeded.`). With
`remote_browser` the check connects to that DevTools websocket instead of the shared local Chromium.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trio

from kuma.monitors._cdp import CdpClosed, CdpConnection, CdpError, open_cdp
from kuma.monitors._chromium import find_executable, shared_browser
from kuma.monitors._common import interval_seconds
from kuma.monitors._process import child_env
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

VIEWPORT = {"width": 1280, "height": 720}


@dataclass
class PageOutcome:
    status: int
    ping: float | None
    screenshot: bytes


class _Document:
    """What the events say about the main document of one navigation."""

    def __init__(self, loader: str) -> None:
        self.loader = loader
        self.status: int | None = None
        self.sent_at: float | None = None
        self.finished_at: float | None = None
        self.failed: str | None = None

    def see(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params") or {}
        if params.get("requestId") != self.loader:
            return
        if method == "Network.requestWillBeSent":
            self.sent_at = params.get("timestamp")  # again after each redirect: the final request's start
        elif method == "Network.responseReceived":
            self.status = (params.get("response") or {}).get("status")
        elif method == "Network.loadingFinished":
            self.finished_at = params.get("timestamp")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            self.failed = params.get("errorText") or "net::ERR_FAILED"

    def ping(self) -> float | None:
        if self.sent_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.sent_at) * 1000, 3)


async def _wait_idle(events: trio.MemoryReceiveChannel[dict[str, Any]], frame: str, doc: _Document, url: str) -> None:
    async for event in events:
        doc.see(event)
        params = event.get("params") or {}
        if event.get("method") == "Inspector.targetCrashed":
            raise CheckFailed("page.goto: Page crashed")
        if doc.failed:
            raise CheckFailed(f"page.goto: {doc.failed} at {url}")
        if (
            event.get("method") == "Page.lifecycleEvent"
            and params.get("name") == "networkIdle"
            and params.get("frameId") == frame
            and params.get("loaderId") == doc.loader
        ):
            return
    raise CdpClosed("Target closed")


async def _open_page(conn: CdpConnection, context_id: str) -> str:
    target = await conn.call("Target.createTarget", {"url": "about:blank", "browserContextId": context_id, **VIEWPORT})
    attached = await conn.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
    return str(attached["sessionId"])


async def load(conn: CdpConnection, url: str, timeout: float, delay_ms: float) -> PageOutcome:
    """One page in its own browser context: navigate, wait for network idle, delay, screenshot, close."""
    context_id = (await conn.call("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
    session = ""
    try:
        session = await _open_page(conn, context_id)
        events = conn.events(session)
        for method, params in (
            ("Page.enable", {}),
            ("Network.enable", {}),
            ("Page.setLifecycleEventsEnabled", {"enabled": True}),
            ("Emulation.setDeviceMetricsOverride", {**VIEWPORT, "deviceScaleFactor": 1, "mobile": False}),
        ):
            await conn.call(method, params, session)
        with trio.move_on_after(timeout) as scope:
            navigated = await conn.call("Page.navigate", {"url": url}, session)
            if navigated.get("errorText"):
                raise CheckFailed(f"page.goto: {navigated['errorText']} at {url}")
            doc = _Document(str(navigated.get("loaderId") or ""))
            await _wait_idle(events, str(navigated["frameId"]), doc, url)
        if scope.cancelled_caught:
            raise CheckFailed(f"page.goto: Timeout {round(timeout * 1000)}ms exceeded.")
        if delay_ms > 0:
            await trio.sleep(delay_ms / 1000)
        shot = await conn.call("Page.captureScreenshot", {"format": "png"}, session)
        if doc.status is None:
            raise CheckFailed("page.goto: no response for the main document")
        return PageOutcome(doc.status, doc.ping(), base64.b64decode(shot.get("data") or ""))
    finally:
        if session:
            conn.forget(session)
        with trio.move_on_after(5) as cleanup:
            cleanup.shield = True
            try:
                await conn.call("Target.disposeBrowserContext", {"browserContextId": context_id})
            except (CdpClosed, CdpError):
                pass


def screenshot_file(data_dir: Path | None, monitor_id: Any, jwt_secret: str) -> Path | None:
    """`<data>/screenshots/<jwt>.png`, the file the monitor JSON's `screenshot` path names."""
    from kuma.shapes.monitor import screenshot_path

    if data_dir is None or monitor_id is None:
        return None
    public = screenshot_path(int(monitor_id), jwt_secret)
    return data_dir / "screenshots" / public.rsplit("/", 1)[1] if public else None


async def _run(monitor: Mapping[str, Any], ctx: CheckContext, url: str, timeout: float, delay: float) -> PageOutcome:
    browser_id = monitor.get("remote_browser")
    if browser_id:
        row = await ctx.remote_browser(int(browser_id)) if ctx.remote_browser is not None else None
        if not row or not row.get("url"):
            raise CheckFailed("Remote browser not found")
        async with open_cdp(str(row["url"])) as conn:
            return await load(conn, url, timeout, delay)
    env = child_env(ctx)
    executable = find_executable(ctx.settings("chromeExecutable"), env)
    async with shared_browser().page_slot(executable, env) as conn:
        return await load(conn, url, timeout, delay)


@register("real-browser")
class RealBrowser(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        url = str(monitor.get("url") or "")
        if urlsplit(url).scheme not in ("http", "https"):
            raise CheckFailed("Invalid url protocol, only http and https are allowed.")
        timeout = interval_seconds(monitor) * 0.8
        delay = float(monitor.get("screenshot_delay") or 0)
        try:
            outcome = await _run(monitor, ctx, url, timeout, delay)
        except (CdpClosed, CdpError, OSError) as exc:
            raise CheckFailed(f"page.goto: {exc}") from None
        target = screenshot_file(ctx.data_dir, monitor.get("id"), ctx.jwt_secret())
        if target is not None:
            await trio.to_thread.run_sync(_write, target, outcome.screenshot)
        if not 200 <= outcome.status < 400:
            raise CheckFailed(str(outcome.status))
        return CheckResult(msg=str(outcome.status), ping=outcome.ping)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)

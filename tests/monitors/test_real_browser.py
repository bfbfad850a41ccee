"""real-browser checks with Debian's Chromium over the DevTools protocol, against local HTTP targets."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import trio

from kuma.monitors import _chromium
from kuma.monitors._chromium import NOT_ALLOWED, chromium_args, devtools_url, find_executable, shared_browser
from kuma.monitors.base import UP, CheckContext, CheckFailed, get_monitor_type
from kuma.shapes.monitor import screenshot_path
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import Reply, closed_port, default_routes, http_target
from tests.helpers.waiting import trio_wait_until

SECRET = "jwt-secret-for-tests"
PAGE = ("<!DOCTYPE html><html><head><title>App</title><link rel='stylesheet' href='/style.css'></head>"
        "<body><h1>Dashboard</h1><img src='/pixel.gif'></body></html>")


@pytest.fixture
def target():
    routes = default_routes()
    routes["/app"] = Reply(200, PAGE, {"Content-Type": "text/html"})
    routes["/style.css"] = Reply(200, "h1 { color: green }", {"Content-Type": "text/css"})
    routes["/pixel.gif"] = Reply(200, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", {"Content-Type": "image/gif"})
    routes["/broken"] = Reply(500, "<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})
    with http_target(routes) as web:
        yield web


def ctx_for(tmp_path: Path, settings=None, remote=None) -> CheckContext:
    async def remote_browser(browser_id):
        return {"id": browser_id, "name": "remote", "url": remote} if remote and browser_id == 5 else None

    return CheckContext(settings=lambda key: (settings or {}).get(key), data_dir=tmp_path,
                        jwt_secret=lambda: SECRET, remote_browser=remote_browser)


async def check(url, ctx, **row):
    row.setdefault("interval", 20)
    return await get_monitor_type("real-browser").check(monitor_row(type="real-browser", id=42, url=url, **row), ctx)


def shot_of(tmp_path: Path) -> Path:
    return tmp_path / "screenshots" / screenshot_path(42, SECRET).rsplit("/", 1)[1]


async def test_page_loads_up_with_status_ping_and_screenshot(target, tmp_path):
    result = await check(target.url + "/app", ctx_for(tmp_path))
    assert (result.status, result.msg) == (UP, "200")
    assert isinstance(result.ping, float) and result.ping >= 0
    assert shot_of(tmp_path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {r.path for r in target.requests} >= {"/app", "/style.css", "/pixel.gif"}  # subresources loaded
    assert (await check(target.url + "/redirect/2", ctx_for(tmp_path))).msg == "200"  # final status after 302s


async def test_page_returning_500_is_down_and_still_screenshotted(target, tmp_path):
    with pytest.raises(CheckFailed, match="^500$"):
        await check(target.url + "/broken", ctx_for(tmp_path))
    assert shot_of(tmp_path).stat().st_size > 0
    with pytest.raises(CheckFailed, match="^503$"):
        await check(target.url + "/down", ctx_for(tmp_path))


async def test_navigation_errors_and_timeout_read_like_playwright(target, tmp_path):
    port = closed_port()
    with pytest.raises(CheckFailed, match=f"^page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:{port}/$"):
        await check(f"http://127.0.0.1:{port}/", ctx_for(tmp_path))
    with pytest.raises(CheckFailed, match="^page.goto: Timeout 1600ms exceeded.$"):
        await check(target.url + "/slow", ctx_for(tmp_path), interval=2)
    with pytest.raises(CheckFailed, match="^Invalid url protocol, only http and https are allowed.$"):
        await check("file:///etc/passwd", ctx_for(tmp_path))


async def test_one_shared_browser_for_concurrent_checks_and_a_fresh_one_after_a_crash(target, tmp_path):
    ctx = ctx_for(tmp_path)
    results = []

    async def one():
        results.append(await check(target.url + "/", ctx))

    async with trio.open_nursery() as nursery:
        for _ in range(6):  # more than MAX_PAGES: the rest wait for a slot
            nursery.start_soon(one)
    assert [r.msg for r in results] == ["200"] * 6
    first = shared_browser().pid
    assert first is not None
    os.kill(first, signal.SIGKILL)  # Chromium crashes between two checks
    await trio.sleep(0.5)
    assert (await check(target.url + "/", ctx)).msg == "200"
    assert shared_browser().pid not in (None, first)


async def test_idle_browser_is_closed(target, tmp_path, monkeypatch):
    monkeypatch.setattr(_chromium, "IDLE_SECONDS", 0.5)
    await check(target.url + "/", ctx_for(tmp_path))
    pid = shared_browser().pid
    assert pid is not None
    await trio_wait_until(lambda: shared_browser().pid is None, what="the idle browser closed", interval=0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_remote_browser_endpoint(target, tmp_path):
    """A Chromium of its own stands in for the remote browser: the check talks DevTools to its websocket."""
    profile = tmp_path / "remote-profile"
    profile.mkdir()
    executable = find_executable(None, dict(os.environ))
    process = await trio.lowlevel.open_process(chromium_args(executable, profile))
    try:
        url = await devtools_url(profile, process)
        result = await check(target.url + "/", ctx_for(tmp_path, remote=url), remote_browser=5)
        assert result.msg == "200"
        assert shared_browser().pid is None  # the local browser was never started
        with pytest.raises(CheckFailed, match="^Remote browser not found$"):
            await check(target.url + "/", ctx_for(tmp_path, remote=url), remote_browser=6)
    finally:
        process.kill()
        await process.wait()


async def test_executable_setting_rules(tmp_path, monkeypatch):
    with pytest.raises(CheckFailed, match=f"^{NOT_ALLOWED}$"):
        await check("http://127.0.0.1:1/", ctx_for(tmp_path, {"chromeExecutable": "/tmp/evil"}))
    with pytest.raises(CheckFailed, match=f"^Chromium executable not found: {tmp_path}/evil$"):
        find_executable(f"{tmp_path}/evil", {"PATH": "", "UPTIME_KUMA_ALLOW_ALL_CHROME_EXEC": "1"})
    monkeypatch.setattr(_chromium, "ALLOWED", ("chromium-not-here", "/nonexistent/chromium"))
    with pytest.raises(CheckFailed, match="^Chromium not found, please specify Chromium executable path"):
        await check("http://127.0.0.1:1/", ctx_for(tmp_path))

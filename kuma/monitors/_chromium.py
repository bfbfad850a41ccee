"""The one local Chromium the real-browser checks share: found as Uptime Kuma finds it, started on first use,
at most `MAX_PAGES` pages at once, killed after `IDLE_SECONDS` without a check.

The browser runs headless with its own temporary profile and `--remote-debugging-port=0`; its DevTools
address is read from the `DevToolsActivePort` file it writes (no pipes to drain). A system task owns the
process and the DevTools connection, so a check that is cancelled never takes the browser down, and a browser
that crashes only fails the pages open in it: the next check starts a fresh one. State is per Trio run.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import trio

from kuma.monitors._cdp import CdpConnection, open_cdp
from kuma.monitors.base import CheckFailed

log = logging.getLogger(__name__)

MAX_PAGES = 4
IDLE_SECONDS = 120.0
START_TIMEOUT = 30.0

#: Where Uptime Kuma looks on Linux, in order; a configured path must be one of these unless allowed.
ALLOWED = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/snap/bin/chromium",
)
NOT_ALLOWED = (
    "This Chromium executable path is not allowed by default. If you are sure this is safe, please add an "
    "environment variable UPTIME_KUMA_ALLOW_ALL_CHROME_EXEC=1 to allow it."
)
NOT_FOUND = "Chromium not found, please specify Chromium executable path in the settings page."


def find_executable(configured: str | None, env: dict[str, str]) -> str:
    """The program to start, from the `chromeExecutable` setting (empty: search the usual names)."""
    path = env.get("PATH", os.defpath)
    wanted = (configured or "").strip()
    if wanted and wanted.lower() != "#playwright_chromium":  # no bundled Playwright browser: search instead
        if wanted not in ALLOWED and env.get("UPTIME_KUMA_ALLOW_ALL_CHROME_EXEC") != "1":
            raise CheckFailed(NOT_ALLOWED)
        found = shutil.which(wanted, path=path)
        if found is None:
            raise CheckFailed(f"Chromium executable not found: {wanted}")
        return found
    for candidate in ALLOWED:
        found = shutil.which(candidate, path=path)
        if found is not None:
            return found
    raise CheckFailed(NOT_FOUND)


def chromium_args(executable: str, profile: Path) -> list[str]:
    """The command line of a headless Chromium that talks DevTools on loopback only, on a profile of its own."""
    args = [
        executable,
        "--headless=new",
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--disable-sync",
        "--mute-audio",
        "--hide-scrollbars",
        "--password-store=basic",
        "--disable-breakpad",
        "--disable-crash-reporter",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return args + ["about:blank"]


async def devtools_url(profile: Path, process: trio.Process) -> str:
    """The browser's websocket address, once it has written `DevToolsActivePort` (or CheckFailed)."""
    marker = profile / "DevToolsActivePort"
    with trio.move_on_after(START_TIMEOUT):
        while True:
            if process.poll() is not None:
                raise CheckFailed(f"Chromium exited at start (exit code {process.returncode})")
            try:
                port, path = marker.read_text().split("\n")[:2]
                return f"ws://127.0.0.1:{port.strip()}{path.strip()}"
            except (OSError, ValueError):
                await trio.sleep(0.05)
    raise CheckFailed(f"Chromium did not start within {START_TIMEOUT:g} s")


class SharedBrowser:
    """The run's browser: `async with shared.page_slot(executable, env) as conn` for one check."""

    def __init__(self) -> None:
        self.conn: CdpConnection | None = None
        self.pid: int | None = None
        self.users = 0
        self.last_used = 0.0
        self.lock = trio.Lock()
        self.slots = trio.Semaphore(MAX_PAGES)
        self.stop = trio.Event()

    @asynccontextmanager
    async def page_slot(self, executable: str, env: dict[str, str]) -> AsyncIterator[CdpConnection]:
        async with self.slots:
            conn = await self._ensure(executable, env)
            self.users += 1
            try:
                yield conn
            finally:
                self.users -= 1
                self.last_used = trio.current_time()

    async def _ensure(self, executable: str, env: dict[str, str]) -> CdpConnection:
        async with self.lock:
            if self.conn is None or self.conn.closed:
                started: list[CdpConnection | BaseException] = []
                ready = trio.Event()
                trio.lowlevel.spawn_system_task(self._own, executable, env, started, ready)
                await ready.wait()
                if isinstance(started[0], BaseException):
                    raise started[0]
                self.conn = started[0]
            return self.conn

    async def _own(
        self, executable: str, env: dict[str, str], started: list[CdpConnection | BaseException], ready: trio.Event
    ) -> None:
        """Start the browser, serve checks until idle (or it dies), then kill it and remove its profile."""
        profile = Path(tempfile.mkdtemp(prefix="kuma-chromium-"))
        process: trio.Process | None = None
        try:
            process = await trio.lowlevel.open_process(
                chromium_args(executable, profile),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # its own process group: killed as a whole, helpers included
            )
            self.pid = process.pid
            url = await devtools_url(profile, process)
            async with open_cdp(url) as conn:
                started.append(conn)
                ready.set()
                await self._serve_until_idle(conn, process)
        except BaseException as exc:  # a system task must never raise: it would end the whole run
            if not ready.is_set():
                started.append(exc if isinstance(exc, CheckFailed) else CheckFailed(f"Chromium failed to start: {exc}"))
                ready.set()
            if not isinstance(exc, trio.Cancelled | Exception):
                raise
        finally:
            if started and self.conn is started[0]:  # a successor may already be running: leave its state
                self.conn = None
            if process is not None:
                _kill_group(process)
                with trio.move_on_after(5) as scope:
                    scope.shield = True
                    await process.wait()
            if process is not None and self.pid == process.pid:  # only once it is gone
                self.pid = None
            shutil.rmtree(profile, ignore_errors=True)

    async def _serve_until_idle(self, conn: CdpConnection, process: trio.Process) -> None:
        self.last_used = trio.current_time()
        while not conn.closed and process.poll() is None:
            await trio.sleep(1)
            if self.users == 0 and trio.current_time() - self.last_used > IDLE_SECONDS:
                log.info("real-browser: Chromium idle for %g s, closing it", IDLE_SECONDS)
                return


def _kill_group(process: trio.Process) -> None:
    """SIGKILL the browser's whole process group (renderers, GPU and network helpers, crash handler)."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        if process.poll() is None:
            process.kill()


_SHARED: trio.lowlevel.RunVar[SharedBrowser] = trio.lowlevel.RunVar("kuma_shared_browser")


def shared_browser() -> SharedBrowser:
    """This Trio run's shared browser (created on first use)."""
    try:
        return _SHARED.get()
    except LookupError:
        made = SharedBrowser()
        _SHARED.set(made)
        return made

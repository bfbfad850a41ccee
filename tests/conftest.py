from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.chromium import ARGS, CHROMIUM, checked_page
from tests.helpers.paths import CAPTURE_CLOCK
from tests.helpers.server import copy_fixture_db, start_kuma


def _module_env(request) -> dict[str, str] | None:
    """A test module's `KUMA_ENV` (e.g. `REPLAY_ENV` from tests/helpers/server.py), else None."""
    return getattr(request.module, "KUMA_ENV", None)


@pytest.fixture
def kuma_server(tmp_path, request):
    """A running kuma on a fresh data folder (with the module's `KUMA_ENV`, if it has one)."""
    server = start_kuma(tmp_path / "data", env=_module_env(request))
    yield server
    server.stop()


@pytest.fixture
def fixture_kuma_server(tmp_path, request):
    """A running kuma on a copy of the real Uptime Kuma 2.5.3 database, its clock at the capture."""
    copy_fixture_db(tmp_path / "data")
    server = start_kuma(tmp_path / "data", clock_start=CAPTURE_CLOCK, env=_module_env(request))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: scripts/lib/system-deps.sh installs Debian's "
                    "chromium package (it needs apt-get and root); the browser tests cannot run without it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    with checked_page(browser) as page:
        yield page

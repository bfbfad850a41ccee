"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a running kuma."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

CHROMIUM = os.environ.get("KUMA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "screenshots"


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
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def screenshot(page, name: str, *, dark: bool = False) -> None:
    """Save under screenshots/ (git-ignored) in the light or dark scheme."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.emulate_media(color_scheme="dark" if dark else "light")
    page.wait_for_timeout(150)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{'dark' if dark else 'light'}.png"), full_page=True)
    page.emulate_media(color_scheme="light")

"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against a running kuma.

The `browser` and `page` fixtures live in tests/conftest.py: Playwright's sync API allows one instance per
process, so every module that drives Chromium (these and the binary flows) shares that one session fixture."""
from __future__ import annotations

from tests.browser.chromium import ARGS, CHROMIUM  # noqa: F401  (the browser tests import them from here)
from tests.helpers.paths import REPO

SCREENSHOTS = REPO / "screenshots"


def screenshot(page, name: str, *, dark: bool = False) -> None:
    """Save under screenshots/ (git-ignored) in the light or dark scheme."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.emulate_media(color_scheme="dark" if dark else "light")
    page.wait_for_timeout(150)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{'dark' if dark else 'light'}.png"), full_page=True)
    page.emulate_media(color_scheme="light")

"""Debian's Chromium as every browser test starts it (never a browser downloaded by Playwright)."""
from __future__ import annotations

import os

CHROMIUM = os.environ.get("KUMA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

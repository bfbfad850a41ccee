"""Where things are: the repository, and the read-only shared/ folder beside it."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("KUMA_SHARED", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures" / "uptime-kuma-2.5.3"
FIXTURE_DB = FIXTURES / "kuma.db"
TRANSCRIPTS = FIXTURES / "transcripts"
REST_FIXTURES = FIXTURES / "rest"

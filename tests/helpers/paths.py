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

#: When the fixture was captured, for servers that are compared with it (their clock starts here, see
#: kuma/clock.py): 6 s after the fixture database's last beat (10:12:14.462), in the same minute as the
#: REST captures (Date 10:12:00; `rewind_to_capture` drops the later beats), so every window — minute
#: bucket, 24 h, 30 d, 1 y — holds what it held at capture time, whatever today's date is.
CAPTURE_CLOCK = "2026-11-26T10:12:20Z"

"""Opening a STOPPED server's database directly (the `kuma reset-password` / `kuma remove-2fa` commands).

No Database object (no writer task, no readers): one autocommit connection, so each statement the
command runs is on disk when it returns.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from kuma.store import users


def open_existing(path: Path) -> sqlite_utils.Database:
    """An autocommit handle on an existing file (never creates one: callers check that it exists)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")
    return sqlite_utils.Database(conn)


def first_user_or_none(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The first user, or None when there is none or the file holds no `user` table (not kuma's)."""
    try:
        return users.first_user(db)
    except sqlite3.Error:
        return None


def open_read_only(path: Path) -> sqlite_utils.Database:
    """A read-only handle (`mode=ro`): safe beside a running server, which keeps writing in WAL mode."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")
    return sqlite_utils.Database(conn)

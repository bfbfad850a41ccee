"""Reads `kuma export` needs that no other part does."""

from __future__ import annotations

import sqlite_utils


def monitor_active_flags(db: sqlite_utils.Database, user_id: int) -> dict[int, bool]:
    """Each of the user's monitors' own `active` column (the Monitor JSON's `active` also folds in the
    ancestors' flags, which is not what a config file declares)."""
    rows = db.conn.execute("SELECT id, active FROM monitor WHERE user_id = ?", (user_id,)).fetchall()
    return {row[0]: bool(row[1]) for row in rows}

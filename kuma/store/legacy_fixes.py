"""The data changes Uptime Kuma's 2.x knex migrations make besides the schema, each run only when its
migration was missing (so a half-migrated 2.x database is not fixed twice).

Left out, on purpose (see docs/migration.md): `2026-01-02-0713-gamedig-v4-to-v5` (renames GameDig game
ids) and the RDAP-based part of `2026-02-07-0000-disable-domain-expiry-unsupported-tlds` — kuma leaves
`domain_expiry_notification` at the column's default 0 for every migrated monitor.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

log = logging.getLogger(__name__)


def _json_path_operator(conn: sqlite3.Connection) -> None:
    """2024-10-31: every monitor without an operator gets "=="."""
    conn.execute("UPDATE monitor SET json_path_operator = '==' WHERE json_path_operator IS NULL")


def _recurring_interval_cron(conn: sqlite3.Connection) -> None:
    """2025-06-13: recurring-interval maintenances stored with the every-minute cron run daily at their
    start time instead (`<minute> <hour> * * *`)."""
    rows = conn.execute(
        "SELECT id, start_time FROM maintenance WHERE strategy = 'recurring-interval' AND cron = '* * * * *'"
    ).fetchall()
    for row_id, start_time in rows:
        hour, minute = (int(part) for part in str(start_time).split(":")[:2])
        conn.execute("UPDATE maintenance SET cron = ? WHERE id = ?", (f"{minute} {hour} * * *", row_id))


def _line_notify_ids(conn: sqlite3.Connection) -> list[int]:
    ids = []
    for row_id, config in conn.execute("SELECT id, config FROM notification").fetchall():
        try:
            kind = json.loads(config or "{}").get("type")
        except (ValueError, AttributeError):
            continue
        if isinstance(kind, str) and kind.lower() in ("linenotify", "line-notify"):
            ids.append(row_id)
    return ids


def _remove_line_notify(conn: sqlite3.Connection) -> None:
    """2025-12-29: LINE Notify is gone; its notifications and their monitor links are deleted."""
    ids = _line_notify_ids(conn)
    for row_id in ids:
        conn.execute("DELETE FROM monitor_notification WHERE notification_id = ?", (row_id,))
        conn.execute("DELETE FROM notification WHERE id = ?", (row_id,))
    if ids:
        log.info("removed %d LINE Notify notification(s), as Uptime Kuma 2.x does", len(ids))


#: migration name → its data fix, in migration order.
FIXES: dict[str, Callable[[sqlite3.Connection], None]] = {
    "2024-10-31-0000-fix-snmp-monitor.js": _json_path_operator,
    "2025-06-13-0000-maintenance-add-last-start.js": _recurring_interval_cron,
    "2025-12-29-0000-remove-line-notify.js": _remove_line_notify,
}


def apply(conn: sqlite3.Connection, missing: list[str]) -> None:
    """Run the fixes of the `missing` migrations, inside the caller's transaction."""
    for name in missing:
        fix = FIXES.get(name)
        if fix is not None:
            fix(conn)

"""Tables `notification`, `monitor_notification` and `notification_sent_history`.

Plain functions taking the `sqlite_utils.Database` first; writers must run inside `app.db.write`.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id


def _row(cursor_row: Any) -> dict[str, Any] | None:
    return dict(cursor_row) if cursor_row is not None else None


def list_notifications(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    rows = db.conn.execute("SELECT * FROM notification WHERE user_id = ? ORDER BY id", (user_id,)).fetchall()
    return [dict(r) for r in rows]


def get_notification(db: sqlite_utils.Database, notification_id: int, user_id: int | None = None) -> dict | None:
    if user_id is None:
        row = db.conn.execute("SELECT * FROM notification WHERE id = ?", (notification_id,)).fetchone()
    else:
        row = db.conn.execute(
            "SELECT * FROM notification WHERE id = ? AND user_id = ?", (notification_id, user_id)
        ).fetchone()
    return _row(row)


def config_text(notification: dict[str, Any]) -> str:
    """The stored form: the client's object verbatim with `applyExisting` forced false."""
    stored = dict(notification)
    stored["applyExisting"] = False
    return json.dumps(stored, separators=(",", ":"), ensure_ascii=False)


def save_notification(
    db: sqlite_utils.Database, notification: dict[str, Any], notification_id: int | None, user_id: int
) -> int | None:
    """Insert (id None) or update a user's notification; returns its id, or None if not the user's.

    With `applyExisting` true, links it to every monitor of the user that is not linked yet.
    """
    values = (notification.get("name"), config_text(notification), 1 if notification.get("isDefault") else 0)
    if notification_id is None:
        cursor = db.conn.execute(
            "INSERT INTO notification (name, config, is_default, user_id, active) VALUES (?, ?, ?, ?, 1)",
            (*values, user_id),
        )
        notification_id = inserted_id(cursor)
    else:
        if get_notification(db, notification_id, user_id) is None:
            return None
        db.conn.execute(
            "UPDATE notification SET name = ?, config = ?, is_default = ? WHERE id = ?", (*values, notification_id)
        )
    if notification.get("applyExisting"):
        apply_to_all_monitors(db, notification_id, user_id)
    return notification_id


def apply_to_all_monitors(db: sqlite_utils.Database, notification_id: int, user_id: int) -> int:
    cursor = db.conn.execute(
        """INSERT INTO monitor_notification (monitor_id, notification_id)
           SELECT m.id, ? FROM monitor m
           WHERE m.user_id = ? AND NOT EXISTS (
               SELECT 1 FROM monitor_notification mn WHERE mn.monitor_id = m.id AND mn.notification_id = ?)""",
        (notification_id, user_id, notification_id),
    )
    return cursor.rowcount


def delete_notification(db: sqlite_utils.Database, notification_id: int, user_id: int) -> bool:
    if get_notification(db, notification_id, user_id) is None:
        return False
    db.conn.execute("DELETE FROM monitor_notification WHERE notification_id = ?", (notification_id,))
    db.conn.execute("DELETE FROM notification WHERE id = ?", (notification_id,))
    return True


def notifications_of_monitor(db: sqlite_utils.Database, monitor_id: int) -> list[dict[str, Any]]:
    """Every notification linked to a monitor (distinct, by id): the ones that receive its alerts."""
    rows = db.conn.execute(
        """SELECT DISTINCT n.* FROM notification n
           JOIN monitor_notification mn ON mn.notification_id = n.id
           WHERE mn.monitor_id = ? ORDER BY n.id""",
        (monitor_id,),
    ).fetchall()
    return [dict(r) for r in rows]


def linked_monitor_ids(db: sqlite_utils.Database) -> list[int]:
    """Ids of the monitors with at least one notification linked (the only ones a beat can notify)."""
    return [r[0] for r in db.conn.execute("SELECT DISTINCT monitor_id FROM monitor_notification")]


def default_notification_ids(db: sqlite_utils.Database, user_id: int) -> list[int]:
    rows = db.conn.execute(
        "SELECT id FROM notification WHERE user_id = ? AND is_default = 1 ORDER BY id", (user_id,)
    ).fetchall()
    return [r[0] for r in rows]


def parse_config(row: dict[str, Any]) -> dict[str, Any]:
    """A row's form as a dict (liberal: broken JSON gives an empty form)."""
    try:
        config = json.loads(row.get("config") or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


# -- notification_sent_history (certificate expiry warnings) ---------------------------------------


def cert_warning_sent(db: sqlite_utils.Database, monitor_id: int, days: int) -> bool:
    row = db.conn.execute(
        "SELECT 1 FROM notification_sent_history WHERE type = 'certificate' AND monitor_id = ? AND days <= ?",
        (monitor_id, days),
    ).fetchone()
    return row is not None


def record_cert_warning(db: sqlite_utils.Database, monitor_id: int, days: int) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO notification_sent_history (type, monitor_id, days) VALUES ('certificate', ?, ?)",
        (monitor_id, days),
    )


def clear_cert_warnings(db: sqlite_utils.Database, monitor_id: int) -> None:
    db.conn.execute(
        "DELETE FROM notification_sent_history WHERE type = 'certificate' AND monitor_id = ?", (monitor_id,)
    )


# -- heartbeat look-ups the payloads need --------------------------------------------------------


def last_important_down_time(db: sqlite_utils.Database, monitor_id: int, before: str | None = None) -> str | None:
    """Time of the latest important DOWN beat (before `before`, a heartbeat time) — the UP alert's lastDownTime."""
    row = db.conn.execute(
        "SELECT time FROM heartbeat WHERE monitor_id = ? AND important = 1 AND status = 0 AND time < ? "
        "ORDER BY time DESC LIMIT 1",
        (monitor_id, before or "9999"),
    ).fetchone()
    return row[0] if row else None


def tls_info(db: sqlite_utils.Database, monitor_id: int) -> dict | None:
    row = db.conn.execute(
        "SELECT info_json FROM monitor_tls_info WHERE monitor_id = ? ORDER BY id DESC LIMIT 1", (monitor_id,)
    ).fetchone()
    if not row or not row[0]:
        return None
    try:
        info = json.loads(row[0])
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def sent_certificate_days(db: sqlite_utils.Database, monitor_id: int) -> set[int]:
    """The expiry thresholds (days) already warned about for this monitor's current certificate."""
    rows = db.conn.execute(
        "SELECT days FROM notification_sent_history WHERE type = 'certificate' AND monitor_id = ?", (monitor_id,)
    ).fetchall()
    return {r[0] for r in rows}

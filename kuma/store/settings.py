"""The `setting` table: key → JSON text (a few legacy keys such as jwtSecret are stored raw)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from kuma.timezones import server_timezone_of


def decode_value(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # stored raw by Uptime Kuma (e.g. jwtSecret)


def get_setting(db: sqlite_utils.Database, key: str, default: Any = None) -> Any:
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return default if row is None else decode_value(row[0])


def server_timezone(db: sqlite_utils.Database) -> str:
    """The effective server timezone name (setting, else env TZ / host zone, else UTC: kuma/timezones.py)."""
    return server_timezone_of(get_setting(db, "serverTimezone"))


def trust_proxy(db: sqlite_utils.Database) -> bool:
    """The `trustProxy` setting as a bool (stored as true, "true" or 1 by different clients)."""
    value = get_setting(db, "trustProxy")
    return value is True or value == "true" or value == 1


def get_settings_of_type(db: sqlite_utils.Database, type_: str) -> dict[str, Any]:
    rows = db.conn.execute("SELECT key, value FROM setting WHERE type = ?", (type_,)).fetchall()
    return {r[0]: decode_value(r[1]) for r in rows}


def set_setting(
    db: sqlite_utils.Database, key: str, value: Any, type_: str | None = None, *, raw: bool = False
) -> None:
    """Insert or update one key. Must run inside a writer job."""
    text = value if raw else json.dumps(value, separators=(",", ":"))
    row = db.conn.execute("SELECT id FROM setting WHERE key = ?", (key,)).fetchone()
    if row is None:
        db.conn.execute("INSERT INTO setting (key, value, type) VALUES (?, ?, ?)", (key, text, type_))
    elif type_ is None:
        db.conn.execute("UPDATE setting SET value = ? WHERE id = ?", (text, row[0]))
    else:
        db.conn.execute("UPDATE setting SET value = ?, type = ? WHERE id = ?", (text, type_, row[0]))


def general_settings(db: sqlite_utils.Database) -> dict[str, Any]:
    """Every `general` setting, decoded, in row order (getSettings)."""
    rows = db.conn.execute("SELECT key, value FROM setting WHERE type = 'general' ORDER BY id").fetchall()
    return {r[0]: decode_value(r[1]) for r in rows}


def save_general_settings(db: sqlite_utils.Database, data: dict[str, Any]) -> list[str]:
    """Store each key JSON-encoded as type `general`; rows of another type (jwtSecret …) are never touched,
    so a client cannot overwrite the server's secrets. Writer job; returns the keys saved."""
    saved = []
    for key, value in data.items():
        if not isinstance(key, str) or not key:
            continue
        row = db.conn.execute("SELECT id, type FROM setting WHERE key = ?", (key,)).fetchone()
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        if row is None:
            db.conn.execute("INSERT INTO setting (key, value, type) VALUES (?, ?, 'general')", (key, text))
        elif row[1] == "general":
            db.conn.execute("UPDATE setting SET value = ? WHERE id = ?", (text, row[0]))
        else:
            continue
        saved.append(key)
    return saved


def get_raw_setting(db: sqlite_utils.Database, key: str) -> str | None:
    """The stored text as is, not JSON-decoded (jwtSecret is stored raw and must be used verbatim)."""
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]

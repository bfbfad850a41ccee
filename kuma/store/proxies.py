"""The `proxy`, `docker_host` and `remote_browser` tables (per-user connection targets of monitors)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id


def _one(db: sqlite_utils.Database, table: str, row_id: int, user_id: int) -> dict[str, Any] | None:
    row = db.conn.execute(f"SELECT * FROM [{table}] WHERE id = ? AND user_id = ?", (row_id, user_id)).fetchone()
    return None if row is None else dict(row)


def get_proxy(db, proxy_id: int, user_id: int) -> dict[str, Any] | None:
    return _one(db, "proxy", proxy_id, user_id)


def save_proxy(db, user_id: int, proxy_id: int | None, values: dict[str, Any]) -> int:
    """Insert (proxy_id None) or update; a default proxy clears the default flag of the user's others."""
    columns = ("protocol", "host", "port", "auth", "username", "password", "active", "default")
    if proxy_id is None:
        cursor = db.conn.execute(
            f"INSERT INTO proxy (user_id, {', '.join(f'[{c}]' for c in columns)}) VALUES (?, {', '.join('?' * len(columns))})",
            (user_id, *(values[c] for c in columns)),
        )
        proxy_id = inserted_id(cursor)
    else:
        db.conn.execute(
            f"UPDATE proxy SET {', '.join(f'[{c}] = ?' for c in columns)} WHERE id = ? AND user_id = ?",
            (*(values[c] for c in columns), proxy_id, user_id),
        )
    if values["default"]:
        db.conn.execute("UPDATE proxy SET [default] = 0 WHERE user_id = ? AND id != ?", (user_id, proxy_id))
    return proxy_id


def apply_proxy_to_all_monitors(db, user_id: int, proxy_id: int) -> list[int]:
    db.conn.execute("UPDATE monitor SET proxy_id = ? WHERE user_id = ?", (proxy_id, user_id))
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE user_id = ? AND active = 1", (user_id,))]


def delete_proxy(db, proxy_id: int, user_id: int) -> list[int]:
    """Monitors using it lose it (returned, to restart them); then the row goes."""
    ids = [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE proxy_id = ? AND active = 1", (proxy_id,))]
    db.conn.execute("UPDATE monitor SET proxy_id = NULL WHERE proxy_id = ?", (proxy_id,))
    db.conn.execute("DELETE FROM proxy WHERE id = ? AND user_id = ?", (proxy_id, user_id))
    return ids


def get_docker_host(db, host_id: int, user_id: int) -> dict[str, Any] | None:
    return _one(db, "docker_host", host_id, user_id)


def save_docker_host(db, user_id: int, host_id: int | None, name: str, docker_type: str, daemon: str) -> int:
    if host_id is None:
        return inserted_id(
            db.conn.execute(
                "INSERT INTO docker_host (user_id, name, docker_type, docker_daemon) VALUES (?, ?, ?, ?)",
                (user_id, name, docker_type, daemon),
            )
        )
    db.conn.execute(
        "UPDATE docker_host SET name = ?, docker_type = ?, docker_daemon = ? WHERE id = ? AND user_id = ?",
        (name, docker_type, daemon, host_id, user_id),
    )
    return host_id


def delete_docker_host(db, host_id: int, user_id: int) -> None:
    db.conn.execute("UPDATE monitor SET docker_host = NULL WHERE docker_host = ?", (host_id,))
    db.conn.execute("DELETE FROM docker_host WHERE id = ? AND user_id = ?", (host_id, user_id))


def get_remote_browser(db, browser_id: int, user_id: int) -> dict[str, Any] | None:
    return _one(db, "remote_browser", browser_id, user_id)


def save_remote_browser(db, user_id: int, browser_id: int | None, name: str, url: str) -> int:
    if browser_id is None:
        return inserted_id(
            db.conn.execute("INSERT INTO remote_browser (user_id, name, url) VALUES (?, ?, ?)", (user_id, name, url))
        )
    db.conn.execute(
        "UPDATE remote_browser SET name = ?, url = ? WHERE id = ? AND user_id = ?", (name, url, browser_id, user_id)
    )
    return browser_id


def delete_remote_browser(db, browser_id: int, user_id: int) -> None:
    db.conn.execute("UPDATE monitor SET remote_browser = NULL WHERE remote_browser = ?", (browser_id,))
    db.conn.execute("DELETE FROM remote_browser WHERE id = ? AND user_id = ?", (browser_id, user_id))


def active_monitors_using(db, proxy_id: int) -> list[int]:
    """Active monitors that check through this proxy (restarted after the proxy changes)."""
    return [r[0] for r in db.conn.execute("SELECT id FROM monitor WHERE proxy_id = ? AND active = 1", (proxy_id,))]


def _rows_of_user(db: sqlite_utils.Database, table: str, user_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in db.conn.execute(f"SELECT * FROM [{table}] WHERE user_id = ? ORDER BY id", (user_id,))]


def list_proxies(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    """The user's proxy rows by id (`proxyList`)."""
    return _rows_of_user(db, "proxy", user_id)


def list_docker_hosts(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    """The user's docker_host rows by id (`dockerHostList`)."""
    return _rows_of_user(db, "docker_host", user_id)


def list_remote_browsers(db: sqlite_utils.Database, user_id: int) -> list[dict[str, Any]]:
    """The user's remote_browser rows by id (`remoteBrowserList`)."""
    return _rows_of_user(db, "remote_browser", user_id)

"""The simple per-user lists of the login burst: proxies, Docker hosts, remote browsers, API keys.

Row → item functions, pure (key order is part of the wire, socketio-events.md §5.6, §5.7); the
`*_list(app, user_id)` readers are in `kuma.views.lists`.
"""

from __future__ import annotations

from typing import Any

from kuma.accounts.api_keys import key_status


def proxy_item(row: dict[str, Any]) -> dict[str, Any]:
    """Raw export: 0/1 booleans are NOT converted for proxies."""
    return {
        "id": row["id"],
        "userId": row["user_id"],
        "protocol": row["protocol"],
        "host": row["host"],
        "port": row["port"],
        "auth": row["auth"],
        "username": row["username"],
        "password": row["password"],
        "active": row["active"],
        "default": row["default"],
        "createdDate": row["created_date"],
    }


def docker_host_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "userID": row["user_id"],
        "dockerDaemon": row["docker_daemon"],
        "dockerType": row["docker_type"],
        "name": row["name"],
    }


def remote_browser_item(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "url": row["url"], "name": row["name"]}


def api_key_item(row: dict[str, Any], now_text: str) -> dict[str, Any]:
    """The public form: never the stored hash. `now_text` (UTC, the app's clock) decides "expired"."""
    return {
        "id": row["id"],
        "name": row["name"],
        "userID": row["user_id"],
        "createdDate": row["created_date"],
        "active": row["active"],
        "expires": row["expires"],
        "status": key_status(row, now_text),
    }

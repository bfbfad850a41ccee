"""`getSettings` / `setSettings` (socketio-events.md §3.5; data-model.md §6).

Only `general` settings are read and written here: a key whose existing row has another type (jwtSecret,
apiKeysEnabled …) is silently left alone, so a client can never overwrite the server's secrets.
"""
from __future__ import annotations

import logging
from typing import Any

from kuma.accounts.info import info_payload, server_timezone
from kuma.api.auth import disconnect_other_sockets
from kuma.api.common import ApiError, ok, ok_i18n, on_login, require_login, verify_current_password
from kuma.shapes.maintenance import maintenance_list
from kuma.store.settings import decode_value, get_setting
from kuma.timezones import valid_timezone

log = logging.getLogger(__name__)


def read_general_settings(db) -> dict[str, Any]:
    rows = db.conn.execute("SELECT key, value FROM setting WHERE type = 'general' ORDER BY id").fetchall()
    return {r[0]: decode_value(r[1]) for r in rows}


def save_general_settings(db, data: dict[str, Any]) -> list[str]:
    """Store each key JSON-encoded as type `general`; rows of another type are not touched. Writer job."""
    import json

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


async def settings_followups(app: Any, user_id: int) -> tuple[dict, dict]:
    """Full `info` (this socket) and `maintenanceList` (the user's room), read before the ack is sent so
    that they can be emitted right after it, before the socket's next event is answered."""
    return await info_payload(app, full=True), await maintenance_list(app, user_id)


def register(hub: Any, app: Any) -> None:
    from kuma.api.common import after_ack

    @on_login(hub, "getSettings")
    async def get_settings(sock, *rest):
        require_login(sock)
        data = await app.db.read(read_general_settings)
        if "serverTimezone" not in data:  # only stored rows, except the effective timezone
            data["serverTimezone"] = await server_timezone(app)
        return ok(data=data)

    @on_login(hub, "setSettings")
    async def set_settings(sock, data=None, current_password=None, *rest):
        user_id = require_login(sock)
        if not isinstance(data, dict):
            raise ApiError("Wrong data type?")
        auth_disabled = bool(await app.db.read(lambda db: get_setting(db, "disableAuth", False)))
        if not auth_disabled and data.get("disableAuth"):
            await verify_current_password(app, user_id, current_password)
        if "serverTimezone" in data and not valid_timezone(data["serverTimezone"]):
            raise ApiError("Invalid timezone")
        await app.db.write(lambda db: save_general_settings(db, data))
        if auth_disabled and not data.get("disableAuth"):
            await disconnect_other_sockets(app, sock, user_id)
        info, maintenance = await settings_followups(app, user_id)

        async def followups() -> None:
            await sock.emit("info", info)
            await hub.emit("maintenanceList", maintenance, room=str(user_id))

        after_ack(app, sock, followups)
        return ok_i18n("Saved.")

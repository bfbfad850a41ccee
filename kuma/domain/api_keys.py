"""API key operations (socketio-events.md §3.9): add, enable/disable, delete.

The clear key `uk<id>_<secret>` exists only in `add`'s result (shown once); only bcrypt(secret) is stored.
kuma adds an optional `scope` ("read" | "write") for the REST API (`kuma_api_key_scope`); a key made
without one is read-only (Uptime Kuma's clients never send it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

from kuma.accounts.api_keys import format_key, generate_secret, hash_secret
from kuma.domain.errors import DomainError
from kuma.domain.values import to_int
from kuma.store import api_key_scopes
from kuma.store import api_keys as store
from kuma.store.settings import set_setting

if TYPE_CHECKING:
    from kuma.app import App


def _expires(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise DomainError("Invalid expires date")
    return value.strip()


def _active(value: Any) -> bool:
    return bool(value) if not isinstance(value, str) else value.lower() not in ("", "0", "false")


MAX_NAME = 255


async def add(app: App, user_id: int, key: Any) -> tuple[int, str]:
    """Create a key from `{name, expires, active}`; returns (its id, the clear key). Turns the
    `apiKeysEnabled` setting on, as Uptime Kuma does."""
    if not isinstance(key, dict):
        raise DomainError("Invalid key")
    name = key.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DomainError("Name is required")
    if len(name) > MAX_NAME:
        raise DomainError(f"Name must be at most {MAX_NAME} characters")
    expires = _expires(key.get("expires"))
    active = _active(key.get("active", True))
    scope = key.get("scope")
    if scope is not None and scope not in api_key_scopes.SCOPES:
        raise DomainError("Scope must be read or write")
    secret = generate_secret()
    secret_hash = await trio.to_thread.run_sync(hash_secret, secret)

    def insert(db: Any) -> int:
        key_id = store.insert_api_key(db, user_id, name, secret_hash, active, expires)
        if scope is not None:
            api_key_scopes.set_scope(db, key_id, scope)
        set_setting(db, "apiKeysEnabled", True)
        return key_id

    key_id = await app.db.write(insert)
    return key_id, format_key(key_id, secret)


async def delete(app: App, user_id: int, key_id: Any) -> None:
    """Delete one of the user's keys (unknown ids are fine)."""
    number = to_int(key_id)
    if number is not None:
        await app.db.write(lambda db: store.delete_api_key(db, number, user_id))


async def set_active(app: App, user_id: int, key_id: Any, active: bool) -> None:
    """Enable or disable one of the user's keys (unknown ids are fine)."""
    number = to_int(key_id)
    if number is not None:
        await app.db.write(lambda db: store.set_active(db, number, user_id, active))

"""Accounts state at boot: the need-setup flag (no user yet), the JWT secret, the rate-limit buckets.

The state lives at `app.accounts`; `setup(app)` registers a service that loads it before the HTTP server
starts (services start in order, Hypercorn last).
"""

from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

import trio

from kuma.accounts.passwords import hash_password
from kuma.accounts.ratelimit import RateLimits

log = logging.getLogger(__name__)

JWT_SECRET_KEY = "jwtSecret"


@dataclass
class AccountsState:
    need_setup: bool = False
    jwt_secret: str = ""
    limits: RateLimits = field(default_factory=RateLimits)
    loaded: trio.Event = field(default_factory=trio.Event)


def new_jwt_secret() -> str:
    """A bcrypt hash of a random 64-character string; the hash text itself is the HMAC key."""
    alphabet = string.ascii_letters + string.digits
    return hash_password("".join(secrets.choice(alphabet) for _ in range(64)))


def load_or_create_jwt_secret(db) -> str:
    """Read `jwtSecret`, creating it (stored raw, type NULL, like Uptime Kuma) when missing. Writer job."""
    from kuma.store.settings import get_setting, set_setting

    secret = get_setting(db, JWT_SECRET_KEY)
    if isinstance(secret, str) and secret:
        return secret
    secret = new_jwt_secret()
    set_setting(db, JWT_SECRET_KEY, secret, raw=True)
    return secret


async def load_state(app: Any) -> AccountsState:
    from kuma.store.users import count_users

    state = app.accounts
    state.jwt_secret = await app.db.write(load_or_create_jwt_secret)
    state.need_setup = (await app.db.read(count_users)) == 0
    state.loaded.set()
    if state.need_setup:
        log.info("no user yet: the first visitor sets up the admin account")
    return state


def setup(app: Any) -> None:
    """Load the accounts state; the server starts HTTP once `app.accounts.loaded` is set. The service
    counts as started at once, so a new database's JWT secret (a bcrypt hash, ~0.1 s in the writer
    thread, without the GIL) is made while the main thread builds the web app."""

    async def accounts_service(*, task_status=trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        await load_state(app)

    app.add_service("accounts", accounts_service)

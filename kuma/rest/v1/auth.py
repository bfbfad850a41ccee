"""Who calls the REST API: an API key (`uk<id>_…`) as `Authorization: Bearer <key>` or Basic with the key
as the password (as `/metrics` takes it), its scope, and a rate limit per key.

Order of checks: a malformed or missing key → 401 before anything else; then the key's own bucket (429),
so a flood of guesses for one key id cannot make the server run bcrypt; then the row (unknown key or wrong
secret → 401, inactive or expired → 403); a read-only key on a writing route → 403. bcrypt runs once per
key and secret: a match is remembered (by a SHA-256 of the clear key and the stored hash), while the row's
active/expires are read on every request, so disabling a key takes effect at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import trio

from kuma.accounts.api_keys import is_expired, parse_basic_auth, parse_key, utc_text
from kuma.accounts.passwords import verify_password
from kuma.accounts.ratelimit import TokenBucket
from kuma.app import App
from kuma.store import api_key_scopes
from kuma.store.api_keys import get_api_key

#: Requests per minute per key (bursts up to the same number).
PER_KEY_PER_MINUTE = 600
MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Caller:
    key_id: int
    user_id: int
    scope: str


class AuthRefused(Exception):
    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg


def clear_key_of(header: str | None) -> str | None:
    """The API key in an Authorization header (Bearer, or Basic with the key as password)."""
    if not header:
        return None
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    credentials = parse_basic_auth(header)
    return None if credentials is None else credentials[1]


class KeyAuth:
    """The per-App authenticator (buckets and the verified-secret memo live here, not in globals)."""

    def __init__(self, app: App, per_minute: int = PER_KEY_PER_MINUTE) -> None:
        self.app = app
        self.per_minute = per_minute
        self.buckets: dict[int, TokenBucket] = {}
        self.verified: set[str] = set()

    def _bucket(self, key_id: int) -> TokenBucket:
        bucket = self.buckets.get(key_id)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:  # guessed key ids must not grow memory without end
                self.buckets = {k: b for k, b in self.buckets.items() if b.remaining < b.capacity}
            bucket = self.buckets[key_id] = TokenBucket(self.per_minute, 60.0)
        return bucket

    async def _matches(self, clear_key: str, secret: str, stored_hash: str) -> bool:
        memo = hashlib.sha256(f"{clear_key}\0{stored_hash}".encode()).hexdigest()
        if memo in self.verified:
            return True
        if not await trio.to_thread.run_sync(verify_password, secret, stored_hash):
            return False
        self.verified.add(memo)
        return True

    async def caller(self, header: str | None, writes: bool) -> Caller:
        """The caller behind `header`, or AuthRefused(401/403/429)."""
        clear_key = clear_key_of(header)
        parsed = parse_key(clear_key)
        if clear_key is None or parsed is None:
            raise AuthRefused(401, "An API key is required (Authorization: Bearer uk<id>_…)")
        key_id, secret = parsed
        if not self._bucket(key_id).try_take():
            raise AuthRefused(429, "Too many requests for this API key, try again later.")
        row, scope = await self.app.db.read(lambda db: (get_api_key(db, key_id), api_key_scopes.scope_of(db, key_id)))
        if row is None or not await self._matches(clear_key, secret, row["key"]):
            raise AuthRefused(401, "Invalid API key")
        if not row["active"]:
            raise AuthRefused(403, "This API key is inactive")
        if is_expired(row["expires"], utc_text(self.app.clock.time())):
            raise AuthRefused(403, "This API key has expired")
        if writes and scope != api_key_scopes.WRITE:
            raise AuthRefused(403, "This API key is read-only")
        return Caller(key_id, int(row["user_id"]), scope)

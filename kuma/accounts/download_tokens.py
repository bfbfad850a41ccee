"""One-time download tokens: how the dashboard, logged in over Socket.IO with a JWT, lets the browser fetch
a file over plain HTTP (`GET /api/v1/backup?token=…`) without putting the JWT in a URL. A token names its
user, is good for one request and for `TTL` seconds; only a few are kept at once. Times are monotonic
seconds given by the caller, so the rules are plain code."""

from __future__ import annotations

import secrets

TTL = 60.0
MAX_TOKENS = 100


class DownloadTokens:
    """The server's outstanding tokens (kept in memory: a restart forgets them, as it should)."""

    def __init__(self, ttl: float = TTL, limit: int = MAX_TOKENS) -> None:
        self.ttl = ttl
        self.limit = limit
        self._tokens: dict[str, tuple[int, float]] = {}

    def issue(self, user_id: int, now: float) -> str:
        """A new token for `user_id`; the oldest ones go when too many are outstanding."""
        self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
        while len(self._tokens) >= self.limit:
            self._tokens.pop(next(iter(self._tokens)))
        token = secrets.token_urlsafe(32)
        self._tokens[token] = (user_id, now + self.ttl)
        return token

    def redeem(self, token: str, now: float) -> int | None:
        """The token's user, once; None when it is unknown, used or expired."""
        found = self._tokens.pop(token, None)
        if found is None or found[1] <= now:
            return None
        return found[0]

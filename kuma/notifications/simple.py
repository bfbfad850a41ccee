"""`SimpleProvider`: a provider that is one HTTP request (families of small providers use it).

Kept out of `base.py` so the registry (imported at start-up) does not load httpx; it imports `http` at
the top, as any provider that sends does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from kuma.notifications.common import SENT, Call, Provider
from kuma.notifications.http import request


class SimpleProvider(Provider, ABC):
    """A provider that is one HTTP request: subclasses only say which (`call`)."""

    @abstractmethod
    def call(self, config: dict[str, Any], msg: str, monitor: dict | None, heartbeat: dict | None) -> Call:
        """The one request this provider sends for a message."""

    def vendor(self, path: str = "") -> str:
        """The fixed vendor URL (or the injected one) plus a path."""
        return self.api_url + path

    async def send(self, config: dict[str, Any], msg: str, monitor: dict | None, heartbeat: dict | None) -> str:
        call = self.call(config, msg, monitor, heartbeat)
        await request(
            call.method, call.url, json_body=call.json_body, data=call.data, params=call.params, headers=call.headers
        )
        return SENT

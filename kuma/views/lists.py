"""The simple per-user lists of the login burst: proxies, Docker hosts, remote browsers, API keys.

Each reads the user's rows (`kuma.store.proxies`, `kuma.store.api_keys`) and returns the event's single
argument, items shaped by `kuma.shapes.lists`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kuma.accounts.api_keys import utc_text
from kuma.shapes.lists import api_key_item, docker_host_item, proxy_item, remote_browser_item
from kuma.store import api_keys, proxies

if TYPE_CHECKING:
    from kuma.app import App


async def proxy_list(app: App, user_id: int) -> list[dict[str, Any]]:
    """`proxyList`."""
    return [proxy_item(r) for r in await app.db.read(lambda db: proxies.list_proxies(db, user_id))]


async def docker_host_list(app: App, user_id: int) -> list[dict[str, Any]]:
    """`dockerHostList`."""
    return [docker_host_item(r) for r in await app.db.read(lambda db: proxies.list_docker_hosts(db, user_id))]


async def remote_browser_list(app: App, user_id: int) -> list[dict[str, Any]]:
    """`remoteBrowserList`."""
    return [remote_browser_item(r) for r in await app.db.read(lambda db: proxies.list_remote_browsers(db, user_id))]


async def api_key_list(app: App, user_id: int) -> list[dict[str, Any]]:
    """`apiKeyList`: "expired" is decided on the app's clock."""
    return await app.db.read(api_key_list_reader(user_id, utc_text(app.clock.time())))


def api_key_list_reader(user_id: int, now_text: str) -> Callable[[Any], list[dict[str, Any]]]:
    """The reader job behind `api_key_list` (the login burst runs it inside its one job)."""
    return lambda db: [api_key_item(r, now_text) for r in api_keys.list_api_keys(db, user_id)]

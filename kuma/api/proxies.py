"""Proxies, Docker hosts and remote browsers (socketio-events.md §3.9) over `kuma.domain.proxies`.

Each change re-sends the user's list to the room before the ack (for proxies: once the change is stored,
before the monitors that use it restart, plus `monitorList` when it was applied to every monitor).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, ok, ok_i18n, require_login
from kuma.api.monitors import send_monitor_list
from kuma.domain import proxies as domain
from kuma.domain.proxies import proxy_values  # noqa: F401 - kept importable from here
from kuma.views.lists import docker_host_list, proxy_list, remote_browser_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()
ListBuilder = Callable[[Any, int], Awaitable[Any]]


async def send(app: App, event: str, builder: ListBuilder, user_id: int) -> None:
    """One of the user's lists to their room."""
    await app.hub.emit(event, await builder(app, user_id), room=str(user_id))


# -- proxies -----------------------------------------------------------------------------------------


@events.login("addProxy")
async def add_proxy(app: App, sock: Any, proxy: Any = None, proxy_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)

    async def stored() -> None:
        await send(app, "proxyList", proxy_list, user_id)
        if proxy.get("applyExisting"):
            await send_monitor_list(app, user_id)

    saved_id = await domain.save_proxy(app, user_id, proxy, proxy_id, stored)
    return ok_i18n("Saved.", id=saved_id)


@events.login("deleteProxy")
async def delete_proxy(app: App, sock: Any, proxy_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    await domain.delete_proxy(app, user_id, proxy_id, lambda: send(app, "proxyList", proxy_list, user_id))
    return ok_i18n("successDeleted")


# -- Docker hosts ------------------------------------------------------------------------------------


@events.login("addDockerHost")
async def add_docker_host(
    app: App, sock: Any, docker_host: Any = None, host_id: Any = None, *rest: Any
) -> dict[str, Any]:
    user_id = require_login(sock)
    saved_id = await domain.save_docker_host(app, user_id, docker_host, host_id)
    await send(app, "dockerHostList", docker_host_list, user_id)
    return ok_i18n("Saved.", id=saved_id)


@events.login("deleteDockerHost")
async def delete_docker_host(app: App, sock: Any, host_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    await domain.delete_docker_host(app, user_id, host_id)
    await send(app, "dockerHostList", docker_host_list, user_id)
    return ok_i18n("successDeleted")


@events.login("testDockerHost")
async def test_docker_host(app: App, sock: Any, docker_host: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(await domain.test_docker_host(docker_host))


# -- remote browsers ---------------------------------------------------------------------------------


@events.login("addRemoteBrowser")
async def add_remote_browser(
    app: App, sock: Any, browser: Any = None, browser_id: Any = None, *rest: Any
) -> dict[str, Any]:
    user_id = require_login(sock)
    saved_id = await domain.save_remote_browser(app, user_id, browser, browser_id)
    await send(app, "remoteBrowserList", remote_browser_list, user_id)
    return ok_i18n("Saved.", id=saved_id)


@events.login("deleteRemoteBrowser")
async def delete_remote_browser(app: App, sock: Any, browser_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    await domain.delete_remote_browser(app, user_id, browser_id)
    await send(app, "remoteBrowserList", remote_browser_list, user_id)
    return ok_i18n("successDeleted")


@events.login("testRemoteBrowser")
async def test_remote_browser(app: App, sock: Any, browser: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.test_remote_browser(browser)
    return ok("Connected Successfully.")


def register(hub: Any, app: App) -> None:
    """Every proxy, Docker host and remote browser event on the hub."""
    events.register(hub, app)

"""Proxies, Docker hosts and remote browsers (socketio-events.md §3.9) over `kuma.domain.proxies`.

Each change re-sends the user's list to the room before the ack (for proxies: once the change is stored,
before the monitors that use it restart, plus `monitorList` when it was applied to every monitor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api.common import Events, UserList, ok, ok_i18n, require_login
from kuma.api.monitors import send_monitor_list
from kuma.domain import proxies as domain
from kuma.domain.proxies import proxy_values  # noqa: F401 - kept importable from here
from kuma.views.lists import docker_host_list, proxy_list, remote_browser_list

if TYPE_CHECKING:
    from kuma.app import App

events = Events()
PROXIES = UserList("proxyList", proxy_list)
DOCKER_HOSTS = UserList("dockerHostList", docker_host_list)
REMOTE_BROWSERS = UserList("remoteBrowserList", remote_browser_list)


# -- proxies -----------------------------------------------------------------------------------------


@events.login("addProxy")
async def add_proxy(app: App, sock: Any, proxy: Any = None, proxy_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)

    async def stored() -> None:
        await PROXIES.send(app, user_id)
        if proxy.get("applyExisting"):
            await send_monitor_list(app, user_id)

    saved_id = await domain.save_proxy(app, user_id, proxy, proxy_id, stored)
    return ok_i18n("Saved.", id=saved_id)


@events.login("deleteProxy")
async def delete_proxy(app: App, sock: Any, proxy_id: Any = None, *rest: Any) -> dict[str, Any]:
    user_id = require_login(sock)
    await domain.delete_proxy(app, user_id, proxy_id, lambda: PROXIES.send(app, user_id))
    return ok_i18n("successDeleted")


# -- Docker hosts ------------------------------------------------------------------------------------


add_docker_host = events.login("addDockerHost")(DOCKER_HOSTS.save_handler(domain.save_docker_host))
delete_docker_host = events.login("deleteDockerHost")(DOCKER_HOSTS.delete_handler(domain.delete_docker_host))


@events.login("testDockerHost")
async def test_docker_host(app: App, sock: Any, docker_host: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(await domain.test_docker_host(docker_host))


# -- remote browsers ---------------------------------------------------------------------------------


add_remote_browser = events.login("addRemoteBrowser")(REMOTE_BROWSERS.save_handler(domain.save_remote_browser))
delete_remote_browser = events.login("deleteRemoteBrowser")(
    REMOTE_BROWSERS.delete_handler(domain.delete_remote_browser)
)


@events.login("testRemoteBrowser")
async def test_remote_browser(app: App, sock: Any, browser: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.test_remote_browser(browser)
    return ok("Connected Successfully.")


def register(hub: Any, app: App) -> None:
    """Every proxy, Docker host and remote browser event on the hub."""
    events.register(hub, app)

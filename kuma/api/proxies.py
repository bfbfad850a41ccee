"""Proxies, Docker hosts and remote browsers (socketio-events.md §3.9): save, delete, test.

Each change re-sends the user's list to the room before the ack. Monitors that used a deleted target lose
the reference; monitors whose proxy changed are restarted so their next check uses it.
"""
from __future__ import annotations

import logging
from typing import Any

import trio

from kuma.api.common import ApiError, ok, ok_i18n, on_login, require_login, to_int
from kuma.shapes.lists import docker_host_list, proxy_list, remote_browser_list
from kuma.shapes.monitor import monitor_list
from kuma.store import proxies as store

log = logging.getLogger(__name__)

PROXY_PROTOCOLS = ("http", "https", "socks", "socks5", "socks5h", "socks4")
DOCKER_TYPES = ("socket", "tcp")
TEST_TIMEOUT = 10


def _flag(value: Any) -> int:
    if isinstance(value, str):
        return 0 if value.strip().lower() in ("", "0", "false") else 1
    return 1 if value else 0


def proxy_values(proxy: Any) -> dict[str, Any]:
    """Validated proxy columns from the client's object (active is always stored true)."""
    if not isinstance(proxy, dict):
        raise ApiError("Invalid proxy")
    protocol = proxy.get("protocol")
    if protocol not in PROXY_PROTOCOLS:
        raise ApiError(f"Unsupported proxy protocol \"{protocol}\". Supported protocols are {', '.join(PROXY_PROTOCOLS)}")
    host = proxy.get("host")
    if not isinstance(host, str) or not host.strip():
        raise ApiError("Proxy host is required")
    port = to_int(proxy.get("port"))
    auth = _flag(proxy.get("auth"))
    return {"protocol": protocol, "host": host.strip(), "port": port, "auth": auth,
            "username": proxy.get("username") if auth else proxy.get("username") or None,
            "password": proxy.get("password") if auth else proxy.get("password") or None,
            "active": 1, "default": _flag(proxy.get("default"))}


async def restart_monitors(app: Any, ids: list[int]) -> None:
    for monitor_id in ids:
        try:
            await app.monitoring.restart_monitor(monitor_id)
        except Exception:
            log.exception("restarting monitor %s failed", monitor_id)


async def docker_container_count(docker_type: str, daemon: str) -> int:
    """Number of containers the Docker API reports (`GET /containers/json?all=true`)."""
    import httpx

    if docker_type == "socket":
        transport = httpx.AsyncHTTPTransport(uds=daemon)
        base = "http://docker"
    else:
        transport = httpx.AsyncHTTPTransport()
        base = daemon.rstrip("/")
        if base.startswith("tcp://"):
            base = "http://" + base[len("tcp://"):]
    async with httpx.AsyncClient(transport=transport, base_url=base, timeout=TEST_TIMEOUT) as client:
        response = await client.get("/containers/json", params={"all": "true"})
        response.raise_for_status()
        data = response.json()
    if not isinstance(data, list):
        raise ApiError("Invalid response from the Docker daemon")
    return len(data)


async def check_remote_browser(url: str) -> None:
    """A remote browser is a Chrome DevTools websocket endpoint: connecting and closing cleanly is enough."""
    from trio_websocket import open_websocket_url

    with trio.fail_after(TEST_TIMEOUT):
        async with open_websocket_url(url):
            pass


def register(hub: Any, app: Any) -> None:
    async def send(event: str, builder, user_id: int) -> None:
        await hub.emit(event, await builder(app, user_id), room=str(user_id))

    # -- proxies -----------------------------------------------------------------------------
    @on_login(hub, "addProxy")
    async def add_proxy(sock, proxy=None, proxy_id=None, *rest):
        user_id = require_login(sock)
        values = proxy_values(proxy)
        proxy_id = to_int(proxy_id) if proxy_id is not None else None
        apply_existing = bool(proxy.get("applyExisting"))

        def save(db):
            if proxy_id is not None and store.get_proxy(db, proxy_id, user_id) is None:
                return None, []
            saved = store.save_proxy(db, user_id, proxy_id, values)
            restart = store.apply_proxy_to_all_monitors(db, user_id, saved) if apply_existing else []
            return saved, restart

        saved_id, restart = await app.db.write(save)
        if saved_id is None:
            raise ApiError("proxy not found")
        await send("proxyList", proxy_list, user_id)
        if apply_existing:
            await hub.emit("monitorList", await monitor_list(app, user_id), room=str(user_id))
            await restart_monitors(app, restart)
        elif proxy_id is not None:
            users = await app.db.read(lambda db: [r[0] for r in db.conn.execute(
                "SELECT id FROM monitor WHERE proxy_id = ? AND active = 1", (saved_id,))])
            await restart_monitors(app, users)
        return ok_i18n("Saved.", id=saved_id)

    @on_login(hub, "deleteProxy")
    async def delete_proxy(sock, proxy_id=None, *rest):
        user_id = require_login(sock)
        proxy_id = to_int(proxy_id)
        restart = await app.db.write(lambda db: store.delete_proxy(db, proxy_id, user_id)) if proxy_id else []
        await send("proxyList", proxy_list, user_id)
        await restart_monitors(app, restart)
        return ok_i18n("successDeleted")

    # -- Docker hosts ------------------------------------------------------------------------
    def docker_fields(docker_host: Any) -> tuple[str, str, str]:
        if not isinstance(docker_host, dict):
            raise ApiError("Invalid docker host")
        name, docker_type, daemon = docker_host.get("name"), docker_host.get("dockerType"), docker_host.get("dockerDaemon")
        if docker_type not in DOCKER_TYPES:
            raise ApiError("Invalid docker type")
        if not isinstance(daemon, str) or not daemon.strip():
            raise ApiError("Docker daemon is required")
        return (name if isinstance(name, str) else ""), docker_type, daemon.strip()

    @on_login(hub, "addDockerHost")
    async def add_docker_host(sock, docker_host=None, host_id=None, *rest):
        user_id = require_login(sock)
        name, docker_type, daemon = docker_fields(docker_host)
        host_id = to_int(host_id) if host_id is not None else None

        def save(db):
            if host_id is not None and store.get_docker_host(db, host_id, user_id) is None:
                return None
            return store.save_docker_host(db, user_id, host_id, name, docker_type, daemon)

        saved_id = await app.db.write(save)
        if saved_id is None:
            raise ApiError("docker host not found")
        await send("dockerHostList", docker_host_list, user_id)
        return ok_i18n("Saved.", id=saved_id)

    @on_login(hub, "deleteDockerHost")
    async def delete_docker_host(sock, host_id=None, *rest):
        user_id = require_login(sock)
        host_id = to_int(host_id)
        if host_id is not None:
            await app.db.write(lambda db: store.delete_docker_host(db, host_id, user_id))
        await send("dockerHostList", docker_host_list, user_id)
        return ok_i18n("successDeleted")

    @on_login(hub, "testDockerHost")
    async def test_docker_host(sock, docker_host=None, *rest):
        require_login(sock)
        _, docker_type, daemon = docker_fields(docker_host)
        try:
            count = await docker_container_count(docker_type, daemon)
        except ApiError:
            raise
        except Exception as exc:
            raise ApiError(str(exc) or type(exc).__name__) from exc
        if count == 0:
            return ok("Connected Successfully, but there are no containers?")
        return ok(f"Connected Successfully. Amount of containers: {count}")

    # -- remote browsers ---------------------------------------------------------------------
    def browser_fields(browser: Any) -> tuple[str, str]:
        if not isinstance(browser, dict) or not isinstance(browser.get("url"), str) or not browser["url"].strip():
            raise ApiError("Remote browser URL is required")
        name = browser.get("name")
        return (name if isinstance(name, str) else ""), browser["url"].strip()

    @on_login(hub, "addRemoteBrowser")
    async def add_remote_browser(sock, browser=None, browser_id=None, *rest):
        user_id = require_login(sock)
        name, url = browser_fields(browser)
        browser_id = to_int(browser_id) if browser_id is not None else None

        def save(db):
            if browser_id is not None and store.get_remote_browser(db, browser_id, user_id) is None:
                return None
            return store.save_remote_browser(db, user_id, browser_id, name, url)

        saved_id = await app.db.write(save)
        if saved_id is None:
            raise ApiError("remote browser not found")
        await send("remoteBrowserList", remote_browser_list, user_id)
        return ok_i18n("Saved.", id=saved_id)

    @on_login(hub, "deleteRemoteBrowser")
    async def delete_remote_browser(sock, browser_id=None, *rest):
        user_id = require_login(sock)
        browser_id = to_int(browser_id)
        if browser_id is not None:
            await app.db.write(lambda db: store.delete_remote_browser(db, browser_id, user_id))
        await send("remoteBrowserList", remote_browser_list, user_id)
        return ok_i18n("successDeleted")

    @on_login(hub, "testRemoteBrowser")
    async def test_remote_browser(sock, browser=None, *rest):
        require_login(sock)
        _, url = browser_fields(browser if isinstance(browser, dict) else {"url": browser})
        try:
            await check_remote_browser(url)
        except trio.TooSlowError as exc:
            raise ApiError("Timeout connecting to the remote browser") from exc
        except Exception as exc:
            raise ApiError(str(exc) or type(exc).__name__) from exc
        return ok("Connected Successfully.")

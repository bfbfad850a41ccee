"""Proxies, Docker hosts and remote browsers (socketio-events.md §3.9): validate, save, delete, test.

Monitors that used a deleted target lose the reference; monitors whose proxy changed are restarted so
their next check uses it. `stored` callbacks run once a change is committed and before those restarts
(the Socket.IO layer sends the lists there, as Uptime Kuma does).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import trio

from kuma.domain.errors import DomainError
from kuma.domain.values import to_int
from kuma.store import proxies as store

if TYPE_CHECKING:
    from kuma.app import App

log = logging.getLogger(__name__)

PROXY_PROTOCOLS = ("http", "https", "socks", "socks5", "socks5h", "socks4")
DOCKER_TYPES = ("socket", "tcp")
TEST_TIMEOUT = 10
Stored = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


def _flag(value: Any) -> int:
    if isinstance(value, str):
        return 0 if value.strip().lower() in ("", "0", "false") else 1
    return 1 if value else 0


def _optional_id(value: Any) -> int | None:
    return to_int(value) if value is not None else None


async def restart_monitors(app: App, ids: list[int]) -> None:
    """Restart each monitor; one that fails to restart is logged, the others still restart."""
    for monitor_id in ids:
        try:
            await app.monitoring.restart_monitor(monitor_id)
        except Exception:
            log.exception("restarting monitor %s failed", monitor_id)


# -- proxies -----------------------------------------------------------------------------------------


def proxy_values(proxy: Any) -> dict[str, Any]:
    """Validated proxy columns from the client's object (active is always stored true)."""
    if not isinstance(proxy, dict):
        raise DomainError("Invalid proxy")
    protocol = proxy.get("protocol")
    if protocol not in PROXY_PROTOCOLS:
        raise DomainError(
            f'Unsupported proxy protocol "{protocol}". Supported protocols are {", ".join(PROXY_PROTOCOLS)}'
        )
    host = proxy.get("host")
    if not isinstance(host, str) or not host.strip():
        raise DomainError("Proxy host is required")
    auth = _flag(proxy.get("auth"))
    return {
        "protocol": protocol,
        "host": host.strip(),
        "port": to_int(proxy.get("port")),
        "auth": auth,
        "username": proxy.get("username") if auth else proxy.get("username") or None,
        "password": proxy.get("password") if auth else proxy.get("password") or None,
        "active": 1,
        "default": _flag(proxy.get("default")),
    }


async def save_proxy(app: App, user_id: int, proxy: Any, proxy_id: Any = None, stored: Stored = _nothing) -> int:
    """Create or change one of the user's proxies; `applyExisting` puts it on all the user's monitors.
    Monitors now using it restart. Returns its id."""
    values = proxy_values(proxy)
    wanted = _optional_id(proxy_id)
    apply_existing = bool(proxy.get("applyExisting"))

    def save(db: Any) -> tuple[int | None, list[int]]:
        if wanted is not None and store.get_proxy(db, wanted, user_id) is None:
            return None, []
        saved = store.save_proxy(db, user_id, wanted, values)
        return saved, store.apply_proxy_to_all_monitors(db, user_id, saved) if apply_existing else []

    saved_id, restart = await app.db.write(save)
    if saved_id is None:
        raise DomainError("proxy not found")
    await stored()
    if not apply_existing and wanted is not None:
        restart = await app.db.read(lambda db: store.active_monitors_using(db, saved_id))
    await restart_monitors(app, restart)
    return saved_id


async def delete_proxy(app: App, user_id: int, proxy_id: Any, stored: Stored = _nothing) -> None:
    """Delete one of the user's proxies; its monitors go without one and restart."""
    number = to_int(proxy_id)
    restart = await app.db.write(lambda db: store.delete_proxy(db, number, user_id)) if number else []
    await stored()
    await restart_monitors(app, restart)


# -- Docker hosts ------------------------------------------------------------------------------------


def docker_fields(docker_host: Any) -> tuple[str, str, str]:
    """(name, dockerType, dockerDaemon) from the client's object, validated."""
    if not isinstance(docker_host, dict):
        raise DomainError("Invalid docker host")
    name, docker_type, daemon = docker_host.get("name"), docker_host.get("dockerType"), docker_host.get("dockerDaemon")
    if docker_type not in DOCKER_TYPES:
        raise DomainError("Invalid docker type")
    if not isinstance(daemon, str) or not daemon.strip():
        raise DomainError("Docker daemon is required")
    return (name if isinstance(name, str) else ""), docker_type, daemon.strip()


async def _save_owned(
    app: App, user_id: int, item_id: Any, get: Callable[..., Any], save: Callable[[Any, int | None], int], what: str
) -> int:
    """Create (no id) or change (the user's `get(db, id, user_id)` must exist) one item; returns its id."""
    wanted = _optional_id(item_id)

    def write(db: Any) -> int | None:
        if wanted is not None and get(db, wanted, user_id) is None:
            return None
        return save(db, wanted)

    saved_id = await app.db.write(write)
    if saved_id is None:
        raise DomainError(f"{what} not found")
    return saved_id


async def _delete_owned(app: App, user_id: int, item_id: Any, delete: Callable[[Any, int, int], Any]) -> None:
    """`delete(db, id, user_id)` when the id is a number (unknown ids are fine)."""
    number = to_int(item_id)
    if number is not None:
        await app.db.write(lambda db: delete(db, number, user_id))


async def save_docker_host(app: App, user_id: int, docker_host: Any, host_id: Any = None) -> int:
    """Create or change one of the user's Docker hosts; returns its id."""
    name, docker_type, daemon = docker_fields(docker_host)

    def save(db: Any, wanted: int | None) -> int:
        return store.save_docker_host(db, user_id, wanted, name, docker_type, daemon)

    return await _save_owned(app, user_id, host_id, store.get_docker_host, save, "docker host")


async def delete_docker_host(app: App, user_id: int, host_id: Any) -> None:
    """Delete one of the user's Docker hosts (unknown ids are fine)."""
    await _delete_owned(app, user_id, host_id, store.delete_docker_host)


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
            base = "http://" + base[len("tcp://") :]
    async with httpx.AsyncClient(transport=transport, base_url=base, timeout=TEST_TIMEOUT) as client:
        response = await client.get("/containers/json", params={"all": "true"})
        response.raise_for_status()
        data = response.json()
    if not isinstance(data, list):
        raise DomainError("Invalid response from the Docker daemon")
    return len(data)


async def test_docker_host(docker_host: Any) -> str:
    """Connect to the daemon; the success text names the container count, a failure is a DomainError."""
    _, docker_type, daemon = docker_fields(docker_host)
    try:
        count = await docker_container_count(docker_type, daemon)
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(str(exc) or type(exc).__name__) from exc
    if count == 0:
        return "Connected Successfully, but there are no containers?"
    return f"Connected Successfully. Amount of containers: {count}"


# -- remote browsers ---------------------------------------------------------------------------------


def browser_fields(browser: Any) -> tuple[str, str]:
    """(name, url) from the client's object, validated."""
    if not isinstance(browser, dict) or not isinstance(browser.get("url"), str) or not browser["url"].strip():
        raise DomainError("Remote browser URL is required")
    name = browser.get("name")
    name, url = (name if isinstance(name, str) else ""), browser["url"].strip()
    if len(name) > 255 or len(url) > 255:  # remote_browser.name/url are varchar(255)
        raise DomainError("Remote browser name and URL must be at most 255 characters")
    return name, url


async def save_remote_browser(app: App, user_id: int, browser: Any, browser_id: Any = None) -> int:
    """Create or change one of the user's remote browsers; returns its id."""
    name, url = browser_fields(browser)

    def save(db: Any, wanted: int | None) -> int:
        return store.save_remote_browser(db, user_id, wanted, name, url)

    return await _save_owned(app, user_id, browser_id, store.get_remote_browser, save, "remote browser")


async def delete_remote_browser(app: App, user_id: int, browser_id: Any) -> None:
    """Delete one of the user's remote browsers (unknown ids are fine)."""
    await _delete_owned(app, user_id, browser_id, store.delete_remote_browser)


async def check_remote_browser(url: str) -> None:
    """A remote browser is a Chrome DevTools websocket endpoint: connecting and closing cleanly is enough."""
    from trio_websocket import open_websocket_url

    with trio.fail_after(TEST_TIMEOUT):
        async with open_websocket_url(url):
            pass


async def test_remote_browser(browser: Any) -> None:
    """Connect to the endpoint (a bare URL string is accepted); a failure is a DomainError."""
    _, url = browser_fields(browser if isinstance(browser, dict) else {"url": browser})
    try:
        await check_remote_browser(url)
    except trio.TooSlowError as exc:
        raise DomainError("Timeout connecting to the remote browser") from exc
    except Exception as exc:
        raise DomainError(str(exc) or type(exc).__name__) from exc

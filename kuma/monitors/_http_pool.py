"""Keep-alive connections for plain-HTTP checks, shared by every monitor of one server run.

Uptime Kuma's plain-HTTP requests go through Node's global agent, which keeps connections alive (Node
≥ 19), while each HTTPS check gets an agent of its own; kuma does the same. With thousands of monitors on
a few hosts, reusing the connection saves the connect and a client per check. Idle connections are
closed after `KEEPALIVE_EXPIRY` seconds, below common server keep-alive timeouts (Node's 5 s), so a
check rarely meets a connection the server is closing. One pool per Trio run (`RunVar`): tests run many.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import trio

KEEPALIVE_EXPIRY = 4.0
MAX_KEEPALIVE = 256

_CLIENTS: trio.lowlevel.RunVar[dict[tuple, Any]] = trio.lowlevel.RunVar("kuma_http_clients")


def poolable(url: str, proxy: str | None, monitor: Mapping[str, Any]) -> bool:
    """Plain HTTP without a proxy, with no auth or basic auth (HTTPS checks, client certificates, NTLM's
    per-connection handshake and OAuth's token request keep a client of their own)."""
    return proxy is None and url[:7].lower() == "http://" and (monitor.get("auth_method") or "basic") == "basic"


def shared_client(max_redirects: int, local_address: str | None, context: ssl.SSLContext) -> Any:
    """The run's client for these settings (`context` is used when a redirect leads to HTTPS)."""
    import httpx

    try:
        clients = _CLIENTS.get()
    except LookupError:
        clients = {}
        _CLIENTS.set(clients)
    key = (max_redirects, local_address, id(context))
    entry = clients.get(key)
    if entry is None or entry[0] is not context:
        limits = httpx.Limits(
            max_connections=None, max_keepalive_connections=MAX_KEEPALIVE, keepalive_expiry=KEEPALIVE_EXPIRY
        )
        transport = httpx.AsyncHTTPTransport(verify=context, local_address=local_address, retries=0, limits=limits)
        client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=max_redirects > 0,
            max_redirects=max(max_redirects, 0),
            trust_env=False,
        )
        entry = clients[key] = (context, client)
    return entry[1]

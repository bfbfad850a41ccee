"""`steam`: ask the Steam Web API's server list whether Steam knows the game server at hostname:port.

As Uptime Kuma 2.5.3: the key is the `steamAPIKey` setting ("Steam API Key not found" without one); the
hostname is resolved (IPv4 first) into the `addr\\<ip>:<port>` filter of GET
IGameServersService/GetServerList/v1/?filter=…&key=…; the first server's name is the UP message, an empty
list is DOWN "Server not found on Steam"; the status must be one of `accepted_statuscodes_json`
("Request failed with status code 403" otherwise). The ping is an ICMP ping of the host when that works,
else the request's time. The API's address is `CheckContext.steam_api_url` (KUMA_STEAM_API_URL, for tests).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import trio

from kuma.monitors._http_request import perform
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


async def resolve_for_filter(hostname: str) -> str:
    """An IP address as Steam's addr filter wants it; a name resolves to its first IPv4 address if any."""
    try:
        ipaddress.ip_address(hostname)
        return hostname
    except ValueError:
        pass
    try:
        infos = await trio.socket.getaddrinfo(hostname, None, type=trio.socket.SOCK_STREAM)
    except OSError as exc:
        raise CheckFailed(f'Unable to resolve Steam server hostname "{hostname}": {exc}') from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise CheckFailed(f'Unable to resolve Steam server hostname "{hostname}": DNS lookup returned no addresses')
    return next((a for a in addresses if ":" not in a), addresses[0])


def first_server_name(body: str) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    servers = (data.get("response") or {}).get("servers") if isinstance(data, dict) else None
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        name = servers[0].get("name")
        return "" if name is None else str(name)
    return None


async def _icmp_ping(monitor: Mapping[str, Any], ctx: CheckContext) -> float | None:
    """Uptime Kuma pings the host once (10 s, 2 s per reply); a failure leaves the request's time."""
    from kuma.monitors.ping import Ping

    row = {
        "hostname": monitor.get("hostname"),
        "packet_size": monitor.get("packet_size") or 56,
        "ping_count": 1,
        "timeout": 10,
        "ping_per_request_timeout": 2,
        "ping_numeric": 1,
    }
    try:
        return (await Ping().check(row, ctx)).ping
    except Exception:
        return None


@register("steam")
class Steam(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        key = ctx.settings("steamAPIKey")
        if not key:
            raise CheckFailed("Steam API Key not found")
        host = str(monitor.get("hostname") or "").strip()
        address = await resolve_for_filter(host)
        query = urlencode({"filter": f"addr\\{address}:{monitor.get('port')}", "key": str(key)})
        request_row = dict(
            monitor,
            url=f"{ctx.steam_api_url}?{query}",
            method="GET",
            headers=json.dumps({"Accept": "*/*"}),
            body=None,
            auth_method=None,
            cache_bust=0,
        )
        outcome = await perform(request_row, dataclasses.replace(ctx, proxy=None))
        name = first_server_name(outcome.text)
        if name is None:
            raise CheckFailed("Server not found on Steam")
        ping = await _icmp_ping(monitor, ctx)
        return CheckResult(msg=name, ping=outcome.ping if ping is None else ping)

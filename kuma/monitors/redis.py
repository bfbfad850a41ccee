"""`redis`: connect to `databaseConnectionString` (redis:// or rediss:// for TLS), AUTH, SELECT, `PING`.

UP's message is the server's answer (`PONG`), as in Uptime Kuma; DOWN is the server's error reply
(`WRONGPASS …`, `NOAUTH …`) or Node's socket wording. `ignoreTls` accepts any certificate on rediss://.
RESP is small, so this speaks it over a Trio socket: no thread, no driver.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import trio

from kuma.monitors._common import as_bool, effective_timeout, elapsed_ms
from kuma.monitors._driver import timeout_text, transport_text
from kuma.monitors._resp import RedisError, RespReader, command
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


@dataclass
class RedisTarget:
    host: str
    port: int
    username: str
    password: str
    database: int
    tls: bool


def parse_connection_string(text: str) -> RedisTarget:
    """`redis[s]://[[user]:password@]host[:port][/db]` as node-redis reads it."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("redis", "rediss"):
        raise CheckFailed(f"Invalid URL: {text.strip()!r} must start with redis:// or rediss://")
    try:
        port = parts.port or 6379
        path = parts.path.strip("/")
        database = int(path) if path else 0
    except ValueError:
        raise CheckFailed("Invalid URL: bad port or database number") from None
    return RedisTarget(
        host=parts.hostname or "localhost",
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        database=database,
        tls=parts.scheme == "rediss",
    )


def _tls_context(verify: bool) -> ssl.SSLContext:
    from kuma.monitors._http_tls import client_tls_context

    return client_tls_context(verify, None)


def certificate_info(stream: trio.SSLStream, verified: bool, host: str, now: datetime) -> dict[str, Any] | None:
    """`certInfo` of a TLS connection (the shape the HTTP checks report)."""
    from kuma.monitors._tls_info import chain_from_ssl_object, tls_info

    ssl_object = getattr(stream, "_ssl_object", None)
    return tls_info(chain_from_ssl_object(ssl_object, verified), verified, host, now) if ssl_object else None


async def _open(target: RedisTarget, verify: bool, now: datetime) -> tuple[trio.abc.Stream, dict[str, Any] | None]:
    stream: trio.abc.Stream = await trio.open_tcp_stream(target.host, target.port)
    if not target.tls:
        return stream, None
    tls = trio.SSLStream(stream, _tls_context(verify), server_hostname=target.host)
    await tls.do_handshake()
    return tls, certificate_info(tls, verify, target.host, now)


async def ping(target: RedisTarget, verify: bool, now: datetime) -> tuple[str, dict[str, Any] | None]:
    """AUTH (when a password is given), SELECT (db ≠ 0), PING: the PING answer and the TLS info."""
    stream, info = await _open(target, verify, now)
    async with stream:
        reader = RespReader(stream)
        if target.password:
            auth = ("AUTH", target.username, target.password) if target.username else ("AUTH", target.password)
            await stream.send_all(command(*auth))
            await reader.reply()
        if target.database:
            await stream.send_all(command("SELECT", str(target.database)))
            await reader.reply()
        await stream.send_all(command("PING"))
        answer = await reader.reply()
        return (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)), info


@register("redis")
class Redis(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        target = parse_connection_string(str(monitor.get("database_connection_string") or ""))
        timeout = effective_timeout(monitor)
        start = trio.current_time()
        with trio.move_on_after(timeout):
            try:
                answer, info = await ping(target, not as_bool(monitor.get("ignore_tls")), ctx.utcnow())
            except RedisError as exc:
                raise CheckFailed(str(exc)) from None
            except (OSError, trio.BrokenResourceError, ssl.SSLError) as exc:
                raise CheckFailed(transport_text(exc, target.host, target.port) or str(exc)) from None
            return CheckResult(msg=answer, ping=elapsed_ms(start), tls_info=info)
        raise CheckFailed(timeout_text(timeout))

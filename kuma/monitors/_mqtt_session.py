"""One MQTT session as Uptime Kuma's check opens it: connect (TCP, TLS, WebSocket), subscribe, first message.

The URL is built as Uptime Kuma does: `hostname` gets `mqtt://` when it has no scheme, then `:port`, and
for ws:// / wss:// the `mqttWebsocketPath`. Transport errors are worded as Node's (`connect ECONNREFUSED …`),
CONNACK refusals as mqtt.js's (`Connection refused: Not authorized`).
"""

from __future__ import annotations

import re
import secrets
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import trio

from kuma.monitors import _mqtt_wire as wire
from kuma.monitors.base import CheckFailed

_HAS_SCHEME = re.compile(r"^(?:http|mqtt|ws)s?://")
_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883, "ws": 80, "wss": 443}


def broker_url(hostname: str, port: object, websocket_path: str | None) -> str:
    """`mqtt://host:port`, or `ws[s]://host:port/path` (a path without a leading slash gets one)."""
    host = hostname.strip()
    if not _HAS_SCHEME.match(host):
        host = "mqtt://" + host
    url = f"{host}:{port}" if port not in (None, "") else host
    if host.startswith(("ws://", "wss://")) and websocket_path:
        url += websocket_path if websocket_path.startswith("/") else "/" + websocket_path
    return url


class Transport(Protocol):
    tls_info: dict[str, Any] | None

    async def send(self, data: bytes) -> None: ...

    async def receive(self) -> bytes: ...


@dataclass
class _StreamTransport:
    stream: trio.abc.Stream
    tls_info: dict[str, Any] | None = None

    async def send(self, data: bytes) -> None:
        await self.stream.send_all(data)

    async def receive(self) -> bytes:
        data = await self.stream.receive_some(65536)
        if not data:
            raise CheckFailed("connection closed")  # mqtt.js: the broker ended the stream
        return bytes(data)


@dataclass
class _WebSocketTransport:
    connection: object
    tls_info: dict[str, Any] | None = None

    async def send(self, data: bytes) -> None:
        await self.connection.send_message(data)  # type: ignore[attr-defined]

    async def receive(self) -> bytes:
        message = await self.connection.get_message()  # type: ignore[attr-defined]
        return message if isinstance(message, bytes) else message.encode("utf-8")


def _tls() -> ssl.SSLContext:
    from kuma.monitors._http_tls import client_tls_context

    return client_tls_context(True, None)


@asynccontextmanager
async def open_transport(url: str, now: datetime) -> AsyncIterator[Transport]:
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme not in _DEFAULT_PORTS:
        raise CheckFailed(f"Unknown protocol for MQTT: {scheme}")
    host = parts.hostname or "localhost"
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        raise CheckFailed(f"Invalid URL: {url}") from None
    if scheme in ("ws", "wss"):
        from trio_websocket import open_websocket_url

        context = _tls() if scheme == "wss" else None
        async with open_websocket_url(url, ssl_context=context, subprotocols=["mqtt"]) as connection:
            yield _WebSocketTransport(connection)
        return
    stream: trio.abc.Stream = await trio.open_tcp_stream(host, port)
    info = None
    if scheme == "mqtts":
        from kuma.monitors.redis import certificate_info

        tls = trio.SSLStream(stream, _tls(), server_hostname=host)
        await tls.do_handshake()
        stream, info = tls, certificate_info(tls, True, host, now)
    async with stream:
        yield _StreamTransport(stream, info)


async def first_message(
    transport: Transport, topic: str, username: str | None, password: str | None
) -> tuple[str, str]:
    """CONNECT, wait for CONNACK, SUBSCRIBE, then the first PUBLISH's (topic, text)."""
    client_id = "uptime-kuma_" + secrets.token_hex(4)
    await transport.send(wire.connect(client_id, username, password))
    buffer = b""
    subscribed = False
    while True:
        packet, buffer = wire.split(buffer)
        if packet is None:
            buffer += await transport.receive()
            continue
        if packet.kind == 2:  # CONNACK
            code = packet.body[1] if len(packet.body) > 1 else 0
            if code:
                raise CheckFailed(wire.CONNACK_TEXT.get(code, f"Connection refused: code {code}"))
            if not subscribed:
                await transport.send(wire.subscribe(topic))
                subscribed = True
        elif packet.kind == 3:  # PUBLISH
            message_topic, payload = wire.publish_parts(packet)
            try:
                await transport.send(wire.DISCONNECT)
            except Exception:
                pass
            return message_topic, payload.decode("utf-8", "replace")

"""`websocket-upgrade`: the opening handshake succeeds, then a clean close whose code is accepted.

As Uptime Kuma (node `ws`): GET with `Upgrade: websocket` (subprotocols from `ws_subprotocol`, the row's
headers and auth), 101 with the right `Sec-WebSocket-Accept` (unless `ws_ignore_sec_websocket_accept_header`)
and subprotocol, then the client closes with 1000 at once; the server's close code must match
`accepted_statuscodes_json` (default `["1000"]`): UP `1000 - OK`, else DOWN with the close code's name
(`Abnormal Closure` when the peer drops the connection). The handshake takes at most `timeout` s (20 when
unset). The handshake and frames are spoken here on a Trio stream, so every outcome can be worded as `ws` does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import ssl
import struct
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import trio

from kuma.monitors._common import as_bool
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#: Close codes by name (IANA registry), the DOWN message for an unaccepted code.
CLOSE_NAMES = {
    1002: "Protocol error",
    1003: "Unsupported Data",
    1005: "No Status Received",
    1006: "Abnormal Closure",
    1007: "Invalid frame payload data",
    1008: "Policy Violation",
    1009: "Message Too Big",
    1010: "Mandatory Extension Missing",
    1011: "Internal Error",
    1012: "Service Restart",
    1013: "Try Again Later",
    1014: "Bad Gateway",
    1015: "TLS Handshake Failed",
    3000: "Unauthorized",
    3003: "Forbidden",
    3008: "Timeout",
}


class HandshakeError(Exception):
    """The upgrade failed before the connection opened; the text is `ws`'s error message."""


def accept_token(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def subprotocols(raw: Any) -> list[str]:
    """`"a, b"` → ["a", "b"] (whitespace removed, as Uptime Kuma does); empty → none."""
    text = "".join(str(raw or "").split())
    return [p for p in text.split(",")] if text else []


def request_bytes(url: str, key: str, protocols: list[str], headers: dict[str, str]) -> bytes:
    """The HTTP/1.1 upgrade request, written by hand so the check controls every header it sends."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme in ("wss", "https") else 80
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    authority = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = {
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
        "Host": authority,
    }
    if protocols:
        lines["Sec-WebSocket-Protocol"] = ",".join(protocols)
    lines.update(headers)
    head = f"GET {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in lines.items()) + "\r\n"
    return head.encode("latin-1", "replace")


def parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    """(status code, lower-cased headers) of the HTTP response head."""
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        raise HandshakeError("Invalid HTTP response") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return status, headers


def verify_upgrade(status: int, headers: dict[str, str], key: str, protocols: list[str], ignore_accept: bool) -> bool:
    """HandshakeError with `ws`'s wording when the response is not a valid upgrade; True when only the
    accept token is wrong and the row says to ignore that (Uptime Kuma then counts it as `1000 - OK`)."""
    if status != 101:
        raise HandshakeError(f"Unexpected server response: {status}")
    if headers.get("upgrade", "").lower() != "websocket":
        raise HandshakeError("Invalid Upgrade header")
    if headers.get("sec-websocket-accept") != accept_token(key):
        if ignore_accept:
            return True
        raise HandshakeError("Invalid Sec-WebSocket-Accept header")
    chosen = headers.get("sec-websocket-protocol")
    if chosen is not None and not protocols:
        raise HandshakeError("Server sent a subprotocol but none was requested")
    if chosen is not None and chosen not in protocols:
        raise HandshakeError("Server sent an invalid subprotocol")
    if chosen is None and protocols:
        raise HandshakeError("Server sent no subprotocol")
    return False


def close_frame(code: int) -> bytes:
    """A masked client close frame carrying `code`."""
    mask = os.urandom(4)
    payload = struct.pack("!H", code)
    return bytes([0x88, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def verdict(code: int | None, accepted: Any) -> str:
    """UP message for the server's close code, or CheckFailed (None: the connection just dropped → 1006)."""
    from kuma.monitors._http_request import parse_accepted, status_accepted

    closed = 1006 if code is None else code
    if status_accepted(closed, parse_accepted(accepted)):
        return f"{closed} - OK" if code is not None else ""  # not clean: `ws` reports the (empty) reason
    raise CheckFailed(CLOSE_NAMES.get(closed) or f"Unexpected status code: {closed}")


class _Reader:
    """Buffered reads from the stream: the response head, then whole frames."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream, self.buffer = stream, b""

    async def _more(self) -> None:
        chunk = await self.stream.receive_some(65536)
        if not chunk:
            raise EOFError
        self.buffer += chunk

    async def head(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > 65536:
                raise HandshakeError("Invalid HTTP response")
            try:
                await self._more()
            except EOFError:
                raise HandshakeError("socket hang up") from None
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    async def take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            await self._more()
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    async def frame(self) -> tuple[int, bytes]:
        first, second = await self.take(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.take(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.take(8))
        mask = await self.take(4) if second & 0x80 else b""
        payload = await self.take(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return first & 0x0F, payload


def connect_failure(exc: BaseException, url: str) -> str:
    """Node's wording for a refused/unresolvable connect or a TLS failure (`connect ECONNREFUSED h:p`)."""
    from kuma.monitors._http_errors import _iter_causes, _socket_message, _tls_message

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme in ("wss", "https") else 80)
    causes = list(_iter_causes(exc))
    return (
        _tls_message(causes, host)
        or _socket_message(causes, host, port, connecting=True)
        or str(exc)
        or type(exc).__name__
    )


async def _open(url: str, monitor: Mapping[str, Any]) -> trio.abc.Stream:
    parts = urlsplit(url)
    secure = parts.scheme in ("wss", "https")
    port = parts.port or (443 if secure else 80)
    stream: trio.abc.Stream = await trio.open_tcp_stream(parts.hostname or "", port)
    if secure:
        tls = trio.SSLStream(stream, _tls_context(monitor), server_hostname=parts.hostname)
        await tls.do_handshake()
        stream = tls
    return stream


def _tls_context(monitor: Mapping[str, Any]) -> ssl.SSLContext:
    """Always verified, except with mTLS and `ignore_tls` (the only place Uptime Kuma's check reads it)."""
    from kuma.monitors._http_tls import client_tls_context, ssl_context

    if (monitor.get("auth_method") or "") == "mtls":
        return ssl_context(monitor)
    return client_tls_context(True, None)


async def _auth_headers(monitor: Mapping[str, Any]) -> dict[str, str]:
    """The row's headers (broken JSON ignored, as Uptime Kuma does) plus its Authorization."""
    try:
        raw = json.loads(monitor.get("headers") or "{}")
    except ValueError:
        raw = {}
    headers = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    method = monitor.get("auth_method") or ""
    if method == "basic" and (monitor.get("basic_auth_user") or monitor.get("basic_auth_pass")):
        from kuma.monitors._http_auth import basic_auth

        headers["Authorization"] = basic_auth(monitor.get("basic_auth_user"), monitor.get("basic_auth_pass"))
    elif method == "bearer" and monitor.get("bearer_token"):
        headers["Authorization"] = f"Bearer {monitor['bearer_token']}"
    elif method == "oauth2-cc":
        import httpx

        from kuma.monitors._http_auth import oauth_token

        async with httpx.AsyncClient() as client:
            headers["Authorization"] = f"Bearer {await oauth_token(client, monitor)}"
    return headers


async def attempt(monitor: Mapping[str, Any], timeout: float) -> int | None:
    """Handshake (under `timeout`), close with 1000, and the server's close code (None: dropped)."""
    url = str(monitor.get("url") or "")
    scheme = urlsplit(url).scheme
    if scheme not in ("ws", "wss", "http", "https"):
        raise HandshakeError('The URL\'s protocol must be one of "ws:", "wss:", "http:", or "https:"')
    key = base64.b64encode(os.urandom(16)).decode()
    protocols = subprotocols(monitor.get("ws_subprotocol"))
    headers = await _auth_headers(monitor)
    stream: trio.abc.Stream | None = None
    with trio.move_on_after(timeout) as scope:
        stream = await _open(url, monitor)
        reader = _Reader(stream)
        try:
            await stream.send_all(request_bytes(url, key, protocols, headers))
            status, response = parse_head(await reader.head())
        except BaseException:
            await trio.aclose_forcefully(stream)
            raise
    if scope.cancelled_caught or stream is None:
        if stream is not None:
            await trio.aclose_forcefully(stream)
        raise HandshakeError("Opening handshake has timed out")
    async with stream:
        ignore = as_bool(monitor.get("ws_ignore_sec_websocket_accept_header"))
        if verify_upgrade(status, response, key, protocols, ignore):
            return 1000
        await stream.send_all(close_frame(1000))
        with trio.move_on_after(timeout):
            while True:
                try:
                    opcode, payload = await reader.frame()
                except (EOFError, trio.BrokenResourceError):
                    return None
                if opcode == 0x8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
        return None


@register("websocket-upgrade")
class WebsocketUpgrade(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        timeout = float(monitor.get("timeout") or 0) or 20.0
        try:
            code = await attempt(monitor, timeout)
        except (HandshakeError, CheckFailed) as exc:
            raise CheckFailed(str(exc)) from None
        except (OSError, trio.BrokenResourceError, ssl.SSLError) as exc:
            raise CheckFailed(connect_failure(exc, str(monitor.get("url") or ""))) from None
        return CheckResult(msg=verdict(code, monitor.get("accepted_statuscodes_json") or '["1000"]'))

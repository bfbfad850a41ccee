"""`port`: a TCP connect to hostname:port; the connect time is the ping (spec §4.3).

Optional TLS on top: `smtp_security` `secure` (TLS at once) or `starttls` (SMTP STARTTLS) with
`expiry_notification` checks the certificate (an invalid one is DOWN) and reports TLS info;
`expected_tls_alert` ≠ `none` is UP only when the server refuses the handshake with that alert (e.g. an mTLS
endpoint answering `certificate_required`).
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import trio

from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._tls_info import chain_from_ssl_object, tls_info
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

_ALERT = re.compile(r"ALERT_([A-Z0-9_]+)")


def alert_name(exc: BaseException) -> str | None:
    """OpenSSL's reason (e.g. TLSV13_ALERT_CERTIFICATE_REQUIRED) → the TLS alert name (certificate_required)."""
    reason = getattr(exc, "reason", None) or str(exc)
    match = _ALERT.search(str(reason).upper())
    return match.group(1).lower() if match else None


def tls_failure_text(exc: BaseException) -> str:
    from kuma.monitors._http_errors import error_message

    return error_message(exc, "")


async def _starttls(stream: trio.abc.Stream) -> None:
    """SMTP: greeting, EHLO, STARTTLS → 220, after which the TLS handshake starts."""
    buffer = b""

    async def reply() -> bytes:
        nonlocal buffer
        while True:
            lines = buffer.split(b"\r\n")
            for index, line in enumerate(lines[:-1]):
                if len(line) >= 4 and line[3:4] == b" ":
                    buffer = b"\r\n".join(lines[index + 1 :])
                    return line
            chunk = await stream.receive_some(4096)
            if not chunk:
                raise CheckFailed("STARTTLS failed: connection closed")
            buffer += chunk

    await reply()
    await stream.send_all(b"EHLO kuma\r\n")
    await reply()
    await stream.send_all(b"STARTTLS\r\n")
    answer = await reply()
    if not answer.startswith(b"220"):
        raise CheckFailed(f"STARTTLS failed: {answer.decode('utf-8', 'replace')}")


async def _expect_alert(stream: trio.abc.Stream, host: str, expected: str, grace: float) -> str:
    """UP message when the handshake (or the first read after it, TLS 1.3) ends in the expected alert."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    tls = trio.SSLStream(stream, context, server_hostname=host or None)
    received: str | None = None
    try:
        await tls.do_handshake()
        with trio.move_on_after(grace):  # TLS 1.3 servers send the alert after the client's Finished
            await tls.receive_some(1)
    except (trio.BrokenResourceError, ssl.SSLError) as exc:
        cause = exc.__cause__ if isinstance(exc, trio.BrokenResourceError) else exc
        received = alert_name(cause) if cause is not None else None
    if received == expected:
        return f"TLS alert received as expected: {expected}"
    if received is None:
        raise CheckFailed(f"Expected TLS alert '{expected}' but the TLS handshake succeeded")
    raise CheckFailed(f"Expected TLS alert '{expected}' but received '{received}'")


async def _certificate(stream: trio.abc.Stream, host: str, now: datetime) -> dict[str, Any] | None:
    """Verified TLS handshake; an invalid certificate fails the check with Node's wording."""
    from kuma.monitors._http_tls import client_tls_context

    tls = trio.SSLStream(stream, client_tls_context(True, None), server_hostname=host or None)
    try:
        await tls.do_handshake()
    except (trio.BrokenResourceError, ssl.SSLError) as exc:
        raise CheckFailed(tls_failure_text(exc.__cause__ or exc)) from None
    ssl_object = getattr(tls, "_ssl_object", None)
    return tls_info(chain_from_ssl_object(ssl_object, True), True, host, now) if ssl_object is not None else None


@register("port")
class Port(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = str(monitor.get("hostname") or "").strip()
        try:
            port = int(monitor["port"])
        except (KeyError, TypeError, ValueError):
            raise CheckFailed("Connection failed") from None
        timeout = effective_timeout(monitor)
        deadline = trio.current_time() + timeout
        start = trio.current_time()
        with trio.move_on_at(deadline):
            try:
                stream = await trio.open_tcp_stream(host, port)
            except OSError:
                raise CheckFailed("Connection failed") from None
            ping = round((trio.current_time() - start) * 1000)
            async with stream:
                info = None
                expected = str(monitor.get("expected_tls_alert") or "none").strip().lower()
                security = str(monitor.get("smtp_security") or "").lower()
                if security == "starttls":
                    await _starttls(stream)
                if expected != "none":
                    msg = await _expect_alert(stream, host, expected, min(1.0, timeout / 2))
                    return CheckResult(msg=msg, ping=ping)
                if security in ("secure", "starttls") and as_bool(monitor.get("expiry_notification")):
                    info = await _certificate(stream, host, ctx.utcnow())
                return CheckResult(msg=f"{ping} ms", ping=ping, tls_info=info)
        raise CheckFailed("Connection failed")

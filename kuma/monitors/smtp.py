"""`smtp`: connect, greeting, EHLO, TLS per `smtp_security`, QUIT — the session nodemailer's `verify()` has.

`smtp_security`: `secure` = TLS from the first byte (SMTPS), `starttls` = STARTTLS is required (sent even
when not advertised, so a server without it fails), `nostarttls` = never upgrade, anything else = upgrade
when the server advertises STARTTLS. The certificate is verified against the trusted roots (nodemailer's
default); the TLS info is reported for `certInfo`. Uptime Kuma's row has no SMTP credentials, so there is no
AUTH. UP: `SMTP connection verifies successfully`; DOWN: `SMTP connection doesn't verify: Error: <nodemailer's
text>` (`connect ECONNREFUSED h:p`, `Greeting never received`, `Error upgrading connection with STARTTLS: …`).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import effective_timeout
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

PREFIX = "SMTP connection doesn't verify: Error: "


class SmtpError(Exception):
    """A failure in nodemailer's words (without the prefix)."""


class _Lines:
    """Reads whole SMTP replies (multi-line `250-…` continued until `250 …`)."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream, self.buffer = stream, b""

    async def reply(self, closed_text: str) -> str:
        lines: list[str] = []
        while True:
            while b"\n" not in self.buffer:
                chunk = await self.stream.receive_some(4096)
                if not chunk:
                    raise SmtpError(closed_text)
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\n", 1)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            lines.append(line)
            if not (len(line) > 3 and line[3] == "-"):
                return "\n".join(lines)


def wants_starttls(security: str, ehlo: str) -> bool:
    """Whether to send STARTTLS after EHLO (nodemailer: required, or advertised and not switched off)."""
    if security in ("secure", "nostarttls"):
        return False
    advertised = any(line[4:].strip().upper().startswith("STARTTLS") for line in ehlo.split("\n"))
    return security == "starttls" or advertised


def tls_error_text(exc: BaseException, host: str) -> str:
    from kuma.monitors._http_errors import _iter_causes, _tls_message

    return _tls_message(list(_iter_causes(exc)), host) or str(exc) or type(exc).__name__


async def _handshake(stream: trio.abc.Stream, host: str) -> trio.SSLStream[trio.abc.Stream]:
    from kuma.monitors._http_tls import client_tls_context

    tls = trio.SSLStream(stream, client_tls_context(True, None), server_hostname=host or None)
    await tls.do_handshake()
    return tls


def _info(stream: trio.abc.Stream, host: str, ctx: CheckContext) -> dict[str, Any] | None:
    from kuma.monitors._tls_info import chain_from_ssl_object, tls_info

    ssl_object = getattr(stream, "_ssl_object", None)
    return tls_info(chain_from_ssl_object(ssl_object, True), True, host, ctx.utcnow()) if ssl_object else None


async def session(host: str, port: int, security: str, ctx: CheckContext, progress: list[str]) -> dict[str, Any] | None:
    """One verify session; the TLS info when the session was encrypted. Raises SmtpError. `progress`
    gets "connected" once the TCP connection stands (a timeout before is nodemailer's `Connection timeout`)."""
    try:
        stream: trio.abc.Stream = await trio.open_tcp_stream(host, port)
    except OSError as exc:
        from kuma.monitors.websocket_upgrade import connect_failure

        raise SmtpError(connect_failure(exc, f"smtp://{host}:{port}")) from None
    progress.append("connected")
    try:
        if security == "secure":
            try:
                stream = await _handshake(stream, host)
            except (trio.BrokenResourceError, ssl.SSLError) as exc:
                raise SmtpError(tls_error_text(exc, host)) from None
        lines = _Lines(stream)
        greeting = await lines.reply("Connection closed unexpectedly")
        if not greeting.startswith("220"):
            raise SmtpError(f"Invalid greeting. response={greeting}: {greeting}")
        await stream.send_all(b"EHLO kuma\r\n")
        ehlo = await lines.reply("Connection closed unexpectedly")
        if not ehlo.startswith("2"):
            raise SmtpError(f"Invalid response for EHLO: {ehlo}")
        if wants_starttls(security, ehlo):
            stream = await _starttls(stream, lines, host)
            lines = _Lines(stream)
            await stream.send_all(b"EHLO kuma\r\n")
            await lines.reply("Connection closed unexpectedly")
        info = _info(stream, host, ctx)
        await stream.send_all(b"QUIT\r\n")
        with trio.move_on_after(2):  # the server's 221, so it sees a clean end of the session
            try:
                await lines.reply("closed")
            except (SmtpError, trio.BrokenResourceError):
                pass
        return info
    except trio.BrokenResourceError as exc:
        raise SmtpError(tls_error_text(exc, host)) from None
    finally:
        await trio.aclose_forcefully(stream)


async def _starttls(stream: trio.abc.Stream, lines: _Lines, host: str) -> trio.abc.Stream:
    await stream.send_all(b"STARTTLS\r\n")
    answer = await lines.reply("Connection closed unexpectedly")
    if not answer.startswith("2"):
        raise SmtpError(f"Error upgrading connection with STARTTLS: {answer}")
    try:
        return await _handshake(stream, host)
    except (trio.BrokenResourceError, ssl.SSLError) as exc:
        raise SmtpError(f"Error initiating TLS - {tls_error_text(exc, host)}") from None


@register("smtp")
class Smtp(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host = str(monitor.get("hostname") or "").strip()
        try:
            port = int(monitor.get("port") or 25)
        except (TypeError, ValueError):
            port = 25
        security = str(monitor.get("smtp_security") or "").strip().lower()
        progress: list[str] = []
        with trio.move_on_after(effective_timeout(monitor)):
            try:
                info = await session(host, port, security, ctx, progress)
            except SmtpError as exc:
                raise CheckFailed(PREFIX + str(exc)) from None
            return CheckResult(msg="SMTP connection verifies successfully", tls_info=info)
        raise CheckFailed(PREFIX + ("Greeting never received" if progress else "Connection timeout"))

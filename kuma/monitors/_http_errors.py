"""Node/axios wording for a failed HTTP (or TLS) connection: what Uptime Kuma shows, e.g.
`connect ECONNREFUSED 127.0.0.1:3024`, `getaddrinfo ENOTFOUND host`, `certificate has expired`.

Pure: an exception and the URL in, the message out (shared by the HTTP request and the port check).
"""

from __future__ import annotations

import errno as errno_module
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

_ADDRESS_IN_TEXT = re.compile(r"\('([^']+)', (\d+)")

_TLS_VERIFY_TEXT = {
    9: "certificate is not yet valid",
    10: "certificate has expired",
    18: "self-signed certificate",
    19: "self-signed certificate in certificate chain",
    20: "unable to get local issuer certificate",
    21: "unable to verify the first certificate",
    23: "certificate revoked",
}


def _node_address(host: str, port: int | None) -> str:
    return f"{host}:{port}" if port is not None else host


def _iter_causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes/contexts and the members of exception groups, depth first."""
    stack: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.append(current.__cause__)
        stack.append(current.__context__)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _tls_message(causes: list[BaseException], host: str) -> str | None:
    """The certificate-verification or other TLS failure among the causes, as OpenSSL/Node words it."""
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = getattr(cause, "verify_code", None)
            if code in (62, 64):  # hostname / IP address mismatch
                prefix = "Hostname/IP does not match certificate's altnames: "
                if _is_ip(host):
                    return f"{prefix}IP: {host.strip('[]')} is not in the cert's list"
                return f"{prefix}Host: {host}. is not in the cert's altnames"
            return _TLS_VERIFY_TEXT.get(
                -1 if code is None else code, str(getattr(cause, "verify_message", "") or cause)
            )
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "reason", None) or str(cause)
            return f"SSL routines: {reason}".replace("_", " ").lower() if reason else "SSL error"
    return None


def _socket_message(causes: list[BaseException], host: str, port: int | None, connecting: bool) -> str | None:
    """A name-resolution or socket error among the causes (`getaddrinfo …`, `connect …`, `read …`)."""
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            code = "EAI_AGAIN" if cause.errno == -3 else "ENOTFOUND"
            return f"getaddrinfo {code} {host}"
    for cause in causes:
        if isinstance(cause, OSError) and cause.errno:
            name = errno_module.errorcode.get(cause.errno, f"E{cause.errno}")
            match = _ADDRESS_IN_TEXT.search(str(cause))
            address = _node_address(match.group(1), int(match.group(2))) if match else _node_address(host, port)
            return f"connect {name} {address}" if connecting else f"read {name}"
    return None


def error_message(exc: BaseException, url: str) -> str:
    """Name a transport failure the way Node/axios would (the user compares these with Uptime Kuma)."""
    import httpx

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if isinstance(exc, httpx.TooManyRedirects):
        return "Maximum number of redirects exceeded"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"Unsupported protocol {parts.scheme}:" if parts.scheme else "Invalid URL"
    if isinstance(exc, httpx.InvalidURL):
        return "Invalid URL"
    causes = list(_iter_causes(exc))
    message = _tls_message(causes, host)
    if message is None:
        message = _socket_message(causes, host, port, isinstance(exc, httpx.ConnectError))
    if message is not None:
        return message
    if isinstance(exc, httpx.RemoteProtocolError):
        return "socket hang up"
    if isinstance(exc, httpx.ProxyError):
        return f"Proxy error: {exc}"
    return str(exc) or exc.__class__.__name__

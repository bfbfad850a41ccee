"""WebSocket Origin check (browsers do not apply CORS to websockets), as socketio-events.md §0 states."""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443, "ftp": 21}


def origin_host(origin: str) -> str | None:
    """`host[:port]` of an Origin header, or None when it is not a valid absolute URL."""
    try:
        parts = urlsplit(origin.strip())
        if not parts.scheme or not parts.netloc:
            return None
        host = parts.hostname
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        return None
    if not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if _DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        port = None  # URL.host drops the scheme's default port
    return f"{host}:{port}" if port is not None else host


def needs_trust_proxy(mode: str, origin: str | None, host: str | None) -> bool:
    """Whether deciding needs the `trustProxy` setting (only then is the database read)."""
    if mode == "bypass" or origin is None:
        return False
    wanted = origin_host(origin)
    return wanted is not None and wanted != (host or "")


def origin_allowed(
    mode: str, origin: str | None, host: str | None, forwarded_for: str | None, trust_proxy: bool
) -> bool:
    if mode == "bypass" or origin is None:
        return True  # non-browser clients send no Origin
    wanted = origin_host(origin)
    if wanted is None:
        return False
    if wanted == (host or ""):
        return True
    return bool(trust_proxy and forwarded_for is not None and wanted == forwarded_for.strip())

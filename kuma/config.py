"""One typed configuration object, built from command-line flags and the environment.

Names follow Uptime Kuma's so kuma can replace it in place (same env variables, same defaults).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kuma.clock import parse_instant

#: The Steam Web API's server list and the Globalping API, as Uptime Kuma 2.5.3 calls them.
STEAM_API_URL = "https://api.steampowered.com/IGameServersService/GetServerList/v1/"
GLOBALPING_API_URL = "https://api.globalping.io/v1"


def _first_env(env: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = env.get(name)
        if value:
            return value
    return None


def _switch(value: str | None, *, default: bool) -> bool:
    """An on/off environment variable: unset or empty is `default`; 0/false/no/off (any case) is off."""
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _mebibytes(env: Mapping[str, str], name: str, default: int) -> int:
    """A size in MiB from the environment (a positive number, fractions allowed), in bytes."""
    value = env.get(name, "").strip()
    if not value:
        return default * 2**20
    try:
        size = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of MiB, got {value!r}") from None
    if not 0 < size < 2**40:
        raise ValueError(f"{name} must be a positive number of MiB, got {value!r}")
    return int(size * 2**20)


@dataclass(frozen=True)
class Config:
    """Every setting in one frozen, typed object built by `from_sources` from flags and the environment:
    the parts are handed it (through the App), and tests build their own."""

    host: str | None = None  # None: all interfaces (IPv4 and IPv6)
    port: int = 3001
    data_dir: Path = field(default_factory=lambda: Path("./data"))
    log_level: str = "INFO"
    ws_origin_check: str = "cors-like"  # or "bypass" (UPTIME_KUMA_WS_ORIGIN_CHECK)
    disable_frame_sameorigin: bool = False
    backlog: int = 2048
    clock_start: float | None = None  # KUMA_CLOCK_START: run the wall clock from this instant (kuma/clock.py)
    # KUMA_LEGACY_LIST_EVENTS=0: no full monitorList / statusPageList after changes (kuma/api/legacy_lists.py)
    legacy_list_events: bool = True
    # Third-party APIs the steam and globalping monitors call. Tests point them at local stand-ins with
    # KUMA_STEAM_API_URL / KUMA_GLOBALPING_API_URL; nobody else needs to set them.
    steam_api_url: str = STEAM_API_URL
    globalping_api_url: str = GLOBALPING_API_URL
    # KUMA_API_RATE_PER_MINUTE: requests per minute per API key on /api/v1/ (kuma/rest/v1/auth.py)
    api_rate_per_minute: int = 600
    # KUMA_OUTBOUND_BUDGET_MB: output queued for all clients together before the slowest is dropped
    outbound_budget_bytes: int = 64 * 2**20
    # KUMA_SOCKET_OUTBOX_MB: output piled up for one client that does not read before it is dropped
    socket_outbox_bytes: int = 8 * 2**20

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kuma.db"

    @classmethod
    def from_sources(
        cls,
        *,
        host: str | None = None,
        port: int | None = None,
        data_dir: str | os.PathLike | None = None,
        log_level: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Config:
        """Flags win over environment variables, which win over defaults."""
        env = os.environ if env is None else env
        env_port = _first_env(env, "UPTIME_KUMA_PORT", "PORT")
        resolved_port = port if port is not None else int(env_port) if env_port else 3001
        if not 0 <= resolved_port <= 65535:
            raise ValueError(f"port out of range: {resolved_port}")
        return cls(
            host=host or _first_env(env, "UPTIME_KUMA_HOST", "HOST"),
            port=resolved_port,
            data_dir=Path(data_dir or _first_env(env, "DATA_DIR") or "./data"),
            log_level=(log_level or env.get("KUMA_LOG_LEVEL") or "INFO").upper(),
            ws_origin_check=env.get("UPTIME_KUMA_WS_ORIGIN_CHECK", "cors-like"),
            disable_frame_sameorigin=bool(env.get("UPTIME_KUMA_DISABLE_FRAME_SAMEORIGIN")),
            clock_start=parse_instant(env["KUMA_CLOCK_START"]) if env.get("KUMA_CLOCK_START") else None,
            legacy_list_events=_switch(env.get("KUMA_LEGACY_LIST_EVENTS"), default=True),
            steam_api_url=env.get("KUMA_STEAM_API_URL") or STEAM_API_URL,
            globalping_api_url=env.get("KUMA_GLOBALPING_API_URL") or GLOBALPING_API_URL,
            api_rate_per_minute=int(env.get("KUMA_API_RATE_PER_MINUTE") or 600),
            outbound_budget_bytes=_mebibytes(env, "KUMA_OUTBOUND_BUDGET_MB", 64),
            socket_outbox_bytes=_mebibytes(env, "KUMA_SOCKET_OUTBOX_MB", 8),
        )

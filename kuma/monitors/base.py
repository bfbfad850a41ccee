"""The interface every monitor type implements, and the registry that finds them by `monitor.type`.

A type module defines a subclass of `MonitorType` and decorates it with `@register("http")`. Its
`check()` returns a `CheckResult` for UP (or a custom status), or raises `CheckFailed` (or any exception)
whose message becomes the DOWN beat's `msg`. Custom-status types (group, manual) return a `CheckResult`
with `status` DOWN/PENDING instead of raising. The beat rules (retries, upside-down, important flags)
live in `kuma.monitoring.beat`, not here: a check only says what it saw.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from kuma.config import GLOBALPING_API_URL, STEAM_API_URL
from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import MAINTENANCE as MAINTENANCE
from kuma.status import PENDING as PENDING
from kuma.status import UP as UP


class CheckFailed(Exception):
    """The target answered wrongly or not at all; the message is shown to the user as the beat's msg.

    A failure may still carry what the check saw (the engine reads these when set): the TLS info, the
    saved response body, and column updates (e.g. DNS records that resolved but failed a condition)."""

    tls_info: dict[str, Any] | None
    response: str | None
    monitor_updates: dict[str, Any]


@dataclass
class CheckResult:
    """What a check returns for UP (or a custom status): the beat's message and ping, and what the engine
    stores beside it (TLS info, column updates, a saved response)."""

    status: int = UP
    msg: str = ""
    ping: float | None = None  # milliseconds, rounded as Uptime Kuma does per type
    #: TLS certificate info as Uptime Kuma's `certInfo` event / monitor_tls_info.info_json wants it.
    tls_info: dict[str, Any] | None = None
    #: Extra column updates on the monitor row after the check (e.g. {"dns_last_result": "..."}).
    monitor_updates: dict[str, Any] = field(default_factory=dict)
    #: Saved response body for heartbeat.response (base64 of brotli-compressed text), or None.
    #: A raised CheckFailed may carry `response`, `tls_info` and `monitor_updates` attributes the same way.
    response: str | None = None
    #: NO heartbeat is written this time (push: the last beat still covers the window); the engine runs
    #: the next check after `next_check_in` seconds (None: the interval) instead. Any type may use it.
    skip_beat: bool = False
    next_check_in: float | None = None


@dataclass
class CheckContext:
    """What a check may use besides the monitor row. Built by the supervisor; tests build their own."""

    #: Setting reader (sync, trivial): e.g. settings("tlsExpiryNotifyDays") → [7, 14, 21].
    settings: Callable[[str], Any] = lambda key: None
    #: For `group`: async fn(monitor_id) → list of (child_row, last_status or None).
    children_status: Callable[[int], Awaitable[list[tuple[dict, int | None]]]] | None = None
    #: For `push`: async fn(monitor_id) → seconds since the last heartbeat, or None if none.
    seconds_since_last_beat: Callable[[int], Awaitable[float | None]] | None = None
    #: For `push`: async fn(monitor_id) → the latest heartbeat row (dict with `status`, `time`) or None.
    last_beat: Callable[[int], Awaitable[dict | None]] | None = None
    #: Proxy row (dict from the `proxy` table) for HTTP monitors with proxy_id, else None.
    proxy: dict[str, Any] | None = None
    #: Environment for child processes (PyInstaller restores LD_LIBRARY_PATH here).
    subprocess_env: dict[str, str] | None = None
    #: Epoch seconds "now": the engine passes the app's one (pinnable) clock; the default is for tests.
    wall_clock: Callable[[], float] = time.time
    #: The third-party APIs `steam` and `globalping` query (Config.steam_api_url / globalping_api_url).
    steam_api_url: str = STEAM_API_URL
    globalping_api_url: str = GLOBALPING_API_URL
    #: For `docker`: async fn(docker_host id) → that `docker_host` row (docker_type, docker_daemon) or None.
    #: Read at every check, as Uptime Kuma does, so an edited Docker host applies without a restart.
    docker_host: Callable[[int], Awaitable[dict[str, Any] | None]] | None = None
    #: For `real-browser`: async fn(remote_browser id) → that `remote_browser` row (its `url`) or None.
    remote_browser: Callable[[int], Awaitable[dict[str, Any] | None]] | None = None
    #: The data folder (`docker-tls/`, `screenshots/`); None in tests that need neither.
    data_dir: Path | None = None
    #: The `jwtSecret` setting: real-browser screenshots are named by a JWT of the monitor id.
    jwt_secret: Callable[[], str] = lambda: ""

    def utcnow(self) -> datetime:
        """Now on the engine's wall clock, for certificate validity days."""
        return datetime.fromtimestamp(self.wall_clock(), UTC)


class MonitorType:
    """Base class. `name` is the `monitor.type` value; `check` does one check of one monitor row."""

    name: ClassVar[str] = ""
    #: push monitors' first check waits one interval (spec §1); others check at once.
    first_check_delayed: ClassVar[bool] = False
    #: A check that reports no ping gets the elapsed ms (§4.9); `docker` keeps none, as Uptime Kuma's does.
    elapsed_ping: ClassVar[bool] = True
    #: The check ends itself at the monitor's timeout (every await inside its own timeout scope), so the
    #: engine's cut at timeout + margin (kuma/monitoring/checking.py) would never fire: one scope per check less.
    self_timed: ClassVar[bool] = False

    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        raise CheckFailed(f"Monitor type not supported yet: {monitor.get('type')}")

    def beat_duration(self, monitor: Mapping[str, Any], since_previous: float | None, interval: float) -> int | None:
        """`heartbeat.duration` of a beat the engine's loop writes for this type (not under maintenance),
        or None: the column stays 0 and the beat does not set the optional "duration" key.
        `since_previous`: seconds since the latest stored beat (None: no beat yet); `interval`: the
        monitor's effective interval. Only push monitors set it (the missing-push DOWN beat)."""
        return None


_REGISTRY: dict[str, MonitorType] = {}


def register(name: str):
    def decorator(cls: type[MonitorType]) -> type[MonitorType]:
        cls.name = name
        _REGISTRY[name] = cls()
        return cls

    return decorator


def _load_all() -> None:
    if _REGISTRY.get("__loaded__"):
        return
    import kuma.monitors as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "base":
            importlib.import_module(f"kuma.monitors.{info.name}")
    _REGISTRY["__loaded__"] = MonitorType()


def get_monitor_type(name: str) -> MonitorType:
    """The type for `monitor.type`; unknown types get a base instance that reports 'not supported yet'."""
    _load_all()
    return _REGISTRY.get(name) or MonitorType()


def known_types() -> list[str]:
    _load_all()
    return sorted(k for k in _REGISTRY if k != "__loaded__")

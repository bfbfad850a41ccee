"""`docker`: a container's state from the Docker Engine API of the monitor's Docker host (spec §4.7).

`GET /containers/<docker_container>/json` over the host's unix socket or TCP URL (`tcp://` read as
`http://`; for `https://` the client certificate files in `<data>/docker-tls/<hostname>/` are used when all
three exist, as Uptime Kuma does). Running → UP ("healthy", or the no-healthcheck note), restarting or a
health check still starting → PENDING, anything else → DOWN with Uptime Kuma's wording. The verdict on the
`State` object is a pure function; the request takes at most interval × 0.8 s, like Uptime Kuma's, and no ping is reported.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from kuma.monitors._common import interval_seconds
from kuma.monitors.base import PENDING, UP, CheckContext, CheckFailed, CheckResult, MonitorType, register

NO_HEALTHCHECK = (
    "Container has not reported health and is currently {status}. As it is running, it is considered UP. "
    "Consider adding a health check for better service visibility"
)


def state_verdict(data: Any) -> tuple[int, str]:
    """(status, msg) for an inspect answer; CheckFailed (DOWN) for a stopped, paused or unhealthy one."""
    state = data.get("State") if isinstance(data, dict) else None
    if not isinstance(state, dict) or not state:
        raise CheckFailed("Container state is not available")
    if not state.get("Running"):
        raise CheckFailed(f"Container State is {_js(state.get('Status'))}")
    if state.get("Paused"):
        raise CheckFailed("Container is in a paused state")
    if state.get("Restarting"):
        return PENDING, "Container is reporting it is currently restarting"
    health = state.get("Health")
    health_status = health.get("Status") if isinstance(health, dict) else None
    if isinstance(health, dict) and health_status != "none":
        if health_status == "healthy":
            return UP, "healthy"
        if health_status == "unhealthy":
            raise CheckFailed("Container State is unhealthy according to its healthcheck")
        return PENDING, _js(health_status)
    return UP, NO_HEALTHCHECK.format(status=_js(state.get("Status")))


def _js(value: Any) -> str:
    """A value as JavaScript's string concatenation shows it (undefined for a missing key)."""
    if value is None:
        return "undefined"
    return str(value)


def base_url(daemon: str) -> str:
    """The TCP daemon URL as Uptime Kuma requests it: `tcp://` becomes `http://`."""
    return daemon.strip().replace("tcp://", "http://")


def tls_files(data_dir: Path | None, url: str) -> tuple[Path, Path, Path] | None:
    """(ca, cert, key) under `<docker-tls dir>/<hostname>/` when all three exist, else None."""
    root = os.environ.get("DOCKER_TLS_DIR_PATH") or (str(data_dir / "docker-tls") if data_dir else "")
    host = urlsplit(url).hostname
    if not root or not host:
        return None
    names = [
        os.environ.get(f"DOCKER_TLS_FILE_NAME_{kind}") or default
        for kind, default in (("CA", "ca.pem"), ("CERT", "cert.pem"), ("KEY", "key.pem"))
    ]
    paths = tuple(Path(root) / host / name for name in names)
    return (paths[0], paths[1], paths[2]) if all(p.is_file() for p in paths) else None


def _tls_context(files: tuple[Path, Path, Path]) -> ssl.SSLContext:
    """The daemon's CA and our client certificate (Docker's `--tlsverify` set-up)."""
    context = ssl.create_default_context(cafile=str(files[0]))
    context.load_cert_chain(certfile=str(files[1]), keyfile=str(files[2]))
    return context


def failure_text(exc: BaseException, host: dict[str, Any], timeout: float) -> str:
    """Node/axios wording: `connect ENOENT /var/run/docker.sock`, `timeout of 16000ms exceeded`, …"""
    import httpx

    from kuma.monitors._http_errors import error_message

    if isinstance(exc, httpx.TimeoutException):
        return f"timeout of {round(timeout * 1000)}ms exceeded"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"Request failed with status code {exc.response.status_code}"
    daemon = str(host.get("docker_daemon") or "")
    if host.get("docker_type") == "socket":
        cause: BaseException | None = exc
        while cause is not None and not (isinstance(cause, OSError) and cause.errno):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, OSError):
            import errno

            return f"connect {errno.errorcode.get(cause.errno or 0, 'EIO')} {daemon}"
    return error_message(exc, base_url(daemon))


async def inspect(host: dict[str, Any], container: str, timeout: float, data_dir: Path | None) -> Any:
    """The Engine API's inspect answer (parsed JSON) for the container."""
    import httpx

    from kuma.monitors._http_tls import client_tls_context

    plain = client_tls_context(True, None)  # cached: httpx would parse the CA bundle per client otherwise
    if host.get("docker_type") == "socket":
        transport = httpx.AsyncHTTPTransport(uds=str(host.get("docker_daemon") or ""), verify=plain)
        base = "http://localhost"
    else:
        base = base_url(str(host.get("docker_daemon") or ""))
        files = tls_files(data_dir, base) if base.startswith("https://") else None
        transport = httpx.AsyncHTTPTransport(verify=_tls_context(files) if files else plain)
    async with httpx.AsyncClient(transport=transport, base_url=base.rstrip("/"), timeout=timeout) as client:
        response = await client.get(f"/containers/{quote(container, safe='')}/json", headers={"Accept": "*/*"})
        response.raise_for_status()
        return response.json()


@register("docker")
class Docker(MonitorType):
    elapsed_ping = False

    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        host_id = monitor.get("docker_host")
        host = await ctx.docker_host(int(host_id)) if host_id and ctx.docker_host is not None else None
        if not host:
            raise CheckFailed("Failed to load docker host config")
        timeout = interval_seconds(monitor) * 0.8
        try:
            data = await inspect(host, str(monitor.get("docker_container") or ""), timeout, ctx.data_dir)
        except CheckFailed:
            raise
        except Exception as exc:
            raise CheckFailed(failure_text(exc, host, timeout)) from None
        status, msg = state_verdict(data)
        return CheckResult(status=status, msg=msg, ping=None)  # Uptime Kuma reports no ping for docker

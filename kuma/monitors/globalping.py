"""`globalping`: run one measurement (ping, http or dns by `subtype`) from a Globalping probe at `location`.

As Uptime Kuma 2.5.3 through the Globalping API: POST /measurements (limit 1, the location as a `magic`
string; the `globalpingApiToken` setting, when set, as a Bearer token), one retry when that answers 500,
then GET /measurements/<id> every half second until it is no longer in progress. Failures read
"Failed to create measurement: <type> <message>." (429: the credits text) or "Failed to fetch measurement
(<id>): …"; results are judged in `_globalping_results`. The API's address is
`CheckContext.globalping_api_url` (KUMA_GLOBALPING_API_URL, for tests).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors import _globalping_results as results
from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._http_auth import USER_AGENT, auth_header
from kuma.monitors._http_request import build_url
from kuma.monitors._http_tls import client_tls_context
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

POLL_SECONDS = 0.5


class Api:
    """The two calls of the Globalping API kuma makes, over one httpx client."""

    def __init__(self, client: Any, base: str, token: str | None) -> None:
        self.client, self.base, self.has_token = client, base.rstrip("/"), bool(token)
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    async def create(self, body: dict[str, Any]) -> str:
        response = await self.client.post(f"{self.base}/measurements", json=body, headers=self.headers)
        if response.status_code == 500:
            response = await self.client.post(f"{self.base}/measurements", json=body, headers=self.headers)
        if response.status_code == 429:
            raise CheckFailed(f"Failed to create measurement: {results.too_many_requests(self.has_token)}")
        data = _json(response)
        if response.status_code >= 400:
            raise CheckFailed(f"Failed to create measurement: {results.api_error(data.get('error'))}")
        return str(data.get("id"))

    async def finished(self, measurement_id: str) -> dict[str, Any]:
        while True:
            response = await self.client.get(f"{self.base}/measurements/{measurement_id}", headers=self.headers)
            data = _json(response)
            if response.status_code >= 400:
                error = results.api_error(data.get("error"))
                raise CheckFailed(f"Failed to fetch measurement ({measurement_id}): {error}")
            if data.get("status") != "in-progress":
                return data
            await trio.sleep(POLL_SECONDS)


def _json(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _first(measurement: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    found = measurement.get("results") or []
    if not found or not isinstance(found[0], dict):
        raise CheckFailed("Failed to fetch measurement: no probe result")
    return found[0].get("probe") or {}, found[0].get("result") or {}


async def _http(api: Api, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
    headers: dict[str, str] = {}
    auth = await auth_header(api.client, monitor)
    if auth:
        headers["Authorization"] = auth
    headers.update(results.user_headers(monitor))
    url = str(monitor.get("url") or "")
    if as_bool(monitor.get("cache_bust")):
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}uptime_kuma_cachebuster={secrets.token_hex(6)}"
    body = results.http_request(monitor, headers, build_url(url, False))
    probe, result = _first(await api.finished(await api.create(body)))
    msg, ping = results.http_verdict(monitor, probe, result)
    info = None
    if (
        not monitor.get("keyword")
        and not monitor.get("expected_value")
        and body["measurementOptions"]["protocol"] == "HTTPS"
    ):
        tls = result.get("tls")
        if isinstance(tls, dict) and not as_bool(monitor.get("ignore_tls")) and not tls.get("authorized"):
            raise CheckFailed(results.at_probe(probe, f"TLS certificate is not authorized: {tls.get('error')}"))
        info = results.tls_from_result(tls, _days_until(tls, ctx))
    return CheckResult(msg=msg, ping=ping, tls_info=info)


def _days_until(tls: Any, ctx: CheckContext) -> int:
    from datetime import datetime

    try:
        expires = datetime.fromisoformat(str(tls.get("expiresAt")).replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return 0
    return int((expires - ctx.utcnow()).total_seconds() // 86400)


async def run(api: Api, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
    subtype = str(monitor.get("subtype") or "")
    if subtype == "ping":
        probe, result = _first(await api.finished(await api.create(results.ping_request(monitor))))
        msg, ping = results.ping_verdict(probe, result)
        return CheckResult(msg=msg, ping=ping)
    if subtype == "http":
        return await _http(api, monitor, ctx)
    if subtype == "dns":
        probe, result = _first(await api.finished(await api.create(results.dns_request(monitor))))
        msg, ping, last = results.dns_verdict(monitor, probe, result)
        updates = {"dns_last_result": last} if last != monitor.get("dns_last_result") else {}
        return CheckResult(msg=msg, ping=ping, monitor_updates=updates)
    raise CheckFailed(f"Unknown Globalping subtype: {subtype}")


@register("globalping")
class Globalping(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        import httpx

        timeout = effective_timeout(monitor)
        token = ctx.settings("globalpingApiToken")
        with trio.move_on_after(timeout):
            try:
                context = client_tls_context(True, None)  # shared, not built (~20 ms of CPU) per check
                async with httpx.AsyncClient(verify=context, timeout=httpx.Timeout(timeout), trust_env=False) as client:
                    return await run(Api(client, ctx.globalping_api_url, str(token) if token else None), monitor, ctx)
            except httpx.HTTPError as exc:
                raise CheckFailed(f"Globalping API request failed: {exc}") from None
        raise CheckFailed(f"Globalping measurement timed out after {timeout:g} s")

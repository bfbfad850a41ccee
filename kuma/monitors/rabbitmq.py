"""`rabbitmq`: the management API's alarms health check on each of `rabbitmqNodes` until one passes.

GET `<node>/api/health/checks/alarms/` with Basic auth (`rabbitmqUsername`/`rabbitmqPassword`): 200 is
healthy, 503 carries the alarm in `reason`; anything else fails that node. UP when one node is healthy;
DOWN lists every node's failure (`All 2 nodes failed because Node 1: …; Node 2: …`), as Uptime Kuma does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


def nodes_of(raw: Any) -> list[str]:
    try:
        nodes = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise CheckFailed("Invalid RabbitMQ Nodes") from None
    if not isinstance(nodes, list):
        raise CheckFailed("Invalid RabbitMQ Nodes")
    if not nodes:
        raise CheckFailed("No RabbitMQ nodes configured")
    return [str(node) for node in nodes]


def health_url(base: str) -> str:
    """The alarms endpoint under the node's URL (a path in the URL is kept: `…/rabbit/api/…`)."""
    return urljoin(base if base.endswith("/") else base + "/", "api/health/checks/alarms/")


def authorization(monitor: Mapping[str, Any]) -> str:
    pair = f"{monitor.get('rabbitmq_username') or ''}:{monitor.get('rabbitmq_password') or ''}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


async def check_node(client: Any, url: str, auth: str, timeout: float) -> None:
    """Raises CheckFailed with the node's failure (axios wording), returns when healthy."""
    import httpx

    from kuma.monitors._http_errors import error_message

    try:
        response = await client.get(url, headers={"Accept": "application/json", "Authorization": auth})
    except httpx.TimeoutException:
        raise CheckFailed(f"timeout of {round(timeout * 1000)}ms exceeded") from None
    except httpx.HTTPError as exc:
        raise CheckFailed(error_message(exc, url)) from None
    if response.status_code == 200:
        return
    if response.status_code == 503:
        try:
            reason = response.json().get("reason")
        except ValueError:
            reason = None
        raise CheckFailed(str(reason) if reason is not None else "undefined")
    raise CheckFailed(f"Request failed with status code {response.status_code}")


@register("rabbitmq")
class RabbitMq(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        import httpx

        from kuma.monitors._http_tls import client_tls_context

        nodes = nodes_of(monitor.get("rabbitmq_nodes"))
        timeout = effective_timeout(monitor)
        auth, errors = authorization(monitor), []
        start = trio.current_time()
        async with httpx.AsyncClient(timeout=timeout, verify=client_tls_context(True, None), trust_env=False) as client:
            for index, node in enumerate(nodes, start=1):
                try:
                    await check_node(client, health_url(node), auth, timeout)
                except CheckFailed as exc:
                    errors.append(f"Node {index}: {exc}")
                    continue
                msg = (
                    "Node is reachable and there are no alerts in the cluster"
                    if len(nodes) == 1
                    else f"One of the {len(nodes)} nodes is reachable and there are no alerts in the cluster"
                )
                return CheckResult(msg=msg, ping=elapsed_ms(start))
        raise CheckFailed(f"All {len(errors)} nodes failed because {'; '.join(errors)}")

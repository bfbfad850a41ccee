"""`grpc-keyword`: a unary gRPC call with the JSON body; the keyword (or, inverted, its absence) in the reply.

As Uptime Kuma 2.5.3: the `.proto` text (`grpc_protobuf`) names the service (`grpc_service_name`) and
method (`grpc_method`, `check` for `Check` as protobufjs names it), the body (`grpc_body`, JSON) is encoded
with it and sent to `grpc_url` (`host:port`, TLS with `grpc_enable_tls`). The reply, as JSON text, must
contain `keyword` (or not, with `invert_keyword`): UP `<reply>, keyword [<kw>] is found`; DOWN
`keyword [<kw>] is not in [" + <reply ≤ 50> + "]` (Uptime Kuma's text, quotes and plus signs included).
A non-OK status is DOWN `<code> <NAME>: <details>`, except CANCELLED (1), which Uptime Kuma counts as an
answer. `grpc_metadata` (a JSON object) goes along as request metadata. The ping is the call's duration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._grpc_wire import GrpcError, unary_call
from kuma.monitors._proto_schema import ProtoError, find_method, find_service, parse_proto
from kuma.monitors._protobuf import decode, encode, js_json
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


def split_target(url: str) -> tuple[str, int]:
    """`host:port`, `[v6]:port` or `dns:///host:port` → (host, port); the port defaults to 443."""
    text = url.strip()
    for prefix in ("dns:///", "dns:", "grpc://", "grpcs://", "http://", "https://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.split("/", 1)[0]
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    try:
        return host, int(port) if port else 443
    except ValueError:
        raise CheckFailed(f"Invalid gRPC URL: {url}") from None


def keyword_verdict(response: str, keyword: str, invert: bool) -> str:
    found = keyword in response
    if found == (not invert):
        return f"{response}, keyword [{keyword}] {'is' if found else 'not'} found"
    shown = response[:47] + "..." if len(response) > 50 else response
    raise CheckFailed(f'keyword [{keyword}] is {"present" if found else "not"} in [" + {shown} + "]')


def _json_object(text: Any, what: str) -> dict[str, Any]:
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CheckFailed(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CheckFailed(f"{what} must be a JSON object")
    return value


async def call(monitor: Mapping[str, Any]) -> str:
    """The reply as Uptime Kuma shows it (JSON text, or `1 is considered OK because …`)."""
    try:
        schema = parse_proto(str(monitor.get("grpc_protobuf") or ""))
        service = find_service(schema, str(monitor.get("grpc_service_name") or ""))
        method = find_method(service, str(monitor.get("grpc_method") or ""))
        body = _json_object(monitor.get("grpc_body"), "Body")
        request = encode(schema, schema.messages[method.request], body)
    except ProtoError as exc:
        raise CheckFailed(str(exc)) from None
    if method.streaming:
        raise CheckFailed(f"{method.name} is a streaming method; only unary calls can be checked")
    metadata = {str(k): str(v) for k, v in _json_object(monitor.get("grpc_metadata"), "Metadata").items()}
    host, port = split_target(str(monitor.get("grpc_url") or ""))
    path = f"/{service.full_name}/{method.name}"
    reply = await unary_call(host, port, path, request, tls=as_bool(monitor.get("grpc_enable_tls")), metadata=metadata)
    if reply.status == 1:
        return f"1 is considered OK because {reply.details}"
    if reply.status != 0:
        raise GrpcError(reply.status, reply.details)
    try:
        return js_json(decode(schema, schema.messages[method.response], reply.messages[0] if reply.messages else b""))
    except ProtoError as exc:
        raise CheckFailed(str(exc)) from None


def _unavailable(exc: BaseException, url: str) -> str:
    from kuma.monitors.websocket_upgrade import connect_failure

    return f"14 UNAVAILABLE: No connection established. Last error: {connect_failure(exc, 'http://' + url)}"


@register("grpc-keyword")
class GrpcKeyword(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        start = trio.current_time()
        with trio.move_on_after(effective_timeout(monitor)):
            try:
                response = await call(monitor)
            except GrpcError as exc:
                raise CheckFailed(str(exc)) from None
            except (OSError, trio.BrokenResourceError) as exc:
                raise CheckFailed(_unavailable(exc, str(monitor.get("grpc_url") or ""))) from None
            ping = round((trio.current_time() - start) * 1000)
            msg = keyword_verdict(response, str(monitor.get("keyword") or ""), as_bool(monitor.get("invert_keyword")))
            return CheckResult(msg=msg, ping=ping)
        raise CheckFailed("4 DEADLINE_EXCEEDED: Deadline exceeded")

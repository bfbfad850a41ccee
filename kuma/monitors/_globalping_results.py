"""Pure parts of the `globalping` monitor: the measurement request bodies per subtype, and the verdict on a
finished measurement's result with Uptime Kuma 2.5.3's messages ("<probe location> : OK")."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from kuma.monitors._common import as_bool
from kuma.monitors._http_request import parse_accepted, status_accepted
from kuma.monitors.base import CheckFailed
from kuma.monitors.json_query import js_string, json_query_verdict
from kuma.monitors.keyword import snippet

CREDITS_LINK = "https://dash.globalping.io?view=add-credits"


def _ip_version(monitor: Mapping[str, Any]) -> dict[str, int]:
    family = str(monitor.get("ip_family") or "").lower()
    return {"ipVersion": 4} if family == "ipv4" else {"ipVersion": 6} if family == "ipv6" else {}


def _base(kind: str, target: str, monitor: Mapping[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "target": target,
        "inProgressUpdates": False,
        "limit": 1,
        "locations": [{"magic": monitor.get("location")}],
        "measurementOptions": {**options, **_ip_version(monitor)},
    }


def ping_request(monitor: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"packets": monitor.get("ping_count"), "protocol": monitor.get("protocol")}
    if monitor.get("protocol") == "TCP" and monitor.get("port"):
        options["port"] = monitor["port"]
    return _base("ping", str(monitor.get("hostname") or ""), monitor, options)


def http_request(monitor: Mapping[str, Any], headers: dict[str, str], url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    protocol = "HTTP2" if monitor.get("protocol") == "HTTP2" else parts.scheme.upper()
    request: dict[str, Any] = {"host": parts.hostname, "path": parts.path, "method": monitor.get("method"),
                               "headers": headers}  # fmt: skip
    if parts.query:
        request["query"] = parts.query
    options: dict[str, Any] = {"request": request, "protocol": protocol}
    if parts.port:
        options["port"] = parts.port
    if monitor.get("dns_resolve_server"):
        options["resolver"] = monitor["dns_resolve_server"]
    return _base("http", parts.hostname or "", monitor, options)


def dns_request(monitor: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"query": {"type": monitor.get("dns_resolve_type")}, "port": monitor.get("port"),
                               "protocol": monitor.get("protocol")}  # fmt: skip
    if monitor.get("dns_resolve_server"):
        options["resolver"] = monitor["dns_resolve_server"]
    return _base("dns", str(monitor.get("hostname") or ""), monitor, options)


def api_error(error: Any) -> str:
    """`<type> <message>.` and one `\\n<param>: <value>` line per parameter."""
    error = error if isinstance(error, dict) else {}
    text = f"{error.get('type')} {error.get('message')}."
    for key, value in (error.get("params") or {}).items():
        text += f"\n{key}: {value}"
    return text


def too_many_requests(has_token: bool) -> str:
    if has_token:
        return (
            "You have run out of credits. Get higher limits by sponsoring us or hosting probes. "
            f"Learn more at {CREDITS_LINK}."
        )
    return f"You have run out of credits. Get higher limits by creating an account. Sign up at {CREDITS_LINK}."


def probe_location(probe: dict[str, Any]) -> str:
    """e.g. "Ashburn (VA), US, NA, Amazon.com (AS14618), (aws-us-east-1)": the region tag ends in a digit."""
    tag = next((t for t in probe.get("tags") or [] if str(t)[-1:].isdigit()), "")
    state = f" ({probe['state']})" if probe.get("state") else ""
    where = f"{probe.get('city')}{state}, {probe.get('country')}, {probe.get('continent')}, "
    return where + f"{probe.get('network')} (AS{probe.get('asn')})" + (f", ({tag})" if tag else "")


def at_probe(probe: dict[str, Any], text: str) -> str:
    return f"{probe_location(probe)} : {text}"


def ping_verdict(probe: dict[str, Any], result: dict[str, Any]) -> tuple[str, float]:
    if result.get("status") == "failed" or not result.get("timings"):
        raise CheckFailed(at_probe(probe, f"Failed: {result.get('rawOutput')}"))
    return at_probe(probe, "OK"), float((result.get("stats") or {}).get("avg") or 0)


def http_verdict(monitor: Mapping[str, Any], probe: dict[str, Any], result: dict[str, Any]) -> tuple[str, float]:
    """Status code accepted, then keyword or JSON query (as an HTTP monitor's), else "OK"."""
    if result.get("status") == "failed":
        raise CheckFailed(at_probe(probe, f"Failed: {result.get('rawOutput')}"))
    ping = float((result.get("timings") or {}).get("total") or 0)
    code, raw = result.get("statusCode"), str(result.get("rawOutput") or "")
    if not isinstance(code, int) or not status_accepted(code, parse_accepted(monitor.get("accepted_statuscodes_json"))):
        raise CheckFailed(at_probe(probe, f"Status code {code} not accepted. Output: {raw}"))
    status_msg = at_probe(probe, f"{code} - {result.get('statusCodeName')}")
    keyword = str(monitor.get("keyword") or "")
    if keyword:
        found = keyword in raw
        if found == as_bool(monitor.get("invert_keyword")):
            where = "present" if found else "not"
            raise CheckFailed(f"{status_msg}, but keyword is {where} in [{snippet(raw)}]")
        return f"{status_msg}, keyword {'is' if found else 'not'} found", ping
    if monitor.get("expected_value"):
        operator = str(monitor.get("json_path_operator") or "")
        expected = js_string(monitor.get("expected_value"))
        try:
            passed = json_query_verdict(raw, str(monitor.get("json_path") or ""), operator, expected)
        except CheckFailed as exc:
            raise CheckFailed(at_probe(probe, str(exc))) from None
        return at_probe(probe, passed), ping
    return at_probe(probe, "OK"), ping


def dns_verdict(monitor: Mapping[str, Any], probe: dict[str, Any], result: dict[str, Any]) -> tuple[str, float, str]:
    """(message, ping, dns_last_result): the answers' values joined by " | "; `keyword` is a regex on them."""
    if result.get("status") == "failed":
        raise CheckFailed(at_probe(probe, f"Failed: {result.get('rawOutput')}"))
    values = [str(a.get("value")) for a in result.get("answers") or [] if isinstance(a, dict)]
    last_result = " | ".join(values)
    message = last_result or f"No records found. {result.get('statusCodeName')}"
    keyword = str(monitor.get("keyword") or "")
    if keyword:
        try:
            pattern = re.compile(keyword, re.IGNORECASE)
        except re.error as exc:
            raise CheckFailed(f"Invalid regular expression: /{keyword}/: {exc}") from None
        if not any(pattern.search(v) for v in values):
            raise CheckFailed(at_probe(probe, "No record matched. " + message))
    return at_probe(probe, message), float((result.get("timings") or {}).get("total") or 0), last_result


def tls_from_result(tls: Any, days_remaining: int) -> dict[str, Any] | None:
    """The `monitor_tls_info.info_json` object Uptime Kuma stores from a probe's TLS details."""
    if not isinstance(tls, dict):
        return None
    return {
        "valid": bool(tls.get("authorized")),
        "certInfo": {
            "subject": tls.get("subject"),
            "issuer": tls.get("issuer"),
            "validTo": tls.get("expiresAt"),
            "daysRemaining": days_remaining,
            "fingerprint": tls.get("fingerprint256"),
            "fingerprint256": tls.get("fingerprint256"),
            "certType": "",
        },
    }


def user_headers(monitor: Mapping[str, Any]) -> dict[str, str]:
    raw = monitor.get("headers")
    if not raw:
        return {}
    try:
        value = json.loads(str(raw))
    except ValueError as exc:
        raise CheckFailed(f"Headers are not valid JSON: {exc}") from None
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

"""`dns`: resolve `hostname` with the monitor's own resolver servers and report the records (spec §4.4).

The query goes over a connected UDP socket (TCP when truncated), so an unreachable server is reported as
Node's c-ares does it (`queryA ECONNREFUSED example.test`) rather than as a timeout. Formatting the answer
and evaluating `conditions` are pure functions.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

RECORD_TYPES = ("A", "AAAA", "CAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT")


class DnsError(Exception):
    """A c-ares style error code (ENOTFOUND, ENODATA, ETIMEOUT, ECONNREFUSED, ESERVFAIL, EREFUSED …)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def node_method(record_type: str) -> str:
    """Node's resolver method named in error texts: queryA, queryAaaa, queryMx …; PTR is a reverse lookup."""
    if record_type == "PTR":
        return "getHostByAddr"
    return "query" + record_type[0] + record_type[1:].lower()


def _name(value: Any) -> str:
    return value.to_text(omit_final_dot=True)


def record_values(rdtype: str, rdatas: list[Any]) -> list[Any]:
    """dnspython rdata → the plain values Node's resolver returns (names without the final dot)."""
    if rdtype in ("A", "AAAA"):
        return [r.address for r in rdatas]
    if rdtype in ("CNAME", "NS", "PTR"):
        return [_name(r.target) for r in rdatas]
    if rdtype == "TXT":
        return [[chunk.decode("utf-8", "replace") for chunk in r.strings] for r in rdatas]
    if rdtype == "MX":
        return [{"exchange": _name(r.exchange), "priority": r.preference} for r in rdatas]
    if rdtype == "SRV":
        return [{"name": _name(r.target), "port": r.port, "priority": r.priority, "weight": r.weight} for r in rdatas]
    if rdtype == "CAA":
        return [
            {"critical": r.flags, r.tag.decode("ascii", "replace"): r.value.decode("utf-8", "replace")} for r in rdatas
        ]
    if rdtype == "SOA":
        r = rdatas[0]
        return [
            {
                "nsname": _name(r.mname),
                "hostmaster": _name(r.rname),
                "serial": r.serial,
                "refresh": r.refresh,
                "retry": r.retry,
                "expire": r.expire,
                "minttl": r.minimum,
            }
        ]
    return [r.to_text() for r in rdatas]


def format_records(rdtype: str, values: list[Any]) -> str:
    """The beat message (and `dns_last_result`) for resolved values, per record type."""
    if rdtype in ("A", "AAAA", "PTR"):
        return "Records: " + " | ".join(values)
    if rdtype == "TXT":
        return "Records: " + " | ".join(",".join(chunks) for chunks in values)
    if rdtype == "CNAME":
        return values[0]
    if rdtype == "CAA":
        return "Records: " + " | ".join(v["issue"] for v in values if "issue" in v)
    if rdtype == "MX":
        return " | ".join(f"Hostname: {v['exchange']} - Priority: {v['priority']}" for v in values)
    if rdtype == "NS":
        return "Servers: " + " | ".join(values)
    if rdtype == "SOA":
        v = values[0]
        return (
            f"NS-Name: {v['nsname']} | Hostmaster: {v['hostmaster']} | Serial: {v['serial']} | "
            f"Refresh: {v['refresh']} | Retry: {v['retry']} | Expire: {v['expire']} | MinTTL: {v['minttl']}"
        )
    if rdtype == "SRV":
        return " | ".join(
            f"Name: {v['name']} | Port: {v['port']} | Priority: {v['priority']} | Weight: {v['weight']}" for v in values
        )
    return "Records: " + " | ".join(str(v) for v in values)


def condition_subjects(rdtype: str, values: list[Any]) -> list[str]:
    """What the `record` variable is, once per record (MX exchange, SRV name, CAA issue, SOA nsname)."""
    if rdtype == "MX":
        return [v["exchange"] for v in values]
    if rdtype == "SRV":
        return [v["name"] for v in values]
    if rdtype == "CAA":
        return [v.get("issue", "") for v in values]
    if rdtype == "SOA":
        return [v["nsname"] for v in values]
    if rdtype == "TXT":
        return [",".join(chunks) for chunks in values]
    return [str(v) for v in values]


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _expression(condition: dict[str, Any], variables: dict[str, str]) -> bool:
    left = str(variables.get(str(condition.get("variable") or ""), ""))
    right = str(condition.get("value") if condition.get("value") is not None else "")
    op = str(condition.get("operator") or "")
    strings = {
        "equals": left == right,
        "not_equals": left != right,
        "contains": right in left,
        "not_contains": right not in left,
        "starts_with": left.startswith(right),
        "not_starts_with": not left.startswith(right),
        "ends_with": left.endswith(right),
        "not_ends_with": not left.endswith(right),
    }
    if op in strings:
        return strings[op]
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False
    return {"num_equals": a == b, "num_not_equals": a != b, "lt": a < b, "gt": a > b, "lte": a <= b, "gte": a >= b}.get(
        op, False
    )


def evaluate_conditions(conditions: list[dict[str, Any]], variables: dict[str, str]) -> bool:
    """Groups and expressions combined with their `andOr` from left to right; an empty list holds."""
    result: bool | None = None
    for condition in conditions:
        if condition.get("type") == "group":
            value = evaluate_conditions(condition.get("children") or [], variables)
        else:
            value = _expression(condition, variables)
        if result is None:
            result = value
        elif str(condition.get("andOr") or "and").lower() == "or":
            result = result or value
        else:
            result = result and value
    return True if result is None else result


def parse_conditions(raw: Any) -> list[dict[str, Any]]:
    if isinstance(raw, list):
        return raw
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def query_name(hostname: str, rdtype: str) -> str:
    """PTR lookups take an IP address and ask for its reverse name."""
    if rdtype == "PTR":
        try:
            import dns.reversename

            return dns.reversename.from_address(hostname.strip()).to_text()
        except (ValueError, SyntaxError):
            raise DnsError("EINVAL") from None
    return hostname.strip()


def answer_values(response: Any, rdtype_text: str) -> list[Any]:
    """The values of the answer section for the asked type, or DnsError by rcode / empty answer."""
    import dns.rcode
    import dns.rdatatype

    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        raise DnsError("ENOTFOUND")
    if rcode == dns.rcode.SERVFAIL:
        raise DnsError("ESERVFAIL")
    if rcode == dns.rcode.REFUSED:
        raise DnsError("EREFUSED")
    if rcode == dns.rcode.NOTIMP:
        raise DnsError("ENOTIMP")
    if rcode != dns.rcode.NOERROR:
        raise DnsError("EBADRESP")
    wanted = dns.rdatatype.from_text(rdtype_text)
    rdatas = [rdata for rrset in response.answer if rrset.rdtype == wanted for rdata in rrset]
    if not rdatas:
        raise DnsError("ENODATA")
    return record_values(rdtype_text, rdatas)


async def _server_addresses(servers: str, port: int) -> list[tuple[int, tuple]]:
    """`dns_resolve_server` comma list → (family, sockaddr); host names are resolved first."""
    result: list[tuple[int, tuple]] = []
    for entry in (s.strip() for s in (servers or "").split(",")):
        if not entry:
            continue
        try:
            address = ipaddress.ip_address(entry.strip("[]"))
            family = trio.socket.AF_INET6 if address.version == 6 else trio.socket.AF_INET
            result.append((family, (str(address), port)))
            continue
        except ValueError:
            pass
        try:
            infos = await trio.socket.getaddrinfo(entry, port, type=trio.socket.SOCK_DGRAM)
        except OSError:
            continue
        result.extend((info[0], info[4]) for info in infos[:1])
    return result


async def _ask_udp(wire: bytes, family: int, sockaddr: tuple, timeout: float) -> bytes:
    sock = trio.socket.socket(family, trio.socket.SOCK_DGRAM)
    with sock:
        await sock.connect(sockaddr)
        with trio.move_on_after(timeout):
            await sock.send(wire)
            while True:
                try:
                    data = await sock.recv(65535)
                except ConnectionRefusedError:
                    raise DnsError("ECONNREFUSED") from None
                except OSError:
                    raise DnsError("ECONNREFUSED") from None
                if len(data) >= 2 and data[:2] == wire[:2]:  # same query id
                    return data
    raise DnsError("ETIMEOUT")


async def _ask_tcp(wire: bytes, sockaddr: tuple, timeout: float) -> bytes:
    with trio.move_on_after(timeout):
        try:
            stream = await trio.open_tcp_stream(sockaddr[0], sockaddr[1])
        except OSError:
            raise DnsError("ECONNREFUSED") from None
        async with stream:
            await stream.send_all(len(wire).to_bytes(2, "big") + wire)
            data = b""
            while len(data) < 2 or len(data) < 2 + int.from_bytes(data[:2], "big"):
                chunk = await stream.receive_some(65535)
                if not chunk:
                    raise DnsError("ECONNRESET")
                data += chunk
            return data[2 : 2 + int.from_bytes(data[:2], "big")]
    raise DnsError("ETIMEOUT")


async def resolve(hostname: str, rdtype: str, servers: str, port: int, timeout: float) -> list[Any]:
    """Ask each server in turn (the first usable answer wins); raise the last DnsError otherwise."""
    import dns.flags
    import dns.message

    qname = query_name(hostname, rdtype)
    addresses = await _server_addresses(servers, port)
    if not addresses:
        raise DnsError("ECONNREFUSED")
    per_server = max(timeout / len(addresses), 0.2)
    last = DnsError("ETIMEOUT")
    for family, sockaddr in addresses:
        query = dns.message.make_query(qname, rdtype)
        wire = query.to_wire()
        try:
            data = await _ask_udp(wire, family, sockaddr, per_server)
            response = dns.message.from_wire(data)
            if response.flags & dns.flags.TC:
                response = dns.message.from_wire(await _ask_tcp(wire, sockaddr, per_server))
            return answer_values(response, rdtype)
        except DnsError as exc:
            last = exc
            if exc.code in ("ENOTFOUND", "ENODATA"):  # an authoritative answer: other servers would agree
                raise
        except Exception:  # a malformed answer counts as a bad response from that server
            last = DnsError("EBADRESP")
    raise last


@register("dns")
class Dns(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        rdtype = str(monitor.get("dns_resolve_type") or "A").upper()
        hostname = str(monitor.get("hostname") or "")
        if rdtype not in RECORD_TYPES:
            raise CheckFailed(f"Unsupported DNS record type: {rdtype}")
        port = int(monitor.get("port") or 53)
        timeout = effective_timeout(monitor)
        start = trio.current_time()
        try:
            values = await resolve(hostname, rdtype, str(monitor.get("dns_resolve_server") or ""), port, timeout)
        except DnsError as exc:
            raise CheckFailed(f"{node_method(rdtype)} {exc.code} {hostname}") from None
        message = format_records(rdtype, values)
        updates = {} if monitor.get("dns_last_result") == message else {"dns_last_result": message}
        conditions = parse_conditions(monitor.get("conditions"))
        if conditions and not any(
            evaluate_conditions(conditions, {"record": subject}) for subject in condition_subjects(rdtype, values)
        ):
            failed = CheckFailed(message)
            failed.monitor_updates = updates  # the records did resolve
            raise failed
        return CheckResult(msg=message, ping=elapsed_ms(start), monitor_updates=updates)

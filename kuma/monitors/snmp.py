"""`snmp`: GET one OID (`snmp_oid`) and compare its value with the JSON-query condition, as Uptime Kuma does.

v1 / v2c use the community (Uptime Kuma keeps it in `radius_password`); v3 uses `snmp_v3_username` at
noAuthNoPriv (the only level 2.5.3 offers), after the usual engine-ID discovery. The value goes through
the json-query comparison (`json_path`, `json_path_operator`, `expected_value`): "JSON query passes
(comparing 72 == 72)". The messages are built with our own BER (`_ber.py`) over an unconnected UDP socket,
so, as with Uptime Kuma's net-snmp, an unreachable agent or a wrong community is a timeout
("Request timed out"); the request is re-sent `maxretries` times within the monitor's timeout.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import trio

from kuma.monitors import _ber as ber
from kuma.monitors._common import effective_timeout, elapsed_ms
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register
from kuma.monitors.json_query import json_query_verdict

GET_REQUEST, RESPONSE, REPORT = 0xA0, 0xA2, 0xA8
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82
VERSIONS = {"1": 0, "2c": 1, "3": 3}
#: RFC 3416 error-status values, named as net-snmp names them in its errors.
ERROR_STATUS = (
    "NoError TooBig NoSuchName BadValue ReadOnly GeneralError NoAccess WrongType WrongLength WrongEncoding "
    "WrongValue NoCreation InconsistentValue ResourceUnavailable CommitFailed UndoFailed AuthorizationError "
    "NotWritable InconsistentName"
).split()
UNKNOWN_ENGINE_ID = "1.3.6.1.6.3.15.1.1.4.0"
REPORTS = {
    "1.3.6.1.6.3.15.1.1.1.0": "Unsupported security level",
    "1.3.6.1.6.3.15.1.1.2.0": "Not in time window",
    "1.3.6.1.6.3.15.1.1.3.0": "Unknown user name",
    UNKNOWN_ENGINE_ID: "Unknown engine ID",
    "1.3.6.1.6.3.15.1.1.5.0": "Wrong digest",
    "1.3.6.1.6.3.15.1.1.6.0": "Decryption error",
}


class SnmpTimeout(Exception):
    pass


@dataclass
class Answer:
    """A decoded answer PDU, with the v3 engine parameters it carried (for discovery)."""

    pdu_tag: int
    request_id: int
    error_status: int
    varbinds: list[tuple[str, ber.Node]]
    engine: tuple[bytes, int, int] | None = None
    msg_id: int | None = None


def get_pdu(request_id: int, oid: str) -> bytes:
    varbind = ber.sequence(ber.oid(oid), ber.null())
    return ber.sequence(ber.integer(request_id), ber.integer(0), ber.integer(0), ber.sequence(varbind), tag=GET_REQUEST)


def community_message(version: int, community: str, pdu: bytes) -> bytes:
    return ber.sequence(ber.integer(version), ber.octets(community), pdu)


def v3_message(msg_id: int, engine: tuple[bytes, int, int], user: str, pdu: bytes) -> bytes:
    """noAuthNoPriv, reportable; the scoped PDU's context engine is the agent's (empty while discovering)."""
    engine_id, boots, engine_time = engine
    header = ber.sequence(ber.integer(msg_id), ber.integer(65507), ber.octets(b"\x04"), ber.integer(3))
    usm = ber.sequence(
        ber.octets(engine_id), ber.integer(boots), ber.integer(engine_time), ber.octets(user),
        ber.octets(b""), ber.octets(b""),
    )  # fmt: skip
    scoped = ber.sequence(ber.octets(engine_id), ber.octets(b""), pdu)
    return ber.sequence(ber.integer(3), header, ber.octets(usm), scoped)


def _pdu_answer(pdu: ber.Node) -> Answer:
    request_id, status, _index, varbinds = pdu.children[:4]
    pairs = [(vb.children[0].as_oid(), vb.children[1]) for vb in varbinds.children if len(vb.children) == 2]
    return Answer(pdu.tag, request_id.as_int(), status.as_int(), pairs)


def parse_answer(data: bytes) -> Answer:
    """Any version's answer message → its PDU; BerError/IndexError when it is not SNMP."""
    top = ber.decode(data)
    version = top.children[0].as_int()
    if version != 3:
        return _pdu_answer(top.children[2])
    usm = ber.decode(top.children[2].raw).children
    scoped = top.children[3]
    answer = _pdu_answer(scoped.children[2])
    answer.msg_id = top.children[1].children[0].as_int()
    answer.engine = (usm[0].raw, usm[1].as_int(), usm[2].as_int())
    return answer


def value_text(node: ber.Node) -> str:
    """The varbind value as the text the JSON query reads: numbers, strings, dotted OIDs and IPs, or `null`."""
    if node.tag == ber.INTEGER or node.tag in (0x41, 0x42, 0x43, 0x46, 0x47):
        return str(node.as_int())
    if node.tag == ber.OID:
        return node.as_oid()
    if node.tag == 0x40 and len(node.raw) == 4:
        return ".".join(str(b) for b in node.raw)
    if node.tag in (ber.OCTET_STRING, 0x44):
        return node.raw.decode("utf-8", "replace")
    return "null"


class Session:
    """One agent over an unconnected UDP socket: a request re-sent until an answer with its id arrives."""

    def __init__(self, sock: trio.socket.SocketType, address: Any, deadline: float, attempts: int) -> None:
        self.sock, self.address, self.deadline, self.attempts = sock, address, deadline, max(1, attempts)

    async def exchange(self, message: bytes, request_id: int, msg_id: int | None = None) -> Answer:
        """Send `message` and wait for the answer with our request id, resending it `attempts` times within the
        deadline (stray or garbled datagrams are skipped)."""
        remaining = self.deadline - trio.current_time()
        step = remaining / self.attempts
        for _ in range(self.attempts):
            await self.sock.sendto(message, self.address)
            with trio.move_on_at(min(self.deadline, trio.current_time() + step)):
                while True:
                    data, _source = await self.sock.recvfrom(65535)
                    try:
                        answer = parse_answer(data)
                    except (ber.BerError, IndexError):
                        continue
                    if answer.request_id == request_id or (msg_id is not None and answer.msg_id == msg_id):
                        return answer
        raise SnmpTimeout()


async def _get_v3(session: Session, user: str, oid: str) -> Answer:
    request_id, msg_id = random.randrange(1, 2**31 - 1), random.randrange(1, 2**31 - 1)
    probe = v3_message(msg_id, (b"", 0, 0), "", get_pdu(request_id, oid))
    discovery = await session.exchange(probe, request_id, msg_id)
    if discovery.engine is None or not discovery.engine[0]:
        raise CheckFailed("SNMPv3 engine discovery failed")
    request_id, msg_id = random.randrange(1, 2**31 - 1), random.randrange(1, 2**31 - 1)
    message = v3_message(msg_id, discovery.engine, user, get_pdu(request_id, oid))
    return await session.exchange(message, request_id, msg_id)


async def snmp_get(monitor: Mapping[str, Any], oid: str, deadline: float) -> Answer:
    """The answer for `oid` from the monitor's agent (v1/v2c community, v3 noAuthNoPriv after discovery),
    resent up to maxretries times before `deadline`."""
    host = str(monitor.get("hostname") or "").strip()
    port = int(monitor.get("port") or 161)
    version = VERSIONS.get(str(monitor.get("snmp_version") or ""), 0)
    try:
        infos = await trio.socket.getaddrinfo(host, port, type=trio.socket.SOCK_DGRAM)
    except OSError as exc:
        raise CheckFailed(f"getaddrinfo ENOTFOUND {host}") from exc
    family, _type, _proto, _name, address = infos[0]
    attempts = int(monitor.get("maxretries") or 0) + 1
    with trio.socket.socket(family, trio.socket.SOCK_DGRAM) as sock:
        session = Session(sock, address, deadline, attempts)
        if version == 3:
            user = str(monitor.get("snmp_v3_username") or "")
            return await _get_v3(session, user, oid)
        request_id = random.randrange(1, 2**31 - 1)
        community = str(monitor.get("radius_password") or "")
        return await session.exchange(community_message(version, community, get_pdu(request_id, oid)), request_id)


def verdict(monitor: Mapping[str, Any], oid: str, answer: Answer) -> str:
    """UP message or CheckFailed with Uptime Kuma's text for reports, errors and missing instances."""
    if answer.pdu_tag == REPORT:
        reported = answer.varbinds[0][0] if answer.varbinds else ""
        raise CheckFailed(f"SNMPv3 report: {REPORTS.get(reported, reported)}")
    if answer.error_status:
        status = answer.error_status
        raise CheckFailed(ERROR_STATUS[status] if status < len(ERROR_STATUS) else f"Error status {status}")
    if not answer.varbinds:
        raise CheckFailed(f"No varbinds returned from SNMP session (OID: {oid})")
    value = answer.varbinds[0][1]
    if value.tag == NO_SUCH_INSTANCE:
        raise CheckFailed(f"The SNMP query returned that no instance exists for OID {oid}")
    expected = monitor.get("expected_value")
    return json_query_verdict(
        value_text(value),
        str(monitor.get("json_path") or ""),
        str(monitor.get("json_path_operator") or ""),
        "" if expected is None else str(expected),
    )


@register("snmp")
class Snmp(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        oid = str(monitor.get("snmp_oid") or "").strip()
        if str(monitor.get("snmp_version")) == "3" and not monitor.get("snmp_v3_username"):
            raise CheckFailed("SNMPv3 username is required")
        try:
            ber.oid(oid)
        except ValueError:
            raise CheckFailed(f"Invalid OID: {oid}") from None
        start = trio.current_time()
        try:
            answer = await snmp_get(monitor, oid, start + effective_timeout(monitor))
        except SnmpTimeout:
            raise CheckFailed("Request timed out") from None
        return CheckResult(msg=verdict(monitor, oid, answer), ping=elapsed_ms(start))

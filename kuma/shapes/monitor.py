"""The Monitor JSON clients receive (monitorList, updateMonitorIntoList, getMonitor, notifications).

`monitor_json` is pure: one `monitor` row plus its related facts (`MonitorExtras`) → the 119-key dict in
Uptime Kuma 2.5.3's order (data-model.md §4). Everything here is pure; the reads that feed it
(`load_monitor_jsons`, `monitor_list(app, user_id)` …) live in `kuma.views.monitors`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kuma.shapes.jsnum import js_number

# How a key's value is made from its column: raw value, Boolean(x), JSON.parse(text), or computed.
RAW, BOOL, JSON_, COMPUTED = "raw", "bool", "json", "computed"


def camel_to_snake(key: str) -> str:
    """Uptime Kuma's ORM rule: split before each capital, lower-case, join with `_`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _spec(key: str, kind: str = RAW, column: str | None = None) -> tuple[str, str, str]:
    return key, kind, column or camel_to_snake(key)


#: Keys sent to everyone (notifications too), in order. The non-sensitive variant ends here.
PUBLIC_KEYS: list[tuple[str, str, str]] = [
    _spec("id"),
    _spec("name"),
    _spec("description"),
    _spec("path", COMPUTED),
    _spec("pathName", COMPUTED),
    _spec("parent"),
    _spec("childrenIDs", COMPUTED),
    _spec("url"),
    _spec("wsIgnoreSecWebsocketAcceptHeader", BOOL),
    _spec("wsSubprotocol"),
    _spec("method"),
    _spec("hostname"),
    _spec("port"),
    _spec("location"),
    _spec("protocol"),
    _spec("maxretries"),
    _spec("weight"),
    _spec("active", COMPUTED),
    _spec("forceInactive", COMPUTED),
    _spec("type"),
    _spec("subtype"),
    _spec("timeout"),
    _spec("interval"),
    _spec("retryInterval"),
    _spec("retryOnlyOnStatusCodeFailure", BOOL),
    _spec("resendInterval"),
    _spec("keyword"),
    _spec("invertKeyword", BOOL),
    _spec("expiryNotification", BOOL),
    _spec("domainExpiryNotification", BOOL),
    _spec("ignoreTls", BOOL),
    _spec("upsideDown", BOOL),
    _spec("packetSize"),
    _spec("maxredirects"),
    _spec("accepted_statuscodes", JSON_, "accepted_statuscodes_json"),
    _spec("dns_resolve_type"),
    _spec("dns_resolve_server"),
    _spec("dns_last_result"),
    _spec("docker_container"),
    _spec("docker_host"),
    _spec("proxyId"),
    _spec("notificationIDList", COMPUTED),
    _spec("tags", COMPUTED),
    _spec("maintenance", COMPUTED),
    _spec("mqttTopic"),
    _spec("mqttSuccessMessage"),
    _spec("mqttCheckType"),
    _spec("databaseQuery"),
    _spec("authMethod"),
    _spec("grpcUrl"),
    _spec("grpcProtobuf"),
    _spec("grpcMethod"),
    _spec("grpcServiceName"),
    _spec("grpcEnableTls", BOOL),
    _spec("radiusCalledStationId"),
    _spec("radiusCallingStationId"),
    _spec("game"),
    _spec("gamedigGivenPortOnly", BOOL),
    _spec("httpBodyEncoding"),
    _spec("jsonPath"),
    _spec("expectedValue"),
    _spec("system_service_name"),
    _spec("kafkaProducerTopic"),
    _spec("kafkaProducerBrokers", JSON_),
    _spec("kafkaProducerSsl", BOOL),
    _spec("kafkaProducerAllowAutoTopicCreation", BOOL),
    _spec("kafkaProducerMessage"),
    _spec("screenshot", COMPUTED),
    _spec("cacheBust", BOOL),
    _spec("remote_browser"),
    _spec("screenshot_delay"),
    _spec("snmpOid"),
    _spec("jsonPathOperator"),
    _spec("snmpVersion"),
    _spec("smtpSecurity"),
    _spec("rabbitmqNodes", JSON_),
    _spec("conditions", JSON_),
    _spec("ntpStratumThreshold"),
    _spec("ntpTimeOffsetThreshold"),
    _spec("ntpRootDispersionThreshold"),
    _spec("ipFamily"),
    _spec("expectedTlsAlert"),
    _spec("ping_numeric", BOOL),
    _spec("ping_count"),
    _spec("ping_per_request_timeout"),
    _spec("saveResponse", BOOL),
    _spec("saveErrorResponse", BOOL),
    _spec("responseMaxLength"),
]

#: Keys only sent to the owner's sockets (includeSensitiveData = true), in order.
SENSITIVE_KEYS: list[tuple[str, str, str]] = [
    _spec("headers"),
    _spec("body"),
    _spec("grpcBody"),
    _spec("grpcMetadata"),
    _spec("basic_auth_user"),
    _spec("basic_auth_pass"),
    _spec("oauth_client_id"),
    _spec("oauth_client_secret"),
    _spec("oauth_token_url"),
    _spec("oauth_scopes"),
    _spec("oauth_audience"),
    _spec("oauth_auth_method"),
    _spec("bearer_token"),
    _spec("gamedigToken"),
    _spec("pushToken"),
    _spec("databaseConnectionString"),
    _spec("radiusUsername"),
    _spec("radiusPassword"),
    _spec("radiusSecret"),
    _spec("mqttUsername"),
    _spec("mqttPassword"),
    _spec("mqttWebsocketPath"),
    _spec("authWorkstation"),
    _spec("authDomain"),
    _spec("tlsCa"),
    _spec("tlsCert"),
    _spec("tlsKey"),
    _spec("kafkaProducerSaslOptions", JSON_),
    _spec("rabbitmqUsername"),
    _spec("rabbitmqPassword"),
]

ALL_KEYS = PUBLIC_KEYS + SENSITIVE_KEYS

#: JSON key → column, for every key that is stored in a column (add/edit use this too).
KEY_TO_COLUMN: dict[str, str] = {k: c for k, kind, c in PUBLIC_KEYS + SENSITIVE_KEYS if kind != COMPUTED}
KEY_TO_COLUMN["id"] = "id"


@dataclass
class MonitorExtras:
    """Facts about a monitor that are not in its own row."""

    path: list[Any] = field(default_factory=list)
    children_ids: list[int] = field(default_factory=list)
    active: bool = True  # own active flag AND every ancestor active
    force_inactive: bool = False  # some ancestor is paused
    notification_ids: list[int] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    maintenance: bool = False
    screenshot: str | None = None


def _parse_json(text: Any) -> Any:
    if text is None or not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON (hand-edited row): show it as stored rather than fail the whole list


def _value(row: dict[str, Any], kind: str, column: str) -> Any:
    raw = row.get(column)
    if kind == BOOL:
        return bool(raw)
    if kind == JSON_:
        return _parse_json(raw)
    return js_number(raw)


def _computed(key: str, extras: MonitorExtras) -> Any:
    if key == "path":
        return list(extras.path)
    if key == "pathName":
        return " / ".join("" if p is None else str(p) for p in extras.path) if extras.path != [None] else ""
    if key == "childrenIDs":
        return list(extras.children_ids)
    if key == "active":
        return extras.active
    if key == "forceInactive":
        return extras.force_inactive
    if key == "notificationIDList":
        return {str(n): True for n in extras.notification_ids}
    if key == "tags":
        return [dict(t) for t in extras.tags]
    if key == "maintenance":
        return extras.maintenance
    if key == "screenshot":
        return extras.screenshot
    raise KeyError(key)


def monitor_json(row: dict[str, Any], extras: MonitorExtras, *, include_sensitive: bool = True) -> dict[str, Any]:
    """Uptime Kuma's Monitor.toJSON: 119 keys with sensitive data, 90 without."""
    out: dict[str, Any] = {}
    get = row.get
    for key, kind, column in ALL_KEYS if include_sensitive else PUBLIC_KEYS:
        if kind is RAW:  # the common case, inlined: this runs ~110 times per monitor
            value = get(column)
            if value.__class__ is float and value.is_integer():
                value = int(value)
            out[key] = value
        elif kind is BOOL:
            out[key] = bool(get(column))
        elif kind is JSON_:
            out[key] = _parse_json(get(column))
        else:
            out[key] = _computed(key, extras)
    if out.get("responseMaxLength") is None:
        out["responseMaxLength"] = 1024
    out["includeSensitiveData"] = include_sensitive
    return out


class Plan:
    """How `kuma.views.monitors.load_monitor_jsons` builds Monitor JSON fast: the store selects `columns` in
    key order (NULL for computed keys), `dict(zip(keys, row))` makes the dict in C, and only the non-raw
    positions are fixed up in Python. Gives exactly `monitor_json`'s output (tests compare both)."""

    def __init__(self, columns: set[str]) -> None:
        #: the column of each key in key order; None (selected as NULL) for computed or missing columns
        self.columns: list[str | None] = [
            column if kind != COMPUTED and column in columns else None for _, kind, column in ALL_KEYS
        ]
        self.keys = [key for key, _, _ in ALL_KEYS]
        self.raw = [n for n, (_, kind, _) in enumerate(ALL_KEYS) if kind is RAW]
        self.bools = [n for n, (_, kind, _) in enumerate(ALL_KEYS) if kind is BOOL]
        self.jsons = [n for n, (_, kind, _) in enumerate(ALL_KEYS) if kind is JSON_]
        self.computed = [(n, key) for n, (key, kind, _) in enumerate(ALL_KEYS) if kind is COMPUTED]
        self.public_count = len(PUBLIC_KEYS)

    def build(self, row: tuple, extras: MonitorExtras, include_sensitive: bool) -> dict[str, Any]:
        """One Monitor JSON from a row in this layout's column order: only the Boolean, JSON and computed
        keys are touched, every other value goes out as read."""
        values = list(row)
        if float in map(type, values):  # rare: integral floats print as integers (raw keys only)
            for n in self.raw:
                value = values[n]
                if value.__class__ is float and value.is_integer():
                    values[n] = int(value)
        for n in self.bools:
            values[n] = bool(values[n])
        for n in self.jsons:
            values[n] = _parse_json(values[n])
        for n, key in self.computed:
            values[n] = _computed(key, extras)
        out = dict(zip(self.keys if include_sensitive else self.keys[: self.public_count], values))
        if out.get("responseMaxLength") is None:
            out["responseMaxLength"] = 1024
        out["includeSensitiveData"] = include_sensitive
        return out


# -- the monitor tree -----------------------------------------------------------------------------------


@dataclass
class TreeNode:
    id: int
    name: Any
    parent: int | None
    active: bool


class MonitorTree:
    """Parent/child links of every monitor: paths, descendants and inherited pause state."""

    def __init__(self, nodes: Iterable[TreeNode]) -> None:
        self.nodes: dict[int, TreeNode] = {n.id: n for n in nodes}
        self.children: dict[int, list[int]] = {}
        for node in self.nodes.values():  # nodes arrive in id order, so children lists are too
            if node.parent is not None:
                self.children.setdefault(node.parent, []).append(node.id)

    def ancestors(self, monitor_id: int) -> list[int]:
        """Parent first, root last; stops on a cycle or a dangling parent id."""
        out: list[int] = []
        seen = {monitor_id}
        node = self.nodes.get(monitor_id)
        while node is not None and node.parent is not None and node.parent not in seen:
            seen.add(node.parent)
            out.append(node.parent)
            node = self.nodes.get(node.parent)
        return out

    def path(self, monitor_id: int) -> list[Any]:
        chain = [monitor_id, *self.ancestors(monitor_id)]
        return [self.nodes[i].name for i in reversed(chain) if i in self.nodes]

    def descendants(self, monitor_id: int) -> list[int]:
        """Depth first, each child followed by its own descendants."""
        out: list[int] = []
        seen = {monitor_id}

        def walk(parent: int) -> None:
            for child in self.children.get(parent, []):
                if child not in seen:
                    seen.add(child)
                    out.append(child)
                    walk(child)

        walk(monitor_id)
        return out

    def parents_active(self, monitor_id: int) -> bool:
        return all(self.nodes[a].active for a in self.ancestors(monitor_id) if a in self.nodes)


def build_tree(rows: Iterable[tuple[int, Any, int | None, bool]]) -> MonitorTree:
    """The tree from (id, name, parent, active) rows in id order (`kuma.store.monitor_lists.tree_rows`)."""
    return MonitorTree(TreeNode(*row) for row in rows)


# -- computed keys ----------------------------------------------------------------------------------


def screenshot_path(monitor_id: int, jwt_secret: str | None) -> str | None:
    """`/screenshots/<HS256 JWT whose payload is the id>.png`, as real-browser monitors expose it."""
    if not jwt_secret:
        return None

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(str(monitor_id).encode())
    signature = hmac.new(jwt_secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"/screenshots/{signing_input}.{b64(signature)}.png"


def tag_item(tag_id: int, monitor_id: int, value: Any, name: Any, color: Any) -> dict[str, Any]:
    """One entry of a monitor's `tags` (a missing value is sent as "")."""
    return {
        "tag_id": tag_id,
        "monitor_id": monitor_id,
        "value": value if value is not None else "",
        "name": name,
        "color": color,
    }


def monitor_extras(
    monitor_id: int,
    active: Any,
    monitor_type: Any,
    tree: MonitorTree,
    *,
    notification_ids: list[int],
    tags: list[dict[str, Any]],
    in_maintenance: bool,
    jwt_secret: str | None,
) -> MonitorExtras:
    """The computed keys' facts of one monitor: tree position, inherited pause, links, screenshot."""
    parents_active = tree.parents_active(monitor_id)
    return MonitorExtras(
        path=tree.path(monitor_id),
        children_ids=tree.descendants(monitor_id),
        active=bool(active) and parents_active,
        force_inactive=not parents_active,
        notification_ids=notification_ids,
        tags=tags,
        maintenance=in_maintenance,
        screenshot=screenshot_path(monitor_id, jwt_secret) if monitor_type == "real-browser" else None,
    )

"""`/api/v1/monitors`: the monitor operations of `kuma.domain.monitors`, with `RoomChanges` as the
`MonitorChanges` port, so a change made here reaches every open dashboard of the owner as it does over
Socket.IO (`updateMonitorIntoList` / `deleteMonitorFromList`)."""

from __future__ import annotations

import secrets
import string
from typing import Any

from kuma.api.monitors import RoomChanges
from kuma.domain import monitors as domain
from kuma.domain import tags as tag_domain
from kuma.domain.errors import DomainError
from kuma.monitoring import uptime as upt
from kuma.rest.v1.routing import Api, Call, Invalid, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import HEARTBEAT, MONITOR, list_of, page_of
from kuma.rest.v1.timeparse import instant, utc_text
from kuma.shapes.heartbeat import raw_row
from kuma.shapes.jsnum import js_number
from kuma.store import rest_reads
from kuma.store.monitors_write import get_monitor_row
from kuma.views.monitors import monitor_entries

api = Api()
TAG = "monitors"

LIST_QUERY = Schema(
    "MonitorListQuery",
    {
        "type": Field("string", description="only monitors of this type"),
        "active": Field("boolean", description="only active (true) or paused (false) monitors"),
        "tag": Field("string", description="only monitors carrying a tag of this name"),
        "q": Field("string", description="text in the name, URL or hostname (case-insensitive)"),
        "limit": Field("integer", minimum=1, maximum=1000, default=100),
        "offset": Field("integer", minimum=0, default=0),
    },
)
MONITOR_INPUT = Schema(
    "MonitorInput",
    {
        "type": Field("string", required=True, description="http, keyword, port, ping, push, group, …"),
        "name": Field("string", required=True, min_length=1, max_length=150),
        "url": Field("string"),
        "hostname": Field("string", nullable=True),
        "port": Field("integer", nullable=True, minimum=0, maximum=65535),
        "interval": Field("integer", minimum=20, maximum=86400, default=60),
        "retryInterval": Field("integer", minimum=20, maximum=86400, description="default: interval"),
        "maxretries": Field("integer", minimum=0, default=0),
        "active": Field("boolean"),
        "parent": Field("integer", nullable=True),
        "description": Field("string", nullable=True),
        "notificationIDList": Field("object", description='{"<notification id>": true}', default={}),
        "accepted_statuscodes": Field("array", items=Field("string"), default=["200-299"]),
        "pushToken": Field("string", nullable=True, description="push monitors: default a new random token"),
    },
    extra=True,
    description="The object Socket.IO's `add` takes; keys not listed here are passed on and checked there",
)
MONITOR_PATCH = Schema(
    "MonitorPatch",
    {key: Field(**{**spec.__dict__, "required": False, "default": None}) for key, spec in MONITOR_INPUT.fields.items()},
    extra=True,
    description="Only the keys sent change",
)
DELETE_QUERY = Schema("MonitorDeleteQuery", {"deleteChildren": Field("boolean", default=False)})
CLONE_INPUT = Schema("MonitorClone", {"name": Field("string", min_length=1, max_length=150)})
RANGE_QUERY = Schema(
    "TimeRange",
    {
        "from": Field("string", description="epoch seconds or ISO 8601; default: `to` minus 24 hours"),
        "to": Field("string", description="epoch seconds or ISO 8601; default: now"),
    },
)
UPTIME_QUERY = Schema("UptimeQuery", {"period": Field("string", enum=("24h", "30d", "1y")), **RANGE_QUERY.fields})
CHART_QUERY = Schema("ChartQuery", {"period": Field("number", minimum=0, maximum=8760, default=24)})
UPTIME = Schema(
    "Uptime",
    {
        "uptime": Field("number", required=True, description="ratio 0..1 (PENDING counts as down)"),
        "avgPing": Field("number", nullable=True, required=True),
        "from": Field("number", required=True),
        "to": Field("number", required=True),
    },
)
TOKEN_ALPHABET = string.ascii_letters + string.digits
PERIODS = {"24h": "24", "30d": "720", "1y": "1y"}


async def owned(call: Call, monitor_id: int) -> dict[str, Any]:
    """The caller's monitor row, or 404."""
    row = await call.app.db.read(lambda db: get_monitor_row(db, monitor_id))
    if row is None or row.get("user_id") != call.user_id:
        raise NotFound("Monitor not found")
    return row


async def monitor_json(call: Call, monitor_id: int) -> dict[str, Any]:
    found = await monitor_entries(call.app, [monitor_id], user_id=call.user_id)
    if str(monitor_id) not in found:
        raise NotFound("Monitor not found")
    return found[str(monitor_id)]


def _matches(item: dict[str, Any], query: dict[str, Any]) -> bool:
    """One entry of `rest_reads.monitor_index` against the list's filters."""
    if query["type"] is not None and item["type"] != query["type"]:
        return False
    if query["active"] is not None and item["active"] != query["active"]:
        return False
    if query["tag"] is not None and query["tag"] not in item["tags"]:
        return False
    if query["q"]:
        needle = query["q"].lower()
        return any(needle in str(text).lower() for text in (item["name"], item["url"], item["hostname"]) if text)
    return True


@api.get(
    "/monitors", "List monitors (filters and paging)", TAG, query=LIST_QUERY, response=page_of("MonitorPage", MONITOR)
)
async def list_monitors(call: Call) -> dict[str, Any]:
    """Filters run over a light index (one read); Monitor JSON is built only for the page asked for."""
    index = await call.app.db.read(lambda db: rest_reads.monitor_index(db, call.user_id))
    chosen = [item["id"] for item in index if _matches(item, call.query)]
    start, limit = call.query["offset"], call.query["limit"]
    page = chosen[start : start + limit]
    found = await monitor_entries(call.app, page, user_id=call.user_id) if page else {}
    items = [found[str(i)] for i in page if str(i) in found]
    return {"total": len(chosen), "limit": limit, "offset": start, "items": items}


@api.get("/monitors/{id}", "Get one monitor", TAG, response=MONITOR)
async def get_monitor(call: Call) -> dict[str, Any]:
    return await monitor_json(call, call.ids["id"])


def with_defaults(body: dict[str, Any]) -> dict[str, Any]:
    """What the dashboard's form pre-fills, for the keys a REST caller left out."""
    data = {key: spec.default for key, spec in MONITOR_INPUT.fields.items() if spec.default is not None}
    data.update(body)
    data.setdefault("retryInterval", data["interval"])
    if data.get("type") == "push" and not data.get("pushToken"):
        data["pushToken"] = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(32))
    return data


@api.post("/monitors", "Create a monitor", TAG, body=MONITOR_INPUT, response=MONITOR, status=201)
async def create_monitor(call: Call) -> dict[str, Any]:
    data = with_defaults(call.body)
    monitor_id = await domain.add(call.app, call.user_id, data, RoomChanges(call.app, call.user_id))
    return await monitor_json(call, monitor_id)


@api.patch("/monitors/{id}", "Change a monitor (only the keys sent)", TAG, body=MONITOR_PATCH, response=MONITOR)
async def update_monitor(call: Call) -> dict[str, Any]:
    monitor_id = call.ids["id"]
    current = await monitor_json(call, monitor_id)
    # editMonitor wants the status-code list on every edit (Uptime Kuma checks it each time): keep the stored one
    data = {"accepted_statuscodes": current.get("accepted_statuscodes"), **call.body, "id": monitor_id}
    await domain.edit(call.app, call.user_id, data, RoomChanges(call.app, call.user_id))
    return await monitor_json(call, monitor_id)


@api.delete("/monitors/{id}", "Delete a monitor", TAG, query=DELETE_QUERY, status=204)
async def delete_monitor(call: Call) -> None:
    monitor_id = call.ids["id"]
    await owned(call, monitor_id)
    changes = RoomChanges(call.app, call.user_id)
    await domain.delete(call.app, call.user_id, monitor_id, call.query["deleteChildren"] is True, changes)


@api.post("/monitors/{id}/pause", "Pause a monitor", TAG, response=MONITOR)
async def pause_monitor(call: Call) -> dict[str, Any]:
    await owned(call, call.ids["id"])
    await domain.pause(call.app, call.user_id, call.ids["id"], RoomChanges(call.app, call.user_id))
    return await monitor_json(call, call.ids["id"])


@api.post("/monitors/{id}/resume", "Resume a paused monitor", TAG, response=MONITOR)
async def resume_monitor(call: Call) -> dict[str, Any]:
    await owned(call, call.ids["id"])
    await domain.resume(call.app, call.user_id, call.ids["id"], RoomChanges(call.app, call.user_id))
    return await monitor_json(call, call.ids["id"])


#: Keys of the Monitor JSON that describe the stored monitor, not what `add` takes.
NOT_CLONED = ("id", "path", "pathName", "childrenIDs", "tags", "forceInactive", "includeSensitiveData", "screenshot")


@api.post(
    "/monitors/{id}/clone",
    "Copy a monitor (with its tags and notifications)",
    TAG,
    body=CLONE_INPUT,
    response=MONITOR,
    status=201,
)
async def clone_monitor(call: Call) -> dict[str, Any]:
    source = await monitor_json(call, call.ids["id"])
    if source.get("type") == "group":
        raise DomainError("A group cannot be cloned")
    data = {key: value for key, value in source.items() if key not in NOT_CLONED}
    data["name"] = (call.body or {}).get("name") or f"{source['name']} (Clone)"
    if data.get("type") == "push":
        data.pop("pushToken", None)  # a push token names one monitor
    monitor_id = await domain.add(call.app, call.user_id, with_defaults(data), RoomChanges(call.app, call.user_id))
    for tag in source.get("tags") or []:
        await tag_domain.add_monitor_tag(call.app, tag["tag_id"], monitor_id, tag.get("value") or "")
    return await monitor_json(call, monitor_id)


def _range(call: Call) -> tuple[float, float]:
    end = instant(call.query.get("to"), "to", call.app.clock.time())
    start = instant(call.query.get("from"), "from", end - 86400)
    if start > end:
        raise Invalid([{"field": "from", "msg": "must not be after `to`"}])
    return start, end


@api.get(
    "/monitors/{id}/beats",
    "Heartbeats in a time range (oldest first, at most 10,000)",
    TAG,
    query=RANGE_QUERY,
    response=list_of(HEARTBEAT),
)
async def monitor_beats(call: Call) -> list[dict[str, Any]]:
    await owned(call, call.ids["id"])
    start, end = _range(call)
    rows = await call.app.db.read(
        lambda db: rest_reads.beats_between(db, call.ids["id"], utc_text(start), utc_text(end))
    )
    return [raw_row(r) for r in rows]


def _unit_for(seconds: float) -> str:
    """The finest stat table that still covers a range (minutes are kept 24 h, hours 30 days)."""
    return "minute" if seconds <= 86400 else "hour" if seconds <= 30 * 86400 else "day"


@api.get(
    "/monitors/{id}/uptime",
    "Uptime and average ping: 24h / 30d / 1y, or any range",
    TAG,
    query=UPTIME_QUERY,
    response=UPTIME,
)
async def monitor_uptime(call: Call) -> dict[str, Any]:
    monitor_id = call.ids["id"]
    await owned(call, monitor_id)
    period = call.query.get("period")
    if period is not None:
        unit, count = upt.PERIODS[PERIODS[period]]
        ratio, ping = await call.app.readings.window(monitor_id, unit, count)
        end = call.app.clock.time()
        return {
            "uptime": ratio,
            "avgPing": upt.rounded_ping(ping),
            "from": upt.window_start(end, unit, count),
            "to": end,
        }
    start, end = _range(call)
    unit = _unit_for(end - start)
    sums = await call.app.db.read(lambda db: rest_reads.sums_between(db, unit, monitor_id, int(start), int(end)))
    return {
        "uptime": upt.uptime_ratio(sums),
        "avgPing": upt.rounded_ping(upt.average_ping(sums)),
        "from": start,
        "to": end,
    }


@api.get(
    "/monitors/{id}/chart",
    "Chart buckets of the last `period` hours (as the dashboard draws them)",
    TAG,
    query=CHART_QUERY,
    response=Field("array", items=Field("object")),
)
async def monitor_chart(call: Call) -> list[dict[str, Any]]:
    await owned(call, call.ids["id"])
    buckets = await domain.chart_data(call.app, call.ids["id"], call.query["period"])
    return [{key: js_number(value) for key, value in item.items()} for item in buckets]

"""Schemas shared by several areas: errors, pages, the Monitor object, heartbeats."""

from __future__ import annotations

from kuma.rest.v1.schema import Field, Schema

PROBLEM = Schema("Problem", {"field": Field("string", required=True), "msg": Field("string", required=True)})
ERROR = Schema(
    "Error",
    {
        "ok": Field("boolean", required=True, enum=(False,)),
        "msg": Field("string", required=True, description="The same text a Socket.IO ack would carry"),
        "errors": Field("array", items=Field("object", shape=PROBLEM), description="Each bad field (422)"),
    },
)

MONITOR = Schema(
    "Monitor",
    {
        "id": Field("integer", required=True),
        "name": Field("string", required=True),
        "type": Field("string", required=True),
        "active": Field("boolean", required=True),
        "interval": Field("integer", required=True),
        "parent": Field("integer", nullable=True, required=True),
        "tags": Field("array", items=Field("object")),
    },
    extra=True,
    description="Uptime Kuma's Monitor JSON (the same object `monitorList` carries)",
)

HEARTBEAT = Schema(
    "Heartbeat",
    {
        "id": Field("integer", required=True),
        "monitor_id": Field("integer", required=True),
        "status": Field("integer", required=True, description="0 down, 1 up, 2 pending, 3 maintenance"),
        "msg": Field("string", nullable=True),
        "time": Field("string", required=True, description="UTC, YYYY-MM-DD HH:MM:SS.sss"),
        "ping": Field("number", nullable=True),
    },
    extra=True,
)


def page_of(name: str, item: Schema) -> Schema:
    """A page of a list: total before paging, the paging asked for, the items."""
    return Schema(
        name,
        {
            "total": Field("integer", required=True),
            "limit": Field("integer", required=True),
            "offset": Field("integer", required=True),
            "items": Field("array", required=True, items=Field("object", shape=item)),
        },
    )


def list_of(item: Schema) -> Field:
    return Field("array", items=Field("object", shape=item))

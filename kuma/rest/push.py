"""`/api/push/:pushToken` (every method): a push agent reports a beat for a push monitor.

The reply is sent only after the engine's `record_push` has committed the beat (urgent write), so an
acknowledged push is never lost. Query parameters only; the body is ignored.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from typing import Any

import sqlite_utils
from quart import request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.rest.public_http import json_body
from kuma.status import DOWN as DOWN  # the one definition, re-exported here
from kuma.status import UP as UP
from kuma.store import monitors

log = logging.getLogger(__name__)

MAX_PING = 100_000_000_000
NOT_FOUND = "Monitor not found or not active."
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class PushError(Exception):
    pass


def parse_push_query(args: Mapping[str, str]) -> tuple[int, str, float | None]:
    """(status, msg, ping) from the query: `status=up` exactly is UP, anything else DOWN."""
    status = UP if args.get("status", "up") == "up" else DOWN
    msg = args.get("msg", "OK")
    ping = parse_ping(args.get("ping"))
    return status, msg, ping


def parse_ping(raw: str | None) -> float | None:
    """JavaScript parseFloat semantics: leading number or nothing; 0 means no ping."""
    if raw is None:
        return None

    m = re.match(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity)", raw)
    if not m:
        return None
    value = float(m.group(1).replace("Infinity", "inf"))
    if value == 0 or math.isnan(value):
        return None
    if value < 0 or value > MAX_PING:
        raise PushError("Invalid ping value. Must be between 0 and 100000000000 ms.")
    return int(value) if value.is_integer() else value


def find_push_monitor(db: sqlite_utils.Database, token: str) -> dict | None:
    """The active monitor holding this push token (`kuma.store.monitors.by_push_token`)."""
    return monitors.by_push_token(db, token)


def register(web: QuartTrio, app: App) -> None:
    @web.route("/api/push/<token>", methods=ALL_METHODS)
    async def push(token: str):
        try:
            status, msg, ping = parse_push_query(request.args)
            monitor = await app.db.read(lambda db: find_push_monitor(db, token))
            if monitor is None:
                raise PushError(NOT_FOUND)
            await record(app, monitor, status, msg, ping)
        except PushError as exc:
            return json_body({"ok": False, "msg": str(exc)}, status=404)
        except Exception as exc:  # Uptime Kuma answers every failure with 404 and the error text
            log.exception("push for token %s failed", token[:4])
            return json_body({"ok": False, "msg": str(exc)}, status=404)
        return json_body({"ok": True})


async def record(app: App, monitor: dict[str, Any], status: int, msg: str, ping: float | None) -> dict:
    return await app.monitoring.record_push(monitor, status, msg, ping)

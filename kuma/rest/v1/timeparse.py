"""Instants in query strings: epoch seconds or ISO 8601 (a time without zone is UTC, as kuma stores times)."""

from __future__ import annotations

from datetime import UTC, datetime

from kuma.rest.v1.routing import Invalid


def instant(text: str | None, name: str, default: float) -> float:
    """Epoch seconds of a query value, `default` when absent, Invalid naming the field when unreadable."""
    if text is None or text == "":
        return default
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid([{"field": name, "msg": "must be epoch seconds or an ISO 8601 time"}]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def utc_text(epoch: float) -> str:
    """`YYYY-MM-DD HH:MM:SS.mmm` UTC, the form heartbeat times are stored and compared in (as text)."""
    moment = datetime.fromtimestamp(max(0.0, min(epoch, 253402300799.0)), UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:23]

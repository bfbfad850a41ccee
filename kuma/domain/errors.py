"""The one error type of the domain layer: a refused operation and the message the client should see.

The Socket.IO handlers and the REST API turn it into the same `{ok: false, msg[, msgi18n][, **extra]}`
body, so a validation text is written once, here below, never per transport.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class DomainError(Exception):
    """A refused operation. `msgi18n=None` leaves the key out of the reply (plain text errors); True/False
    are sent as given (Uptime Kuma sends an explicit `msgi18n: false` in a few places); `extra` are more keys."""

    def __init__(self, msg: Any, *, msgi18n: bool | None = None, **extra: Any) -> None:
        super().__init__(msg if isinstance(msg, str) else str(msg))
        self.msg = msg
        self.msgi18n = msgi18n
        self.extra = extra

    def reply(self) -> dict[str, Any]:
        """`{ok: false, msg[, msgi18n][, **extra]}`: the body every transport answers with."""
        reply: dict[str, Any] = {"ok": False, "msg": self.msg}
        if self.msgi18n is not None:
            reply["msgi18n"] = self.msgi18n
        reply.update(self.extra)
        return reply


def sql_error(exc: sqlite3.Error) -> DomainError:
    """SQLite's refusal as Uptime Kuma (knex) words it: constraint failures get the `SQLITE_CONSTRAINT: ` prefix."""
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        text = f"SQLITE_CONSTRAINT: {text}"
    return DomainError(text)


def _sql_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_error(table: str, values: dict[str, Any], exc: sqlite3.Error) -> str:
    """knex's error text for a failed insert: `insert into `t` (`a`, `b`) values (…) - SQLITE_…: <reason>`
    (Uptime Kuma shows it as the message, so clients see the same text)."""
    names = sorted(values)
    columns = ", ".join(f"`{n}`" for n in names)
    literals = ", ".join(_sql_literal(values[n]) for n in names)
    code = "SQLITE_CONSTRAINT" if isinstance(exc, sqlite3.IntegrityError) else "SQLITE_ERROR"
    return f"insert into `{table}` ({columns}) values ({literals}) - {code}: {exc}"

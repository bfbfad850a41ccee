"""A Chrome DevTools Protocol connection over one websocket (trio-websocket): calls and per-session events.

One reader task takes every frame: replies wake their caller (by id), events go to the channel of their
session (`sessionId`, flat mode). When the socket closes (the browser exited or crashed), every waiting
call fails with `CdpClosed` and event channels end, so each check finds out at once.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import trio

#: Screenshots arrive as base64 in one message; a full-HD PNG is a few MB.
MAX_MESSAGE = 64 * 1024 * 1024


class CdpClosed(Exception):
    """The DevTools connection is gone (browser exited, crashed or was killed)."""


class CdpError(Exception):
    """A command the browser answered with an error."""


class CdpConnection:
    """One DevTools websocket shared by many pages: a single reader routes replies by id and events by
    session, so callers just await `call` and read their session's channel."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._waiting: dict[int, trio.MemorySendChannel[dict[str, Any]]] = {}
        self._sessions: dict[str, trio.MemorySendChannel[dict[str, Any]]] = {}
        self.closed = False

    async def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        """Send one command and wait for its result."""
        if self.closed:
            raise CdpClosed("Browser has been closed")
        call_id = next(self._ids)
        send, receive = trio.open_memory_channel[dict[str, Any]](1)
        self._waiting[call_id] = send
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            await self._ws.send_message(json.dumps(message))
            try:
                reply = await receive.receive()
            except trio.EndOfChannel:
                raise CdpClosed("Browser has been closed") from None
        except Exception as exc:
            if isinstance(exc, CdpClosed):
                raise
            raise CdpClosed(f"Browser has been closed ({exc})") from None
        finally:
            self._waiting.pop(call_id, None)
        if "error" in reply:
            raise CdpError(str(reply["error"].get("message") or reply["error"]))
        return reply.get("result", {})

    def events(self, session: str) -> trio.MemoryReceiveChannel[dict[str, Any]]:
        """A channel of the session's events (open it before the commands that cause them)."""
        send, receive = trio.open_memory_channel[dict[str, Any]](math.inf)
        self._sessions[session] = send
        return receive

    def forget(self, session: str) -> None:
        channel = self._sessions.pop(session, None)
        if channel is not None:
            channel.close()

    async def read_forever(self) -> None:
        try:
            while True:
                message = json.loads(await self._ws.get_message())
                self._dispatch(message)
        except Exception:  # closed socket, or a frame that is not JSON: the connection is over either way
            pass
        finally:
            self._close_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            waiter = self._waiting.pop(message["id"], None)
            if waiter is not None:
                waiter.send_nowait(message)
        elif message.get("sessionId") in self._sessions:
            self._sessions[message["sessionId"]].send_nowait(message)

    def _close_all(self) -> None:
        self.closed = True
        for channel in [*self._waiting.values(), *self._sessions.values()]:
            channel.close()
        self._waiting.clear()
        self._sessions.clear()


@asynccontextmanager
async def open_cdp(url: str, connect_timeout: float = 10.0) -> AsyncIterator[CdpConnection]:
    """Connect to a browser's DevTools websocket; the reader runs while the block runs."""
    from trio_websocket import open_websocket_url

    async with open_websocket_url(
        url, max_message_size=MAX_MESSAGE, connect_timeout=connect_timeout, disconnect_timeout=2
    ) as ws:
        async with trio.open_nursery() as nursery:
            conn = CdpConnection(ws)
            nursery.start_soon(conn.read_forever)
            try:
                yield conn
            finally:
                nursery.cancel_scope.cancel()

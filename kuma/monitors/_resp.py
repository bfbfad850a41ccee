"""A small RESP2 client over a Trio stream: enough of Redis's protocol for AUTH, SELECT and PING."""

from __future__ import annotations

import trio


class RedisError(Exception):
    """An error reply (`-WRONGPASS …`, `-NOAUTH …`); the text is the server's."""


class RespReader:
    """Reads RESP2 replies off a Trio stream, buffering partial frames: just what the redis check needs,
    without a Redis client library."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream
        self.buffer = b""

    async def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = await self.stream.receive_some(65536)
            if not chunk:
                raise ConnectionResetError("Socket closed unexpectedly")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    async def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size + 2:
            chunk = await self.stream.receive_some(65536)
            if not chunk:
                raise ConnectionResetError("Socket closed unexpectedly")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size + 2 :]
        return data

    async def reply(self) -> object:
        """One reply: str, int, bytes, None or list; an error reply raises RedisError."""
        line = await self._line()
        kind, rest = line[:1], line[1:].decode("utf-8", "replace")
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RedisError(rest)
        if kind == b":":
            return int(rest)
        if kind == b"$":
            return None if int(rest) < 0 else await self._exactly(int(rest))
        if kind == b"*":
            return None if int(rest) < 0 else [await self.reply() for _ in range(int(rest))]
        raise RedisError(f"Protocol error, got {line[:20]!r} as reply type byte")


def command(*args: str) -> bytes:
    """A command as a RESP array of bulk strings."""
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode("utf-8")
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)

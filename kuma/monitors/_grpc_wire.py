"""One unary gRPC call over HTTP/2 (h2 on a Trio stream): plain text with prior knowledge, or TLS + ALPN h2.

Why h2 and not grpcio: h2 is pure Python and already in every build (Hypercorn's own HTTP/2), so the binary
gains nothing and it freezes as plain modules; grpcio is a C extension of ~10 MB with no Trio support, and
reading the monitor's `.proto` text at run time would need protoc besides. gRPC's framing is small: a
5-byte prefix per message, the status in the trailers (`grpc-status`, `grpc-message`).
"""

from __future__ import annotations

import functools
import ssl
import struct
from dataclasses import dataclass, field
from urllib.parse import unquote

import trio

#: grpc-js names the status codes this way in its error messages (`14 UNAVAILABLE: …`).
STATUS_NAMES = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
    "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
]  # fmt: skip

#: HTTP status → gRPC status when a server answers without grpc-status (the gRPC HTTP/2 mapping).
HTTP_TO_GRPC = {400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14}


@dataclass
class GrpcReply:
    status: int
    details: str
    messages: list[bytes] = field(default_factory=list)


class GrpcError(Exception):
    """A call that ended with a non-OK status; `str()` is grpc-js's `<code> <NAME>: <details>`."""

    def __init__(self, code: int, details: str) -> None:
        name = STATUS_NAMES[code] if 0 <= code < len(STATUS_NAMES) else str(code)
        super().__init__(f"{code} {name}: {details}")
        self.code, self.details = code, details


def frame(message: bytes) -> bytes:
    return b"\0" + struct.pack(">I", len(message)) + message


def unframe(data: bytes) -> list[bytes]:
    """The messages of a response body (uncompressed frames)."""
    out, pos = [], 0
    while pos + 5 <= len(data):
        compressed, length = data[pos], struct.unpack(">I", data[pos + 1 : pos + 5])[0]
        if compressed:
            raise GrpcError(13, "Compressed messages are not supported")
        out.append(data[pos + 5 : pos + 5 + length])
        pos += 5 + length
    return out


def status_of(headers: dict[str, str], http_status: int | None) -> tuple[int, str]:
    """(grpc status, details) from the trailers (or the headers of a trailers-only answer)."""
    if "grpc-status" in headers:
        try:
            code = int(headers["grpc-status"])
        except ValueError:
            code = 2
        return code, unquote(headers.get("grpc-message", ""))
    if http_status not in (None, 200):
        return HTTP_TO_GRPC.get(http_status or 0, 2), f"Received HTTP status code {http_status}"
    return 13, "Received RST_STREAM with code 0 (No grpc-status in trailers)"


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str) -> ssl.SSLContext:
    """Verifying, ALPN h2; cached, since parsing the CA bundle costs more than the call."""
    context = ssl.create_default_context(cafile=cafile)
    context.set_alpn_protocols(["h2"])
    return context


async def _connect(host: str, port: int, tls: bool) -> trio.abc.Stream:
    stream: trio.abc.Stream = await trio.open_tcp_stream(host, port)
    if tls:
        from kuma.monitors._http_tls import trusted_roots_file

        secure = trio.SSLStream(stream, _tls_context(trusted_roots_file()), server_hostname=host)
        await secure.do_handshake()
        stream = secure
    return stream


def _headers(authority: str, path: str, tls: bool, metadata: dict[str, str]) -> list[tuple[str, str]]:
    headers = [
        (":method", "POST"),
        (":scheme", "https" if tls else "http"),
        (":path", path),
        (":authority", authority),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
        ("grpc-accept-encoding", "identity"),
        ("user-agent", "grpc-node-js/1.12.6"),
    ]
    return headers + [(k.lower(), v) for k, v in metadata.items() if not k.startswith(":")]


async def unary_call(
    host: str, port: int, path: str, request: bytes, *, tls: bool, metadata: dict[str, str]
) -> GrpcReply:
    """Send one request message to `path` (`/pkg.Service/Method`) and collect the reply and its status."""
    import h2.config
    import h2.connection
    import h2.events

    stream = await _connect(host, port, tls)
    async with stream:
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        conn.initiate_connection()
        stream_id = conn.get_next_available_stream_id()
        authority = f"{host}:{port}"
        conn.send_headers(stream_id, _headers(authority, path, tls, metadata))
        conn.send_data(stream_id, frame(request), end_stream=True)
        await stream.send_all(conn.data_to_send())
        body, seen, http_status = bytearray(), {}, None
        while True:
            data = await stream.receive_some(65536)
            if not data:
                raise GrpcError(14, "Connection dropped")
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived | h2.events.TrailersReceived):
                    got = {str(k): str(v) for k, v in event.headers}
                    http_status = int(got[":status"]) if ":status" in got else http_status
                    seen.update(got)
                elif isinstance(event, h2.events.DataReceived):
                    body += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamReset):
                    raise GrpcError(13, f"Received RST_STREAM with code {event.error_code}")
                elif isinstance(event, h2.events.ConnectionTerminated):
                    raise GrpcError(14, "Connection dropped")
                elif isinstance(event, h2.events.StreamEnded):
                    code, details = status_of(seen, http_status)
                    return GrpcReply(code, details, unframe(bytes(body)))
            await stream.send_all(conn.data_to_send())

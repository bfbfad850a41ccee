"""Push requests read straight off the socket: the plain HTTP/1.1 cases parsed, the rest left to h11.

Why: on a keep-alive connection that only pushes, h11 and Hypercorn's stream machinery cost more CPU per
request than storing the beat (issue #14). `parse` accepts only what h11 would accept and treat the same
way — an HTTP/1.1 request line for `/api/push/<token>`, valid header lines, one Host, no body, no
`Connection` other than keep-alive, no Expect/Upgrade/Transfer-Encoding — and says HAND_OFF for
anything else, so h11 sees those bytes exactly as it would have. `response` writes the bytes h11 writes
for the same status and headers. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

PREFIX = "/api/push/"
_METHODS = rb"GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_REQUEST_LINE = re.compile(rb"(" + _METHODS + rb") (/api/push/[\x21-\x7e]+) HTTP/1\.1")
_TOKEN = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+"
_VCHAR = rb"[\x21-\x7e\x80-\xff]"
_HEADER = re.compile(rb"(" + _TOKEN + rb"):[ \t]*(" + _VCHAR + rb"+(?:[ \t]+" + _VCHAR + rb"+)*)?[ \t]*")
#: Hypercorn's `h11_max_incomplete_size`: a head longer than this is h11's to refuse.
MAX_HEAD = 16 * 1024
#: Headers that make a request something else than a bodiless keep-alive GET-like push.
_REFUSED = frozenset({b"transfer-encoding", b"expect", b"upgrade"})


class _Outcome:
    """A marker: more bytes are needed, or the bytes are h11's."""


INCOMPLETE = _Outcome()
HAND_OFF = _Outcome()


@dataclass(slots=True)
class PushRequest:
    """One parsed push: what `kuma.rest.push.answer` and the reply need."""

    method: bytes
    token: str
    query: bytes
    if_none_match: bytes | None
    size: int  # bytes of the buffer this request took


def parse(buffer: bytes) -> PushRequest | _Outcome:
    """The push request at the start of `buffer`, INCOMPLETE (head not all here yet) or HAND_OFF."""
    end = buffer.find(b"\r\n\r\n", 0, MAX_HEAD + 4)
    if end < 0:
        return INCOMPLETE if len(buffer) < MAX_HEAD and _could_be_push(buffer) else HAND_OFF
    lines = buffer[:end].split(b"\r\n")
    first = _REQUEST_LINE.fullmatch(lines[0])
    if first is None:
        return HAND_OFF
    path, _, query = first.group(2).partition(b"?")
    token = unquote(path.decode("ascii"))[len(PREFIX) :]
    if not token or "/" in token:
        return HAND_OFF
    hosts = 0
    if_none_match: bytes | None = None
    for line in lines[1:]:
        header = _HEADER.fullmatch(line)
        if header is None:
            return HAND_OFF
        name = header.group(1).lower()
        value = header.group(2) or b""
        if name == b"host":
            hosts += 1
        elif name == b"content-length":
            if value != b"0":
                return HAND_OFF
        elif name == b"connection":
            if value.lower() != b"keep-alive":
                return HAND_OFF
        elif name in _REFUSED:
            return HAND_OFF
        elif name == b"if-none-match" and if_none_match is None:
            if_none_match = value
    if hosts != 1:
        return HAND_OFF
    return PushRequest(first.group(1), token, query, if_none_match, end + 4)


def _could_be_push(buffer: bytes) -> bool:
    """A partial head worth waiting for: it starts like a push request line (or is too short to tell)."""
    space = buffer.find(b" ")
    if space < 0:
        return len(buffer) < 8
    rest = buffer[space + 1 : space + 1 + len(PREFIX)]
    return PREFIX.encode().startswith(rest) or rest.startswith(PREFIX.encode())


def response(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """The response as h11 writes it: `HTTP/1.1 <status> ` (no reason phrase), the headers as given."""
    head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return b"HTTP/1.1 %d \r\n%s\r\n%s" % (status, head, body)

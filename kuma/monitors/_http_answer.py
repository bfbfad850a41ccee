"""The common HTTP answer's head, parsed without h11: sans-io, bytes in, a `Head` (or None) out.

Why: reading the answer with h11 was ~14 % of the engine's busy time at 500 HTTP monitors (issue #14).
Nearly every answer is the same simple thing: a whole `HTTP/1.1` status line and headers in the first
read, then a `Content-Length` body. This parser takes only that, with a strict subset of h11's grammar,
so whatever it accepts h11 reads to the same status, reason, raw headers and body length; anything else
(HTTP/1.0, no length, chunked, `Connection: close`, 1xx, 204/304, duplicate lengths, obsolete line folds,
odd bytes, a head not complete in the bytes given) is None, and the caller hands the bytes to h11.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: `HTTP/1.1 SP 3DIGIT [SP reason]`: the reason's bytes are those h11 allows minus the rare ones.
_STATUS = re.compile(rb"HTTP/1\.1 ([0-9]{3})(?: ([\t\x20-\x7e\x80-\xff]*))?")
#: `token ":" OWS value OWS`, the value visible bytes (and obs-text) with inner spaces, as h11 cuts it.
_FIELD = re.compile(
    rb"([-!#$%&'*+.^_`|~0-9a-zA-Z]+):[ \t]*((?:[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*)?)[ \t]*"
)
#: h11 refuses longer lengths; past this the caller's body cap decides anyway, so h11 does it.
_MAX_LENGTH_DIGITS = 20
_NO_BODY_CODES = (204, 304)


@dataclass(frozen=True, slots=True)
class Head:
    """An answer's head as h11 would give it (`raw_items()` headers), its body length and where it ends."""

    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    length: int
    end: int  # the body's first byte in the data parsed


def parse_head(data: bytes, max_body: int) -> Head | None:
    """The head at the start of `data` when it is the common kind with a body of at most `max_body`."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].split(b"\r\n")
    status = _STATUS.fullmatch(lines[0])
    if status is None:
        return None
    code = int(status[1])
    if code < 200 or code in _NO_BODY_CODES:
        return None
    headers, length = _fields(lines)
    if headers is None or length is None or length > max_body:
        return None
    return Head(code, status[2] or b"", headers, length, end + 4)


def _fields(lines: list[bytes]) -> tuple[list[tuple[bytes, bytes]] | None, int | None]:
    """The header list and the one Content-Length, or (None, None) for anything h11 should judge."""
    headers: list[tuple[bytes, bytes]] = []
    length: int | None = None
    for index in range(1, len(lines)):
        field = _FIELD.fullmatch(lines[index])
        if field is None:
            return None, None
        name, value = field[1], field[2]
        lower = name.lower()
        if lower == b"content-length":
            if length is not None or not value.isdigit() or len(value) > _MAX_LENGTH_DIGITS:
                return None, None
            length = int(value)
        elif lower == b"transfer-encoding" or (lower == b"connection" and b"close" in value.lower()):
            return None, None
        headers.append((name, value))
    return headers, length

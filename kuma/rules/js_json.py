"""JSON text checks that fail with JavaScript's wording: Uptime Kuma runs `JSON.parse` on the JSON fields of
a monitor, and its clients show V8's message, so kuma answers with the same text for the same input."""

from __future__ import annotations

import json


def js_json_error(text: str) -> str | None:
    """None if `text` is valid JSON, else the message V8's JSON.parse would give (the common cases)."""
    try:
        json.loads(text)
        return None
    except json.JSONDecodeError as exc:
        pos, reason = exc.pos, exc.msg
        if not text.strip():
            return "Unexpected end of JSON input"
        if reason.startswith("Unterminated string"):
            return f"Unterminated string in JSON at position {len(text)}"
        if reason.startswith("Expecting property name"):
            return f"Expected property name or '}}' in JSON at position {pos}"
        if reason.startswith("Expecting ',' delimiter"):
            closer = "}" if _innermost_open(text, pos) == "{" else "]"
            after = "property value" if closer == "}" else "array element"
            return f"Expected ',' or '{closer}' after {after} in JSON at position {pos}"
        if reason.startswith("Expecting ':' delimiter"):
            return f"Expected ':' after property name in JSON at position {pos}"
        if reason.startswith("Extra data"):
            return f"Unexpected non-whitespace character after JSON at position {pos}"
        if pos >= len(text.rstrip()):
            return "Unexpected end of JSON input"
        snippet = text if len(text) <= 10 else text[:10] + "..."
        return f"Unexpected token '{text[pos]}', \"{snippet}\" is not valid JSON"


def _innermost_open(text: str, pos: int) -> str:
    depth: list[str] = []
    in_string = escaped = False
    for ch in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth.append(ch)
        elif ch in "}]" and depth:
            depth.pop()
    return depth[-1] if depth else "{"

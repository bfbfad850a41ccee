"""JavaScript has one number type: an integral float goes on the wire as `10`, never `10.0`."""

from __future__ import annotations

from typing import Any


def js_number(value: Any) -> Any:
    """Integral floats become ints (SQLite REAL/DOUBLE columns come back as floats); others unchanged."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value

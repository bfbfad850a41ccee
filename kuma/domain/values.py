"""Lenient input conversions shared by every domain area (clients send ids as numbers or strings)."""
from __future__ import annotations

from typing import Any


def to_int(value: Any) -> int | None:
    """Liberal id parsing: 3, "3", 3.0 → 3; anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None

"""Lenient input conversions shared by every domain area (clients send ids as numbers or strings)."""

from __future__ import annotations

from typing import Any


def to_int(value: Any) -> int | None:
    """Liberal id parsing: 3, "3", 3.0 → 3; anything else, or past SQLite's 64-bit integers (no row can have
    such an id: "not found", never an OverflowError), → None."""
    number: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            number = int(value.strip())
        except ValueError:
            return None
    if number is None or not -(2**63) <= number < 2**63:
        return None
    return number

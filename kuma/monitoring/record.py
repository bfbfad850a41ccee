"""A running monitor's row, held compactly for as long as its task runs.

Why: a `monitor` row has over 100 columns. As a dict it costs ~3.3 KB of hash table plus a fresh string
object for every text value, per monitor, for the life of the task — a third of the engine's memory at
10,000 monitors (issue #14). A `MonitorRecord` is a read-only mapping with the same keys and values: one
key → position table shared by every row of the same columns, a tuple of values (~1 KB), and short
texts shared between rows (`sys.intern`: the type, method, accepted codes, JSON defaults, a URL many
monitors check). Checks, the beat rules and the listeners read it as they read the dict (`[]`, `get`,
`in`, iteration); the engine replaces it (`updated`) rather than changing it.
"""

from __future__ import annotations

import sys
from abc import abstractmethod
from collections.abc import Collection, Iterator, Mapping
from typing import Any

#: Texts up to this long are shared between rows; longer ones (bodies, scripts) are kept as they are.
SHARED_TEXT = 512

_LAYOUTS: dict[tuple[str, ...], dict[str, int]] = {}


def _layout(keys: tuple[str, ...]) -> dict[str, int]:
    """The key → position table of rows with these columns, one per column list."""
    layout = _LAYOUTS.get(keys)
    if layout is None:
        layout = _LAYOUTS[keys] = {sys.intern(key): i for i, key in enumerate(keys)}
    return layout


def _shared(value: Any) -> Any:
    if type(value) is str and len(value) <= SHARED_TEXT:
        return sys.intern(value)
    return value


class _Row(Mapping[str, Any]):
    """A read-only row over a fixed set of keys: iteration, length and repr from `_keys`, so each kind of
    row names only where its keys and values are kept."""

    __slots__ = ()

    @abstractmethod
    def _keys(self) -> Collection[str]:
        """The row's keys, in order."""

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


class MonitorRecord(_Row):
    """A monitor row as a read-only mapping (see the module docstring)."""

    __slots__ = ("_layout", "_values")

    def __init__(self, layout: dict[str, int], values: tuple[Any, ...]) -> None:
        self._layout = layout
        self._values = values

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> MonitorRecord:
        """The record of a row (a dict as the store reads it, or a record)."""
        if isinstance(row, MonitorRecord):
            return row
        return cls(_layout(tuple(row)), tuple(_shared(v) for v in row.values()))

    def __getitem__(self, key: str) -> Any:
        return self._values[self._layout[key]]

    def get(self, key: str, default: Any = None) -> Any:
        position = self._layout.get(key)
        return default if position is None else self._values[position]

    def __contains__(self, key: object) -> bool:
        return key in self._layout

    def _keys(self) -> Collection[str]:
        return self._layout

    def updated(self, changes: Mapping[str, Any]) -> MonitorRecord:
        """A record with `changes` applied to the columns it has (other keys are ignored)."""
        values = list(self._values)
        for key, value in changes.items():
            position = self._layout.get(key)
            if position is not None:
                values[position] = _shared(value)
        return MonitorRecord(self._layout, tuple(values))


class LastBeat(_Row):
    """What the engine keeps of a monitor's latest stored beat between beats: the keys the beat rules, the
    push window and a group's children read (a 12-key dict per monitor was ~0.7 KB, issue #14)."""

    __slots__ = ("status", "time", "retries", "down_count")
    KEYS = ("status", "time", "retries", "down_count")

    def __init__(self, status: int, time: str, retries: int, down_count: int) -> None:
        self.status = status
        self.time = time
        self.retries = retries
        self.down_count = down_count

    @classmethod
    def of(cls, beat: Mapping[str, Any] | None) -> LastBeat | None:
        """The part kept of a heartbeat row (as stored or read), None for none."""
        if beat is None or isinstance(beat, LastBeat):
            return beat
        return cls(beat["status"], beat["time"], beat.get("retries") or 0, beat.get("down_count") or 0)

    def __getitem__(self, key: str) -> Any:
        if key not in LastBeat.KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def _keys(self) -> Collection[str]:
        return LastBeat.KEYS

"""The plan: what applying a config file to a folder would create, update (field by field) and delete.

Objects are matched by key. A field the file leaves out is left as stored (a short hand-written file
does not reset everything else); `--prune` adds deletes for objects of the folder the file lacks.
Settings are only ever updated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    ("tag", "tags"), ("notification", "notifications"), ("monitor", "monitors"), ("status_page", "statusPages"),
    ("maintenance", "maintenance"),
)  # fmt: skip


@dataclass
class Change:
    action: str  # create / update / delete
    kind: str  # tag / notification / monitor / settings
    key: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name → (now, wanted)
    object_id: int | None = None


@dataclass
class Plan:
    changes: list[Change]
    ids: dict[str, dict[str, int]]  # kind → key → id of what exists now

    def of(self, action: str, kind: str) -> list[Change]:
        return [c for c in self.changes if c.action == action and c.kind == kind]

    @property
    def empty(self) -> bool:
        return not self.changes


#: Link fields that are sets: compared (and shown) in the order export writes them, sorted.
SET_FIELDS = {"monitor": ("notifications", "tags"), "maintenance": ("monitors", "statusPages")}


def _normal(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    for name in SET_FIELDS.get(kind, ()):
        value = out.get(name)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = sorted(value)
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            out[name] = sorted(value, key=lambda t: (str(t.get("tag")), str(t.get("value") or "")))
    return out


def make_plan(current: dict[str, Any], ids: dict[str, dict[str, int]], wanted: dict[str, Any], prune: bool) -> Plan:
    """What applying `wanted` over `current` would change (creates, updates, deletes when pruning), computed
    before anything is written so a plan can be shown or refused whole."""
    changes: list[Change] = []
    settings = _diff(current.get("settings") or {}, wanted.get("settings") or {})
    if settings:
        changes.append(Change("update", "settings", "settings", settings))
    for kind, section in KINDS:
        have = {item["key"]: item for item in current.get(section) or []}
        for item in (_normal(kind, raw) for raw in wanted.get(section) or []):
            key = item["key"]
            if key not in have:
                changes.append(Change("create", kind, key, {k: (None, v) for k, v in item.items() if k != "key"}))
                continue
            diff = _diff(have[key], item)
            if diff:
                changes.append(Change("update", kind, key, diff, ids[kind][key]))
        if prune:
            keep = {item["key"] for item in wanted.get(section) or []}
            changes += [Change("delete", kind, k, {}, ids[kind][k]) for k in have if k not in keep]
    return Plan(changes, ids)


def _diff(have: dict[str, Any], wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (have.get(k), v) for k, v in wanted.items() if k != "key" and not _same(have.get(k), v)}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


SYMBOL = {"create": "+", "update": "~", "delete": "-"}


def render(plan: Plan) -> str:
    """The plan as people read it: one line per object, one indented line per field."""
    if plan.empty:
        return "No changes: the folder matches the file.\n"
    lines = []
    for change in plan.changes:
        lines.append(f"{SYMBOL[change.action]} {change.kind.replace('_', ' ')} {change.key} ({change.action})")
        for name, (now, wanted) in change.fields.items():
            if change.action == "create":
                if wanted not in (None, "", [], {}):
                    lines.append(f"    {name}: {_show(wanted)}")
            else:
                lines.append(f"    {name}: {_show(now)} -> {_show(wanted)}")
    total = counts(plan)
    lines.append(f"Plan: {total['create']} to create, {total['update']} to update, {total['delete']} to delete.")
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def counts(plan: Plan) -> dict[str, int]:
    return {action: sum(c.action == action for c in plan.changes) for action in SYMBOL}


def plan_json(plan: Plan) -> list[dict[str, Any]]:
    """The plan as data (the REST API's answer): each change with its fields as {from, to}."""
    return [
        {
            "action": change.action,
            "kind": change.kind,
            "key": change.key,
            "id": change.object_id,
            "fields": {name: {"from": now, "to": wanted} for name, (now, wanted) in change.fields.items()},
        }
        for change in plan.changes
    ]

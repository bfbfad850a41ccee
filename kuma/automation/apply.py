"""Carry out a plan through the domain functions the Socket.IO handlers use (kuma/domain), so a file is
validated exactly as the dashboard's input is. Order: tags, notifications, monitors (groups before
their members), settings, then deletes (members before groups); last, every key of the file is pinned
in `kuma_config_key`. A DomainError stops the apply with the object it was about."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.automation.document import MONITOR_FIELDS
from kuma.automation.plan import Change, Plan
from kuma.domain import monitors, notifications, settings, tags
from kuma.domain.errors import DomainError
from kuma.store import config_keys

if TYPE_CHECKING:
    from kuma.app import App


#: What the dashboard's form pre-fills for a new monitor, for keys a hand-written file leaves out.
CREATE_DEFAULTS: dict[str, Any] = {"accepted_statuscodes": ["200-299"], "interval": 60}


class ApplyError(RuntimeError):
    """The domain refused an object of the file (its message says which and why)."""


def _by_key(document: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in document.get(section) or []}


async def apply_plan(app: App, user_id: int, plan: Plan, current: dict[str, Any], wanted: dict[str, Any]) -> None:
    ids = {kind: dict(keys) for kind, keys in plan.ids.items()}
    steps = (
        (_tags, "tag"), (_notifications, "notification"), (_monitor_creates, "monitor"),
        (_monitor_updates, "monitor"), (_settings, "settings"), (_deletes, None),
    )  # fmt: skip
    for step, kind in steps:
        try:
            await step(app, user_id, plan, ids, current, wanted)
        except DomainError as exc:
            raise ApplyError(f"{kind or 'delete'}: {exc.msg}") from None
    pins = {kind: {item["key"]: ids[kind][item["key"]] for item in wanted.get(kind + "s") or []} for kind in ids}

    def pin_all(db: Any) -> None:
        for kind, pairs in pins.items():
            config_keys.remember_many(db, kind, pairs)

    await app.db.write(pin_all)


async def _pin(app: App, ids: dict, kind: str, key: str, object_id: int) -> None:
    """Record a new object's key at once, so an apply stopped later still matches it next time."""
    ids[kind][key] = object_id
    await app.db.write(lambda db: config_keys.remember(db, kind, object_id, key))


async def _tags(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    have, want = _by_key(current, "tags"), _by_key(wanted, "tags")
    for change in plan.of("create", "tag"):
        row = await tags.add(app, {"name": want[change.key].get("name"), "color": want[change.key].get("color")})
        await _pin(app, ids, "tag", change.key, row["id"])
    for change in plan.of("update", "tag"):
        merged = {**have[change.key], **want[change.key]}
        await tags.edit(app, {"id": change.object_id, "name": merged.get("name"), "color": merged.get("color")})


def _notification_form(item: dict[str, Any]) -> dict[str, Any]:
    form = dict(item.get("config") or {})
    form.update(name=item.get("name"), type=item.get("type"), isDefault=bool(item.get("isDefault")))
    form["applyExisting"] = False
    return form


async def _notifications(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    have, want = _by_key(current, "notifications"), _by_key(wanted, "notifications")
    for change in plan.of("create", "notification"):
        saved = await notifications.save(app, user_id, _notification_form(want[change.key]))
        await _pin(app, ids, "notification", change.key, saved)
    for change in plan.of("update", "notification"):
        merged = {**have[change.key], **want[change.key]}
        await notifications.save(app, user_id, _notification_form(merged), change.object_id)


def _links(item: dict[str, Any], ids: dict) -> dict[str, Any]:
    """`group` / `notifications` keys → the `parent` / `notificationIDList` the domain takes."""
    out: dict[str, Any] = {}
    if "group" in item:
        out["parent"] = None if item["group"] is None else ids["monitor"][item["group"]]
    if "notifications" in item:
        out["notificationIDList"] = {str(ids["notification"][k]): True for k in item["notifications"] or []}
    return out


async def _monitor_creates(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    want = _by_key(wanted, "monitors")
    waiting = [c.key for c in plan.of("create", "monitor")]
    while waiting:
        ready = [k for k in waiting if want[k].get("group") is None or want[k]["group"] in ids["monitor"]]
        for key in ready:
            item = want[key]
            payload = CREATE_DEFAULTS | {k: item[k] for k in MONITOR_FIELDS if k in item}
            payload.setdefault("retryInterval", payload["interval"])
            await _pin(app, ids, "monitor", key, await monitors.add(app, user_id, payload | _links(item, ids)))
            await _set_tags(app, ids, ids["monitor"][key], [], item.get("tags") or [])
        waiting = [k for k in waiting if k not in ready]


async def _set_tags(app: App, ids: dict, monitor_id: int, have: list[dict], want: list[dict]) -> None:
    pairs = {(t["tag"], str(t.get("value") or "")) for t in have}
    wanted = {(t["tag"], str(t.get("value") or "")) for t in want}
    for tag, value in sorted(pairs - wanted):
        await tags.delete_monitor_tag(app, ids["tag"][tag], monitor_id, value)
    for tag, value in sorted(wanted - pairs):
        await tags.add_monitor_tag(app, ids["tag"][tag], monitor_id, value)


async def _monitor_updates(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    have, want = _by_key(current, "monitors"), _by_key(wanted, "monitors")
    for change in plan.of("update", "monitor"):
        await _update_monitor(app, user_id, change, ids, have[change.key], want[change.key])


async def _update_monitor(app: App, user_id: int, change: Change, ids: dict, have: dict, want: dict) -> None:
    monitor_id = change.object_id
    assert monitor_id is not None
    fields = {k: v for k, (_, v) in change.fields.items() if k in MONITOR_FIELDS and k != "active"}
    links = _links({k: want[k] for k in ("group", "notifications") if k in change.fields}, ids)
    if fields or links:
        statuscodes = want.get("accepted_statuscodes", have.get("accepted_statuscodes"))
        await monitors.edit(app, user_id, {"id": monitor_id, "accepted_statuscodes": statuscodes, **fields, **links})
    if "active" in change.fields:
        switch = monitors.resume if want["active"] else monitors.pause
        await switch(app, user_id, monitor_id)
    if "tags" in change.fields:
        await _set_tags(app, ids, monitor_id, have.get("tags") or [], want.get("tags") or [])


async def _settings(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    for change in plan.of("update", "settings"):
        await settings.save(app, user_id, {k: v for k, (_, v) in change.fields.items()}, None)


def _depth(key: str, monitors_by_key: dict[str, dict[str, Any]]) -> int:
    depth, group = 0, monitors_by_key[key].get("group")
    while group is not None and group in monitors_by_key:
        depth, group = depth + 1, monitors_by_key[group].get("group")
    return depth


async def _deletes(app: App, user_id: int, plan: Plan, ids: dict, current: dict, wanted: dict) -> None:
    have = _by_key(current, "monitors")
    for change in sorted(plan.of("delete", "monitor"), key=lambda c: -_depth(c.key, have)):
        await monitors.delete(app, user_id, change.object_id)
    for change in plan.of("delete", "notification"):
        await notifications.delete(app, user_id, change.object_id)
    for change in plan.of("delete", "tag"):
        await tags.delete(app, change.object_id)
    gone = [(c.kind, c.object_id) for c in plan.changes if c.action == "delete" and c.object_id is not None]

    def forget_all(db: Any) -> None:
        for kind, object_id in gone:
            config_keys.forget(db, kind, object_id)

    await app.db.write(forget_all)

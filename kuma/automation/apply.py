"""Carry out a plan through the domain functions the Socket.IO handlers use (kuma/domain), so a file is
validated exactly as the dashboard's input is. Order: tags, notifications, monitors (groups before
their members), status pages, maintenance, settings, then deletes (maintenance and pages first, members
before groups); last, every key of the file is pinned in `kuma_config_key`. A DomainError stops the
apply with the object it was about.

A run on a live server passes its change port (`Run.changes`, the Socket.IO layer's) so logged-in
dashboards see each monitor change, and `Run.touched` collects the other lists to send at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kuma.automation.apply_pages import delete_pages, maintenance_step, status_pages_step
from kuma.automation.document import MONITOR_FIELDS
from kuma.automation.plan import Change, Plan
from kuma.domain import monitors, notifications, settings, tags
from kuma.domain.errors import DomainError
from kuma.domain.monitors import SILENT, MonitorChanges
from kuma.store import config_keys

if TYPE_CHECKING:
    from kuma.app import App


#: What the dashboard's form pre-fills for a new monitor, for keys a hand-written file leaves out.
CREATE_DEFAULTS: dict[str, Any] = {"accepted_statuscodes": ["200-299"], "interval": 60}


class ApplyError(RuntimeError):
    """The domain refused an object of the file (its message says which and why)."""


@dataclass
class Run:
    """One apply: the plan, what is stored now, what the file wants, and the ids behind the keys."""

    app: App
    user_id: int
    plan: Plan
    current: dict[str, Any]
    wanted: dict[str, Any]
    changes: MonitorChanges = SILENT
    ids: dict[str, dict[str, int]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # kinds changed (the lists a live server sends after)

    def have(self, section: str) -> dict[str, dict[str, Any]]:
        return by_key(self.current, section)

    def want(self, section: str) -> dict[str, dict[str, Any]]:
        return by_key(self.wanted, section)

    async def pin(self, kind: str, key: str, object_id: int) -> None:
        """Record a new object's key at once, so an apply stopped later still matches it next time."""
        self.ids.setdefault(kind, {})[key] = object_id
        await self.app.db.write(lambda db: config_keys.remember(db, kind, object_id, key))


def by_key(document: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in document.get(section) or []}


async def apply_plan(run: Run) -> None:
    """Carry out a plan in dependency order (tags and notifications before the monitors that name them,
    deletes last), then pin the keys' ids; a step that fails names the kind of item it was at."""
    run.ids = {kind: dict(keys) for kind, keys in run.plan.ids.items()}
    steps = (
        (_tags, "tag"), (_notifications, "notification"), (_monitor_creates, "monitor"),
        (_monitor_updates, "monitor"), (status_pages_step, "status page"), (maintenance_step, "maintenance"),
        (_settings, "settings"), (delete_pages, None), (_deletes, None),
    )  # fmt: skip
    for step, kind in steps:
        try:
            await step(run)
        except DomainError as exc:
            raise ApplyError(f"{kind or 'delete'}: {exc.msg}") from None
    pins = {
        kind: {item["key"]: run.ids[kind][item["key"]] for item in run.wanted.get(section) or []}
        for kind, section in SECTION_OF.items()
    }

    def pin_all(db: Any) -> None:
        for kind, pairs in pins.items():
            config_keys.remember_many(db, kind, pairs)

    await run.app.db.write(pin_all)


SECTION_OF = {
    "tag": "tags", "notification": "notifications", "monitor": "monitors", "status_page": "statusPages",
    "maintenance": "maintenance",
}  # fmt: skip


async def _tags(run: Run) -> None:
    have, want = run.have("tags"), run.want("tags")
    for change in run.plan.of("create", "tag"):
        row = await tags.add(run.app, {"name": want[change.key].get("name"), "color": want[change.key].get("color")})
        await run.pin("tag", change.key, row["id"])
    for change in run.plan.of("update", "tag"):
        merged = {**have[change.key], **want[change.key]}
        await tags.edit(run.app, {"id": change.object_id, "name": merged.get("name"), "color": merged.get("color")})
        run.touched.add("tag")


def _notification_form(item: dict[str, Any]) -> dict[str, Any]:
    form = dict(item.get("config") or {})
    form.update(name=item.get("name"), type=item.get("type"), isDefault=bool(item.get("isDefault")))
    form["applyExisting"] = False
    return form


async def _notifications(run: Run) -> None:
    have, want = run.have("notifications"), run.want("notifications")
    for change in run.plan.of("create", "notification"):
        saved = await notifications.save(run.app, run.user_id, _notification_form(want[change.key]))
        await run.pin("notification", change.key, saved)
        run.touched.add("notification")
    for change in run.plan.of("update", "notification"):
        merged = {**have[change.key], **want[change.key]}
        await notifications.save(run.app, run.user_id, _notification_form(merged), change.object_id)
        run.touched.add("notification")


def _links(item: dict[str, Any], ids: dict) -> dict[str, Any]:
    """`group` / `notifications` keys → the `parent` / `notificationIDList` the domain takes."""
    out: dict[str, Any] = {}
    if "group" in item:
        out["parent"] = None if item["group"] is None else ids["monitor"][item["group"]]
    if "notifications" in item:
        out["notificationIDList"] = {str(ids["notification"][k]): True for k in item["notifications"] or []}
    return out


async def _monitor_creates(run: Run) -> None:
    want = run.want("monitors")
    waiting = [c.key for c in run.plan.of("create", "monitor")]
    while waiting:
        ready = [k for k in waiting if want[k].get("group") is None or want[k]["group"] in run.ids["monitor"]]
        for key in ready:
            item = want[key]
            payload = CREATE_DEFAULTS | {k: item[k] for k in MONITOR_FIELDS if k in item}
            payload.setdefault("retryInterval", payload["interval"])
            created = await monitors.add(run.app, run.user_id, payload | _links(item, run.ids), run.changes)
            await run.pin("monitor", key, created)
            if item.get("tags"):
                await _set_tags(run, created, [], item["tags"])
        waiting = [k for k in waiting if k not in ready]


async def _set_tags(run: Run, monitor_id: int, have: list[dict], want: list[dict]) -> None:
    pairs = {(t["tag"], str(t.get("value") or "")) for t in have}
    wanted = {(t["tag"], str(t.get("value") or "")) for t in want}
    for tag, value in sorted(pairs - wanted):
        await tags.delete_monitor_tag(run.app, run.ids["tag"][tag], monitor_id, value)
    for tag, value in sorted(wanted - pairs):
        await tags.add_monitor_tag(run.app, run.ids["tag"][tag], monitor_id, value)
    if pairs != wanted:
        await run.changes.updated(monitor_id)


async def _monitor_updates(run: Run) -> None:
    have, want = run.have("monitors"), run.want("monitors")
    for change in run.plan.of("update", "monitor"):
        await _update_monitor(run, change, have[change.key], want[change.key])


async def _update_monitor(run: Run, change: Change, have: dict, want: dict) -> None:
    monitor_id = change.object_id
    assert monitor_id is not None
    fields = {k: v for k, (_, v) in change.fields.items() if k in MONITOR_FIELDS and k != "active"}
    links = _links({k: want[k] for k in ("group", "notifications") if k in change.fields}, run.ids)
    if fields or links:
        statuscodes = want.get("accepted_statuscodes", have.get("accepted_statuscodes"))
        data = {"id": monitor_id, "accepted_statuscodes": statuscodes, **fields, **links}
        await monitors.edit(run.app, run.user_id, data, run.changes)
    if "active" in change.fields:
        switch = monitors.resume if want["active"] else monitors.pause
        await switch(run.app, run.user_id, monitor_id, run.changes)
    if "tags" in change.fields:
        await _set_tags(run, monitor_id, have.get("tags") or [], want.get("tags") or [])


async def _settings(run: Run) -> None:
    for change in run.plan.of("update", "settings"):
        await settings.save(run.app, run.user_id, {k: v for k, (_, v) in change.fields.items()}, None)
        run.touched.add("settings")


def _depth(key: str, monitors_by_key: dict[str, dict[str, Any]]) -> int:
    depth, group = 0, monitors_by_key[key].get("group")
    while group is not None and group in monitors_by_key:
        depth, group = depth + 1, monitors_by_key[group].get("group")
    return depth


async def _deletes(run: Run) -> None:
    have = run.have("monitors")
    for change in sorted(run.plan.of("delete", "monitor"), key=lambda c: -_depth(c.key, have)):
        await monitors.delete(run.app, run.user_id, change.object_id, False, run.changes)
    for change in run.plan.of("delete", "notification"):
        await notifications.delete(run.app, run.user_id, change.object_id)
        run.touched.add("notification")
    for change in run.plan.of("delete", "tag"):
        await tags.delete(run.app, change.object_id)
        run.touched.add("tag")
    gone = [(c.kind, c.object_id) for c in run.plan.changes if c.action == "delete" and c.object_id is not None]

    def forget_all(db: Any) -> None:
        for kind, object_id in gone:
            config_keys.forget(db, kind, object_id)

    await run.app.db.write(forget_all)

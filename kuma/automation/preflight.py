"""Check every object a plan creates or updates with the domain's own pure rules before anything is
written, so a document the dashboard would refuse is refused whole (nothing stored) with the same text,
naming the object (`monitors[3]`). Monitors: the input mapping and `validate_monitor` of kuma/rules;
maintenance: `kuma.domain.maintenance.row_of`; status pages: `new_page_input`, the slug and config
checks of kuma.domain.status_pages. What needs other rows (unique names, links) is left to the apply."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kuma.automation.apply import CREATE_DEFAULTS
from kuma.automation.apply_pages import PAGE_DEFAULTS
from kuma.automation.document import MONITOR_FIELDS
from kuma.automation.errors import ConfigError
from kuma.automation.pages import MAINTENANCE_FIELDS, STATUS_PAGE_FIELDS
from kuma.automation.plan import Change, Plan
from kuma.domain import maintenance, status_pages
from kuma.domain.errors import DomainError
from kuma.rules.validate import MonitorInputError, add_input, edit_input, validate_monitor
from kuma.store import monitors_write
from kuma.store.settings import server_timezone

SECTIONS = {"monitor": "monitors", "status_page": "statusPages", "maintenance": "maintenance"}


def check_plan(db: sqlite_utils.Database, plan: Plan, current: dict[str, Any], wanted: dict[str, Any]) -> None:
    """A reader job: ConfigError for the first object the domain rules would refuse."""
    columns = monitors_write.monitor_columns(db)
    zone = server_timezone(db)
    for change in plan.changes:
        section = SECTIONS.get(change.kind)
        if section is None or change.action == "delete":
            continue
        index, item = _find(wanted, section, change.key)
        have: dict[str, Any] = next((x for x in current.get(section) or [] if x["key"] == change.key), {})
        try:
            if change.kind == "monitor":
                _monitor(db, columns, change, item, have)
            elif change.kind == "maintenance":
                maintenance.row_of({k: v for k, v in {**have, **item}.items() if k in MAINTENANCE_FIELDS}, zone)
            else:
                _page(change, {**(have or PAGE_DEFAULTS), **item})
        except (DomainError, MonitorInputError) as exc:
            text = exc.msg if isinstance(exc, DomainError) else str(exc)
            raise ConfigError(f"{section} {change.key!r}: {text}", f"{section}[{index}]") from None


def _find(document: dict[str, Any], section: str, key: str) -> tuple[int, dict[str, Any]]:
    return next((i, x) for i, x in enumerate(document.get(section) or []) if x["key"] == key)


def _monitor(db: sqlite_utils.Database, columns: Any, change: Change, item: dict, have: dict) -> None:
    if change.action == "create":
        payload = CREATE_DEFAULTS | {k: item[k] for k in MONITOR_FIELDS if k in item}
        payload.setdefault("retryInterval", payload["interval"])
        fields, _, _ = add_input(payload, columns)
        validate_monitor({"interval": 20, "retry_interval": 20, **fields})
        return
    sent = {k: v for k, (_, v) in change.fields.items() if k in MONITOR_FIELDS and k != "active"}
    row = monitors_write.get_monitor_row(db, change.object_id) if change.object_id is not None else None
    if not sent or row is None:
        return
    statuscodes = item.get("accepted_statuscodes", have.get("accepted_statuscodes"))
    fields = edit_input({"accepted_statuscodes": statuscodes, **sent}, columns)
    validate_monitor({**row, **fields}, sent=set(fields))


def _page(change: Change, page: dict[str, Any]) -> None:
    if change.action == "create":
        status_pages.new_page_input(page.get("title"), page.get("slug"))
    status_pages.check_saved_slug(page.get("slug"))
    config = {k: page[k] for k in STATUS_PAGE_FIELDS if k in page}
    status_pages.page_fields_from_config(config, "", 0.0)

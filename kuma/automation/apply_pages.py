"""Apply steps for status pages and maintenance windows, through kuma.domain.status_pages / .maintenance
(the functions `saveStatusPage`, `addMaintenance` … call), so their refusals read as in the dashboard.

A page is matched by its key, so a changed slug is saved onto the same page (`saveStatusPage` from the old
slug), never a second page. A field the file leaves out keeps its stored value; a new page starts from
the values a new page has (`PAGE_DEFAULTS`), since the edit form's save resets what it is not sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.automation.pages import MAINTENANCE_FIELDS, STATUS_PAGE_FIELDS
from kuma.domain import maintenance, status_pages
from kuma.store import status_pages as page_store

if TYPE_CHECKING:
    from kuma.automation.apply import Run

#: A page as `addStatusPage` makes it (the table's defaults), by file key.
PAGE_DEFAULTS: dict[str, Any] = {
    "description": None, "theme": "auto", "autoRefreshInterval": 300, "published": True, "showTags": False,
    "showPoweredBy": True, "showCertificateExpiry": False, "showOnlyLastHeartbeat": False, "footerText": None,
    "customCSS": None, "rssTitle": None, "analyticsType": None, "analyticsId": None, "analyticsScriptUrl": None,
    "domainNameList": [],
}  # fmt: skip


def _groups(run: Run, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file's groups as `saveStatusPage`'s publicGroupList (monitor keys → ids)."""
    out = []
    for group in groups:
        monitor_list = []
        for item in group.get("monitors") or []:
            entry = item if isinstance(item, dict) else {"monitor": item}
            monitor_list.append(
                {
                    "id": run.ids["monitor"][entry["monitor"]],
                    "sendUrl": bool(entry.get("sendUrl")),
                    "url": entry.get("url"),
                }
            )
        out.append({"name": group.get("name"), "monitorList": monitor_list})
    return out


async def _save_page(run: Run, slug: str, page: dict[str, Any], changed: set[str]) -> None:
    """Save the page's form (when a form field or the groups changed), then `published`."""
    if changed - {"published"}:
        config = {k: page[k] for k in STATUS_PAGE_FIELDS if k in page and k != "published"}
        await status_pages.save(run.app, slug, config, None, _groups(run, page.get("groups") or []))
    if "published" in changed:
        await status_pages.set_published(run.app, page.get("slug", slug), page["published"])
    run.touched.add("status_page")


def _page_id(slug: str) -> Any:
    def read(db: Any) -> int:
        page = page_store.page_by_slug(db, slug)
        assert page is not None  # just added
        return int(page["id"])

    return read


async def status_pages_step(run: Run) -> None:
    """Create, then update, the file's status pages (a created page gets its saved config right away)."""
    have, want = run.have("statusPages"), run.want("statusPages")
    for change in run.plan.of("create", "status_page"):
        item = {**PAGE_DEFAULTS, **want[change.key]}
        slug = await status_pages.add(run.app, item.get("title"), item.get("slug"))
        await run.pin("status_page", change.key, await run.app.db.read(_page_id(slug)))
        await _save_page(run, slug, item, set(item) - ({"published"} if item["published"] is True else set()))
    for change in run.plan.of("update", "status_page"):
        merged = {**have[change.key], **want[change.key]}
        await _save_page(run, have[change.key]["slug"], merged, set(change.fields))


def _window(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in MAINTENANCE_FIELDS if k in item}


async def _link_window(run: Run, window_id: int, item: dict[str, Any], changed: set[str]) -> None:
    if "monitors" in changed:
        await maintenance.link_monitors(run.app, window_id, [run.ids["monitor"][k] for k in item["monitors"] or []])
    if "statusPages" in changed:
        pages = [run.ids["status_page"][k] for k in item["statusPages"] or []]
        await maintenance.link_status_pages(run.app, window_id, pages)


async def maintenance_step(run: Run) -> None:
    """Create, then update, the file's maintenance windows and their monitor and page links."""
    have, want = run.have("maintenance"), run.want("maintenance")
    for change in run.plan.of("create", "maintenance"):
        item = want[change.key]
        window_id = await maintenance.add(run.app, run.user_id, _window(item))
        await run.pin("maintenance", change.key, window_id)
        await _link_window(run, window_id, item, set(item) & {"monitors", "statusPages"})
        run.touched.add("maintenance")
    for change in run.plan.of("update", "maintenance"):
        assert change.object_id is not None
        merged = {**have[change.key], **want[change.key]}
        if set(change.fields) & set(MAINTENANCE_FIELDS):
            await maintenance.edit(run.app, run.user_id, {**_window(merged), "id": change.object_id})
        await _link_window(run, change.object_id, merged, set(change.fields))
        run.touched.add("maintenance")


async def delete_pages(run: Run) -> None:
    """Maintenance windows, then status pages (before the monitors they show are deleted)."""
    for change in run.plan.of("delete", "maintenance"):
        await maintenance.delete(run.app, change.object_id)
        run.touched.add("maintenance")
    have = run.have("statusPages")
    for change in run.plan.of("delete", "status_page"):
        await status_pages.delete(run.app, have[change.key]["slug"])
        run.touched.add("status_page")

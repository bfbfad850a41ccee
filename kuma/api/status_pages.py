"""Socket.IO status page and incident events (socketio-events.md §3.8) over `kuma.domain.status_pages`.

Adding, saving and deleting a page is followed by a coalesced `statusPageList` to the room, as Uptime Kuma
1.23 sent (2.x does not; clients made for 1.x keep their page cache from it): kuma/api/legacy_lists.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kuma.api import named_args
from kuma.api.common import ApiError, Events, ok, ok_i18n
from kuma.api.legacy_lists import announces
from kuma.domain import status_pages as domain
from kuma.domain.status_pages import decode_png_data_url, page_fields_from_config  # noqa: F401 - importable here

if TYPE_CHECKING:
    from kuma.app import App

events = Events()


@events.login("addStatusPage")
@announces("statusPageList")
async def add_status_page(app: App, sock: Any, title: Any = None, slug: Any = None, *rest: Any) -> dict[str, Any]:
    return ok_i18n("successAdded", slug=await domain.add(app, *named_args.title_slug(title, slug)))


@events.login("getStatusPage")
async def get_status_page(app: App, sock: Any, slug: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(config=await domain.get(app, slug))


@events.login("saveStatusPage")
@announces("statusPageList")
async def save_status_page(
    app: App,
    sock: Any,
    slug: Any = None,
    config: Any = None,
    img_data_url: Any = None,
    public_group_list: Any = None,
    *rest: Any,
) -> dict[str, Any]:
    fields = named_args.status_page_save(slug, config, img_data_url, public_group_list)
    return ok(publicGroupList=await domain.save(app, *fields))


@events.login("deleteStatusPage")
@announces("statusPageList")
async def delete_status_page(app: App, sock: Any, slug: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.delete(app, slug)
    return ok()


# -- incidents ---------------------------------------------------------------------------------------


@events.login("postIncident")
async def post_incident(app: App, sock: Any, slug: Any = None, incident: Any = None, *rest: Any) -> dict[str, Any]:
    return ok(incident=await domain.post_incident(app, slug, incident))


@events.login("unpinIncident")
async def unpin_incident(app: App, sock: Any, slug: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.unpin_incidents(app, slug)
    return ok()


@events.public("getIncidentHistory")
async def get_incident_history(app: App, sock: Any, slug: Any = None, cursor: Any = None, *rest: Any) -> Any:
    """Public, like the page itself: the same body as the REST route."""
    from kuma.rest.status_pages import incident_history_body

    cursor_text = cursor if isinstance(cursor, str) and cursor else None
    key = slug.lower() if isinstance(slug, str) else ""
    body = await app.db.read(lambda db: incident_history_body(db, key, cursor_text))
    if body is None:
        raise ApiError("Status Page Not Found")
    return body


@events.login("editIncident")
async def edit_incident(
    app: App, sock: Any, slug: Any = None, incident_id: Any = None, incident: Any = None, *rest: Any
) -> dict[str, Any]:
    return ok_i18n("Saved.", incident=await domain.edit_incident(app, slug, incident_id, incident))


@events.login("deleteIncident")
async def delete_incident(app: App, sock: Any, slug: Any = None, incident_id: Any = None, *rest: Any) -> dict[str, Any]:
    await domain.delete_incident(app, slug, incident_id)
    return ok_i18n("successDeleted")


@events.login("resolveIncident")
async def resolve_incident(
    app: App, sock: Any, slug: Any = None, incident_id: Any = None, *rest: Any
) -> dict[str, Any]:
    return ok_i18n("Resolved", incident=await domain.resolve_incident(app, slug, incident_id))


def register(hub: Any, app: App) -> None:
    """Every status page and incident event on the hub."""
    events.register(hub, app)

"""`/api/v1/status-pages` (by slug) and their incidents over `kuma.domain.status_pages`: the same rules and
texts as the Socket.IO events. A page's answer is its admin config plus its groups as the public page shows
them; PATCH changes only the keys sent and keeps the groups unless `publicGroupList` is sent."""

from __future__ import annotations

from typing import Any

from kuma.domain import status_pages as domain
from kuma.domain.errors import DomainError
from kuma.rest.status_pages import incident_history_body, load_page_json
from kuma.rest.v1.routing import Api, Call, NotFound
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import list_of
from kuma.views.status_pages import status_page_list

api = Api()
TAG = "status-pages"

PAGE = Schema(
    "StatusPage",
    {
        "id": Field("integer", required=True),
        "slug": Field("string", required=True),
        "title": Field("string", required=True),
        "published": Field("boolean"),
        "publicGroupList": Field("array", items=Field("object"), description="groups with their monitors"),
    },
    extra=True,
)
PAGE_INPUT = Schema(
    "StatusPageInput",
    {
        "title": Field("string", required=True, min_length=1, max_length=255),
        "slug": Field("string", required=True, min_length=1, max_length=255, description="a-z, 0-9 and -"),
    },
)
GROUP = Schema(
    "PublicGroup",
    {
        "name": Field("string", required=True),
        "monitorList": Field(
            "array",
            items=Field("object", shape=Schema("GroupMonitor", {"id": Field("integer", required=True)}, extra=True)),
        ),
    },
    extra=True,
)
PAGE_PATCH = Schema(
    "StatusPagePatch",
    {
        "title": Field("string", min_length=1, max_length=255),
        "description": Field("string", nullable=True),
        "published": Field("boolean"),
        "showTags": Field("boolean"),
        "footerText": Field("string", nullable=True),
        "domainNameList": Field("array", items=Field("string")),
        "publicGroupList": Field("array", items=Field("object", shape=GROUP)),
    },
    extra=True,
    description="The edit form's config keys; publicGroupList replaces the groups",
)
INCIDENT = Schema(
    "Incident", {"id": Field("integer", required=True), "title": Field("string", nullable=True)}, extra=True
)
INCIDENT_INPUT = Schema(
    "IncidentInput",
    {
        "title": Field("string", required=True, min_length=1, max_length=255),
        "content": Field("string", required=True, min_length=1),
        "style": Field("string", enum=("info", "warning", "danger", "primary", "light", "dark"), default="primary"),
    },
)
HISTORY = Schema(
    "IncidentHistory",
    {
        "incidents": Field("array", required=True, items=Field("object", shape=INCIDENT)),
        "total": Field("integer", required=True),
        "nextCursor": Field("string", nullable=True, required=True),
        "hasMore": Field("boolean", required=True),
    },
    extra=True,
)
CURSOR = Schema("HistoryQuery", {"cursor": Field("string", description="nextCursor of the previous page")})


async def _page(call: Call, slug: str) -> dict[str, Any]:
    try:
        config = await domain.get(call.app, slug)
    except DomainError:
        raise NotFound("Status page not found") from None
    loaded = await call.app.db.read(lambda db: load_page_json(db, config["slug"]))
    groups = loaded[1]["publicGroupList"] if loaded else []
    return {**config, "publicGroupList": groups}


@api.get("/status-pages", "List status pages", TAG, response=list_of(PAGE))
async def list_pages(call: Call) -> list[dict[str, Any]]:
    return list((await status_page_list(call.app)).values())


@api.get("/status-pages/{slug}", "Get a status page (config and groups)", TAG, response=PAGE)
async def get_page(call: Call) -> dict[str, Any]:
    return await _page(call, call.ids["slug"])


@api.post("/status-pages", "Create a status page", TAG, body=PAGE_INPUT, response=PAGE, status=201)
async def create_page(call: Call) -> dict[str, Any]:
    slug = await domain.add(call.app, call.body["title"], call.body["slug"])
    return await _page(call, slug)


@api.patch("/status-pages/{slug}", "Change a status page (publish: `published`)", TAG, body=PAGE_PATCH, response=PAGE)
async def update_page(call: Call) -> dict[str, Any]:
    current = await _page(call, call.ids["slug"])
    groups = call.body.get("publicGroupList", current["publicGroupList"])
    config = {key: value for key, value in {**current, **call.body}.items() if key != "publicGroupList"}
    await domain.save(call.app, call.ids["slug"], config, None, groups)
    if "published" in call.body:  # saveStatusPage leaves it as stored
        await domain.set_published(call.app, config["slug"], call.body["published"])
    return await _page(call, config["slug"])


@api.delete("/status-pages/{slug}", "Delete a status page", TAG, status=204)
async def delete_page(call: Call) -> None:
    await _page(call, call.ids["slug"])
    await domain.delete(call.app, call.ids["slug"])


@api.post(
    "/status-pages/{slug}/incidents", "Post (pin) an incident", TAG, body=INCIDENT_INPUT, response=INCIDENT, status=201
)
async def post_incident(call: Call) -> dict[str, Any]:
    await _page(call, call.ids["slug"])
    return await domain.post_incident(call.app, call.ids["slug"], {"style": "primary", **call.body})


@api.patch(
    "/status-pages/{slug}/incidents/{incidentId}", "Edit an incident", TAG, body=INCIDENT_INPUT, response=INCIDENT
)
async def edit_incident(call: Call) -> dict[str, Any]:
    await _page(call, call.ids["slug"])
    return await _incident(domain.edit_incident(call.app, call.ids["slug"], call.ids["incidentId"], call.body))


@api.post("/status-pages/{slug}/incidents/{incidentId}/resolve", "Resolve an incident", TAG, response=INCIDENT)
async def resolve_incident(call: Call) -> dict[str, Any]:
    await _page(call, call.ids["slug"])
    return await _incident(domain.resolve_incident(call.app, call.ids["slug"], call.ids["incidentId"]))


@api.delete("/status-pages/{slug}/incidents/{incidentId}", "Delete an incident", TAG, status=204)
async def delete_incident(call: Call) -> None:
    await _page(call, call.ids["slug"])
    await _incident(domain.delete_incident(call.app, call.ids["slug"], call.ids["incidentId"]))


async def _incident(change: Any) -> Any:
    """An incident change; an unknown incident id is a 404."""
    try:
        return await change
    except DomainError as exc:
        if exc.msgi18n:  # the domain's "incident not found" (an i18n key)
            raise NotFound("Incident not found") from None
        raise


@api.get(
    "/status-pages/{slug}/incidents",
    "Incident history, newest first, paged by cursor",
    TAG,
    query=CURSOR,
    response=HISTORY,
)
async def incident_history(call: Call) -> dict[str, Any]:
    await _page(call, call.ids["slug"])
    body = await call.app.db.read(lambda db: incident_history_body(db, call.ids["slug"], call.query.get("cursor")))
    if body is None:
        raise NotFound("Status page not found")
    return body

"""REST API v1 (`/api/v1/`): one module per area, each with an `api = Api()` route table; `register`
mounts them all, plus the OpenAPI document and its reference page generated from those same tables."""

from __future__ import annotations

from quart import Response
from quart_trio import QuartTrio

from kuma.app import App
from kuma.rest.v1 import (
    api_keys,
    backup,
    health,
    maintenance,
    monitors,
    notifications,
    openapi,
    reports,
    settings,
    status_pages,
    tags,
)
from kuma.rest.v1 import config as config_as_code
from kuma.rest.v1.auth import KeyAuth
from kuma.rest.v1.routing import PREFIX, Api, json_response, mount

AREAS = (
    health,
    monitors,
    tags,
    notifications,
    maintenance,
    status_pages,
    settings,
    api_keys,
    reports,
    backup,
    config_as_code,
)


def combined() -> Api:
    api = Api()
    for area in AREAS:
        api.operations.extend(area.api.operations)
    return api


def register(web: QuartTrio, app: App) -> None:
    api = combined()
    mount(web, app, api, KeyAuth(app, app.config.api_rate_per_minute))
    doc = openapi.document(api)
    page = openapi.reference_page(doc)

    @web.route(PREFIX + "/openapi.json")
    async def api_v1_openapi() -> Response:
        return json_response(doc)

    @web.route(PREFIX + "/docs")
    async def api_v1_docs() -> Response:
        return Response(page, content_type="text/html; charset=utf-8")

"""The Quart-Trio application: REST routes and the Socket.IO endpoint, wired to the App object."""

from __future__ import annotations

import logging

from quart import Response, request
from quart_trio import QuartTrio

from kuma import api
from kuma.app import App
from kuma.realtime import endpoint
from kuma.rest import badges, entry, metrics, push, screenshots, status_pages, v1
from kuma.rest.jsonwire import WireJSONProvider
from kuma.store import settings as settings_store
from kuma.web import routes

log = logging.getLogger(__name__)

#: Modules with a `register(web, app)` function, in route-registration order.
#: Order matters: specific routes first, the dashboard's catch-all last.
ROUTE_MODULES = (api, push, badges, status_pages, metrics, screenshots, v1, entry, routes)


def create_web_app(app: App) -> QuartTrio:
    """The Quart app: the Socket.IO endpoint, every route module, and the push front ahead of them."""
    web = QuartTrio("kuma", static_folder=None)
    web.json = WireJSONProvider(web)  # Uptime Kuma's key order and compact bytes are part of the wire
    web.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024  # logo uploads arrive as data URLs

    endpoint.mount(web, app.hub, lambda: app.db.read(settings_store.trust_proxy))
    for module in ROUTE_MODULES:
        module.register(web, app)
    push.mount(web, app)  # raw ASGI in front of Quart for the push hot path (the route above stays)

    @web.after_request
    async def _common_headers(response: Response) -> Response:
        if not app.config.disable_frame_sameorigin:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @web.errorhandler(404)
    async def _not_found(error):  # JSON for the API, plain text elsewhere
        if request.path.startswith("/api/"):
            return {"ok": False, "msg": "Not Found"}, 404
        return Response("Not Found", status=404, content_type="text/plain; charset=utf-8")

    return web

"""Serves the dashboard (one HTML shell for every SPA path, static assets) and public status pages."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from quart import Response, abort, send_from_directory
from quart_trio import QuartTrio

from kuma.app import App
from kuma.web.status_page import render_status_page

STATIC = Path(str(resources.files("kuma.web").joinpath("static")))
SPA_PREFIXES = (
    "dashboard",
    "add",
    "edit",
    "clone",
    "settings",
    "maintenance",
    "add-maintenance",
    "manage-status-page",
    "add-status-page",
    "setup",
    "login",
    "list",
    "report",
)
HTML = "text/html; charset=utf-8"


async def status_page_response(app: App, slug: str) -> Response:
    """A public status page as HTML (also served at `/` for a page's custom domain)."""
    body, status = await render_status_page(app, slug)
    return Response(body, status=status, content_type=HTML)


def register(web: QuartTrio, app: App) -> None:
    shell = (STATIC / "index.html").read_bytes()

    def spa() -> Response:
        response = Response(shell, content_type=HTML)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @web.route("/assets/<path:name>")
    async def assets(name: str):
        response = await send_from_directory(STATIC, name)
        response.headers["Cache-Control"] = "no-cache"  # small files; revalidated by ETag/Last-Modified
        return response

    @web.route("/icon.svg")
    async def icon():
        return await send_from_directory(STATIC, "icon.svg")

    @web.route("/status")
    @web.route("/status-page")
    async def default_status_page():
        return await status_page_response(app, "default")

    @web.route("/status/<slug>")
    async def status_page(slug: str):
        return await status_page_response(app, "default" if slug == "index.html" else slug)

    @web.route("/robots.txt")
    async def robots():
        from kuma.store.settings import get_setting

        index = await app.db.read(lambda db: get_setting(db, "searchEngineIndex"))
        return Response("User-agent: *\nDisallow:" + ("" if index else " /"), content_type="text/plain")

    @web.route("/<first>")
    @web.route("/<first>/<path:rest>")
    async def spa_routes(first: str, rest: str = ""):
        if first in SPA_PREFIXES:
            return spa()
        if first == "upload":
            return Response("File not found.", status=404, content_type="text/plain")
        if first in ("api", "socket.io", "metrics", "assets"):
            abort(404)
        return spa()  # like Uptime Kuma: unknown paths get the app, which shows its own not-found view

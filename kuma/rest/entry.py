"""`/` and `/api/entry-page`: where a visitor lands (dashboard, a status page, or a custom domain's page)."""

from __future__ import annotations

from quart import Response, request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.store.settings import get_setting
from kuma.store.status_pages import slug_of_domain
from kuma.web.routes import status_page_response


def _host_of_request() -> str:
    return (request.host or "").split(":")[0].lower()


def register(web: QuartTrio, app: App) -> None:
    @web.route("/")
    async def root():
        host = _host_of_request()
        slug = await app.db.read(lambda db: slug_of_domain(db, host))
        if slug is not None:
            return await status_page_response(app, slug)
        entry = await app.db.read(lambda db: get_setting(db, "entryPage", "dashboard")) or "dashboard"
        target = f"/status/{entry[len('statusPage-') :]}" if entry.startswith("statusPage-") else "/dashboard"
        response = Response(f"Found. Redirecting to {target}", status=302, content_type="text/plain; charset=utf-8")
        response.headers["Location"] = target
        response.headers["Vary"] = "Accept"
        return response

    @web.route("/api/entry-page")
    async def entry_page():
        host = _host_of_request()

        def lookup(db):
            slug = slug_of_domain(db, host)
            if slug is not None:
                return {"type": "statusPageMatchedDomain", "statusPageSlug": slug}
            return {"type": "entryPage", "entryPage": get_setting(db, "entryPage", "dashboard") or "dashboard"}

        return await app.db.read(lookup)

"""The `statusPageList` payload, pages shaped by `kuma.shapes.status_page`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kuma.shapes.status_page import page_admin_json
from kuma.store import status_pages as store

if TYPE_CHECKING:
    from kuma.app import App


async def status_page_list(app: App) -> dict:
    """`statusPageList` payload: `{"<id>": admin JSON}` ordered by title (login burst)."""

    def load(db):
        pages = store.all_pages(db)
        domains = store.domains_of(db, [p["id"] for p in pages])
        return {str(p["id"]): page_admin_json(p, domains.get(p["id"], [])) for p in pages}

    return await app.db.read(load)

"""`GET /api/v1/backup`: a consistent copy of `kuma.db` (the same code as `kuma backup`), streamed as
`kuma-backup-YYYYMMDD-HHMMSS.db` while checks and pushes go on. Auth: a read-write API key (scripts), or the
one-time `token` the dashboard gets over its logged-in socket (`getBackupDownloadToken`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import BinaryIO

import trio
from quart import Response, request

from kuma.app import App
from kuma.domain import backups as domain
from kuma.rest.v1.auth import AuthRefused, Caller
from kuma.rest.v1.routing import Api, Call
from kuma.rest.v1.schema import Field, Schema

api = Api()
CHUNK = 256 * 1024
MEDIA = "application/vnd.sqlite3"
QUERY = Schema(
    "BackupQuery", {"token": Field("string", description="a one-time token from the dashboard (instead of an API key)")}
)


async def token_auth(app: App) -> Caller | None:
    """The dashboard's one-time token, when the request carries one (else None: the API key decides)."""
    token = request.args.get("token")
    if token is None:
        return None
    user_id = domain.redeem_token(app, token)
    if user_id is None:
        raise AuthRefused(401, "Invalid or expired download token")
    return Caller(0, user_id, "write")


async def _chunks(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while data := await trio.to_thread.run_sync(handle.read, CHUNK):
            yield data
    finally:
        handle.close()


@api.get(
    "/backup",
    "Download a consistent copy of the database (a SQLite file, while the server runs)",
    "backup",
    writes=True,
    query=QUERY,
    other_media={MEDIA: {"type": "string", "contentMediaType": MEDIA}},
    alt_auth=token_auth,
    description="One snapshot (SQLite's backup API): everything committed before the request is in it, "
    "and it passed `PRAGMA integrity_check`. Restore it with `kuma restore FILE` into a stopped server's folder.",
)
async def download_backup(call: Call) -> Response:
    handle = await domain.open_snapshot(call.app)
    size = os.fstat(handle.fileno()).st_size
    headers = {
        "Content-Disposition": f'attachment; filename="{domain.download_name(call.app)}"',
        "Content-Length": str(size),
        "Cache-Control": "no-store",
    }
    return Response(_chunks(handle), content_type=MEDIA, headers=headers)

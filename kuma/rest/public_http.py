"""Response helpers shared by the public routes: Express-style weak ETags, conditional GET,
`cache-control: no-cache` on the routes Uptime Kuma caches, CORS for badges, `sendHttpError`.

kuma keeps no server-side response cache (the spec allows caching less, never more): every
response is computed fresh and carries what Uptime Kuma's cache-filling response carries.
"""

from __future__ import annotations

import base64
import hashlib

from quart import Response, request

from kuma.rest.jsonwire import JSON_CONTENT_TYPE, dumps

SVG_CONTENT_TYPE = "image/svg+xml; charset=utf-8"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Origin, X-Requested-With, Content-Type, Accept",
}


def weak_etag(body: bytes) -> str:
    """Express's default ETag: `W/"<hex length>-<first 27 chars of base64 sha1>"`."""
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


def _etag_matches(etag: str) -> bool:
    wanted = request.headers.get("If-None-Match")
    if not wanted:
        return False
    tags = [t.strip() for t in wanted.split(",")]
    bare = etag[2:] if etag.startswith("W/") else etag
    return "*" in tags or any(t == etag or t == bare or (t.startswith("W/") and t[2:] == bare) for t in tags)


def body_response(
    body: str | bytes,
    content_type: str,
    *,
    status: int = 200,
    cached_route: bool = False,
    cors: bool = False,
    etag: bool = True,
    etag_value: str | None = None,
) -> Response:
    """A response with Uptime Kuma's headers; answers 304 when the client's ETag still matches.
    `etag_value`: the body's weak ETag computed already (a cached body)."""
    data = body.encode() if isinstance(body, str) else body
    headers: dict[str, str] = {}
    if cached_route:
        headers["Cache-Control"] = "no-cache"
    if cors:
        headers.update(CORS_HEADERS)
    tag = (etag_value or weak_etag(data)) if etag else None
    if tag is not None:
        headers["ETag"] = tag
        if status == 200 and _etag_matches(tag):
            return Response(b"", status=304, headers=headers)
    return Response(data, status=status, headers=headers, content_type=content_type)


def json_body(obj, *, status: int = 200, cached_route: bool = False, cors: bool = False) -> Response:
    return body_response(dumps(obj), JSON_CONTENT_TYPE, status=status, cached_route=cached_route, cors=cors)


def http_error(msg: str, *, cached_route: bool = False, cors: bool = False) -> Response:
    """Uptime Kuma's sendHttpError: busy database → 503, "not found" → 404, anything else → 403."""
    if "SQLITE_BUSY" in msg or "SQLITE_LOCKED" in msg or "database is locked" in msg:
        status = 503
    elif "not found" in msg.lower():
        status = 404
    else:
        status = 403
    return json_body({"status": "fail", "msg": msg}, status=status, cached_route=cached_route, cors=cors)

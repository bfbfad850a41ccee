"""JSON responses the way Express sends them: compact, key order kept, no trailing newline."""

from __future__ import annotations

import json
from typing import Any, cast

from flask.json.provider import DefaultJSONProvider
from quart import Response

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(obj), status=status, headers=headers, content_type=JSON_CONTENT_TYPE)


class WireJSONProvider(DefaultJSONProvider):
    """Used when a route returns a dict: same bytes as `json_response`."""

    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return dumps(obj)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        response = self._app.response_class(dumps(obj), content_type=JSON_CONTENT_TYPE)
        return cast(Response, response)  # Flask's provider is typed with werkzeug's class; Quart's is this one

"""The v1 route table: each operation is declared once (method, path, schemas, scope) and that one
declaration both mounts the Quart route (auth → validation → handler → JSON) and feeds the OpenAPI document.

Errors are JSON `{ok: false, msg[, errors: [{field, msg}]]}`: 401/403/429 from auth, 404 unknown ids,
422 bad input (the schema's problems, or the domain's refusal with the same text Socket.IO acks carry).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from quart import Response, request
from quart_trio import QuartTrio

from kuma.app import App
from kuma.domain.errors import DomainError
from kuma.rest.v1.auth import AuthRefused, Caller, KeyAuth
from kuma.rest.v1.schema import Field, Problem, Schema

PREFIX = "/api/v1"
MAX_ID = 2**53 - 1  # ids beyond JavaScript's safe integers do not exist (and would overflow SQLite)


class NotFound(Exception):
    """An unknown id → 404."""


class Invalid(Exception):
    """Bad input → 422 naming each bad field."""

    def __init__(self, problems: list[Problem], msg: str = "Invalid input") -> None:
        super().__init__(msg)
        self.problems = problems
        self.msg = msg


@dataclass
class Call:
    """What a handler gets: the caller, the path ids, the typed query and the checked body."""

    app: App
    caller: Caller
    ids: dict[str, Any]
    query: dict[str, Any]
    body: Any

    @property
    def user_id(self) -> int:
        return self.caller.user_id


Handler = Callable[[Call], Awaitable[Any]]
#: Another way in for one route (the dashboard's one-time download token): a Caller, None to fall back to the
#: API key, or AuthRefused.
AltAuth = Callable[[App], Awaitable[Caller | None]]


@dataclass
class Operation:
    """One v1 operation as declared once: both the Quart route and its OpenAPI entry are made from it."""

    method: str
    path: str  # OpenAPI style: /monitors/{id}
    summary: str
    tag: str
    handler: Handler
    writes: bool
    status: int = 200
    query: Schema | None = None
    body: Schema | None = None
    response: Field | Schema | None = None
    extra_statuses: tuple[int, ...] = field(default_factory=tuple)
    #: Answers other than JSON (media type → schema); the handler then returns a Quart Response itself.
    other_media: dict[str, dict[str, Any]] = field(default_factory=dict)
    alt_auth: AltAuth | None = None
    description: str = ""
    #: Body media types besides JSON, each with its decoder (text → data; raises Invalid).
    decoders: dict[str, Callable[[str], Any]] = field(default_factory=dict)

    @property
    def id_names(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


class Api:
    """Collects operations from the area modules (`@api.get(...)` etc.)."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def route(self, method: str, path: str, summary: str, tag: str, **options: Any) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            writes = options.pop("writes", method != "GET")
            self.operations.append(Operation(method, path, summary, tag, handler, writes, **options))
            return handler

        return decorator

    def get(self, path: str, summary: str, tag: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, summary, tag, **options)

    def post(self, path: str, summary: str, tag: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, summary, tag, **options)

    def patch(self, path: str, summary: str, tag: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, summary, tag, **options)

    def delete(self, path: str, summary: str, tag: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, summary, tag, **options)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return Response(text, status=status, content_type="application/json; charset=utf-8", headers=headers)


def error_response(status: int, msg: str, problems: list[Problem] | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "msg": msg}
    if problems is not None:
        body["errors"] = problems
    headers = {"WWW-Authenticate": 'Bearer realm="kuma"'} if status == 401 else None
    return json_response(body, status, headers)


#: Path parameters that are text (status page slugs); every other one is an integer id.
TEXT_PARAMS = ("slug",)


def _ids(operation: Operation, values: dict[str, str]) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    for name in operation.id_names:
        text = values.get(name, "")
        if name in TEXT_PARAMS:
            ids[name] = text.lower()
        elif not text.isdigit() or int(text) > MAX_ID:
            raise NotFound()
        else:
            ids[name] = int(text)
    return ids


async def _body(operation: Operation) -> Any:
    if operation.body is None:
        return None
    raw = await request.get_data(as_text=True)
    decode = operation.decoders.get(request.mimetype)
    try:
        data = decode(str(raw)) if decode is not None else json.loads(raw) if raw.strip() else None
    except ValueError:
        raise Invalid([{"field": "body", "msg": "must be JSON"}]) from None
    problems = operation.body.problems(data)
    if problems:
        raise Invalid(problems)
    return data


async def _caller(app: App, auth: KeyAuth, operation: Operation) -> Caller:
    found = None if operation.alt_auth is None else await operation.alt_auth(app)
    return found or await auth.caller(request.headers.get("Authorization"), operation.writes)


async def _run(app: App, auth: KeyAuth, operation: Operation, values: dict[str, str]) -> Response:
    try:
        caller = await _caller(app, auth, operation)
        ids = _ids(operation, values)
        query: dict[str, Any] = {}
        if operation.query is not None:
            query, problems = operation.query.parse_query(request.args)
            if problems:
                raise Invalid(problems)
        body = await _body(operation)
        result = await operation.handler(Call(app, caller, ids, query, body))
    except AuthRefused as refused:
        return error_response(refused.status, refused.msg)
    except NotFound as missing:
        return error_response(404, str(missing) or "Not Found")
    except Invalid as invalid:
        return error_response(422, invalid.msg, invalid.problems)
    except DomainError as refused:
        return error_response(422, str(refused.msg), [])
    if operation.status == 204:
        return Response("", status=204)
    if isinstance(result, Response):
        return result
    return json_response(result, operation.status)


def quart_path(path: str) -> str:
    return PREFIX + re.sub(r"{(\w+)}", r"<\1>", path)


def mount(web: QuartTrio, app: App, api: Api, auth: KeyAuth) -> None:
    """One Quart route per operation."""
    for operation in api.operations:

        def bind(op: Operation) -> Callable[..., Awaitable[Response]]:
            async def view(**values: str) -> Response:
                return await _run(app, auth, op, values)

            view.__name__ = f"api_v1_{op.operation_id}"
            return view

        web.add_url_rule(quart_path(operation.path), methods=[operation.method], view_func=bind(operation))

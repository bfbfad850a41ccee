"""The OpenAPI 3.1 document, built from the operations' own schemas (there is no second copy), and a
reference page rendered from that document on the server (no CDN, no script: plain HTML)."""

from __future__ import annotations

import html
import json
from typing import Any

from kuma import __version__
from kuma.rest.v1.routing import PREFIX, Api, Operation
from kuma.rest.v1.schema import Field, Schema
from kuma.rest.v1.shapes import ERROR

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    401: "No or invalid API key",
    403: "Key inactive, expired, or read-only on a writing route",
    404: "Unknown id",
    422: "Invalid input (each bad field named)",
    429: "Rate limit of this key reached",
}


INTEGER_ID = {"type": "integer", "minimum": 0}
PATH_SCHEMAS = {"slug": {"type": "string", "pattern": "^[A-Za-z0-9-]+$", "maxLength": 255}}


def _schema(spec: Field | Schema, components: dict[str, Any]) -> dict[str, Any]:
    if isinstance(spec, Schema):
        components[spec.name] = spec.json_schema()
        return {"$ref": f"#/components/schemas/{spec.name}"}
    return spec.json_schema()


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS.get(name, INTEGER_ID)}
        for name in operation.id_names
    ]
    if operation.query is not None:
        for name, spec in operation.query.fields.items():
            item = {"name": name, "in": "query", "required": spec.required, "schema": spec.json_schema()}
            if spec.description:
                item["description"] = spec.description
            out.append(item)
    return out


def _operation(operation: Operation, components: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": STATUS_TEXT[operation.status]}
    if operation.response is not None:
        success["content"] = _json(_schema(operation.response, components))
    if operation.other_media:
        success["content"] = {
            **success.get("content", {}),
            **{k: {"schema": v} for k, v in operation.other_media.items()},
        }
    error = {"$ref": "#/components/schemas/Error"}
    responses: dict[str, Any] = {str(operation.status): success}
    statuses = [401, 403, 429] + ([404] if operation.id_names else []) + [422]
    for status in statuses:
        responses[str(status)] = {"description": STATUS_TEXT[status], "content": _json(error)}
    out: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": _parameters(operation),
        "responses": responses,
        "security": [{"bearer": []}, {"basic": []}],
    }
    text = " ".join(
        part for part in (operation.description, "Needs a read-write key." if operation.writes else "") if part
    )
    if text:
        out["description"] = text
    if operation.body is not None:
        schema = _schema(operation.body, components)
        content = {kind: {"schema": schema} for kind in ("application/json", *operation.decoders)}
        out["requestBody"] = {"required": True, "content": content}
    return out


def document(api: Api) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared v1 operation (made from the same table as the routes)."""
    components: dict[str, Any] = {"Error": ERROR.json_schema()}
    components["Problem"] = components["Error"]["properties"]["errors"]["items"]
    paths: dict[str, dict[str, Any]] = {}
    for operation in api.operations:
        paths.setdefault(PREFIX + operation.path, {})[operation.method.lower()] = _operation(operation, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kuma REST API",
            "version": f"1 (kuma {__version__})",
            "description": "Authenticate with an API key: `Authorization: Bearer uk<id>_…`, or Basic auth "
            "with the key as the password.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
    }


def _block(value: Any) -> str:
    return f"<pre>{html.escape(json.dumps(value, indent=2))}</pre>"


def reference_page(doc: dict[str, Any]) -> str:
    """A readable page: every operation with its parameters, body and answers."""
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>kuma REST API v1</title>",
        "<style>body{font:15px system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}"
        "h2{border-bottom:1px solid #ccc}code,pre{background:#f4f4f4}pre{padding:.5em;overflow:auto}"
        ".m{font-weight:bold;display:inline-block;min-width:5em}details{margin:.3em 0 1em}</style>",
        f"<h1>{html.escape(doc['info']['title'])}</h1><p>{html.escape(doc['info']['description'])}</p>",
        '<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>',
    ]
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            parts.append(f"<h2><span class=m>{method.upper()}</span><code>{html.escape(path)}</code></h2>")
            parts.append(f"<p>{html.escape(op['summary'])}. {html.escape(op.get('description', ''))}</p>")
            rows = "".join(
                f"<li><code>{html.escape(p['name'])}</code> ({p['in']}) {html.escape(p.get('description', ''))}</li>"
                for p in op["parameters"]
            )
            if rows:
                parts.append(f"<ul>{rows}</ul>")
            if "requestBody" in op:
                parts.append(f"<details><summary>Body</summary>{_block(op['requestBody'])}</details>")
            answers = ", ".join(f"{code} {html.escape(r['description'])}" for code, r in op["responses"].items())
            parts.append(f"<p>Answers: {answers}</p>")
    parts.append(f"<h2>Schemas</h2>{_block(doc['components']['schemas'])}</html>")
    return "".join(parts)

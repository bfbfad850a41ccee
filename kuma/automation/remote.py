"""`kuma export --url …` and `kuma apply --url …`: the same commands against a running server, over the
REST API (`/api/v1/config`, kuma/rest/v1/config.py), which plans and applies with the server's own code.

The client only reads the file (parsing and checking it, so a bad file is refused before any request,
with the same message as locally), resolves `${ENV}` secrets from its own environment, and prints what
the server answers. Export writes the server's document with the same YAML writer as a local export."""

from __future__ import annotations

from typing import Any

import httpx

from kuma.automation.config_file import dump

#: Applying thousands of monitors is one request that takes a while; connecting is not.
TIMEOUT = httpx.Timeout(15.0, read=900.0)


class RemoteRefused(RuntimeError):
    """The server refused (its message), or could not be reached. `unchanged`: it says nothing was stored."""

    def __init__(self, msg: str, unchanged: bool = False) -> None:
        super().__init__(msg)
        self.unchanged = unchanged


def _client(url: str, api_key: str) -> httpx.Client:
    base = url.rstrip("/") + "/api/v1"
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}, timeout=TIMEOUT)


def _answer(call: Any) -> Any:
    """The JSON body of a 2xx answer; a RemoteRefused with the server's message otherwise."""
    try:
        response = call()
    except httpx.HTTPError as exc:
        raise RemoteRefused(f"cannot reach the server: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.is_success:
        return body
    msg = body.get("msg") if isinstance(body, dict) else None
    errors = body.get("errors") if isinstance(body, dict) else None
    detail = "; ".join(f"{e.get('field')}: {e.get('msg')}" for e in errors or [] if e.get("msg") != msg)
    text = f"{msg or response.reason_phrase} (HTTP {response.status_code})" + (f" [{detail}]" if detail else "")
    raise RemoteRefused(text, unchanged=response.status_code != 422 or bool(errors))


def export(url: str, api_key: str, secrets: str) -> str:
    with _client(url, api_key) as client:
        return dump(_answer(lambda: client.get("/config", params={"secrets": secrets})))


def apply(url: str, api_key: str, document: dict[str, Any], plan_only: bool, prune: bool) -> str:
    """POST the checked, resolved document to /config/plan or /config/apply; the plan as the server prints it."""
    path = "/config/plan" if plan_only else "/config/apply"
    with _client(url, api_key) as client:
        body = _answer(lambda: client.post(path, json=document, params={"prune": "true" if prune else "false"}))
    return str(body["text"])

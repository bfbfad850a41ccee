"""`/api/v1/config`: configuration as code against a running server (issue 21).

`GET` is the document `kuma export` writes; `POST …/plan` and `POST …/apply` take a document (JSON, or
the YAML file itself as `application/yaml`) and run the same plan/apply as `kuma apply` on a data folder
(kuma/automation/service.py `run_config`), here with the Socket.IO layer's change port, so logged-in
dashboards see each change. A bad document is a 422 naming the field, checked whole before anything is
touched. `${ENV}` references are resolved by the client (`kuma apply --url` does); the server refuses
one it is sent. The automation modules load YAML, so they are imported when a route is first used.
"""

from __future__ import annotations

from typing import Any

from kuma.api.maintenance import send_list as send_maintenance_list
from kuma.api.monitors import RoomChanges
from kuma.api.notifications import NOTIFICATIONS
from kuma.rest.v1.routing import Api, Call, Invalid
from kuma.rest.v1.schema import Field, Schema
from kuma.views.status_pages import status_page_list

api = Api()
TAG = "config"

ITEMS = Field("array", nullable=True, items=Field("object"))
DOCUMENT = Schema(
    "ConfigDocument",
    {
        "kuma": Field("integer", enum=(1,), description="the format version"),
        "settings": Field("object", nullable=True, description="general settings by key"),
        "tags": ITEMS,
        "notifications": ITEMS,
        "monitors": ITEMS,
        "statusPages": ITEMS,
        "maintenance": ITEMS,
    },
    description="The config file's content (docs/CONFIG.md); every object has a stable `key`",
)
CHANGE = Schema(
    "ConfigChange",
    {
        "action": Field("string", required=True, enum=("create", "update", "delete")),
        "kind": Field("string", required=True),
        "key": Field("string", required=True),
        "id": Field("integer", nullable=True, description="the object's id (null for a create)"),
        "fields": Field("object", required=True, description="name → {from, to}"),
    },
)
COUNTS = Schema(
    "ConfigCounts",
    {"create": Field("integer", required=True), "update": Field("integer", required=True),
     "delete": Field("integer", required=True)},
)  # fmt: skip
RESULT = Schema(
    "ConfigPlan",
    {
        "applied": Field("boolean", required=True, description="false for a plan, or when nothing changed"),
        "counts": Field("object", required=True, shape=COUNTS),
        "changes": Field("array", required=True, items=Field("object", shape=CHANGE)),
        "text": Field("string", required=True, description="the plan as `kuma apply` prints it"),
    },
)
EXPORT_QUERY = Schema(
    "ConfigExportQuery",
    {"secrets": Field("string", enum=("inline", "env"), default="inline", description="${ENV} references")},
)
PRUNE_QUERY = Schema(
    "ConfigApplyQuery", {"prune": Field("boolean", default=False, description="also delete what it lacks")}
)


def _yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise Invalid([{"field": "body", "msg": f"not valid YAML: {exc}"}], "not valid YAML") from None


YAML_TYPES = {kind: _yaml for kind in ("application/yaml", "application/x-yaml", "text/yaml")}


@api.get("/config", "Export the configuration (as `kuma export`)", TAG, query=EXPORT_QUERY, response=DOCUMENT)
async def export_config(call: Call) -> dict[str, Any]:
    from kuma.automation.config_file import secrets_as_env
    from kuma.automation.document import read_document

    document = await call.app.db.read(lambda db: read_document(db, call.user_id))
    return secrets_as_env(document) if call.query.get("secrets") == "env" else document


def _checked(body: Any) -> dict[str, Any]:
    from kuma.automation.config_file import ConfigError, check, resolve_env

    try:
        return resolve_env(check(body), env={})
    except ConfigError as exc:
        raise Invalid([{"field": exc.field, "msg": str(exc)}], str(exc)) from None


async def _run(call: Call, plan_only: bool) -> dict[str, Any]:
    from kuma.automation.config_file import ConfigError
    from kuma.automation.plan import counts, plan_json
    from kuma.automation.service import ApplyRefused, run_config

    wanted = _checked(call.body)
    try:
        outcome = await run_config(
            call.app, wanted, plan_only=plan_only, prune=bool(call.query.get("prune")), user_id=call.user_id,
            changes=RoomChanges(call.app, call.user_id),
        )  # fmt: skip
    except ConfigError as exc:  # an object the domain rules refuse, found before anything was stored
        raise Invalid([{"field": exc.field, "msg": str(exc)}], str(exc)) from None
    except ApplyRefused as exc:
        await _announce(call, exc.touched)
        raise Invalid([], str(exc)) from None
    await _announce(call, outcome.touched)
    text = outcome.text
    return {
        "applied": outcome.applied,
        "counts": counts(outcome.plan),
        "changes": plan_json(outcome.plan),
        "text": text,
    }


async def _announce(call: Call, touched: set[str]) -> None:
    """The lists a dashboard holds of what changed besides monitors (those went one by one)."""
    if "notification" in touched:
        await NOTIFICATIONS.send(call.app, call.user_id)
    if "maintenance" in touched:
        await send_maintenance_list(call.app, call.user_id)
    if "status_page" in touched:
        await call.app.hub.emit("statusPageList", await status_page_list(call.app), room=str(call.user_id))


@api.post(
    "/config/plan", "Plan a configuration document (changes nothing)", TAG, body=DOCUMENT, query=PRUNE_QUERY,
    response=RESULT, writes=False, decoders=YAML_TYPES,
)  # fmt: skip
async def plan_config(call: Call) -> dict[str, Any]:
    return await _run(call, plan_only=True)


@api.post(
    "/config/apply", "Apply a configuration document (idempotent)", TAG, body=DOCUMENT, query=PRUNE_QUERY,
    response=RESULT, decoders=YAML_TYPES,
)  # fmt: skip
async def apply_config(call: Call) -> dict[str, Any]:
    return await _run(call, plan_only=False)

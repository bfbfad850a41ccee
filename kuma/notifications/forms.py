"""The notification provider forms (forms.json): one description per provider that the dashboard draws its
form from and the server checks required fields against, so the two can never disagree (issue #19)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def provider_forms() -> dict[str, Any]:
    """`{"groups": [...], "providers": {key: {"name", "group", "fields": [...]}}}`, read once from the package."""
    text = resources.files("kuma.notifications").joinpath("forms.json").read_text(encoding="utf-8")
    forms: dict[str, Any] = json.loads(text)
    return forms


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_required(config: dict[str, Any]) -> str | None:
    """The message naming the first required field `config` leaves empty, or None when nothing is missing.
    Only fields a provider cannot send without are required; unknown types are not this check's business."""
    form = provider_forms()["providers"].get(config.get("type"))
    if form is None:
        return None
    for field in form["fields"]:
        if field.get("required") and _blank(config.get(field["key"])):
            return f"{form['name']}: {field['label']} ({field['key']}) is required"
    return None

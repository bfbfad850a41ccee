"""Small declarative schemas, written once: they validate requests and emit OpenAPI 3.1 (JSON Schema 2020-12).

No library: the API needs a handful of field kinds (string, integer, number, boolean, array, object), bounds,
enums and nullability, and the same object has to say "what is wrong with this input" field by field and
"what does the document look like". Query strings arrive as text, so `Field.coerce` turns them into the
field's kind first; JSON bodies are checked as sent (no coercion: `"5"` is not an integer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Problem = dict[str, str]  # {"field": "interval", "msg": "must be an integer"}


@dataclass(frozen=True)
class Field:
    """One value: its JSON kind and the rules on it."""

    kind: str  # "string" | "integer" | "number" | "boolean" | "array" | "object" | "any"
    description: str = ""
    required: bool = False
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    min_length: int | None = None
    items: Field | None = None
    shape: Schema | None = None  # kind == "object" with known properties
    default: Any = None

    def json_schema(self) -> dict[str, Any]:
        """This field as JSON Schema 2020-12 (what OpenAPI 3.1 uses)."""
        if self.kind == "object" and self.shape is not None:
            out = self.shape.json_schema()
        elif self.kind == "any":
            out = {}
        else:
            out = {"type": [self.kind, "null"] if self.nullable else self.kind}
        if self.description:
            out["description"] = self.description
        for key, value in (
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("maxLength", self.max_length),
            ("minLength", self.min_length),
            ("default", self.default),
        ):
            if value is not None:
                out[key] = value
        if self.enum is not None:
            out["enum"] = list(self.enum) + ([None] if self.nullable else [])
        if self.items is not None:
            out["items"] = self.items.json_schema()
        return out

    def check(self, value: Any, path: str) -> list[Problem]:
        """What is wrong with `value` (empty: nothing)."""
        if value is None:
            return [] if self.nullable or self.kind == "any" else [{"field": path, "msg": "must not be null"}]
        kind_problem = _kind_problem(self.kind, value)
        if kind_problem:
            return [{"field": path, "msg": kind_problem}]
        if self.enum is not None and value not in self.enum:
            return [{"field": path, "msg": "must be one of " + ", ".join(map(str, self.enum))}]
        problems = _bound_problems(self, value, path)
        if self.kind == "array" and self.items is not None:
            for index, item in enumerate(value):
                problems += self.items.check(item, f"{path}[{index}]")
        if self.kind == "object" and self.shape is not None:
            problems += self.shape.problems(value, prefix=f"{path}.")
        return problems

    def coerce(self, text: str) -> Any:
        """A query-string value as this field's kind (unchanged when it does not parse: `check` says why)."""
        try:
            if self.kind == "integer":
                return int(text)
            if self.kind == "number":
                return float(text)
        except ValueError:
            return text
        if self.kind == "boolean" and text.lower() in ("true", "1", "false", "0"):
            return text.lower() in ("true", "1")
        return text


def _kind_problem(kind: str, value: Any) -> str | None:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v == v,
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "any": lambda v: True,
    }
    return None if checks[kind](value) else f"must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _bound_problems(spec: Field, value: Any, path: str) -> list[Problem]:
    if spec.kind in ("integer", "number"):
        if spec.minimum is not None and value < spec.minimum:
            return [{"field": path, "msg": f"must be at least {spec.minimum:g}"}]
        if spec.maximum is not None and value > spec.maximum:
            return [{"field": path, "msg": f"must be at most {spec.maximum:g}"}]
    if spec.kind in ("string", "array"):
        if spec.max_length is not None and len(value) > spec.max_length:
            return [{"field": path, "msg": f"must be at most {spec.max_length} long"}]
        if spec.min_length is not None and len(value) < spec.min_length:
            return [{"field": path, "msg": f"must be at least {spec.min_length} long"}]
    return []


@dataclass(frozen=True)
class Schema:
    """An object: named fields; `extra=True` lets other keys through (the domain checks those)."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    extra: bool = False
    description: str = ""

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "properties": {key: spec.json_schema() for key, spec in self.fields.items()},
        }
        required = [key for key, spec in self.fields.items() if spec.required]
        if required:
            out["required"] = required
        if not self.extra:
            out["additionalProperties"] = False
        if self.description:
            out["description"] = self.description
        return out

    def problems(self, data: Any, prefix: str = "") -> list[Problem]:
        """Every bad field of `data` (missing required ones, wrong kinds, unknown keys when not `extra`)."""
        if not isinstance(data, dict):
            return [{"field": prefix.rstrip(".") or "body", "msg": "must be an object"}]
        out: list[Problem] = []
        for key, spec in self.fields.items():
            if key in data:
                out += spec.check(data[key], prefix + key)
            elif spec.required:
                out.append({"field": prefix + key, "msg": "is required"})
        if not self.extra:
            out += [{"field": prefix + key, "msg": "is not a known field"} for key in data if key not in self.fields]
        return out

    def parse_query(self, args: Any) -> tuple[dict[str, Any], list[Problem]]:
        """Query-string arguments (a MultiDict of text) → typed values with defaults, and the problems."""
        values: dict[str, Any] = {}
        for key, spec in self.fields.items():
            raw = args.get(key)
            values[key] = spec.default if raw is None else spec.coerce(raw)
        present = {key: value for key, value in values.items() if args.get(key) is not None}
        return values, self.problems(present) if self.fields else []

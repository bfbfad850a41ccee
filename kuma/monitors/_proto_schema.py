"""A `.proto` text (the monitor's `grpc_protobuf`) read into messages, enums and services. Pure.

What Uptime Kuma's protobufjs reads for a unary call: `syntax`, `package`, nested `message`s with scalar,
message, enum, `repeated`, `map<…>` and `oneof` fields, `enum`s, and `service` `rpc`s. Options, imports,
`reserved` and `extensions` are skipped. Field names become camelCase as protobufjs makes them
(`user_id` → `userId`), so the JSON body and the response use the same keys as Uptime Kuma's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[A-Za-z_][\w.]*|\.[A-Za-z_][\w.]*|-?\d[\w.+-]*|\S')
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


class ProtoError(Exception):
    """The proto text cannot be read; the message says where."""


def camel_case(name: str) -> str:
    """protobufjs' default: `_x` → `X` for lower-case x."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


@dataclass
class Field:
    name: str  # camelCase, as protobufjs names it
    number: int
    type: str  # scalar name, or the fully qualified message/enum name once resolved
    repeated: bool = False
    map_key: str | None = None  # map<key, type>


@dataclass
class Message:
    full_name: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class Enum:
    full_name: str
    values: dict[str, int] = field(default_factory=dict)


@dataclass
class Method:
    name: str
    request: str
    response: str
    streaming: bool


@dataclass
class Service:
    full_name: str
    methods: list[Method] = field(default_factory=list)


@dataclass
class Schema:
    messages: dict[str, Message] = field(default_factory=dict)
    enums: dict[str, Enum] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _TOKEN.findall(_COMMENTS.sub(" ", text))
        self.pos = 0
        self.schema = Schema()

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def next(self) -> str:
        token = self.peek()
        if not token:
            raise ProtoError("illegal end of proto text")
        self.pos += 1
        return token

    def expect(self, wanted: str) -> None:
        token = self.next()
        if token != wanted:
            raise ProtoError(f"illegal token '{token}', '{wanted}' expected")

    def skip_statement(self) -> None:
        """Up to the next `;` at this level, or over one balanced `{…}` block."""
        depth = 0
        while True:
            token = self.next()
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth <= 0:
                    return
            elif token == ";" and depth == 0:
                return

    def parse(self) -> Schema:
        """The whole file: top-level messages, enums and services, named under its package."""
        package = ""
        while self.peek():
            token = self.next()
            if token == "package":
                package = self.next()
                self.expect(";")
            elif token == "message":
                self.message(package)
            elif token == "enum":
                self.enum(package)
            elif token == "service":
                self.service(package)
            elif token in ("syntax", "edition", "import", "option", "extend"):
                self.pos -= 1
                self.skip_statement()
            elif token != ";":
                raise ProtoError(f"illegal token '{token}'")
        return self.schema

    def message(self, scope: str) -> None:
        """A message block (nested messages, enums and oneofs included) under its full dotted name."""
        full = _join(scope, self.next())
        message = self.schema.messages.setdefault(full, Message(full))
        self.expect("{")
        while (token := self.next()) != "}":
            if token == "message":
                self.message(full)
            elif token == "enum":
                self.enum(full)
            elif token == "oneof":
                self.next()
                self.expect("{")
                while self.peek() != "}":
                    if self.peek() == "option":
                        self.skip_statement()
                    else:
                        message.fields.append(self.field(self.next()))
                self.expect("}")
            elif token in ("option", "reserved", "extensions", "extend"):
                self.pos -= 1
                self.skip_statement()
            elif token != ";":
                message.fields.append(self.field(token))

    def field(self, token: str) -> Field:
        """One field declaration (label, map<K,V>, type, name, number) starting at `token`."""
        repeated = token == "repeated"
        if token in ("repeated", "optional", "required"):
            token = self.next()
        map_key = None
        if token == "map":
            self.expect("<")
            map_key = self.next()
            self.expect(",")
            token = self.next()
            self.expect(">")
        name = self.next()
        self.expect("=")
        number = int(self.next(), 0)
        if self.peek() == "[":
            while self.next() != "]":
                pass
        self.expect(";")
        return Field(camel_case(name), number, token, repeated, map_key)

    def enum(self, scope: str) -> None:
        """An enum block: its value names and numbers (options and reserved ranges skipped)."""
        full = _join(scope, self.next())
        enum = self.schema.enums.setdefault(full, Enum(full))
        self.expect("{")
        while (token := self.next()) != "}":
            if token in ("option", "reserved"):
                self.pos -= 1
                self.skip_statement()
            elif token != ";":
                self.expect("=")
                enum.values[token] = int(self.next(), 0)
                if self.peek() == "[":
                    while self.next() != "]":
                        pass
                self.expect(";")

    def service(self, scope: str) -> None:
        """A service block: its rpc methods, so the check can find the one the monitor names."""
        full = _join(scope, self.next())
        service = self.schema.services.setdefault(full, Service(full))
        self.expect("{")
        while (token := self.next()) != "}":
            if token == "rpc":
                service.methods.append(self.rpc(full))
            elif token == "option":
                self.pos -= 1
                self.skip_statement()

    def rpc(self, scope: str) -> Method:
        """One rpc line: request and response types, and whether either side streams."""
        name = self.next()
        self.expect("(")
        streaming = self.peek() == "stream"
        request = self.next() if not streaming else (self.next(), self.next())[1]
        self.expect(")")
        self.expect("returns")
        self.expect("(")
        if self.peek() == "stream":
            streaming = True
            self.next()
        response = self.next()
        self.expect(")")
        if self.peek() == "{":
            self.skip_statement()
        elif self.peek() == ";":
            self.next()
        return Method(name, _relative(scope, request), _relative(scope, response), streaming)


def _join(scope: str, name: str) -> str:
    return f"{scope}.{name}" if scope else name


def _relative(scope: str, name: str) -> str:
    """Kept with its scope (`scope|name`) until resolution, when every type is known."""
    return f"{scope}|{name}"


SCALARS = frozenset(
    "double float int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes".split()
)


def resolve(schema: Schema, scope: str, name: str) -> str:
    """A type reference as protobuf looks it up: `.a.B` absolute, else from the innermost scope out."""
    if name.startswith("."):
        candidates = [name[1:]]
    else:
        parts = scope.split(".") if scope else []
        candidates = [_join(".".join(parts[:i]), name) for i in range(len(parts), -1, -1)]
    for candidate in candidates:
        if candidate in schema.messages or candidate in schema.enums:
            return candidate
    raise ProtoError(f"no such type: {name}")


def parse_proto(text: str) -> Schema:
    """The schema with every field and rpc type resolved to a scalar or a full message/enum name."""
    parser = _Parser(text or "")
    schema = parser.parse()
    for message in schema.messages.values():
        for item in message.fields:
            if item.type not in SCALARS:
                item.type = resolve(schema, message.full_name, item.type)
    for service in schema.services.values():
        for method in service.methods:
            for attr in ("request", "response"):
                scope, _, name = getattr(method, attr).partition("|")
                package = scope.rsplit(".", 1)[0] if "." in scope else ""
                resolved = resolve(schema, package, name)
                if resolved not in schema.messages:
                    raise ProtoError(f"{name} is not a message type")
                setattr(method, attr, resolved)
    return schema


def find_service(schema: Schema, name: str) -> Service:
    """By full name (`pkg.Greeter`) or, as protobufjs' lookup does, by a unique trailing name (`Greeter`)."""
    wanted = name.strip().lstrip(".")
    if wanted in schema.services:
        return schema.services[wanted]
    matches = [s for full, s in schema.services.items() if full.endswith("." + wanted)]
    if len(matches) == 1:
        return matches[0]
    raise ProtoError(f"no such Service '{wanted}' in Root")


def find_method(service: Service, name: str) -> Method:
    """By its name, or lower-camel as protobufjs' service object names it (`check` for `Check`)."""
    wanted = name.strip()
    for method in service.methods:
        if wanted in (method.name, method.name[:1].lower() + method.name[1:]):
            return method
    raise ProtoError(f"service[method] is not a function (no method '{wanted}' in {service.full_name})")

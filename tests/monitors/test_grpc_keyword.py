"""grpc-keyword checks against a real grpcio server (messages from protobuf's own runtime) on 127.0.0.1."""
from __future__ import annotations

import time
from concurrent import futures

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from kuma.monitors import _grpc_wire
from kuma.monitors.base import UP, CheckContext, CheckFailed, get_monitor_type
from tests.helpers.monitor_rows import monitor_row
from tests.helpers.targets import closed_port, make_cert

PROTO = """
syntax = "proto3";
// the test service; comments and options must not confuse the reader
package demo.v1;
option go_package = "example.com/demo";

enum Mood { MOOD_UNSPECIFIED = 0; HAPPY = 1; GRUMPY = 2; }

message HelloRequest {
  string name = 1;
  int32 times = 2;
  Mood mood = 3;
  repeated int64 ids = 4;
  map<string, int32> tags = 5;
  Inner inner = 6;
  string user_id = 7;
  message Inner { bool flag = 1; double ratio = 2; bytes blob = 3; }
}

message HelloReply {
  string message = 1;
  int64 count = 2;
  Mood mood = 3;
  repeated int64 ids = 4;
  map<string, int32> tags = 5;
  HelloRequest.Inner inner = 6;
  string user_id = 7;
}

service Greeter {
  rpc SayHello (HelloRequest) returns (HelloReply) {}
  rpc Fail (HelloRequest) returns (HelloReply);
  rpc Slow (HelloRequest) returns (HelloReply);
}
"""

T = descriptor_pb2.FieldDescriptorProto


def _field(name, number, kind, type_name=None, repeated=False, json_name=None):
    made = T(name=name, number=number, type=kind, label=T.LABEL_REPEATED if repeated else T.LABEL_OPTIONAL)
    if type_name:
        made.type_name = type_name
    return made


def message_classes():
    """HelloRequest / HelloReply built with protobuf's runtime from the same definition as PROTO."""
    file = descriptor_pb2.FileDescriptorProto(name="demo_v1.proto", package="demo.v1", syntax="proto3")
    file.enum_type.add(name="Mood").value.extend([
        descriptor_pb2.EnumValueDescriptorProto(name=n, number=i)
        for i, n in enumerate(["MOOD_UNSPECIFIED", "HAPPY", "GRUMPY"])])
    for message_name in ("HelloRequest", "HelloReply"):
        message = file.message_type.add(name=message_name)
        entry = message.nested_type.add(name="TagsEntry")
        entry.options.map_entry = True
        entry.field.extend([_field("key", 1, T.TYPE_STRING), _field("value", 2, T.TYPE_INT32)])
        if message_name == "HelloRequest":
            inner = message.nested_type.add(name="Inner")
            inner.field.extend([_field("flag", 1, T.TYPE_BOOL), _field("ratio", 2, T.TYPE_DOUBLE),
                                _field("blob", 3, T.TYPE_BYTES)])
        message.field.extend([
            _field("name" if message_name == "HelloRequest" else "message", 1, T.TYPE_STRING),
            _field("times" if message_name == "HelloRequest" else "count", 2,
                   T.TYPE_INT32 if message_name == "HelloRequest" else T.TYPE_INT64),
            _field("mood", 3, T.TYPE_ENUM, ".demo.v1.Mood"),
            _field("ids", 4, T.TYPE_INT64, repeated=True),
            _field("tags", 5, T.TYPE_MESSAGE, f".demo.v1.{message_name}.TagsEntry", repeated=True),
            _field("inner", 6, T.TYPE_MESSAGE, ".demo.v1.HelloRequest.Inner"),
            _field("user_id", 7, T.TYPE_STRING),
        ])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return (message_factory.GetMessageClass(pool.FindMessageTypeByName("demo.v1.HelloRequest")),
            message_factory.GetMessageClass(pool.FindMessageTypeByName("demo.v1.HelloReply")))


Request, Reply = message_classes()


def say_hello(request, context):
    reply = Reply(message=f"Hello {request.name}", count=request.times * 1000000000000, mood=request.mood,
                  ids=list(request.ids), inner=request.inner, user_id=request.user_id)
    reply.tags.update(dict(request.tags))
    return reply


def fail(request, context):
    if request.name == "cancel":
        context.abort(grpc.StatusCode.CANCELLED, "client went away")
    context.abort(grpc.StatusCode.NOT_FOUND, "no greeting for ünknown")


def slow(request, context):
    time.sleep(3)
    return Reply(message="late")


@pytest.fixture(params=[False, True], ids=["plain", "tls"])
def server(request, tmp_path, monkeypatch):
    handlers = {name: grpc.unary_unary_rpc_method_handler(fn, request_deserializer=Request.FromString,
                                                          response_serializer=Reply.SerializeToString)
                for name, fn in (("SayHello", say_hello), ("Fail", fail), ("Slow", slow))}
    made = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    made.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("demo.v1.Greeter", handlers),))
    if request.param:
        cert = make_cert(("localhost",), self_signed=False, directory=tmp_path)
        with open(cert.key_path, "rb") as key, open(cert.chain_path, "rb") as chain:
            credentials = grpc.ssl_server_credentials([(key.read(), chain.read())])
        port = made.add_secure_port("localhost:0", credentials)
        monkeypatch.setenv("SSL_CERT_FILE", cert.ca_path)  # trust the test root like a system CA
        _grpc_wire._tls_context.cache_clear()
    else:
        port = made.add_insecure_port("127.0.0.1:0")
    made.start()
    yield ("localhost" if request.param else "127.0.0.1"), port, request.param
    made.stop(None)
    _grpc_wire._tls_context.cache_clear()


async def check(server, method="sayHello", body='{"name": "Ada"}', keyword="Hello", **row):
    host, port, tls = server
    row.setdefault("grpc_service_name", "demo.v1.Greeter")
    monitor = monitor_row(type="grpc-keyword", grpc_url=f"{host}:{port}", grpc_protobuf=PROTO, grpc_method=method,
                          grpc_body=body, grpc_enable_tls=int(tls), keyword=keyword, **row)
    return await get_monitor_type("grpc-keyword").check(monitor, CheckContext())


async def test_reply_as_protobufjs_json_with_keyword_found(server):
    body = ('{"name": "Ada", "times": 3, "mood": "HAPPY", "ids": [1, "2"], "tags": {"a": 1}, "userId": "u7",'
            ' "inner": {"flag": true, "ratio": 0.5, "blob": "AQI="}}')
    result = await check(server, body=body, keyword="Hello Ada")
    reply = ('{"message":"Hello Ada","count":"3000000000000","mood":"HAPPY","ids":["1","2"],"tags":{"a":1},'
             '"inner":{"flag":true,"ratio":0.5,"blob":"AQI="},"userId":"u7"}')
    assert result.status == UP
    assert result.msg == f"{reply}, keyword [Hello Ada] is found"
    assert isinstance(result.ping, int)


async def test_keyword_missing_and_inverted(server):
    with pytest.raises(CheckFailed) as caught:
        await check(server, keyword="Goodbye")
    assert str(caught.value) == 'keyword [Goodbye] is not in [" + {"message":"Hello Ada"} + "]'
    assert (await check(server, keyword="Goodbye", invert_keyword=1)).msg == (
        '{"message":"Hello Ada"}, keyword [Goodbye] not found')
    with pytest.raises(CheckFailed, match=r'^keyword \[Hello\] is present in \[" \+ \{"message":"Hello Ada"\} \+ "\]$'):
        await check(server, keyword="Hello", invert_keyword=1)


async def test_error_status_is_down_and_cancelled_counts_as_an_answer(server):
    with pytest.raises(CheckFailed, match="^5 NOT_FOUND: no greeting for ünknown$"):
        await check(server, method="Fail")
    result = await check(server, method="fail", body='{"name": "cancel"}', keyword="considered OK")
    assert result.msg == "1 is considered OK because client went away, keyword [considered OK] is found"


async def test_slow_call_is_cut_at_the_timeout(server):
    with pytest.raises(CheckFailed, match="^4 DEADLINE_EXCEEDED: Deadline exceeded$"):
        await check(server, method="Slow", timeout=0.5)


async def test_schema_errors_are_clear():
    target = ("127.0.0.1", closed_port(), False)
    with pytest.raises(CheckFailed, match="^no such Service 'demo.v1.Nope' in Root$"):
        await check(target, grpc_service_name="demo.v1.Nope")
    with pytest.raises(CheckFailed, match="no method 'hello' in demo.v1.Greeter"):
        await check(target, method="hello")
    with pytest.raises(CheckFailed, match="^Body is not valid JSON"):
        await check(target, body="{name")
    with pytest.raises(CheckFailed, match="^14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED"):
        await check(target)

"""Arbitrary input on every parsing path gives packets or a ProtocolError that closes that one session."""
from __future__ import annotations

import trio
import trio.testing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuma.realtime import socketio as sio
from kuma.realtime.engineio import POLLING, WEBSOCKET, EngineConfig, EngineSession, ProtocolError, decode_payload
from kuma.realtime.hub import Hub

CONFIG = EngineConfig(max_payload=10_000)
PACKETISH = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="0123456789b[]{}\",:-/\x1e_placeholdernum", max_size=60),
    st.builds(lambda d, rest: d + rest, st.sampled_from(list("0123456b")), st.text(max_size=80)),
    st.builds(lambda rest: "4" + rest, st.sampled_from(["2", "3", "0", "1", "5", "6", "51-", "52-"]).flatmap(
        lambda p: st.builds(lambda r: p + r, st.text(alphabet='[]{}"0123456789,:/abc-_', max_size=60)))),
)
FRAME = st.one_of(PACKETISH, st.binary(max_size=100))


@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_decode_payload_never_escapes(body):
    try:
        packets = decode_payload(body, 50)
    except ProtocolError:
        return
    assert all(kind in "0123456" for kind, _ in packets)


@given(st.lists(st.one_of(st.binary(max_size=200), PACKETISH.map(str.encode)), max_size=5))
def test_polling_session_never_escapes(bodies):
    s = EngineSession(CONFIG, now=0.0, transport=POLLING)
    for body in bodies:
        try:
            messages = s.receive_polling(body, now=1.0)
        except ProtocolError:
            assert s.closed
            return
        assert all(isinstance(m, (str, bytes)) for m in messages)


@given(st.lists(FRAME, max_size=8))
def test_websocket_session_and_probe_never_escape(frames):
    s = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    p = EngineSession(CONFIG, now=0.0, transport=POLLING)
    for frame in frames:
        try:
            s.receive_websocket(frame, now=1.0)
        except ProtocolError:
            assert s.closed
        try:
            p.receive_probe(frame)
        except ProtocolError:
            pass


@given(st.lists(FRAME, max_size=8))
def test_socketio_parser_never_escapes(messages):
    parser = sio.SocketIOParser()
    for message in messages:
        try:
            packets = parser.feed(message)
        except ProtocolError:
            continue
        for packet in packets:
            assert packet.type in (sio.CONNECT, sio.DISCONNECT, sio.EVENT, sio.ACK)
            if packet.type == sio.EVENT:
                assert isinstance(packet.event, str) and isinstance(packet.args, list)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(FRAME, min_size=1, max_size=6))
async def test_hub_survives_junk_and_keeps_other_sessions(frames):
    hub = Hub()
    seen: list = []

    @hub.on("echo")
    async def echo(sock, *args):
        seen.append(args)
        return args

    async with trio.open_nursery() as nursery:
        await nursery.start(hub.run)
        good = hub.open_connection(WEBSOCKET, {}, "127.0.0.1")
        bad = hub.open_connection(WEBSOCKET, {}, "127.0.0.1")
        good.receive_websocket("40", trio.current_time())
        bad.receive_websocket("40", trio.current_time())
        for frame in frames:
            try:
                bad.receive_websocket(frame, trio.current_time())
            except ProtocolError:
                assert bad.closed
        good.receive_websocket('421["echo","ok"]', trio.current_time())
        await trio.testing.wait_all_tasks_blocked()
        assert ("ok",) in seen
        assert not good.closed
        assert any(f == '431["ok"]' for f in good.session.take_frames())
        await hub.close_all()
        nursery.cancel_scope.cancel()

"""The sans-io cores in memory: a client side built from python-engineio/python-socketio's codecs talks to
our server side, with time passed in (like h11's client/server pairs)."""
from __future__ import annotations

import json

import pytest
from engineio import packet as eio_packet
from engineio import payload as eio_payload
from socketio import packet as sio_packet

from kuma.realtime import socketio as sio
from kuma.realtime.engineio import (
    FLUSH, POLLING, WEBSOCKET, EngineConfig, EngineSession, ProtocolError, decode_payload,
)

CONFIG = EngineConfig(ping_interval=25.0, ping_timeout=20.0, max_payload=1_000_000, max_outbox_bytes=1000)


def client_payload(*packets: eio_packet.Packet) -> str:
    """What python-engineio's client POSTs."""
    return eio_payload.Payload(packets=list(packets)).encode()


def test_handshake_is_uptime_kumas():
    polling = EngineSession(CONFIG, now=0.0, transport=POLLING, sid="mPdnXRaaY0GqnkCDAAAK")
    assert polling.handshake() == (
        '0{"sid":"mPdnXRaaY0GqnkCDAAAK","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,'
        '"maxPayload":1000000}'
    )
    ws = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    assert json.loads(ws.handshake()[1:])["upgrades"] == []
    assert len(ws.sid) == 20 and ws.sid != polling.sid


def test_ping_pong_deadlines():
    s = EngineSession(CONFIG, now=100.0, transport=WEBSOCKET)
    assert s.next_deadline() == 125.0
    s.handle_timers(124.9)
    assert s.take_frames() == []
    s.handle_timers(125.0)
    assert s.take_frames() == ["2"]
    assert s.next_deadline() == 145.0  # pong deadline
    assert s.receive_websocket("3", now=130.0) == []
    assert s.next_deadline() == 155.0  # next ping counts from the pong
    s.handle_timers(155.0)
    assert s.take_frames() == ["2"]
    s.handle_timers(174.9)
    assert not s.closed
    s.handle_timers(175.0)
    assert s.closed and s.close_reason == "ping timeout"


def test_polling_payloads_and_flush_marker():
    s = EngineSession(CONFIG, now=0.0)
    s.begin_poll()
    assert s.take_poll_payload() is None
    s.flush_marker()
    s.send_frames(['40{"sid":"x"}'])
    s.flush_marker()
    s.send_message('2["info",{}]')
    s.send_message(b"\x00\x01")
    assert s.take_poll_payload() == '40{"sid":"x"}'  # alone
    s.end_poll()
    s.begin_poll()
    body = s.take_poll_payload()
    assert body == '42["info",{}]\x1ebAAE='
    decoded = eio_payload.Payload(encoded_payload=body).packets  # python-engineio's client reads it back
    assert [(p.packet_type, p.data) for p in decoded] == [(4, '2["info",{}]'), (4, b"\x00\x01")]
    s.end_poll()


def test_many_packets_in_one_post_and_binary():
    s = EngineSession(CONFIG, now=0.0)
    packets = [eio_packet.Packet(eio_packet.MESSAGE, f'2["e",{i}]') for i in range(100)]
    packets.append(eio_packet.Packet(eio_packet.MESSAGE, b"\xff\x00"))
    messages = s.receive_polling(client_payload(*packets).encode(), now=1.0)
    assert messages[:2] == ['2["e",0]', '2["e",1]'] and len(messages) == 101
    assert messages[-1] == b"\xff\x00"


def test_overlapping_polls_close_the_session():
    s = EngineSession(CONFIG, now=0.0)
    s.begin_poll()
    with pytest.raises(ProtocolError):
        s.begin_poll()
    assert s.closed and s.take_poll_payload() == "1"


def test_upgrade_waits_for_the_pending_poll():
    s = EngineSession(CONFIG, now=0.0)
    s.begin_poll()
    assert s.receive_probe("2probe") == ["3probe"]
    assert s.take_poll_payload() == "6"  # the waiting GET is released with a noop
    assert s.receive_probe("5") == []
    assert s.transport == POLLING  # that GET has not finished yet
    s.send_message('2["later"]')
    s.end_poll()
    assert s.transport == WEBSOCKET
    assert s.take_frames() == ['42["later"]']
    with pytest.raises(ProtocolError):
        s.begin_poll()  # polling after the upgrade: Bad request
    assert not s.closed


def test_upgrade_rejects_junk_and_upgrade_without_probe():
    s = EngineSession(CONFIG, now=0.0)
    with pytest.raises(ProtocolError):
        s.receive_probe("5")
    with pytest.raises(ProtocolError):
        s.receive_probe("hello")
    assert s.transport == POLLING and not s.closed


def test_server_close_delivers_queue_then_close_packet():
    s = EngineSession(CONFIG, now=0.0)
    s.send_message("1")  # Socket.IO DISCONNECT
    s.close("server namespace disconnect")
    s.send_message('2["dropped"]')
    s.begin_poll()
    assert s.take_poll_payload() == "41\x1e1"


def test_slow_client_is_dropped_when_its_queue_overflows():
    s = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    for i in range(10):
        s.send_message("2" + "x" * 98)  # 100 bytes with the `4` prefix
    assert not s.closed and s.queued_bytes == CONFIG.max_outbox_bytes
    s.send_message("2")
    assert s.closed and s.close_reason == "transport error" and s.take_frames() == []


def test_outbox_counts_bytes_and_hands_out_bounded_batches():
    s = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    s.send_frames(["4aaa", b"\x01\x02", "4bb"])
    s.flush_marker()
    s.send_frames(["4c"])
    assert s.queued_bytes == 4 + 2 + 3 + 2
    assert s.take_frames(2) == ["4aaa", b"\x01\x02"]
    assert s.queued_bytes == 5
    assert s.take_frames(2) == ["4bb", "4c"]  # the FLUSH marker is skipped, not counted
    assert s.queued_bytes == 0 and s.take_frames(2) == []


def test_client_close_and_bad_packets():
    s = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    assert s.receive_websocket("1", now=1.0) == []
    assert s.closed and s.close_reason == "transport close"
    s2 = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    with pytest.raises(ProtocolError):
        s2.receive_websocket("9junk", now=1.0)
    assert s2.closed and s2.close_reason == "parse error"
    s3 = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET)
    with pytest.raises(ProtocolError):
        s3.receive_websocket("x" * (CONFIG.max_payload + 1), now=1.0)
    assert s3.closed


def test_decode_payload_limits():
    with pytest.raises(ProtocolError):
        decode_payload("", 10)
    with pytest.raises(ProtocolError):
        decode_payload("\x1e".join(["6"] * 11), 10)
    with pytest.raises(ProtocolError):
        decode_payload(b"\xff\xfe", 10)
    assert decode_payload("6\x1e3", 10) == [("6", ""), ("3", "")]


# ---- Socket.IO ------------------------------------------------------------------------------------
def client_encode(pkt: sio_packet.Packet) -> list:
    encoded = pkt.encode()
    return encoded if isinstance(encoded, list) else [encoded]


def test_socketio_client_packets_decode():
    parser = sio.SocketIOParser()
    (connect,) = parser.feed(client_encode(sio_packet.Packet(sio_packet.CONNECT, data={"token": "t"}))[0])
    assert (connect.type, connect.namespace, connect.data) == (sio.CONNECT, "/", {"token": "t"})
    (event,) = parser.feed(client_encode(sio_packet.Packet(sio_packet.EVENT, ["login", {"u": "a"}], id=12))[0])
    assert (event.type, event.event, event.args, event.id) == (sio.EVENT, "login", [{"u": "a"}], 12)
    frames = client_encode(sio_packet.Packet(sio_packet.EVENT, ["up", {"f": b"\x01\x02"}, b"\x03"], id=3))
    assert parser.feed(frames[0]) == [] and parser.feed(frames[1]) == []
    (binary,) = parser.feed(frames[2])
    assert (binary.event, binary.args, binary.id, binary.binary) == ("up", [{"f": b"\x01\x02"}, b"\x03"], 3, True)
    (ack,) = parser.feed(client_encode(sio_packet.Packet(sio_packet.ACK, ["r"], id=5))[0])
    assert (ack.type, ack.id, ack.data) == (sio.ACK, 5, ["r"])
    (bye,) = parser.feed("1")
    assert bye.type == sio.DISCONNECT
    (other,) = parser.feed("0/admin,")
    assert other.namespace == "/admin"


@pytest.mark.parametrize("junk", ["", "9", "2", '2"x"', "2[]", "2[1]", "3[1]", "4{}", "0[1]", '2{"a":1}', "51-", "5a-[]"])
def test_socketio_invalid_packets(junk):
    with pytest.raises(ProtocolError):
        sio.SocketIOParser().feed(junk)


def test_socketio_attachment_without_header():
    with pytest.raises(ProtocolError):
        sio.SocketIOParser().feed(b"\x00")


def test_socketio_encoders_exact_bytes():
    assert sio.encode_event("info", ({"primaryBaseURL": None, "x": "é"},)) == ['42["info",{"primaryBaseURL":null,"x":"é"}]']
    assert sio.encode_event("loginRequired", ()) == ['42["loginRequired"]']
    assert sio.encode_event("uptime", ("1", 24, 1)) == ['42["uptime","1",24,1]']
    assert sio.encode_ack(1, ({"ok": False},)) == ['431[{"ok":false}]']
    assert sio.encode_ack(7, ()) == ["437[]"]
    assert sio.encode_connect("gY0oK3BPXgwGBRQWAAAN") == '40{"sid":"gY0oK3BPXgwGBRQWAAAN"}'
    assert sio.encode_connect_error("Invalid namespace", "/x") == '44/x,{"message":"Invalid namespace"}'
    assert sio.encode_disconnect() == "41"
    frames = sio.encode_event("blob", ({"d": b"\x01"},))
    assert frames == ['451-["blob",{"d":{"_placeholder":true,"num":0}}]', b"\x01"]
    client_side = sio_packet.Packet(encoded_packet=frames[0][1:])
    assert client_side.add_attachment(frames[1]) and client_side.data == ["blob", {"d": b"\x01"}]


def test_a_shared_wire_is_one_outbox_item_opened_for_polling_and_held_ones_charge_a_token():
    from kuma.realtime.budget import OutboundBudget
    from kuma.realtime.wire import Wire

    budget = OutboundBudget(10**9)
    polling = EngineSession(CONFIG, now=0.0, budget=budget)
    wire = Wire(['42["a",1]', b"\x01", '42["b"]'])
    polling.send_frames(["40", wire])
    assert polling.queued_bytes == 2 + wire.size and budget.total == 2 + wire.size
    polling.begin_poll()
    assert polling.take_poll_payload() == '40\x1e42["a",1]\x1ebAQ==\x1e42["b"]'
    assert polling.queued_bytes == 0 and budget.total == 0
    ws = EngineSession(CONFIG, now=0.0, transport=WEBSOCKET, budget=budget)
    held = Wire(["4" + "x" * 5000], held=True)  # kept by the login-burst cache: its memory is counted there
    ws.send_frames([held], paced=True)
    assert ws.queued_bytes == held.size and budget.total == 1
    assert ws.take_frames() == [held] and budget.total == 0

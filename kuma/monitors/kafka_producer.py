"""`kafka-producer`: send `kafkaProducerMessage` to `kafkaProducerTopic` through `kafkaProducerBrokers`.

As Uptime Kuma (kafkajs, no retries): the first broker that answers gives the topic's metadata (creating
the topic only when `kafkaProducerAllowAutoTopicCreation`), the partition's leader takes the message with
acks from all in-sync replicas. UP says `Message sent successfully`; DOWN is `Error in producer connection:
…` or `Error sending message: …`; the whole check lasts at most interval × 0.8 (`Timeout`). TLS with
`kafkaProducerSsl`, SASL PLAIN and SCRAM-SHA-256/512 from `kafkaProducerSaslOptions`. The protocol is
spoken directly over Trio (Metadata v4, Produce v3, record batch v2): no thread, no driver.
"""

from __future__ import annotations

import json
import random
import ssl
import struct
from collections.abc import Mapping
from typing import Any

import trio

from kuma.monitors import _kafka_wire as wire
from kuma.monitors._common import as_bool, effective_timeout, elapsed_ms, interval_seconds
from kuma.monitors._driver import transport_text
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

CLIENT_ID = "Uptime-Kuma"


class ConnectionFailed(Exception):
    """Connecting or authenticating failed (`Error in producer connection: …`)."""


class SendFailed(Exception):
    """The broker refused the metadata or the message (`Error sending message: …`)."""


class Broker:
    """One connection: size-prefixed requests, answers matched by correlation id."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream, self.buffer, self.correlation = stream, b"", 0

    async def call(self, api_key: int, version: int, body: bytes) -> bytes:
        self.correlation += 1
        await self.stream.send_all(wire.request(api_key, version, self.correlation, CLIENT_ID, body))
        while True:
            if len(self.buffer) >= 4:
                size = struct.unpack(">i", self.buffer[:4])[0]
                if len(self.buffer) >= 4 + size:
                    message, self.buffer = self.buffer[4 : 4 + size], self.buffer[4 + size :]
                    if struct.unpack(">i", message[:4])[0] == self.correlation:
                        return message[4:]
                    continue
            chunk = await self.stream.receive_some(65536)
            if not chunk:
                raise ConnectionFailed("Closed connection")
            self.buffer += chunk


async def _scram(broker: Broker, mechanism: str, username: str, password: str) -> None:
    from scramp import ScramClient

    client = ScramClient([mechanism], username, password)
    first = wire.Reader(await broker.call(wire.SASL_AUTHENTICATE, 0, wire.blob(client.get_client_first().encode())))
    code, text, payload = first.take(">h"), first.string(), first.blob()
    if code:
        raise ConnectionFailed(f"SASL {mechanism} authentication failed: {text or wire.error_text(code)}")
    client.set_server_first(payload.decode())
    final = wire.Reader(await broker.call(wire.SASL_AUTHENTICATE, 0, wire.blob(client.get_client_final().encode())))
    code, text, payload = final.take(">h"), final.string(), final.blob()
    if code:
        raise ConnectionFailed(f"SASL {mechanism} authentication failed: {text or wire.error_text(code)}")
    client.set_server_final(payload.decode())


async def authenticate(broker: Broker, sasl: dict[str, Any]) -> None:
    """SaslHandshake then the mechanism's exchange (kafkajs names: plain, scram-sha-256, scram-sha-512)."""
    mechanism = str(sasl.get("mechanism") or "None").upper()
    if mechanism == "NONE":
        return
    if mechanism not in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        raise ConnectionFailed(f"SASL mechanism {sasl.get('mechanism')} is not supported")
    reader = wire.Reader(await broker.call(wire.SASL_HANDSHAKE, 1, wire.string(mechanism)))
    code = reader.take(">h")
    if code:
        raise ConnectionFailed(f"SASL {mechanism} mechanism is not supported by the server")
    username, password = str(sasl.get("username") or ""), str(sasl.get("password") or "")
    if mechanism != "PLAIN":
        await _scram(broker, mechanism, username, password)
        return
    token = b"\x00" + username.encode() + b"\x00" + password.encode()
    answer = wire.Reader(await broker.call(wire.SASL_AUTHENTICATE, 0, wire.blob(token)))
    code, text = answer.take(">h"), answer.string()
    if code:
        raise ConnectionFailed(f"SASL PLAIN authentication failed: {text or wire.error_text(code)}")


def split_broker(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":")
    try:
        return (host.strip("[]") or "localhost", int(port)) if host else (address.strip(), 9092)
    except ValueError:
        raise ConnectionFailed(f"Invalid broker address: {address}") from None


async def connect(address: str, tls: bool, sasl: dict[str, Any]) -> tuple[trio.abc.Stream, Broker]:
    """A connected broker (TLS and SASL when the monitor asks); a failure is one "Connection error: …" text."""
    host, port = split_broker(address)
    try:
        stream: trio.abc.Stream = await trio.open_tcp_stream(host, port)
        if tls:
            from kuma.monitors._http_tls import client_tls_context

            stream = trio.SSLStream(stream, client_tls_context(True, None), server_hostname=host)
            await stream.do_handshake()
    except (OSError, trio.BrokenResourceError, ssl.SSLError) as exc:
        raise ConnectionFailed(f"Connection error: {transport_text(exc, host, port) or exc}") from None
    broker = Broker(stream)
    try:
        await authenticate(broker, sasl)
    except BaseException:
        await trio.aclose_forcefully(stream)
        raise
    return stream, broker


async def first_broker(brokers: list[str], tls: bool, sasl: dict[str, Any]) -> tuple[trio.abc.Stream, Broker]:
    """kafkajs tries the seed brokers in turn; the last failure is the one reported."""
    failure = ConnectionFailed("No brokers configured")
    for address in brokers:
        try:
            return await connect(address, tls, sasl)
        except ConnectionFailed as exc:
            failure = exc
    raise failure


async def produce(monitor: Mapping[str, Any], brokers: list[str], sasl: dict[str, Any], now_ms: int) -> None:
    """Send the monitor's message to a random partition of the topic that has a leader, through that leader."""
    tls, topic = as_bool(monitor.get("kafka_producer_ssl")), str(monitor.get("kafka_producer_topic") or "")
    auto = as_bool(monitor.get("kafka_producer_allow_auto_topic_creation"))
    stream, broker = await first_broker(brokers, tls, sasl)
    async with stream:
        meta = wire.parse_metadata(await broker.call(wire.METADATA, 4, wire.metadata_request(topic, auto)))
        if meta.error:
            raise SendFailed(wire.error_text(meta.error))
        ready = [index for index, (error, leader) in meta.partitions.items() if not error and leader in meta.brokers]
        if not ready:
            raise SendFailed(wire.error_text(5))
        partition = random.choice(ready)
        leader = meta.brokers[meta.partitions[partition][1]]
        batch = wire.record_batch(str(monitor.get("kafka_producer_message") or "").encode("utf-8"), now_ms)
        request = wire.produce_request(topic, partition, batch)
        if leader == split_broker(brokers[0]) or len(meta.brokers) == 1:
            code = wire.parse_produce(await broker.call(wire.PRODUCE, 3, request))
        else:
            leader_stream, leader_broker = await connect(f"{leader[0]}:{leader[1]}", tls, sasl)
            async with leader_stream:
                code = wire.parse_produce(await leader_broker.call(wire.PRODUCE, 3, request))
        if code:
            raise SendFailed(wire.error_text(code))


def _json(raw: Any, default: Any) -> Any:
    if raw is None or raw == "":
        return default
    return json.loads(raw) if isinstance(raw, str) else raw


@register("kafka-producer")
class KafkaProducer(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        brokers = [str(b) for b in _json(monitor.get("kafka_producer_brokers"), [])]
        sasl = _json(monitor.get("kafka_producer_sasl_options"), {"mechanism": "None"})
        wait = min(interval_seconds(monitor) * 0.8, effective_timeout(monitor) + 5.0)
        start = trio.current_time()
        with trio.move_on_after(wait):
            try:
                await produce(monitor, brokers, sasl if isinstance(sasl, dict) else {}, round(ctx.wall_clock() * 1000))
            except ConnectionFailed as exc:
                raise CheckFailed(f"Error in producer connection: {exc}") from None
            except SendFailed as exc:
                raise CheckFailed(f"Error sending message: {exc}") from None
            except (OSError, trio.BrokenResourceError, struct.error) as exc:
                raise CheckFailed(f"Error sending message: {exc or type(exc).__name__}") from None
            return CheckResult(msg="Message sent successfully", ping=elapsed_ms(start))
        raise CheckFailed("Timeout")

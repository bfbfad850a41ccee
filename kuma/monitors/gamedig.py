"""`gamedig`: query a game server by `game` (an id of the game list the editor's getGameList shows).

The game's protocol, default port and query-port offset come from that same list
(kuma/domain/gamedig_games.json, gamedig's games table). As gamedig does: with `gamedig_given_port_only`
only `port` is asked; otherwise port + the game's query offset first, then `port`; the server's name is the
UP message and its answer time the ping; when every attempt fails the message is "Failed all <n>
attempts", and an unknown game is "Invalid game: <id>". Protocols spoken: see `_game_protocols.PROTOCOLS`;
a game on another protocol is DOWN "Game protocol not supported yet: <protocol>".
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Mapping
from importlib import resources
from typing import Any

import trio

from kuma.monitors._common import as_bool, effective_timeout
from kuma.monitors._game_protocols import PROTOCOLS, GameQueryError
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register


@functools.lru_cache(maxsize=1)
def games_by_key() -> dict[str, dict[str, Any]]:
    """Every game id → its options ({port, port_query_offset | port_query, protocol}) from the one list."""
    text = resources.files("kuma.domain").joinpath("gamedig_games.json").read_text(encoding="utf-8")
    table: dict[str, dict[str, Any]] = {}
    for game in json.loads(text):
        for key in game.get("keys") or []:
            table[key] = dict(game.get("options") or {})
    return table


def query_ports(options: dict[str, Any], port: int | None, given_port_only: bool) -> list[int]:
    """The ports gamedig tries, in order."""
    offset = int(options.get("port_query_offset") or 0)
    fixed = options.get("port_query")
    if port:
        ports = []
        if not given_port_only:
            if offset:
                ports.append(port + offset)
            if port == options.get("port") and fixed:
                ports.append(int(fixed))
        return [*ports, port]
    if fixed:
        return [int(fixed)]
    if options.get("port"):
        return [int(options["port"]) + offset]
    raise CheckFailed("Failed all 1 attempts")


@register("gamedig")
class GameDig(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        game = str(monitor.get("game") or "")
        options = games_by_key().get(game)
        if options is None:
            raise CheckFailed(f"Invalid game: {game}")
        protocol = str(options.get("protocol") or "")
        query = PROTOCOLS.get(protocol)
        if query is None:
            raise CheckFailed(f"Game protocol not supported yet: {protocol}")
        host = str(monitor.get("hostname") or "").strip()
        port = int(monitor["port"]) if monitor.get("port") else None
        ports = query_ports(options, port, as_bool(monitor.get("gamedig_given_port_only", 1)))
        each = effective_timeout(monitor) / len(ports)
        for attempt_port in ports:
            with trio.move_on_after(each):
                try:
                    state = await query(host, attempt_port)
                except (OSError, GameQueryError, ValueError, IndexError, struct.error):
                    continue
                return CheckResult(msg=state.name, ping=state.ping)
        raise CheckFailed(f"Failed all {len(ports)} attempts")

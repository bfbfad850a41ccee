"""Socket.IO by hand over one websocket, for tests that compare the exact text frames kuma sends."""
from __future__ import annotations

import json
from typing import Any

import websocket


def frames_up_to_ack(url: str, event: str, *args: Any, after: str | None = None) -> tuple[list[str], Any]:
    """Connect, emit `event` with an ack, and return (every text frame after the CONNECT ack and before the
    ack, pings answered and left out; the ack's argument). With `after`, the event is emitted once a frame
    starting with it has come, and only the frames after that one are returned."""
    ws = websocket.create_connection(url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                     timeout=30)
    try:
        assert ws.recv().startswith("0")
        ws.send("40")
        while not ws.recv().startswith("40"):
            pass
        if after is not None:
            while not ws.recv().startswith(after):
                pass
        ws.send("421" + json.dumps([event, *args]))
        frames: list[str] = []
        while True:
            frame = ws.recv()
            if frame == "2":
                ws.send("3")
            elif frame.startswith("431"):
                return frames, json.loads(frame[3:])[0]
            else:
                frames.append(frame)
    finally:
        ws.close()

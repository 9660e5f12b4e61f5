"""`python -m bench.baseline PORT FRAME_JSON DATABASE_URL`: the practical limit on this box.

A minimal raw `websockets` server: no framework, no layer, no database on the hot path. Clients
connect and say nothing; a control socket asks for ``{"op": "events", "count": M}`` and the
server encodes each event once and `websockets.broadcast`s it to every client, with the same
frame shape and size as ours (``at`` is the send time). ``{"op": "replay", "sql", "params",
"view"}`` runs the server's own replay query once, encodes each row as our frame and sends it to
the asking socket, then ``{"type": "replay.done"}``: the raw cost of a reconnect replay.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from typing import Any

import psycopg
import websockets
from websockets.asyncio.server import ServerConnection, broadcast, serve

UTC = dt.UTC


def stamp() -> str:
    return dt.datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Baseline:
    def __init__(self, template: dict[str, Any], database_url: str) -> None:
        self.template = template
        self.database_url = database_url
        self.clients: set[ServerConnection] = set()
        self.seq = 0

    async def handle(self, ws: ServerConnection) -> None:
        self.clients.add(ws)
        try:
            async for raw in ws:
                request = json.loads(raw)
                self.clients.discard(ws)  # a control socket receives no events
                if request["op"] == "events":
                    self.events(int(request["count"]))
                    await ws.send(json.dumps({"type": "sent", "seq": self.seq}))
                elif request["op"] == "replay":
                    await self.replay(ws, request)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.clients.discard(ws)

    def events(self, count: int) -> None:
        for _ in range(count):
            self.seq += 1
            text = json.dumps(
                {**self.template, "seq": self.seq, "at": stamp()},
                separators=(",", ":"),
                ensure_ascii=False,
            )
            broadcast(self.clients, text)

    async def replay(self, ws: ServerConnection, request: dict[str, Any]) -> None:
        view = request["view"]
        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(request["sql"], request["params"]).fetchall()
        # The hub's query: position, type, created_at, payload, view_payloads.
        for position, kind, created_at, shared, per_view in rows:
            payload = (per_view or {}).get(view, shared)
            text = json.dumps(
                {
                    "seq": position,
                    "type": kind,
                    "at": created_at.isoformat().replace("+00:00", "Z"),
                    "payload": payload,
                },
                separators=(",", ":"),
                ensure_ascii=False,
            )
            await ws.send(text)
        await ws.send(json.dumps({"type": "replay.done", "seq": len(rows)}))


async def serve_forever(port: int, template: dict[str, Any], database_url: str) -> None:
    baseline = Baseline(template, database_url)
    async with serve(baseline.handle, "127.0.0.1", port, max_size=None, compression=None):
        await asyncio.Future()


def main() -> int:
    port, template, database_url = int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
    try:
        import uvloop

        uvloop.run(serve_forever(port, template, database_url))
    except ImportError:
        asyncio.run(serve_forever(port, template, database_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())

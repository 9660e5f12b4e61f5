"""Our own load client: N real WebSocket connections in one asyncio process, each recording the
arrival time of every frame. Frames are parsed only after a measurement, so the client spends
its CPU on receiving. Bounded: every wait has a deadline."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

CONNECT_BATCH = 50


def at_seconds(at: str) -> float:
    return dt.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


@dataclass(eq=False)
class Client:
    url: str
    token: str | None  # None: the raw server, which needs no authentication
    since: int = 0
    arrivals: list[tuple[float, str]] = field(default_factory=list)
    ws: ClientConnection | None = None
    task: asyncio.Task[None] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None
    stalled: bool = False

    async def start(self, *, rcvbuf: int | None = None) -> None:
        sock = None
        if rcvbuf is not None:
            # A small receive window: the server's writes back up after a few frames.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            host, port = self.url.split("//", 1)[1].split("/", 1)[0].split(":")
            sock.connect((host, int(port)))
        self.ws = await connect(
            self.url,
            max_size=None,
            compression=None,
            open_timeout=60,
            ping_interval=None,
            max_queue=4 if rcvbuf is not None else 16,
            sock=sock,
        )
        if self.token is not None:
            await self.ws.send(json.dumps({"type": "auth", "token": self.token}))
        else:
            self.ready.set()
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        if self.ws is None:
            return
        arrivals = self.arrivals
        clock = time.time
        try:
            while True:
                if self.stalled:
                    await asyncio.sleep(0.05)
                    continue
                raw = await self.ws.recv()
                arrivals.append((clock(), str(raw)))
                if not self.ready.is_set() and '"replay.done"' in raw:
                    self.ready.set()
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.ws.close_code
        self.ready.set()

    def events_after(self, seq: int) -> list[tuple[float, dict[str, Any]]]:
        out = []
        for when, raw in self.arrivals:
            if '"seq"' not in raw:
                continue
            frame = json.loads(raw)
            if "at" in frame and frame["seq"] > seq:
                out.append((when, frame))
        return out

    def last_seq(self) -> int:
        for _when, raw in reversed(self.arrivals):
            if '"at"' in raw:
                return int(json.loads(raw)["seq"])
        return self.since

    async def stop(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await asyncio.wait([self.task], timeout=10)


async def connect_all(clients: list[Client], timeout: float = 180) -> None:
    """Connect in batches (a real audience arrives over time, not in one SYN flood)."""
    deadline = time.monotonic() + timeout
    for start in range(0, len(clients), CONNECT_BATCH):
        batch = clients[start : start + CONNECT_BATCH]
        await asyncio.gather(*(c.start() for c in batch))
        left = max(1.0, deadline - time.monotonic())
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in batch)), left)


async def stop_all(clients: list[Client]) -> None:
    await asyncio.gather(*(c.stop() for c in clients), return_exceptions=True)


async def wait_delivered(clients: list[Client], last_seq: int, timeout: float) -> None:
    """Until every client has the frame ``last_seq`` (or the deadline passes)."""
    deadline = time.monotonic() + timeout
    needle = f'"seq":{last_seq},'
    pending = list(clients)
    while pending and time.monotonic() < deadline:
        pending = [
            c
            for c in pending
            if c.close_code is None and not any(needle in raw for _w, raw in c.arrivals[-3:])
        ]
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Delivery:
    expected: int
    delivered: int
    latencies_ms: list[float]
    first_at: float
    last_arrival: float

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    def p(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def rate(self, started: float) -> float:
        return self.delivered / max(1e-9, self.last_arrival - started)


def collect(clients: list[Client], after_seq: int, count: int) -> Delivery:
    latencies: list[float] = []
    delivered = 0
    first_at = float("inf")
    last_arrival = 0.0
    for client in clients:
        seen: set[int] = set()
        for when, frame in client.events_after(after_seq):
            if frame["seq"] > after_seq + count or frame["seq"] in seen:
                continue
            seen.add(frame["seq"])
            sent = at_seconds(frame["at"])
            first_at = min(first_at, sent)
            last_arrival = max(last_arrival, when)
            latencies.append((when - sent) * 1000)
        delivered += len(seen)
    return Delivery(len(clients) * count, delivered, latencies, first_at, last_arrival)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")

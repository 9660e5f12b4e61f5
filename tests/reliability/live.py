"""Clients that survive faults the way the contract asks a client to: on a closed socket they
reconnect (to whichever server is up) with ``since`` = the last seq they hold."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import websockets

from tests.realtime.harness import Recorder, stream


def comparable(events: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(e["seq"], e["type"], json.dumps(e["payload"], sort_keys=True)) for e in events]


@dataclass
class Tally:
    """What one client got against its view's REST stream, the reference."""

    lost: int
    duplicates: int
    gaps: int
    out_of_order: int


def tally(received: list[dict[str, Any]], expected: list[dict[str, Any]]) -> Tally:
    seqs = [e["seq"] for e in received]
    wanted = set(comparable(expected))
    got = set(comparable(received))
    gaps = sum(1 for a, b in itertools.pairwise(seqs) if b > a + 1)
    return Tally(
        lost=len(wanted - got),
        duplicates=len(seqs) - len(set(seqs)),
        gaps=gaps + (1 if seqs and seqs[0] != 1 else 0),
        out_of_order=sum(1 for a, b in itertools.pairwise(seqs) if b <= a),
    )


@dataclass
class Client:
    """One person's socket across reconnects: ``segments`` holds each connection's recorder."""

    exercise_id: int
    token: str
    header: str
    segments: list[Recorder] = field(default_factory=list)
    connect_seconds: list[float] = field(default_factory=list)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [e for recorder in self.segments for e in recorder.events]

    @property
    def last_seq(self) -> int:
        events = self.events
        return int(events[-1]["seq"]) if events else 0

    @property
    def closed(self) -> bool:
        current = self.segments[-1]
        return current.task is None or current.task.done()

    async def connect(self, base: str) -> None:
        began = asyncio.get_running_loop().time()
        recorder = Recorder(base, self.exercise_id, self.token, since=self.last_seq)
        await recorder.start()
        self.segments.append(recorder)
        self.connect_seconds.append(asyncio.get_running_loop().time() - began)

    async def reconnect_if_closed(self, base: str) -> bool:
        if not self.closed:
            return False
        await self.connect(base)
        return True

    async def stop(self) -> None:
        current = self.segments[-1]
        if not self.closed:
            await current.stop()


async def caught_up(
    clients: list[Client], base: str, *, fallback: str, timeout: float
) -> dict[str, list[dict[str, Any]]]:
    """Wait until every client holds its whole REST stream (reconnecting closed sockets to
    ``fallback``); return the streams. Raises with the laggards when ``timeout`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    expected = {
        c.header: await asyncio.to_thread(stream, base, c.exercise_id, c.header) for c in clients
    }
    while True:
        behind = []
        for client in clients:
            if client.closed:
                with contextlib.suppress(OSError, TimeoutError, websockets.WebSocketException):
                    await client.connect(fallback)
            if len(client.events) < len(expected[client.header]):
                behind.append(client.header)
        if not behind:
            return expected
        if loop.time() > deadline:
            raise AssertionError(f"not caught up after {timeout} s: {behind}")
        await asyncio.sleep(0.05)

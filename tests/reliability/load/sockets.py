"""The WebSocket side of a load run: one socket per seat that records every seq it receives and
the commit-to-receive time of each live frame, reconnects the way the contract asks, and is scored
at the end against its view's REST stream."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import websockets
from websockets.asyncio.client import ClientConnection, connect

from bench.loadclient import CONNECT_BATCH, at_seconds
from tests.realtime.harness import stream

if TYPE_CHECKING:
    import random

    from tests.reliability.load.games import Game, Seat


@dataclass(eq=False)
class LoadSocket:
    """One client's socket across reconnects: every seq it got, and the commit-to-receive time
    of each frame that arrived live (after ``replay.done``)."""

    game: Game
    seat: Seat
    seqs: list[int] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    connects: int = 0
    unplanned_closes: list[int | None] = field(default_factory=list)
    ws: ClientConnection | None = None
    task: asyncio.Task[None] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    leaving: bool = False  # closed by us on purpose: not an unplanned close
    connecting: bool = False

    @property
    def last_seq(self) -> int:
        return self.seqs[-1] if self.seqs else 0

    @property
    def open(self) -> bool:
        return self.task is not None and not self.task.done()

    async def connect(self, base: str) -> None:
        self.connecting = True
        self.leaving = False
        try:
            self.ready = asyncio.Event()
            url = base.replace("http", "ws", 1) + (
                f"/ws/exercises/{self.game.exercise_id}/?since={self.last_seq}"
            )
            self.ws = await connect(url, max_size=None, compression=None, open_timeout=60)
            await self.ws.send(json.dumps({"type": "auth", "token": self.seat.header.split()[1]}))
            self.connects += 1
            self.task = asyncio.ensure_future(self._read(self.ws))
            await asyncio.wait_for(self.ready.wait(), 60)
        finally:
            self.connecting = False

    async def _read(self, ws: ClientConnection) -> None:
        live = False
        clock = time.time
        try:
            async for raw in ws:
                arrived = clock()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "replay.done":
                    live = True
                    self.ready.set()
                elif "seq" in frame:
                    self.seqs.append(int(frame["seq"]))
                    if live:
                        self.latencies_ms.append((arrived - at_seconds(frame["at"])) * 1000)
        except websockets.ConnectionClosed:
            pass
        if not self.leaving:
            self.unplanned_closes.append(ws.close_code)
        self.ready.set()

    async def close(self) -> None:
        self.leaving = True
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            await asyncio.wait([self.task], timeout=10)


async def connect_all(sockets: list[LoadSocket], bases: list[str]) -> None:
    """In batches, alternating servers (an audience arrives over time, not in one SYN flood)."""
    for start in range(0, len(sockets), CONNECT_BATCH):
        batch = sockets[start : start + CONNECT_BATCH]
        await asyncio.gather(
            *(s.connect(bases[(start + i) % len(bases)]) for i, s in enumerate(batch))
        )


async def keep_connected(sockets: list[LoadSocket], bases: list[str], stop: asyncio.Event) -> None:
    """What the contract asks a client to do: a socket the server closed (4409 when it fell
    behind) comes back with ``since`` = its last seq."""
    turn = 0
    while not stop.is_set():
        for sock in sockets:
            if not (sock.open or sock.leaving or sock.connecting):
                turn += 1
                with contextlib.suppress(OSError, TimeoutError, websockets.WebSocketException):
                    await sock.connect(bases[turn % len(bases)])
        await asyncio.sleep(0.5)


async def churn(
    sockets: list[LoadSocket],
    bases: list[str],
    *,
    share_per_minute: float,
    seconds: float,
    rng: random.Random,
) -> int:
    """Every minute ``share_per_minute`` of the clients leave and come back with ``since`` (to
    the other server), spread over the minute (channels#1683's trigger). Returns how many."""
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds
    per_minute = max(1, round(len(sockets) * share_per_minute))
    gap = 60 / per_minute
    done = 0
    while loop.time() + gap < stop_at:
        await asyncio.sleep(gap)
        sock = rng.choice([s for s in sockets if s.open and not s.connecting])
        await sock.close()
        done += 1
        await sock.connect(bases[done % len(bases)])
    return done


async def caught_up(
    sockets: list[LoadSocket], expected: dict[tuple[int, str], list[int]], timeout: float
) -> int:
    """Wait until every socket holds its view's last seq; return how many still do not."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        behind = [
            s
            for s in sockets
            if (want := expected[(s.game.exercise_id, s.seat.role)]) and s.last_seq < want[-1]
        ]
        if not behind or loop.time() > deadline:
            return len(behind)
        await asyncio.sleep(0.2)


def reference_streams(games: list[Game]) -> dict[tuple[int, str], list[int]]:
    """Each view's seq list over REST, fetched once per exercise and role (a role is a view)."""
    out: dict[tuple[int, str], list[int]] = {}
    for game in games:
        for seat in game.seats:
            if (game.exercise_id, seat.role) not in out:
                events = stream(game.base, game.exercise_id, seat.header)
                out[(game.exercise_id, seat.role)] = [int(e["seq"]) for e in events]
    return out


@dataclass
class Score:
    lost: int = 0
    duplicates: int = 0
    gaps: int = 0
    sockets_off: int = 0


def score(sockets: list[LoadSocket], expected: dict[tuple[int, str], list[int]]) -> Score:
    """``lost``: expected seqs a socket lacks; ``duplicates``: seqs it got twice; ``gaps``: holes
    or reversals in its list; ``sockets_off``: sockets whose list is not exactly the stream."""
    result = Score()
    for sock in sockets:
        want = expected[(sock.game.exercise_id, sock.seat.role)]
        got = sock.seqs
        result.lost += len(set(want) - set(got))
        result.duplicates += len(got) - len(set(got))
        result.gaps += sum(1 for a, b in itertools.pairwise(got) if b != a + 1)
        result.gaps += 1 if got and got[0] != 1 else 0
        result.sockets_off += got != want
    return result

"""Fan-out measurements against one server configuration: isolated events, bursts, idle memory,
a stalled client, and the reconnect replay. Each function returns plain numbers; bench.live
turns the medians of three runs into rows."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.loadclient import Client, collect, connect_all, median, wait_delivered
from bench.stack import cpu_seconds, rss_kb

if TYPE_CHECKING:
    from bench.stack import Game, Helper, Server

ISOLATED = 5  # isolated events per run, 0.2 s apart
ISOLATED_GAP_S = 0.2
BURST = 200
RUNS = 3
DELIVERY_TIMEOUT_S = 120.0
STALL_BODY = "Intercepted traffic, full text follows. " * 100  # ~4 KB a frame


@dataclass
class Numbers:
    """One configuration at one N, one entry per run."""

    isolated_p50: list[float] = field(default_factory=list)
    isolated_p99: list[float] = field(default_factory=list)
    burst_rate: list[float] = field(default_factory=list)
    burst_lost: list[int] = field(default_factory=list)
    cpu_per_msg_us: list[float] = field(default_factory=list)


class Target:
    """How to make events happen on one configuration, and whose processes to watch."""

    def __init__(self, servers: list[Server], token: str | None, exercise: int | None) -> None:
        self.servers = servers
        self.token = token
        self.exercise = exercise
        self.seq = 0
        self.since = 0  # where new clients start: the stream so far is not what we measure

    def url(self, index: int) -> str:
        server = self.servers[index % len(self.servers)]
        if self.exercise is None:
            return server.ws + "/"
        return f"{server.ws}/ws/exercises/{self.exercise}/?since={self.since}"

    def clients(self, count: int, offset: int = 0) -> list[Client]:
        return [Client(self.url(offset + i), self.token, self.since) for i in range(count)]

    def cpu(self) -> float:
        return sum(cpu_seconds(s.pid) for s in self.servers)

    async def emit(self, count: int) -> float:
        """Make ``count`` events; returns when the first was committed (or sent)."""
        raise NotImplementedError


class RawTarget(Target):
    def __init__(self, server: Server) -> None:
        super().__init__([server], None, None)
        self.control: Any = None

    async def emit(self, count: int) -> float:
        if self.control is None:
            self.control = Client(self.servers[0].ws + "/", None)
            await self.control.start()
            await self.control.ws.send(json.dumps({"op": "events", "count": 0}))
            await asyncio.sleep(0.1)
        started = time.time()
        await self.control.ws.send(json.dumps({"op": "events", "count": count}))
        self.seq += count
        return started


class StackTarget(Target):
    """Ours: an isolated event is a facilitator's REST command on the server holding the
    sockets; a burst is written by a helper process (199 injects in one transaction, as a worker
    would) and a REST command adds the 200th, so the in-memory layer hears of it at once too."""

    def __init__(self, servers: list[Server], game: Game, helper: Helper) -> None:
        super().__init__(servers, game.observer, game.exercise_id)
        self.game = game
        self.helper = helper

    async def emit(self, count: int) -> float:
        started = time.time()
        if count > 1:
            answer = await asyncio.to_thread(
                self.helper.ask,
                op="burst",
                exercise=self.game.exercise_id,
                count=count - 1,
                chunk=count - 1,
            )
            started = float(answer["committed"])
        await asyncio.to_thread(
            self.game.command,
            "release_inject",
            {"title": "Isolated", "body": "Facilitator action.", "audience": "all"},
        )
        self.seq += count
        return started


async def measure_runs(target: Target, clients: list[Client], numbers: Numbers) -> None:
    for _run in range(RUNS):
        start_seq = clients[0].last_seq()
        for _ in range(ISOLATED):
            before = clients[0].last_seq()
            await target.emit(1)
            await wait_delivered(clients, before + 1, 30)
            await asyncio.sleep(ISOLATED_GAP_S)
        isolated = collect(clients, start_seq, ISOLATED)
        numbers.isolated_p50.append(isolated.p(0.50))
        numbers.isolated_p99.append(isolated.p(0.99))
        burst_from = clients[0].last_seq()
        cpu_before = target.cpu()
        started = await target.emit(BURST)
        await wait_delivered(clients, burst_from + BURST, DELIVERY_TIMEOUT_S)
        cpu_used = target.cpu() - cpu_before
        burst = collect(clients, burst_from, BURST)
        numbers.burst_rate.append(burst.rate(started))
        numbers.burst_lost.append(burst.lost)
        numbers.cpu_per_msg_us.append(cpu_used / max(1, burst.delivered) * 1e6)
        await asyncio.sleep(0.5)


async def idle_rss_per_client(
    target: Target, clients: list[Client], warm: list[Client]
) -> tuple[float, list[Client]]:
    """KB of server RSS per idle connected client, after ``warm`` clients are already in."""
    pid = target.servers[0].pid
    await asyncio.sleep(1.0)
    before = rss_kb(pid)
    await connect_all(clients)
    await asyncio.sleep(2.0)
    after = rss_kb(pid)
    return (after - before) / max(1, len(clients)), warm + clients


@dataclass(frozen=True)
class Stall:
    cut_code: int | None
    lost_by_readers: int
    lost_by_others: int
    rss_growth_mb: float


async def stalled_client(
    target: StackTarget, others: list[Client], readers: list[Client], events: int
) -> Stall:
    """In an exercise of its own, one client stops reading while ``events`` large frames
    arrive: it is cut off (4409 once its backlog overflows, after the few MB the kernel holds
    for it), its exercise's ``readers`` lose nothing, the ``others`` (the idle audience of the
    other exercise) get no frame of it, and the server's memory stays bounded."""
    slow = Client(target.url(0), target.token)
    await slow.start(rcvbuf=4096)
    await asyncio.wait_for(slow.ready.wait(), 30)
    slow.stalled = True
    pid = target.servers[0].pid
    before = rss_kb(pid)
    peak = before
    from_seq = readers[0].last_seq()
    others_before = sum(len(c.arrivals) for c in others)
    emitting = asyncio.ensure_future(
        asyncio.to_thread(
            target.helper.ask,
            op="append_burst",
            exercise=target.game.exercise_id,
            count=events,
            body=STALL_BODY,
        )
    )
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    needle = f'"seq":{from_seq + events},'
    while time.monotonic() < deadline:
        peak = max(peak, rss_kb(pid))
        if emitting.done() and all(
            any(needle in raw for _w, raw in c.arrivals[-3:]) for c in readers
        ):
            break
        await asyncio.sleep(0.05)
    await emitting
    slow.stalled = False  # it reads again: what the server queued for it ends in its close
    if slow.task is not None:
        await asyncio.wait([slow.task], timeout=15)
    lost = collect(readers, from_seq, events).lost
    await slow.stop()
    others_got = sum(len(c.arrivals) for c in others) - others_before
    return Stall(slow.close_code, lost, others_got, (peak - before) / 1024)


async def replay_seconds(url: str, token: str | None, request: dict[str, Any] | None) -> float:
    """Connect and receive a whole view stream: ours with since=0, raw by asking for it."""
    started = time.perf_counter()
    client = Client(url, token)
    await client.start()
    if request is not None:
        if client.ws is None:
            raise RuntimeError("replay client not connected")
        await client.ws.send(json.dumps(request))
        client.ready.clear()
        await asyncio.sleep(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.arrivals and '"replay.done"' in client.arrivals[-1][1]:
            break
        await asyncio.sleep(0.002)
    elapsed = time.perf_counter() - started
    frames = sum(1 for _w, raw in client.arrivals if '"at"' in raw)
    await client.stop()
    if frames < 5000:
        raise RuntimeError(f"replay delivered {frames} frames")
    return elapsed


__all__ = ["Numbers", "RawTarget", "StackTarget", "measure_runs", "median"]

"""Live updates against the raw baseline, in one run: fan-out, scale-out, replay and memory.

Order: the in-memory layer (replay, N=200, the stalled client, N=1000), the Redis layer (N=200,
N=1000), two processes on Redis (N=1000), then the raw server (replay, N=200, N=1000). Each
figure is the median of RUNS runs on the same connections; a ratio is ours over raw.
`BENCH_SIZES=200` runs one size only (a quick look)."""

from __future__ import annotations

import asyncio
import os
from contextlib import ExitStack
from typing import Any

from bench.fanout import (
    Numbers,
    RawTarget,
    StackTarget,
    Target,
    idle_rss_per_client,
    measure_runs,
    replay_seconds,
    stalled_client,
)
from bench.loadclient import Client, connect_all, median, stop_all
from bench.results import Row
from bench.stack import Helper, Services, asgi_server, raw_server, running_game, services

REPLAY_EVENTS = 5000
STALL_EVENTS = 2500
STALL_READERS = 20
WARM = 10
ISOLATED_GOAL, RATE_GOAL, SCALE_GOAL, REPLAY_GOAL, RSS_GOAL_KB = 2.0, 0.5, 1.25, 2.0, 24.0
STALL_RSS_GOAL_MB = 64.0


def sizes() -> list[int]:
    chosen = os.environ.get("BENCH_SIZES", "200,1000")
    return [int(n) for n in chosen.split(",") if n.strip()]


class Run:
    def __init__(self, found: Services, helper: Helper, token: str) -> None:
        self.found, self.helper, self.token = found, helper, token
        self.numbers: dict[tuple[str, int], Numbers] = {}
        self.rss: dict[str, float] = {}
        self.rss_step: dict[str, str] = {}
        self.replay: dict[str, float] = {}
        self.template: dict[str, Any] = {}
        self.stall: Any = None
        self.replay_request: dict[str, Any] = {}

    async def grow_and_measure(
        self, name: str, target: Target, warm: list[Client], steps: list[int]
    ) -> None:
        clients = warm
        for n in steps:
            target.since = clients[0].last_seq()
            more = target.clients(n - len(clients), len(clients))
            per_client, clients = await idle_rss_per_client(target, more, clients)
            # The last step wins: from the first N to the largest, the cost of one more client
            # without what the first connections pay once (imports, threads, pools).
            self.rss[name] = per_client
            self.rss_step[name] = f"{len(clients) - len(more)} -> {len(clients)}"
            numbers = self.numbers.setdefault((name, n), Numbers())
            await measure_runs(target, clients, numbers)
            if not self.template and name == "memory":
                frame = clients[0].events_after(0)[-1][1]
                self.template = {k: v for k, v in frame.items() if k not in ("seq", "at")}
            if name == "memory" and n == sizes()[0]:
                if not isinstance(target, StackTarget):
                    raise TypeError(name)
                self.stall = await self.stalled(target.servers[0], clients)
        await stop_all(clients)

    async def stalled(self, server: Any, others: list[Client]) -> Any:
        game = await asyncio.to_thread(running_game, server.base, self.token, "Stall")
        target = StackTarget([server], game, self.helper)
        readers = target.clients(STALL_READERS)
        await connect_all(readers)
        try:
            return await stalled_client(target, others, readers, STALL_EVENTS)
        finally:
            await stop_all(readers)

    async def stack(self, name: str, *, redis: bool, processes: int) -> None:
        with ExitStack() as stack:
            servers = [
                stack.enter_context(asgi_server(self.found, redis=redis)) for _ in range(processes)
            ]
            game = running_game(servers[0].base, self.token, f"Fan-out {name}")
            if name == "memory":
                await self.ours_replay(servers[0])
            target = StackTarget(servers, game, self.helper)
            warm = target.clients(WARM)
            await connect_all(warm)
            steps = [max(sizes())] if processes > 1 else sizes()
            await self.grow_and_measure(name, target, warm, steps)

    async def ours_replay(self, server: Any) -> None:
        game = await asyncio.to_thread(running_game, server.base, self.token, "Replay")
        await asyncio.to_thread(
            self.helper.ask, op="burst", exercise=game.exercise_id, count=REPLAY_EVENTS, chunk=500
        )
        self.replay_request = {
            "op": "replay",
            "view": "observers",
            **self.helper.ask(op="replay_sql", exercise=game.exercise_id, view="observers"),
        }
        url = f"{server.ws}/ws/exercises/{game.exercise_id}/?since=0"
        self.replay["ours"] = median(
            [await replay_seconds(url, game.observer, None) for _ in range(3)]
        )

    async def raw(self) -> None:
        with raw_server(self.found, self.template) as server:
            self.replay["raw"] = median(
                [await replay_seconds(server.ws + "/", None, self.replay_request) for _ in range(3)]
            )
            target = RawTarget(server)
            await target.emit(0)
            warm = target.clients(WARM)
            await connect_all(warm)
            await self.grow_and_measure("raw", target, warm, sizes())


async def measure(found: Services) -> Run:
    helper = Helper(found.env(redis=True))
    try:
        token = helper.ask(op="user")["token"]
        run = Run(found, helper, token)
        await run.stack("memory", redis=False, processes=1)
        await run.stack("redis", redis=True, processes=1)
        await run.stack("redis x2", redis=True, processes=2)
        await run.raw()
        return run
    finally:
        helper.close()


def rows_of(run: Run) -> list[Row]:
    rows: list[Row] = []
    raw_rss = run.rss.get("raw")
    for n in sizes():
        raw = run.numbers[("raw", n)]
        for layer in ("memory", "redis"):
            ours = run.numbers[(layer, n)]
            rows += fanout_rows(layer, n, ours, raw)
    top = max(sizes())
    one, two = run.numbers[("redis", top)], run.numbers[("redis x2", top)]
    one_cpu, two_cpu = median(one.cpu_per_msg_us), median(two.cpu_per_msg_us)
    rows.append(
        Row(
            f"scale-out: server CPU per delivered msg, 2 processes vs 1, Redis, N={top}",
            two_cpu,
            "us",
            f"<= {SCALE_GOAL}x one process",
            two_cpu / one_cpu <= SCALE_GOAL and max(two.burst_lost) == 0,
            one_cpu,
            two_cpu / one_cpu,
        )
    )
    rows.append(
        Row(
            f"scale-out: messages lost, 2 processes, N={top}",
            float(max(two.burst_lost)),
            "msgs",
            "0",
            max(two.burst_lost) == 0,
        )
    )
    replay_ours, replay_raw = run.replay["ours"], run.replay["raw"]
    rows.append(
        Row(
            f"replay: {REPLAY_EVENTS} events to one client, since=0",
            replay_ours,
            "s",
            f"<= {REPLAY_GOAL}x raw query + encode + send",
            replay_ours / replay_raw <= REPLAY_GOAL,
            replay_raw,
            replay_ours / replay_raw,
        )
    )
    for layer in ("memory", "redis"):
        kb = run.rss[layer]
        rows.append(
            Row(
                f"memory: server RSS per idle client ({run.rss_step[layer]}), {layer} layer",
                kb,
                "KB",
                f"<= {RSS_GOAL_KB} KB",
                kb <= RSS_GOAL_KB,
                raw_rss,
                None if not raw_rss else kb / raw_rss,
            )
        )
    stall = run.stall
    rows.append(
        Row(
            f"memory: one stalled client, {STALL_EVENTS} events of 4 KB, {STALL_READERS} readers,"
            f" {sizes()[0]} idle elsewhere: RSS growth (cut with {stall.cut_code},"
            f" {stall.lost_by_readers} lost by readers, {stall.lost_by_others} frames elsewhere)",
            stall.rss_growth_mb,
            "MB",
            f"cut with 4409, 0 lost, 0 elsewhere, < {STALL_RSS_GOAL_MB:.0f} MB",
            stall.cut_code == 4409
            and stall.lost_by_readers == 0
            and stall.lost_by_others == 0
            and stall.rss_growth_mb < STALL_RSS_GOAL_MB,
        )
    )
    return rows


def fanout_rows(layer: str, n: int, ours: Numbers, raw: Numbers) -> list[Row]:
    p50, raw_p50 = median(ours.isolated_p50), median(raw.isolated_p50)
    p99, raw_p99 = median(ours.isolated_p99), median(raw.isolated_p99)
    rate, raw_rate = median(ours.burst_rate), median(raw.burst_rate)
    lost = max(ours.burst_lost)
    return [
        Row(
            f"fan-out {layer}, N={n}: isolated event p50",
            p50,
            "ms",
            "(reported)",
            True,
            raw_p50,
            p50 / raw_p50,
        ),
        Row(
            f"fan-out {layer}, N={n}: isolated event p99",
            p99,
            "ms",
            f"<= {ISOLATED_GOAL}x raw",
            p99 / raw_p99 <= ISOLATED_GOAL,
            raw_p99,
            p99 / raw_p99,
        ),
        Row(
            f"fan-out {layer}, N={n}: burst of 200, delivered",
            rate,
            "msgs/s",
            f">= {RATE_GOAL}x raw",
            rate / raw_rate >= RATE_GOAL,
            raw_rate,
            rate / raw_rate,
        ),
        Row(
            f"fan-out {layer}, N={n}: burst of 200, lost (worst run)",
            float(lost),
            "msgs",
            "0",
            lost == 0,
            float(max(raw.burst_lost)),
        ),
    ]


def run() -> list[Row]:
    with services() as found:
        try:
            import uvloop

            measured = uvloop.run(measure(found))
        except ImportError:
            measured = asyncio.run(measure(found))
    return rows_of(measured)

"""One load run: connect every seat, play every exercise, sample the servers, then score each
socket against its view's stream; and the run's figures as the reliability table's row prints
them."""

from __future__ import annotations

import asyncio
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.reliability.load.games import Game, Writes, play
from tests.reliability.load.measure import (
    WRITER_THREADS,
    Samples,
    expected_pool,
    over_capacity_lines,
    percentile,
    sample,
    server_errors_logged,
)
from tests.reliability.load.servers import LoggedServer, pinned_to_one_core
from tests.reliability.load.sockets import (
    LoadSocket,
    Score,
    caught_up,
    churn,
    connect_all,
    keep_connected,
    reference_streams,
    score,
)

if TYPE_CHECKING:
    from tests.services import PostgresServer


def knob(name: str, default: float) -> float:
    """A size or duration from the environment, the goal's value (docs/reliability.md#load) when
    unset."""
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


@dataclass
class Run:
    """What a load run measured, for the row and the assertions."""

    sockets: list[LoadSocket]
    writes: Writes
    samples: Samples
    score: Score
    behind: int
    connect_seconds: float
    planned_reconnects: int
    over_capacity: int
    tracebacks: list[str]
    pinning: str
    seconds: float

    @property
    def latencies_ms(self) -> list[float]:
        return [ms for sock in self.sockets for ms in sock.latencies_ms]

    @property
    def unplanned_closes(self) -> int:
        return sum(len(sock.unplanned_closes) for sock in self.sockets)

    def figures(self, servers: int) -> str:
        latencies = self.latencies_ms
        writes = len(self.writes.statuses)
        return (
            f"{len(self.sockets)} WS on {servers} ASGI, connected in {self.connect_seconds:.0f} s; "
            f"{writes} writes ({writes / self.seconds:.1f}/s, {self.writes.refused} 4xx, write p95 "
            f"{percentile(self.writes.seconds, 0.95) * 1000:.0f} ms); "
            f"{len(latencies)} live frames p50/p95/p99 {percentile(latencies, 0.5):.0f}/"
            f"{percentile(latencies, 0.95):.0f}/{percentile(latencies, 0.99):.0f} ms; "
            f"pg conns max {max(self.samples.connections, default=0)} <= pool "
            f"{expected_pool(servers)}; RSS growth last half "
            f"{self.samples.rss_growth_last_half() * 100:.1f}%; "
            f"{self.over_capacity} over capacity; {self.planned_reconnects} planned + "
            f"{self.unplanned_closes} unplanned reconnects; {self.pinning}"
        )


def run_load(
    games: list[Game],
    servers: list[LoggedServer],
    postgres: PostgresServer,
    database: str,
    *,
    seconds: float,
    per_second: float,
    churn_per_minute: float = 0.0,
) -> Run:
    """Connect every seat, play every exercise for ``seconds``, then compare each socket's seq
    list with its view's REST stream."""
    bases = [server.base for server in servers]
    writes = Writes()
    samples = Samples()

    async def scenario(pinning: str) -> Run:
        sockets = [LoadSocket(game, seat) for game in games for seat in game.seats]
        began = time.monotonic()
        await connect_all(sockets, bases)
        connect_seconds = time.monotonic() - began
        stop = asyncio.Event()
        every = max(1.0, min(5.0, seconds / 20))
        background = [
            asyncio.ensure_future(
                sample(samples, [s.pid for s in servers], postgres, database, stop, every)
            ),
            asyncio.ensure_future(keep_connected(sockets, bases, stop)),
        ]
        with ThreadPoolExecutor(max_workers=WRITER_THREADS) as pool:
            playing = play(games, bases, writes, per_second=per_second, seconds=seconds, pool=pool)
            planned = 0
            if churn_per_minute:
                rng = random.Random(7)  # noqa: S311 - repeatable churn, not a secret
                _played, planned = await asyncio.gather(
                    playing,
                    churn(
                        sockets, bases, share_per_minute=churn_per_minute, seconds=seconds, rng=rng
                    ),
                )
            else:
                await playing
        expected = await asyncio.to_thread(reference_streams, games)
        behind = await caught_up(sockets, expected, timeout=60)
        await asyncio.sleep(1)  # nothing more may arrive
        stop.set()
        await asyncio.gather(*background)
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
        return Run(
            sockets=sockets,
            writes=writes,
            samples=samples,
            score=score(sockets, expected),
            behind=behind,
            connect_seconds=connect_seconds,
            planned_reconnects=planned,
            over_capacity=over_capacity_lines(servers),
            tracebacks=server_errors_logged(servers),
            pinning=pinning,
            seconds=seconds,
        )

    with pinned_to_one_core() as pinning:
        return asyncio.run(scenario(pinning))

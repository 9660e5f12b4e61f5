"""What the servers use while a load run plays: each server's resident memory and the PostgreSQL
client connections, sampled every few seconds, against the pool the run may open; and what their
logs say (over capacity, tracebacks)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg

from bench.stack import rss_kb

if TYPE_CHECKING:
    from tests.reliability.load.servers import LoggedServer
    from tests.services import PostgresServer

# Threads that post the game's writes; also the most HTTP requests (and so request-scoped
# PostgreSQL connections) in flight at once. Each exercise steps one write at a time, so 16 keep
# 25 exercises at their rate while a loaded server takes a few hundred ms a write.
WRITER_THREADS = 16
# Per server process, the connections that may stay open between requests: the hub's two reader
# threads and asyncio's default executor (min(32, cores + 4) threads), where presence and
# authentication run. Everything request-scoped closes (CONN_MAX_AGE=0).
HUB_READER_THREADS = 2


def expected_pool(servers: int) -> int:
    default_executor = min(32, (os.cpu_count() or 1) + 4)
    per_server = HUB_READER_THREADS + default_executor
    return servers * per_server + WRITER_THREADS + 1  # + this process's own test connection


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Samples:
    """RSS of each server process and PostgreSQL client connections, sampled every few seconds."""

    at: list[float] = field(default_factory=list)
    rss_kb: list[list[int]] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)

    def rss_growth_last_half(self) -> float:
        """Largest growth of any server's RSS from the run's midpoint to its end, as a share."""
        if len(self.at) < 2:
            return float("nan")
        middle = self.at[0] + (self.at[-1] - self.at[0]) / 2
        half = next(i for i, t in enumerate(self.at) if t >= middle)
        growth = [
            (end - mid) / mid for mid, end in zip(self.rss_kb[half], self.rss_kb[-1], strict=True)
        ]
        return max(growth)


def _connect(postgres: PostgresServer) -> psycopg.Connection[Any]:
    return psycopg.connect(postgres.url.replace("postgres://", "postgresql://", 1), autocommit=True)


def _count_connections(conn: psycopg.Connection[Any], database: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        (database,),
    ).fetchone()
    return int(row[0]) if row else 0


async def sample(
    samples: Samples,
    pids: list[int],
    postgres: PostgresServer,
    database: str,
    stop: asyncio.Event,
    every: float,
) -> None:
    conn = await asyncio.to_thread(_connect, postgres)
    try:
        while not stop.is_set():
            samples.at.append(time.monotonic())
            samples.rss_kb.append([rss_kb(pid) for pid in pids])
            samples.connections.append(await asyncio.to_thread(_count_connections, conn, database))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
    finally:
        await asyncio.to_thread(conn.close)


def over_capacity_lines(servers: list[LoggedServer]) -> int:
    return sum(server.log().count("over capacity") for server in servers)


def server_errors_logged(servers: list[LoggedServer]) -> list[str]:
    """One line per traceback in the servers' logs: the line logged with it and the exception,
    so a failed run says what went wrong after its logs are gone."""
    found = []
    for server in servers:
        before, *blocks = server.log().split("Traceback (most recent call last):")
        for block in blocks:
            said = before.rstrip().rsplit("\n", 1)[-1][:160]
            raised = next((ln for ln in block.splitlines() if ln and not ln[0].isspace()), "?")
            found.append(f"{said} | {raised[:160]}")
            before = block
    return found

"""Load, soak and group expiry on the production topology (docs/reliability.md#l1, #l2; known
failures 3 and 5): two Uvicorn processes on one Redis channel layer and PostgreSQL, many exercises
played over HTTP while every seat's WebSocket records what reaches it.

These are the ``FULL=1`` runs of ``make reliability``; sizes and durations come from the
environment (``LOAD_EXERCISES``, ``LOAD_CLIENTS``, ``LOAD_MINUTES``, ``SOAK_MINUTES``,
``LOAD_STEPS_PER_SECOND``, ``GROUP_EXPIRY_SECONDS``, ``GROUP_EXPIRY_HOLD_MINUTES``) with
the goals' values (docs/reliability.md#load) as defaults."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
import redis
from django.db import connection

from tests.realtime.harness import stream
from tests.reliability.load.games import (
    Game,
    Writes,
    facilitator_token,
    open_game,
    open_games,
    play,
)
from tests.reliability.load.measure import expected_pool
from tests.reliability.load.run import Run, knob, run_load
from tests.reliability.load.servers import LoggedServer, logged_asgi_server
from tests.reliability.load.sockets import LoadSocket, score
from tests.services import PostgresServer, RedisServer

if TYPE_CHECKING:
    from tests.reliability.conftest import Row

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("FULL") != "1",
        reason="L1/L2 load, soak and group expiry run for minutes: set FULL=1 to run them",
    ),
]
# docs/reliability.md#l1: commit-to-receive p95 < 100 ms, p99 < 250 ms; RSS growth < 10% over the
# last half of the run.
P95_MS, P99_MS = 100.0, 250.0
RSS_GROWTH = 0.10
# A person in a lively exercise writes about once a minute; 40 of them with a margin of 1.5x is
# one write a second per exercise.
STEPS_PER_SECOND = 1.0
# The channels_redis group key the hubs' doorbell group lives under (default prefix "asgi").
GROUP_KEY = "asgi:group:wargame.log"
# The hub's periodic tick (1 s with a shared layer) delivers even when a doorbell is lost: only
# a median well under half a tick shows the doorbells themselves still arrive.
DOORBELL_MEDIAN_MS = 250.0


def _sizes() -> tuple[int, int, float]:
    return (
        int(knob("LOAD_EXERCISES", 25)),
        int(knob("LOAD_CLIENTS", 40)),
        knob("LOAD_STEPS_PER_SECOND", STEPS_PER_SECOND),
    )


def _database() -> str:
    return str(connection.settings_dict["NAME"])


def _played(
    postgres: PostgresServer, layer: RedisServer, facilitator: str, minutes: float, churn: float
) -> tuple[Run, list[LoggedServer]]:
    """The load run on two servers: every exercise playing for ``minutes``, with ``churn`` of
    the clients reconnecting each minute."""
    exercises, clients, per_second = _sizes()
    with (
        logged_asgi_server(postgres, layer) as one,
        logged_asgi_server(postgres, layer) as two,
    ):
        servers = [one, two]
        games = open_games([one.base, two.base], facilitator_token(facilitator), exercises, clients)
        run = run_load(
            games,
            servers,
            postgres,
            _database(),
            seconds=minutes * 60,
            per_second=per_second,
            churn_per_minute=churn,
        )
    return run, servers


def test_it_delivers_every_event_to_a_thousand_playing_sockets_without_a_gap(
    postgres_server: PostgresServer, redis_server: RedisServer, table_row: Row
) -> None:
    exercises, clients, _rate = _sizes()
    minutes = knob("LOAD_MINUTES", 10)
    table_row.fault = f"L1 load {exercises} ex x {clients} clients, {minutes:g} min"
    run, servers = _played(postgres_server, redis_server, "load-l1", minutes, churn=0.0)
    latencies = run.latencies_ms
    p95 = statistics.quantiles(latencies, n=100)[94] if len(latencies) > 1 else float("nan")
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")
    table_row.checked = run.figures(len(servers))
    table_row.lost = run.score.lost
    table_row.duplicates = run.score.duplicates
    table_row.gaps = run.score.gaps
    table_row.server_errors = run.writes.server_errors + len(run.tracebacks)
    print(table_row.fault, table_row.checked)

    assert run.writes.statuses, "nothing was played"
    assert run.behind == 0, f"{run.behind} sockets never caught up"
    assert run.score.sockets_off == 0, run.score
    assert table_row.server_errors == 0, run.tracebacks[:10]
    assert run.writes.refused == 0, "every step of the game was accepted"
    assert p95 < P95_MS, p95
    assert p99 < P99_MS, p99
    assert run.over_capacity == 0
    assert max(run.samples.connections) <= expected_pool(len(servers)), run.samples.connections
    assert run.samples.rss_growth_last_half() < RSS_GROWTH, run.samples.rss_kb


def test_it_loses_nothing_over_a_soak_while_clients_keep_reconnecting(
    postgres_server: PostgresServer, redis_server: RedisServer, table_row: Row
) -> None:
    exercises, clients, _rate = _sizes()
    minutes = knob("SOAK_MINUTES", 60)
    table_row.fault = f"L2 soak {exercises} ex x {clients} clients, {minutes:g} min, 5%/min rejoin"
    run, servers = _played(postgres_server, redis_server, "load-l2", minutes, churn=0.05)
    table_row.checked = run.figures(len(servers))
    table_row.lost = run.score.lost
    table_row.duplicates = run.score.duplicates
    table_row.gaps = run.score.gaps
    table_row.server_errors = run.writes.server_errors + len(run.tracebacks)
    print(table_row.fault, table_row.checked)

    expected_reconnects = int(minutes) * max(1, round(len(run.sockets) * 0.05))
    assert run.planned_reconnects >= expected_reconnects - max(1, expected_reconnects // 10)
    assert run.behind == 0, f"{run.behind} sockets never caught up"
    assert run.score.duplicates == 0
    assert run.score.gaps == 0
    assert run.score.lost == 0
    assert run.score.sockets_off == 0, run.score
    assert table_row.server_errors == 0, run.tracebacks[:10]


def _memberships(url: str) -> list[tuple[str, float]]:
    """The doorbell group's members and when each last joined, as channels_redis keeps them."""
    client = redis.Redis.from_url(url)
    try:
        rows: list[Any] = list(client.zrange(GROUP_KEY, 0, -1, withscores=True))
        return [(str(member), float(at)) for member, at in rows]
    finally:
        client.close()


async def _hold(
    game: Game, writer: LoggedServer, reader: LoggedServer, layer: RedisServer, seconds: float
) -> tuple[list[LoadSocket], Writes, list[float], list[tuple[str, float]]]:
    """Hold sockets on both servers for ``seconds`` while the game is written through
    ``writer`` only (``reader`` learns of each write through the layer), then probe with ten
    quick writes. Returns the sockets, the writes, the probe's latencies on ``reader`` and the
    group's memberships read from Redis at the end."""
    sockets = [LoadSocket(game, seat) for seat in game.seats]
    for index, sock in enumerate(sockets):
        await sock.connect(reader.base if index % 2 == 0 else writer.base)
    far = sockets[0::2]
    writes = Writes()
    with ThreadPoolExecutor(max_workers=2) as pool:
        await play([game], [writer.base], writes, per_second=0.1, seconds=seconds, pool=pool)
        before = [len(s.latencies_ms) for s in far]
        await play([game], [writer.base], writes, per_second=2, seconds=5, pool=pool)
    await asyncio.sleep(2)
    probe = [ms for s, n in zip(far, before, strict=True) for ms in s.latencies_ms[n:]]
    memberships = await asyncio.to_thread(_memberships, layer.url)
    for sock in sockets:
        await sock.close()
    return sockets, writes, probe, memberships


def test_a_connection_older_than_the_group_expiry_keeps_receiving_events(
    postgres_server: PostgresServer, table_row: Row
) -> None:
    expiry = int(knob("GROUP_EXPIRY_SECONDS", 60))
    minutes = knob("GROUP_EXPIRY_HOLD_MINUTES", 3)
    table_row.fault = f"§3.5 group_expiry={expiry} s, {minutes:g}-min connections"
    layer = RedisServer.start()  # its own: memberships of other tests' servers would linger
    try:
        env = {"CHANNEL_LAYER_GROUP_EXPIRY": str(expiry)}
        with (
            logged_asgi_server(postgres_server, layer, env) as writer,
            logged_asgi_server(postgres_server, layer, env) as reader,
        ):
            game = open_game(writer.base, facilitator_token("load-expiry"), "Expiry", 6)
            sockets, writes, probe, memberships = asyncio.run(
                _hold(game, writer, reader, layer, minutes * 60)
            )
            expected = {
                (game.exercise_id, seat.role): [
                    int(e["seq"]) for e in stream(writer.base, game.exercise_id, seat.header)
                ]
                for seat in game.seats
            }
            rejoins = [
                line
                for server in (writer, reader)
                for line in server.log().splitlines()
                if "channel layer lost" in line
            ]
        # A process's channels share the layer's client prefix (before "!"): each hub must hold
        # a membership younger than the expiry; a channel it replaced may linger until pruned.
        now = time.time()
        freshest: dict[str, float] = {}
        for member, at in memberships:
            process = member.split("!", 1)[0]
            freshest[process] = min(freshest.get(process, float("inf")), now - at)
        tally = score(sockets, expected)
        median = statistics.median(probe) if probe else float("nan")
        table_row.lost = tally.lost
        table_row.duplicates = tally.duplicates
        table_row.gaps = tally.gaps
        table_row.server_errors = writes.server_errors
        table_row.checked = (
            f"2 ASGI, {len(sockets)} WS; writes on one server only; after the hold "
            f"{len(probe)} cross-server frames median {median:.0f} ms; "
            f"{len(freshest)} hubs in the group, last joined "
            f"{max(freshest.values(), default=0):.0f} s ago at most ({len(memberships)} members, "
            f"{len(rejoins)} layer-loss rejoins logged)"
        )
        print(table_row.fault, table_row.checked)
        assert tally.sockets_off == 0, tally
        assert writes.server_errors == 0
        assert len(freshest) == 2, memberships
        assert len(memberships) == 2, ("a hub left a channel behind in the group", rejoins)
        assert max(freshest.values()) < expiry, ("a hub's membership was left to expire", rejoins)
        assert probe, "no event crossed to the other server after the hold"
        assert median < DOORBELL_MEDIAN_MS, probe
    finally:
        layer.stop()

"""Load and soak machinery for docs/reliability.md#l1, #l2 and the group-expiry check: many
exercises being played over HTTP while hundreds of WebSockets record what reaches them, with the
servers' memory, their PostgreSQL connections and their logs sampled as it runs."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import websockets
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import ClientConnection, connect

from bench.loadclient import CONNECT_BATCH, at_seconds
from bench.stack import rss_kb
from tests.realtime.harness import database_url, http, stream
from tests.services import (
    PostgresServer,
    RedisServer,
    free_port,
    running,
    uvicorn_argv,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

TEAMS = ("US", "ROK", "JPN", "DPRK")
ROLES = (*TEAMS, "observers")
# Threads that post the game's writes; also the most HTTP requests (and so request-scoped
# PostgreSQL connections) in flight at once. Each exercise steps one write at a time, so 16 keep
# 25 exercises at their rate while a loaded server takes a few hundred ms a write.
WRITER_THREADS = 16
# Per server process, the connections that may stay open between requests: the hub's two reader
# threads and asyncio's default executor (min(32, cores + 4) threads), where presence and
# authentication run. Everything request-scoped closes (CONN_MAX_AGE=0).
HUB_READER_THREADS = 2
_keys = itertools.count(1)


def knob(name: str, default: float) -> float:
    """A size or duration from the environment, the goal's value (docs/reliability.md#load) when
    unset."""
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def expected_pool(servers: int) -> int:
    default_executor = min(32, (os.cpu_count() or 1) + 4)
    per_server = HUB_READER_THREADS + default_executor
    return servers * per_server + WRITER_THREADS + 1  # + this process's own test connection


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _key() -> str:
    return f"load-{os.getpid()}-{next(_keys)}"


# --- servers --------------------------------------------------------------------------------------


@dataclass
class LoggedServer:
    """A Uvicorn process whose output is kept, so the run can grep it ("over capacity")."""

    base: str
    pid: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def logged_asgi_server(
    postgres: PostgresServer, redis: RedisServer, extra_env: dict[str, str] | None = None
) -> Iterator[LoggedServer]:
    """Like ``tests.realtime.harness.asgi_server`` (same command line and settings), but the
    process's log outlives it in a file of its own."""
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="wargame-load-"))
    log_path = directory / "server.log"
    env = {
        "DATABASE_URL": database_url(postgres),
        "REDIS_URL": redis.url,
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        **(extra_env or {}),
    }
    try:
        with running(uvicorn_argv(port), env=env, port=port, log_path=log_path) as process:
            server = LoggedServer(f"http://127.0.0.1:{port}", process.pid, log_path)
            # A fresh Uvicorn's first request pays seconds of imports on 2 cores: not load.
            status, _body = http("GET", f"{server.base}/healthz", token="")
            assert status < 500, server.log()[-3000:]
            yield server
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def pinned_to_one_core() -> Iterator[str]:
    """Pin every thread of this process (the load generator) to the last core with ``taskset``,
    so the servers keep a core of their own; yields how it went, for the row's text. Processes
    started before the block (the servers) keep all cores."""
    before = os.sched_getaffinity(0)
    taskset = shutil.which("taskset")
    if taskset is None or len(before) < 2:
        yield "load client not pinned (no taskset or one core)"
        return
    core = max(before)
    pin = [taskset, "-a", "-p", "-c"]
    subprocess.run([*pin, str(core), str(os.getpid())], check=True, capture_output=True)
    try:
        yield f"load client pinned to CPU {core} (taskset -a)"
    finally:
        cores = ",".join(str(c) for c in sorted(before))
        subprocess.run([*pin, cores, str(os.getpid())], check=True, capture_output=True)


# --- the games ------------------------------------------------------------------------------------


@dataclass
class Seat:
    role: str  # "control", a team code or "observers": the view it sees
    header: str


@dataclass
class Game:
    base: str
    exercise_id: int
    control: str
    seats: list[Seat]
    channels: dict[str, int] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"{self.base}/api/v1/exercises/{self.exercise_id}/{tail}"

    def players(self, team: str) -> list[Seat]:
        return [s for s in self.seats if s.role == team]


def facilitator_token(username: str) -> str:
    user = get_user_model().objects.create_user(username, password="a-long-pass-phrase-9")
    return str(Token.objects.create(user=user).key)


def _ok(status: int, body: Any, what: str) -> Any:
    if status >= 300:
        raise AssertionError(f"{what}: {status} {body}")
    return body


def open_game(base: str, control: str, title: str, clients: int) -> Game:
    """A running exercise in deliberation on turn 1 with ``clients`` seats: the facilitator and
    players spread over the four teams and the observers, each a participant of their own."""
    control_header = f"Token {control}"
    body = _ok(
        *http(
            "POST",
            f"{base}/api/v1/exercises/",
            token=control_header,
            # A day's clock: a soak must not run into the deadline (writes after it get 423).
            body={
                "scenario": "exercise_season",
                "title": title,
                "seed": 3,
                "deliberation_minutes": 24 * 60,
            },
        ),
        "create",
    )
    game = Game(base, int(body["id"]), control_header, [Seat("control", control_header)])
    _ok(
        *http("POST", game.url("commands/"), token=control_header, body={"command": "open_lobby"}),
        "open_lobby",
    )
    codes = body["join_codes"]
    for index in range(clients - 1):
        role = ROLES[index % len(ROLES)]
        seat = _ok(
            *http(
                "POST",
                f"{base}/api/v1/join/",
                token="",
                body={"code": codes[role], "display_name": f"{role} {index}"},
            ),
            "join",
        )
        game.seats.append(Seat(role, f"Participant {seat['token']}"))
    for command in ("start", "advance"):
        _ok(
            *http("POST", game.url("commands/"), token=control_header, body={"command": command}),
            command,
        )
    for team in TEAMS:
        seat = game.players(team)[0] if game.players(team) else None
        if seat is None:
            continue
        listed = _ok(*http("GET", game.url("channels/"), token=seat.header), "channels")
        game.channels[team] = next(int(c["id"]) for c in listed["results"] if c["name"] == team)
    return game


@dataclass
class Writes:
    statuses: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.statuses if s >= 500)

    @property
    def refused(self) -> int:
        return sum(1 for s in self.statuses if 400 <= s < 500)

    def call(self, method: str, url: str, header: str, body: Any) -> None:
        began = time.monotonic()
        try:
            status, _answer = http(method, url, token=header, body=body)
        except ValueError:  # a body that is not JSON: a proxy's or a traceback's page
            status = 599
        self.seconds.append(time.monotonic() - began)
        self.statuses.append(status)


def play_one(game: Game, writes: Writes, rng: random.Random, base: str) -> None:
    """One human-sized step: a chat line (60%), a decision draft (30%) or the facilitator's
    pause, resume and extend (10%). Writes go to ``base``, whichever server that is."""
    url = game.url("").replace(game.base, base, 1)
    roll = rng.random()
    teams = [t for t in TEAMS if game.players(t)]
    if roll < 0.9 and teams:
        team = rng.choice(teams)
        seat = rng.choice(game.players(team))
        if roll < 0.6:
            writes.call(
                "POST",
                f"{url}channels/{game.channels[team]}/messages/",
                seat.header,
                {"body": f"{team} says {_key()}", "client_key": _key()},
            )
        else:
            writes.call(
                "PUT",
                f"{url}turns/1/decision/",
                seat.header,
                {"actions": [], "rationale": f"{team} plans {_key()}", "client_key": _key()},
            )
        return
    for command, args in (("pause", {}), ("resume", {}), ("extend", {"minutes": 1})):
        writes.call("POST", f"{url}commands/", game.control, {"command": command, "args": args})


async def play(
    games: list[Game],
    bases: list[str],
    writes: Writes,
    *,
    per_second: float,
    seconds: float,
    pool: ThreadPoolExecutor,
) -> None:
    """Each exercise plays at ``per_second`` steps, one step at a time, round-robin over the
    servers, until ``seconds`` pass."""
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds

    async def one(index: int, game: Game) -> None:
        rng = random.Random(index)  # noqa: S311 - a repeatable game, not a secret
        interval = 1 / per_second
        next_at = loop.time() + rng.random() * interval  # spread the exercises' steps
        step = 0
        while next_at < stop_at:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            base = bases[(index + step) % len(bases)]
            await loop.run_in_executor(pool, play_one, game, writes, rng, base)
            step += 1
            next_at += interval

    await asyncio.gather(*(one(i, g) for i, g in enumerate(games)))


# --- the sockets ----------------------------------------------------------------------------------


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


# --- what the servers use ---------------------------------------------------------------------


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


# --- one run --------------------------------------------------------------------------------------


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


def open_games(bases: list[str], control: str, exercises: int, clients: int) -> list[Game]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(
            pool.map(
                lambda i: open_game(bases[i % len(bases)], control, f"Load {i}", clients),
                range(exercises),
            )
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

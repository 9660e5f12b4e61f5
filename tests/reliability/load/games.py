"""The HTTP side of a load run: exercises opened with a seat per client, and each exercise
played at a human pace (chat lines, decision drafts, the facilitator's clock) by a pool of writer
threads, every write's status and time kept."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.realtime.harness import http

TEAMS = ("US", "ROK", "JPN", "DPRK")
ROLES = (*TEAMS, "observers")
_keys = itertools.count(1)


def _key() -> str:
    return f"load-{os.getpid()}-{next(_keys)}"


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


def open_games(bases: list[str], control: str, exercises: int, clients: int) -> list[Game]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(
            pool.map(
                lambda i: open_game(bases[i % len(bases)], control, f"Load {i}", clients),
                range(exercises),
            )
        )

"""A class in one exercise: who is in it (the seats), their pages, their browsers, and the four
facilitator and player actions the screens benchmark measures.

A class of N browsers: one facilitator's console, a projector screen per hundred (observers'
view), and team rooms for the rest, dealt round the four teams and the three languages in turn,
so every (team, language) pair is present. Every browser holds a seat of its own: per-person bits
(a name in the header) differ from browser to browser, as in a real class.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.screens.pages import CONSOLE, PAGE_PATHS, ROOM, SCREEN, Page, Seat, page_of
from tests.realtime.harness import http
from wargame.exercises.principals import PARTICIPANT_COOKIE
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view

if TYPE_CHECKING:
    from bench.screens.browsers import SimBrowser
    from bench.screens.stack import Topology

TEAMS = ("US", "ROK", "JPN", "DPRK")
LANGS = ("en", "ja", "ko")
CONNECT_BATCH = 50
CONNECT_TIMEOUT_S = 120.0
DELIBERATION_MINUTES = 600  # a clock on the page, and no deadline during the run


def population(n: int, *, console: bool = True, screens: bool = True) -> list[tuple[str, str, str]]:
    """(kind, join key, language) for N browsers."""
    people: list[tuple[str, str, str]] = []
    if console:
        people.append((CONSOLE, CONTROL, "en"))
    if screens:
        people += [(SCREEN, "observers", LANGS[i % 3]) for i in range(max(1, math.ceil(n / 100)))]
    for i in range(n - len(people)):
        people.append((ROOM, TEAMS[i % 4], LANGS[(i // 4) % 3]))
    return people


@dataclass
class Classroom:
    topology: Topology
    exercise_id: int
    seats: list[Seat]
    speaker: str  # a US player's token: the team message's author
    team_channel: int  # the US team's own channel

    @property
    def base(self) -> str:
        return self.topology.servers[0].base

    def api(self, path: str, *, method: str = "POST", body: Any = None, token: str = "") -> Any:
        status, answer = http(
            method,
            f"{self.base}/api/v1/exercises/{self.exercise_id}/{path}",
            token=token or f"Token {self.topology.control_token}",
            body=body,
        )
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")
        return answer

    def state(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.topology.helper.ask(op="state", exercise=self.exercise_id)
        return answer

    def advance_to(self, phase: str) -> None:
        """Facilitator advances made outside the servers, while no browser is connected."""
        for _ in range(8):
            if self.state()["phase"] == phase:
                return
            self.topology.helper.ask(op="command", exercise=self.exercise_id, command="advance")
        raise RuntimeError(f"exercise {self.exercise_id} never reached {phase}")


def seat_class(topology: Topology, people: list[tuple[str, str, str]], title: str) -> Classroom:
    """A new exercise in deliberation with a seat for each person."""
    status, body = http(
        "POST",
        f"{topology.servers[0].base}/api/v1/exercises/",
        token=f"Token {topology.control_token}",
        body={
            "scenario": "exercise_season",
            "title": title,
            "seed": 3,
            "deliberation_minutes": DELIBERATION_MINUTES,
        },
    )
    if status != 201:
        raise RuntimeError(f"exercise not created: {status} {body}")
    exercise_id = int(body["id"])
    helper = topology.helper
    helper.ask(op="command", exercise=exercise_id, command="open_lobby")
    counts: dict[str, int] = {}
    for kind, key, _lang in people:
        if kind != CONSOLE:
            counts[key] = counts.get(key, 0) + 1
    tokens = helper.ask(op="seats", codes=body["join_codes"], counts=counts)["tokens"]
    dealt = {key: iter(values) for key, values in tokens.items()}
    session = (topology.session[0], topology.session[1])
    seats = []
    for kind, key, lang in people:
        if kind == CONSOLE:
            seats.append(Seat(kind, CONTROL, lang, (session,)))
        else:
            view = OBSERVERS if key == "observers" else team_view(key)
            seats.append(Seat(kind, view, lang, ((PARTICIPANT_COOKIE, next(dealt[key])),)))
    helper.ask(op="command", exercise=exercise_id, command="start")
    game = Classroom(topology, exercise_id, seats, tokens["US"][0], 0)
    game.advance_to("deliberation")
    channels = game.api("channels/", method="GET", token=f"Participant {game.speaker}")
    game.team_channel = next(c["id"] for c in channels["results"] if c["kind"] == "team")
    return game


async def load_pages(game: Classroom) -> dict[tuple[str, str, str], Page]:
    """One page load per (kind, view, language) and server process: the seats of a group share
    its regions and the position it was rendered at (no event happens between the loads and the
    sockets). Loading on every process also warms it: a process's first requests import and
    compile what the first measured fetches would otherwise pay for."""
    from bench.httpget import Browser as Http

    pages: dict[tuple[str, str, str], Page] = {}
    for group, members in itertools.groupby(
        sorted(game.seats, key=lambda s: s.group), key=lambda s: s.group
    ):
        seat = next(members)
        for server in game.topology.servers:
            http_client = Http(server.base, seat.headers())
            try:
                answer = await http_client.get(PAGE_PATHS[seat.kind].format(id=game.exercise_id))
            finally:
                http_client.close()
            if answer.status != 200:
                raise RuntimeError(f"{group}: page answered {answer.status}")
            pages.setdefault(group, page_of(answer.body.decode()))
    return pages


async def connect(game: Classroom, model: type[SimBrowser]) -> list[SimBrowser]:
    pages = await load_pages(game)
    servers = game.topology.servers
    browsers = [
        model(seat, pages[seat.group], servers[i % len(servers)].base)
        for i, seat in enumerate(game.seats)
    ]
    for start in range(0, len(browsers), CONNECT_BATCH):
        batch = browsers[start : start + CONNECT_BATCH]
        await asyncio.gather(*(b.open() for b in batch))
        await asyncio.wait_for(asyncio.gather(*(b.ready.wait() for b in batch)), CONNECT_TIMEOUT_S)
    closed = [b for b in browsers if b.close_code is not None]
    if closed:
        raise RuntimeError(f"{len(closed)} sockets closed on connect ({closed[0].close_code})")
    await settle(browsers)
    return browsers


async def settle(browsers: list[SimBrowser], quiet_s: float = 0.5, timeout: float = 300) -> None:
    """Until no browser has had a frame or a fetch outstanding for ``quiet_s`` (presence frames
    after a connect storm, or the refetches of an unmeasured action)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        seen = sum(len(b.frames) for b in browsers) + sum(b.bytes_in for b in browsers)
        await asyncio.sleep(quiet_s)
        if all(b.busy == 0 for b in browsers) and seen == (
            sum(len(b.frames) for b in browsers) + sum(b.bytes_in for b in browsers)
        ):
            return


async def disconnect(browsers: list[SimBrowser]) -> None:
    await asyncio.gather(*(b.close() for b in browsers), return_exceptions=True)


# --- the actions: each returns once the server has answered (its events are committed) ----------


def inject_to_all(game: Classroom, mark: str) -> None:
    game.api(
        "commands/",
        body={
            "command": "release_inject",
            "args": {
                "title": f"Inject {mark}",
                "body": "Allied staff request an assessment.",
                "audience": "all",
            },
        },
    )


def team_message(game: Classroom, mark: str) -> None:
    game.api(
        f"channels/{game.team_channel}/messages/",
        body={"body": f"Message {mark}", "client_key": uuid.uuid4().hex},
        token=f"Participant {game.speaker}",
    )


def pause(game: Classroom, mark: str) -> None:
    game.api("commands/", body={"command": "pause"})


def resume(game: Classroom, mark: str) -> None:
    game.api("commands/", body={"command": "resume"})


def publish(game: Classroom, mark: str) -> None:
    turn = game.state()["turn"]
    game.api(f"turns/{turn}/adjudication/publish/", body={"approve_nuclear": False})

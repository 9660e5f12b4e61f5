"""Traffic on a live game under attack (the attack tests in this directory): the game's socket
address and first frame, team messages written at a chosen pace, recorders that stamp each event's
arrival, and waiting until every recorder holds its view's stream."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import TYPE_CHECKING, Any

from tests.realtime.harness import stream
from tests.realtime.test_live_streams import TEAMS
from tests.reliability.attackers import TimedRecorder, call_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tests.realtime.harness import Recorder
    from tests.realtime.test_live_streams import LiveGame

_keys = itertools.count(1)


def attack_key() -> str:
    return f"atk-{next(_keys)}"


def ws_url(base: str, exercise_id: int, since: int | str = 0) -> str:
    return base.replace("http", "ws", 1) + f"/ws/exercises/{exercise_id}/?since={since}"


def auth_frame(game: LiveGame, who: str) -> str:
    return json.dumps({"type": "auth", "token": game.token(who)})


def team_channels(game: LiveGame) -> dict[str, int]:
    found = {}
    for team in TEAMS:
        channels = game.as_player(team, "GET", "channels/")["results"]
        found[team] = next(int(c["id"]) for c in channels if c["name"] == team)
    return found


def post_message(game: LiveGame, team: str, channel: int, body: str) -> int:
    status, _headers, _answer = call_json(
        "POST",
        game.url(f"channels/{channel}/messages/"),
        game.header(team),
        {"body": body, "client_key": attack_key()},
    )
    return status


async def write_paced(
    game: LiveGame, channels: dict[str, int], count: int, gap: float, label: str
) -> tuple[set[str], list[int]]:
    """``count`` team messages, one every ``gap`` seconds, round the teams; returns their bodies
    and the statuses."""
    bodies: set[str] = set()
    statuses = []
    for index in range(count):
        team = TEAMS[index % len(TEAMS)]
        body = f"{label} {team} {attack_key()}"
        statuses.append(await asyncio.to_thread(post_message, game, team, channels[team], body))
        bodies.add(body)
        await asyncio.sleep(gap)
    return bodies, statuses


def begin_turn(game: LiveGame) -> None:
    game.as_control("POST", "commands/", {"command": "start"})
    game.as_control("POST", "commands/", {"command": "advance"})


async def timed_recorder(game: LiveGame, who: str) -> TimedRecorder:
    recorder = TimedRecorder(game.base, game.exercise_id, game.token(who))
    await recorder.start()
    return recorder


async def all_caught_up(
    recorders: Mapping[str, Recorder], game: LiveGame, timeout: float = 15
) -> dict[str, list[dict[str, Any]]]:
    expected = {
        who: await asyncio.to_thread(stream, game.base, game.exercise_id, game.header(who))
        for who in recorders
    }
    for who, recorder in recorders.items():
        await recorder.wait_for(len(expected[who]), timeout)
    return expected

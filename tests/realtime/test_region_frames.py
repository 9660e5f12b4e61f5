"""Pushed regions against a real Uvicorn process: a page's socket (``?page=room``) gets its view's
regions rendered once and pushed after the events, a team only ever its own view's, and the plain
event frames are the same as an API client's."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
import websockets

from tests.realtime.harness import Recorder, asgi_server, stream
from tests.realtime.test_live_streams import (
    TEAMS,
    LiveGame,
    _comparable,
    live_game,
    play_some,
    start_and_decide,
)

if TYPE_CHECKING:
    from tests.services import PostgresServer, RedisServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
HANGUL = re.compile("[\uac00-\ud7a3]")


async def _settled(recorder: Recorder, position: int, timeout: float = 20) -> None:
    """Until a regions frame has brought the page up to ``position``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(f["seq"] >= position for f in recorder.regions):
        if asyncio.get_running_loop().time() > deadline:
            seqs = [f["seq"] for f in recorder.regions]
            raise AssertionError(f"regions frames up to {seqs}, not {position}")
        await asyncio.sleep(0.05)


def _region_html(recorder: Recorder) -> str:
    return "\n".join(html for f in recorder.regions for html in f["regions"].values())


def _page(game: LiveGame, who: str, page: str, lang: str = "en") -> Recorder:
    token = game.token(who)
    return Recorder(game.base, game.exercise_id, token, query=f"&page={page}&lang={lang}")


def _team_rooms_get_only_their_own_views_regions(base: str) -> None:
    game = live_game(base)

    async def scenario() -> None:
        rooms = {team: await _page(game, team, "room").start() for team in TEAMS}
        api = await Recorder(base, game.exercise_id, game.token("US")).start()
        start_and_decide(game)
        play_some(game, rounds=2)
        for team, room in rooms.items():
            expected = stream(base, game.exercise_id, game.header(team))
            await room.wait_for(len(expected))
            await _settled(room, expected[-1]["seq"])
            # The plain event frames are exactly what a socket without a page gets.
            assert _comparable(room.events) == _comparable(expected), team
            for frame in room.regions:
                assert (
                    {"type", "seq", "names", "regions"}
                    <= set(frame)
                    <= {
                        "type",
                        "seq",
                        "names",
                        "regions",
                        "kept",
                    }
                )
                assert frame["seq"] <= expected[-1]["seq"]
        us_expected = stream(base, game.exercise_id, game.header("US"))
        await api.wait_for(len(us_expected))
        await asyncio.sleep(0.3)
        assert _comparable(api.events) == _comparable(us_expected)
        assert api.regions == []  # an API client gets events only

        skipped = sum(_pushed_only_when_changed(room) for room in rooms.values())
        assert skipped > 0, "two rounds re-render some region unchanged: it is not pushed again"
        html = {team: _region_html(room) for team, room in rooms.items()}
        for team in TEAMS:
            # Its own team channel is the channel a room shows first: its messages are pushed.
            assert f"{team} private" in html[team], team
            for other in TEAMS:
                if other != team:
                    assert f"{other} private" not in html[team], (team, other)
        assert "secret" not in "".join(html[t] for t in TEAMS if t != "DPRK")
        for room in (*rooms.values(), api):
            await room.stop()

        # A page coming back after it all (since=0) gets what it missed in one regions frame.
        again = await _page(game, "ROK", "room").start()
        position = stream(base, game.exercise_id, game.header("ROK"))[-1]["seq"]
        await _settled(again, position)
        assert "ROK private" in _region_html(again)
        assert not any(f.get("kept") for f in again.regions)  # a new socket holds nothing yet
        assert "US private" not in _region_html(again)
        await again.stop()

    asyncio.run(scenario())


def _pushed_only_when_changed(page: Recorder) -> int:
    """Check that a region's HTML is pushed again only when it differs from the last push, and
    that a region left out as kept names the frame that last carried it; how many were kept."""
    last: dict[str, tuple[int, str]] = {}
    skipped = 0
    for frame in page.regions:
        for key, html in frame["regions"].items():
            assert last.get(key, (0, ""))[1] != html, (key, frame["seq"])
            last[key] = (frame["seq"], html)
        for key, since in frame.get("kept", {}).items():
            assert key not in frame["regions"]
            assert last[key][0] == since, (key, since, last[key][0])
            skipped += 1
    return skipped


def test_team_rooms_get_only_their_own_views_regions(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        _team_rooms_get_only_their_own_views_regions(server.base)


def test_without_redis_the_process_keeps_its_own_renders_and_pushes_the_same(
    postgres_server: PostgresServer,
) -> None:
    with asgi_server(postgres_server, None) as server:
        _team_rooms_get_only_their_own_views_regions(server.base)


def _latest(recorder: Recorder, key: str) -> str:
    """The newest HTML of one region pushed to a page ("" when none was)."""
    pushed = [f["regions"][key] for f in recorder.regions if key in f["regions"]]
    return str(pushed[-1]) if pushed else ""


def test_joint_proposals_and_belief_answers_are_pushed_to_their_teams_rooms_only(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)

        async def scenario() -> None:
            rooms = {team: await _page(game, team, "room").start() for team in TEAMS}
            game.as_control("POST", "commands/", {"command": "start"})
            game.as_control("POST", "commands/", {"command": "advance"})
            consult = {"action": "d.consult", "target": "ROK"}
            draft = {"actions": [consult], "rationale": "", "client_key": "joint-draft"}
            game.as_player("US", "PUT", "turns/1/decision/", draft)
            game.as_player("US", "POST", "turns/1/joint/", consult)
            answers = {"answers": {"dprk_launchers": "launch_ready"}}
            game.as_player("US", "PUT", "turns/1/beliefs/", answers)
            for team, room in rooms.items():
                expected = stream(base, game.exercise_id, game.header(team))
                await room.wait_for(len(expected))
                await _settled(room, expected[-1]["seq"])

            joint = {team: _latest(room, "joint") for team, room in rooms.items()}
            assert 'data-testid="joint-ours"' in joint["US"]
            assert 'data-testid="joint-join"' in joint["ROK"]  # the partner is offered to join
            for team in ("JPN", "DPRK"):
                assert joint[team], team  # pushed on the phase change, without the proposal
                assert "joint-proposal" not in joint[team], team
            beliefs = {team: _latest(room, "beliefs") for team, room in rooms.items()}
            assert 'value="&quot;launch_ready&quot;" data-type="json" checked' in beliefs["US"]
            for team in ("ROK", "JPN", "DPRK"):
                assert beliefs[team], team
                assert " checked" not in beliefs[team], team  # never the US's answers
            for room in rooms.values():
                await room.stop()

        asyncio.run(scenario())


def test_a_page_that_is_not_the_principals_is_refused_and_the_screen_shows_the_observers_view(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)
        ws_url = base.replace("http", "ws", 1) + f"/ws/exercises/{game.exercise_id}/"

        async def close_code(who: str, query: str) -> int | None:
            async with websockets.connect(f"{ws_url}?since=0{query}", max_size=None) as ws:
                try:
                    # A bad query is refused before the auth frame is even read.
                    await ws.send(json.dumps({"type": "auth", "token": game.token(who)}))
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                except websockets.ConnectionClosed:
                    return ws.close_code

        async def scenario() -> None:
            assert await close_code("US", "&page=nowhere") == 4400
            assert await close_code("US", "&page=room&lang=xx") == 4400
            assert await close_code("observers", "&page=room") == 4403
            assert await close_code("US", "&page=console") == 4403
            assert await close_code("US", "&page=screen") == 4403
            assert await close_code("observers", "&page=console") == 4403

            screens = [
                await _page(game, who, "screen", "ko").start() for who in ("control", "observers")
            ]
            start_and_decide(game)
            play_some(game)
            observed = stream(base, game.exercise_id, game.header("observers"))
            frames: list[dict[str, Any]] = []
            for screen in screens:
                await _settled(screen, observed[-1]["seq"])
                frames.append(screen.regions[-1])
            # Control's projector screen is the observers' view: the same renders, the same seq.
            assert frames[0]["seq"] == frames[1]["seq"]
            for screen in screens:
                html = _region_html(screen)
                assert not any(f"{team} private" in html for team in TEAMS)
                assert "secret" not in html
                assert HANGUL.search(html), "a Korean screen is rendered in Korean"
            for screen in screens:
                await screen.stop()

        asyncio.run(scenario())

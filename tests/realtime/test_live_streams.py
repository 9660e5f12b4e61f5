"""Live updates against real Uvicorn processes and real Redis, with real WebSocket clients."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
from dataclasses import dataclass
from typing import Any

import pytest
import websockets

from tests.cast import facilitator_token
from tests.realtime.harness import Recorder, asgi_server, http, stream
from tests.services import PostgresServer, RedisServer, free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TEAMS = ("US", "ROK", "JPN", "DPRK")
_keys = itertools.count(1)


@dataclass
class LiveGame:
    base: str
    exercise_id: int
    control: str  # facilitator token key
    players: dict[str, str]  # team -> participant token
    observer: str

    def url(self, tail: str = "") -> str:
        return f"{self.base}/api/v1/exercises/{self.exercise_id}/{tail}"

    def as_control(self, method: str, tail: str, body: Any = None) -> Any:
        status, answer = http(method, self.url(tail), token=f"Token {self.control}", body=body)
        assert status < 300, (status, answer)
        return answer

    def as_player(self, team: str, method: str, tail: str, body: Any = None) -> Any:
        status, answer = http(
            method, self.url(tail), token=f"Participant {self.players[team]}", body=body
        )
        assert status < 300, (status, answer)
        return answer

    def header(self, who: str) -> str:
        if who == "control":
            return f"Token {self.control}"
        if who == "observers":
            return f"Participant {self.observer}"
        return f"Participant {self.players[who]}"

    def token(self, who: str) -> str:
        return self.header(who).split(" ", 1)[1]


def live_game(base: str) -> LiveGame:
    key = facilitator_token("control")
    status, body = http(
        "POST",
        f"{base}/api/v1/exercises/",
        token=f"Token {key}",
        body={"scenario": "exercise_season", "title": "Live", "seed": 3},
    )
    assert status == 201, body
    game = LiveGame(base, body["id"], key, {}, "")
    game.as_control("POST", "commands/", {"command": "open_lobby"})
    for name, code in body["join_codes"].items():
        status, seat = http(
            "POST",
            f"{base}/api/v1/join/",
            token="",
            body={"code": code, "display_name": f"{name} lead"},
        )
        assert status == 201, seat
        if name == "observers":
            game.observer = seat["token"]
        else:
            game.players[name] = seat["token"]
    return game


def play_some(game: LiveGame, rounds: int = 1) -> None:
    """Writes of every kind: commands, private drafts, team and allied chat, statements."""
    for _ in range(rounds):
        for team in TEAMS:
            channels = game.as_player(team, "GET", "channels/")["results"]
            own = next(c for c in channels if c["name"] == team)
            game.as_player(
                team,
                "POST",
                f"channels/{own['id']}/messages/",
                {"body": f"{team} private {next(_keys)}", "client_key": _key()},
            )
        us_rok = next(
            c for c in game.as_player("US", "GET", "channels/")["results"] if c["name"] == "US-ROK"
        )
        game.as_player(
            "US",
            "POST",
            f"channels/{us_rok['id']}/messages/",
            {"body": "allied", "client_key": _key()},
        )
        game.as_player("JPN", "POST", "statements/", {"body": "restraint", "client_key": _key()})


def _key() -> str:
    return f"k{next(_keys)}"


def start_and_decide(game: LiveGame) -> None:
    game.as_control("POST", "commands/", {"command": "start"})
    game.as_control("POST", "commands/", {"command": "advance"})
    game.as_player(
        "DPRK",
        "PUT",
        "turns/1/decision/",
        {"actions": [{"action": "d.russia_deepen"}], "rationale": "secret", "client_key": _key()},
    )
    game.as_player(
        "US",
        "PUT",
        "turns/1/decision/",
        {
            "actions": [{"action": "d.consult", "target": "ROK"}],
            "rationale": "",
            "client_key": _key(),
        },
    )
    for team in TEAMS:
        game.as_player(team, "POST", "turns/1/decision/submit/", {})


def _comparable(events: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(e["seq"], e["type"], json.dumps(e["payload"], sort_keys=True)) for e in events]


async def _connect_all(game: LiveGame, base: str | None = None) -> dict[str, Recorder]:
    who = ["control", *TEAMS, "observers"]
    recorders = {w: Recorder(base or game.base, game.exercise_id, game.token(w)) for w in who}
    for recorder in recorders.values():
        await recorder.start()
    return recorders


def test_each_client_sees_exactly_its_views_events_in_order(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)

        async def scenario() -> None:
            recorders = await _connect_all(game)
            start_and_decide(game)
            play_some(game, rounds=2)
            for who, recorder in recorders.items():
                expected = stream(base, game.exercise_id, game.header(who))
                await recorder.wait_for(len(expected))
                await asyncio.sleep(0.3)  # nothing more may arrive
                assert _comparable(recorder.events) == _comparable(expected), who
                assert [e["seq"] for e in recorder.events] == list(range(1, len(expected) + 1))
                assert recorder.frames[0]["type"] != "replay.done" or expected
            private = {
                t: [
                    e
                    for e in recorders[t].events
                    if e["type"] == "message.posted" and f"{t} private" in e["payload"]["body"]
                ]
                for t in TEAMS
            }
            for team in TEAMS:
                others = [e for t in TEAMS if t != team for e in recorders[t].events]
                assert private[team], team
                assert not any(f"{team} private" in json.dumps(e) for e in others)
            assert "secret" not in json.dumps(recorders["US"].events)
            assert "secret" in json.dumps(recorders["DPRK"].events)
            for recorder in recorders.values():
                await recorder.stop()

        asyncio.run(scenario())


def test_two_server_processes_on_one_redis_deliver_each_others_events(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with (
        asgi_server(postgres_server, redis_server) as first,
        asgi_server(postgres_server, redis_server) as second,
    ):
        one, two = first.base, second.base
        game = live_game(one)

        async def scenario() -> None:
            on_two = await Recorder(two, game.exercise_id, game.token("ROK")).start()
            on_one = await Recorder(one, game.exercise_id, game.token("ROK")).start()
            play_some(game)  # every write goes to server one
            expected = stream(one, game.exercise_id, game.header("ROK"))
            asyncio.get_running_loop().time()
            await on_two.wait_for(len(expected))
            await on_one.wait_for(len(expected))
            assert _comparable(on_two.events) == _comparable(expected)
            assert _comparable(on_one.events) == _comparable(expected)
            await on_one.stop()
            await on_two.stop()

        asyncio.run(scenario())


def test_a_client_that_reconnects_with_its_last_seq_misses_nothing(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)

        async def scenario() -> None:
            steady = await Recorder(base, game.exercise_id, game.token("US")).start()
            dropping = await Recorder(base, game.exercise_id, game.token("US")).start()
            play_some(game)
            await dropping.wait_for(len(stream(base, game.exercise_id, game.header("US"))))
            await dropping.stop()
            play_some(game)  # missed while away
            back = await Recorder(
                base, game.exercise_id, game.token("US"), since=dropping.last_seq
            ).start()
            play_some(game)
            expected = stream(base, game.exercise_id, game.header("US"))
            await steady.wait_for(len(expected))
            await back.wait_for(len(expected) - len(dropping.events))
            assert _comparable(dropping.events + back.events) == _comparable(steady.events)
            await steady.stop()
            await back.stop()

        asyncio.run(scenario())


def test_after_the_server_is_killed_a_client_resumes_on_a_restarted_one(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    port = free_port()
    reference = free_port()
    with asgi_server(postgres_server, redis_server, port=reference) as other_server:
        other = other_server.base
        game_holder: dict[str, LiveGame] = {}
        with asgi_server(postgres_server, redis_server, port=port) as doomed:
            base = doomed.base
            game = live_game(base)
            game_holder["game"] = game

            async def before() -> Recorder:
                client = await Recorder(base, game.exercise_id, game.token("JPN")).start()
                play_some(game)
                await client.wait_for(len(stream(base, game.exercise_id, game.header("JPN"))))
                return client

            first = asyncio.run(before())
            os.kill(doomed.pid, signal.SIGKILL)
        game = game_holder["game"]
        game.base = other
        play_some(game)  # written while the first server is dead
        with asgi_server(postgres_server, redis_server, port=port) as restarted:
            again = restarted.base

            async def after() -> None:
                back = await Recorder(
                    again, game.exercise_id, game.token("JPN"), since=first.last_seq
                ).start()
                expected = stream(other, game.exercise_id, game.header("JPN"))
                await back.wait_for(len(expected) - len(first.events))
                assert _comparable(first.events + back.events) == _comparable(expected)
                await back.stop()

            asyncio.run(after())


def test_bad_handshakes_and_frames_get_their_close_codes_and_others_keep_going(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)
        other = live_game_other_exercise_token(base)
        ws_url = base.replace("http", "ws", 1) + f"/ws/exercises/{game.exercise_id}/"

        async def close_code(
            frames: list[Any], *, since: str = "0", origin: str | None = None
        ) -> int | None:
            headers = {"Origin": origin} if origin else None
            async with websockets.connect(
                f"{ws_url}?since={since}", max_size=None, additional_headers=headers
            ) as ws:
                try:
                    for frame in frames:
                        await ws.send(frame)
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                except websockets.ConnectionClosed:
                    return ws.close_code

        async def scenario() -> None:
            bystander = await Recorder(base, game.exercise_id, game.token("ROK")).start()
            token = game.token("US")
            auth = json.dumps({"type": "auth", "token": token})
            assert await close_code([json.dumps({"type": "auth", "token": "nope"})]) == 4401
            assert await close_code([json.dumps({"type": "ping"})]) == 4401
            assert await close_code([auth, "not json"]) == 4400
            assert await close_code([auth, json.dumps({"no": "type"})]) == 4400
            assert await close_code([auth, json.dumps({"type": "x", "pad": "a" * 70_000})]) in (
                4413,
                1009,
            )
            assert await close_code([auth, b"\x00\x01"]) == 1003
            assert await close_code([auth], since="-1") == 4400
            flood = [auth] + [json.dumps({"type": "ping"})] * 40
            assert await close_code(flood) == 4429
            with pytest.raises(websockets.InvalidStatus) as refused:
                await close_code([auth], origin="https://evil.example")
            assert refused.value.response.status_code == 403
            assert await close_code([json.dumps({"type": "auth", "token": other})]) == 4404

            play_some(game)
            expected = stream(base, game.exercise_id, game.header("ROK"))
            await bystander.wait_for(len(expected))
            assert bystander.close_code is None
            await bystander.stop()

        asyncio.run(scenario())


def live_game_other_exercise_token(base: str) -> str:
    key = facilitator_token("other")
    status, body = http(
        "POST",
        f"{base}/api/v1/exercises/",
        token=f"Token {key}",
        body={"scenario": "border_clash", "title": "Other"},
    )
    assert status == 201
    http(
        "POST",
        f"{base}/api/v1/exercises/{body['id']}/commands/",
        token=f"Token {key}",
        body={"command": "open_lobby"},
    )
    status, seat = http(
        "POST",
        f"{base}/api/v1/join/",
        token="",
        body={"code": body["join_codes"]["US"], "display_name": "x"},
    )
    assert status == 201
    return str(seat["token"])


def test_the_embedded_layer_delivers_writes_from_other_processes_by_the_tick(
    postgres_server: PostgresServer,
) -> None:
    """In-memory layer: one process only, yet a write by another process (here: this test,
    as a worker would) still arrives, through the log tick."""
    with asgi_server(postgres_server, None) as server:
        base = server.base
        game = live_game(base)

        async def scenario() -> None:
            client = await Recorder(base, game.exercise_id, game.token("US")).start()
            before = len(client.events)
            from tests.realtime.direct import start_directly

            await asyncio.to_thread(start_directly, game.exercise_id)
            await client.wait_for(before + 2, timeout=5)
            assert "exercise.started" in [e["type"] for e in client.events[before:]]
            await client.stop()

        asyncio.run(scenario())


def test_presence_follows_connections_and_a_removed_participant_is_cut_off_at_once(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    with asgi_server(postgres_server, redis_server) as server:
        game = live_game(server.base)

        async def scenario() -> None:
            control = await Recorder(server.base, game.exercise_id, game.token("control")).start()
            us = await Recorder(server.base, game.exercise_id, game.token("US")).start()
            await asyncio.sleep(0.5)
            presence = [f for f in control.frames if f.get("type") == "presence"]
            assert presence[-1]["teams"]["US"] == 1
            assert {m["team"] for m in presence[-1]["members"]} == set(TEAMS)
            us_presence = [f for f in us.frames if f.get("type") == "presence"]
            assert us_presence, "a presence frame follows replay.done"
            assert {m["team"] for m in us_presence[-1]["members"]} == {"US"}
            assert [m["connected"] for m in us_presence[-1]["members"]] == [True]
            exercise = game.as_control("GET", "")
            assert next(t for t in exercise["teams"] if t["code"] == "US")["connected"] == 1

            us_id = next(m["participant_id"] for m in presence[-1]["members"] if m["team"] == "US")
            started = asyncio.get_running_loop().time()
            game.as_control(
                "POST",
                "commands/",
                {"command": "remove_participant", "args": {"participant_id": us_id}},
            )
            while us.close_code is None:
                assert asyncio.get_running_loop().time() - started < 2, "not cut off"
                await asyncio.sleep(0.02)
            print(
                f"revoked socket closed after {asyncio.get_running_loop().time() - started:.2f} s"
            )
            assert us.close_code == 4403
            assert us.events[-1]["type"] == "participant.left"
            status, _answer = http("GET", game.url(), token=game.header("US"))
            assert status == 401
            await asyncio.sleep(0.5)
            latest = [f for f in control.frames if f.get("type") == "presence"][-1]
            assert latest["teams"]["US"] == 0
            await control.stop()

        asyncio.run(scenario())


def test_a_joint_proposal_reaches_only_the_proposer_its_partners_and_control(
    postgres_server: PostgresServer, redis_server: RedisServer
) -> None:
    """Proposing a joint action is its own event to the partners it names: a team not named (and
    the observers) never receive it on their sockets, nor the proposer's draft."""
    with asgi_server(postgres_server, redis_server) as server:
        base = server.base
        game = live_game(base)

        async def scenario() -> None:
            recorders = await _connect_all(game)
            game.as_control("POST", "commands/", {"command": "start"})
            consult = {"action": "d.consult", "target": "US", "params": {"format": "EDSCG"}}
            game.as_player(
                "ROK",
                "PUT",
                "turns/1/decision/",
                {"actions": [consult], "rationale": "rok-joint-secret", "client_key": _key()},
            )
            game.as_player("ROK", "POST", "turns/1/joint/", consult)
            game.as_player(
                "US", "POST", "turns/1/joint/join/", {"team": "ROK", "action": "d.consult"}
            )
            for who, recorder in recorders.items():
                expected = stream(base, game.exercise_id, game.header(who))
                await recorder.wait_for(len(expected))
                await asyncio.sleep(0.3)  # nothing more may arrive
                assert _comparable(recorder.events) == _comparable(expected), who
                kinds = [e["type"] for e in recorder.events if e["type"].startswith("joint.")]
                if who in ("control", "ROK", "US"):
                    assert kinds == ["joint.proposed", "joint.joined"], who
                else:
                    assert kinds == [], who
                    assert "d.consult" not in json.dumps(recorder.events), who
                if who not in ("control", "ROK"):
                    assert "rok-joint-secret" not in json.dumps(recorder.events), who
            for recorder in recorders.values():
                await recorder.stop()

        asyncio.run(scenario())

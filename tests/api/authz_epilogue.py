"""After the authorization matrix's cells (tests/api/test_authorization_matrix.py): real writes,
then everything every principal can read; revoked and made-up credentials; and the teaching
setting (observer_view teams) with its own canaries."""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from rest_framework.test import APIClient

from tests.answers import ok
from tests.api.authz_world import Canary, Cell, Seen, World, command_ok, talk
from tests.cast import TEAMS, Game, client_key

if TYPE_CHECKING:
    from collections.abc import Callable


def _inject(game: Game, audience: list[str], body: str) -> Any:
    args = {"title": "Matrix inject", "body": body, "audience": audience}
    return game.command("release_inject", args=args)


def _submit(game: Game, team: str, turn: int) -> Any:
    return game.players[team].post(game.url(f"turns/{turn}/decision/submit/"), {}, format="json")


def _stream(game: Game, client: APIClient) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = ok(client.get(game.url(f"events/?since={len(events)}&limit=40")), 200)
        if not page["results"]:
            return events
        events += page["results"]
        assert events[-1]["seq"] == len(events), "a view's seq is 1, 2, 3, ... with no gap"


def epilogue(world: World) -> None:
    """Turn 2 is submitted, locked, reviewed and published for real, so the streams also carry
    per-view outcomes, and the codes are rotated; then every seated principal reads everything
    it may."""
    game, who = world.own.game, {"control": world.own.game.control}
    who.update(game.players)
    who["observer"] = game.observer
    review = game.url("turns/2/adjudication/")
    override = {"overrides": [{"path": "/state/assurance/ROK", "value": 60, "reason": "matrix"}]}
    # A declared proposal between two parties: an agreement the others must not be listed.
    proposal = {
        "action": "c.propose",
        "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]},
    }
    rationale = world.mark("own exercise: US rationale, turn 2, final", {"US", "control"})
    final = {"actions": [proposal], "rationale": rationale, "client_key": client_key()}
    to_dprk = world.mark("own exercise: inject to DPRK", {"DPRK", "control"})
    to_us = world.mark("own exercise: inject to US, observers", {"US", "observer", "control"})
    writes: list[tuple[str, Callable[[], Any]]] = [
        ("control", lambda: game.command("extend", args={"minutes": 5})),
        ("US", lambda: game.players["US"].put(game.url("turns/2/decision/"), final, format="json")),
        ("control", partial(_inject, game, ["DPRK"], to_dprk)),
        ("control", partial(_inject, game, ["team:US", "observers"], to_us)),
        *((team, partial(_submit, game, team, 2)) for team in TEAMS),
        ("control", lambda: game.command("advance", expected_phase="deliberation")),
        ("control", lambda: game.control.patch(review, override, format="json")),
        ("control", lambda: game.control.post(f"{review}reroll/", {}, format="json")),
        ("control", lambda: game.control.post(f"{review}publish/", {}, format="json")),
        ("control", lambda: game.command("rotate_codes")),
    ]
    for name, write in writes:
        response = write()
        ok(response, 200)
        world.seen.append(Seen(name, "epilogue write", 200, response.content.decode()))
    for code_name, code in game.exercise()["join_codes"].items():
        world.secrets.append(Canary(code, f"rotated join code {code_name}", frozenset({"control"})))
    for name, client in who.items():
        world.streams[name] = _stream(game, client)
        world.seen.append(Seen(name, "events", 200, json.dumps(world.streams[name])))
        reads = ["", "state/", "channels/", "agreements/", "statements/", "turns/2/decision/"]
        channels = ok(client.get(game.url("channels/")), 200)["results"]
        reads += [f"channels/{channel['id']}/messages/" for channel in channels]
        for tail in reads:
            response = client.get(game.url(tail))
            text = response.content.decode()
            world.seen.append(Seen(name, tail or "exercise", response.status_code, text))
        listed = client.get("/api/v1/exercises/")
        world.seen.append(Seen(name, "exercises", listed.status_code, listed.content.decode()))


def bad_credentials(world: World) -> None:
    """A removed participant's token stops working at once (REST 401,
    docs/interface.md#authentication); so does a made-up token of either kind, whatever the
    exercise."""
    game = world.own.game
    code = game.exercise()["join_codes"]["US"]
    joined = ok(
        APIClient().post("/api/v1/join/", {"code": code, "display_name": "Leaver"}, format="json"),
        201,
    )
    command_ok(game, "remove_participant", args={"participant_id": joined["participant_id"]})
    world.secrets.append(Canary(joined["token"], "removed participant token", frozenset()))
    for header in (f"Participant {joined['token']}", "Participant not-a-token", "Token nope"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        for path in (game.url(), world.other.game.url(), "/api/v1/exercises/"):
            response = client.get(path)
            text = response.content.decode()
            world.bad_credentials.append(
                Cell(
                    header.split()[0],
                    "own",
                    "anonymous",
                    "GET",
                    path,
                    401,
                    response.status_code,
                    text,
                )
            )
            world.seen.append(Seen("anonymous", path, response.status_code, text))


def teaching(world: World) -> None:
    """observer_view teams lets observers read team channels and decisions
    (docs/interface.md#roles-and-views), for later events; the private line between control and a
    team stays private."""
    side, game = world.own, world.own.game
    command_ok(game, "set_observer_view", args={"view": "teams"})
    dprk, control = game.players["DPRK"], game.control

    def mark(what: str, readers: set[str]) -> str:
        return world.mark(f"teaching: {what}", readers | {"DPRK", "control"}, teaching=True)

    talk(game, dprk, side.channels["DPRK"], mark("DPRK team channel", {"observer"}))
    talk(game, dprk, side.channels["control-DPRK"], mark("DPRK to control", set()))
    talk(game, control, side.channels["control-DPRK"], mark("control to DPRK", set()))
    observer = game.observer
    stream = json.dumps(_stream(game, observer))
    world.teaching_seen.append(Seen("observer", "events", 200, stream))
    for channel in ok(observer.get(game.url("channels/")), 200)["results"]:
        response = observer.get(game.url(f"channels/{channel['id']}/messages/"))
        text = response.content.decode()
        world.teaching_seen.append(Seen("observer", channel["name"], response.status_code, text))
    line = observer.get(game.url(f"channels/{side.channels['control-DPRK']}/messages/"))
    world.teaching_seen.append(Seen("observer", "control-DPRK", line.status_code, line.text))

"""Agreement ids count only the reader's own agreements (docs/interface.md#ids): a team reads 1,
2, 3, ... in the order it learned of the agreements it is party to, never the engine's ids,
which count every agreement of the game; control reads the engine's ids.

The game: the US proposes a hotline to the DPRK and then trilateral deterrence talks to the ROK
(engine ids 1 and 2, in that order), a turn later the ROK proposes launch notifications to Japan
(engine id 3). The ROK is party to 2 and 3 and must read 1 and 2; Japan, party to 3, reads 1."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from tests.answers import ok
from tests.cast import Game, client_key, facilitator_client, facilitator_token, game_create
from tests.realtime.harness import Recorder, asgi_server
from wargame.exercises.models import Decision
from wargame.exercises.principals import PARTICIPANT_COOKIE

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from tests.services import PostgresServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

US_DPRK = {"action": "c.propose", "params": {"measure": "c.hotline", "parties": ["US", "DPRK"]}}
US_ROK = {
    "action": "c.propose",
    "params": {"measure": "c.tri_deterrence", "parties": ["US", "ROK"]},
}
ROK_JPN = {
    "action": "c.propose",
    "params": {"measure": "c.launch_notify", "parties": ["ROK", "JPN"]},
}


def _draft(game: Game, team: str, turn: int, actions: list[Any]) -> Any:
    body = {"actions": actions, "rationale": "", "client_key": client_key()}
    return game.players[team].put(game.url(f"turns/{turn}/decision/"), body, format="json")


def _turn(game: Game, turn: int, drafts: dict[str, list[Any]]) -> None:
    """From the turn's briefing to its published outcome and the next turn's briefing."""
    ok(game.command("advance"))  # deliberation
    for team, actions in drafts.items():
        ok(_draft(game, team, turn, actions))
    ok(game.command("advance"))  # the lock: the engine proposes
    ok(game.control.post(game.url(f"turns/{turn}/adjudication/publish/"), {}, format="json"))
    ok(game.command("advance"))  # the next turn's briefing


def _listed(client: APIClient, game: Game) -> dict[int, str]:
    rows = ok(client.get(game.url("agreements/")))["results"]
    return {row["id"]: row["measure"] for row in rows}


def _announced(events: list[dict[str, Any]]) -> dict[int, str]:
    return {
        e["payload"]["id"]: e["payload"]["measure"]
        for e in events
        if e["type"] == "agreement.changed"
    }


def _agreement_params(events: list[dict[str, Any]]) -> set[int]:
    """Every agreement an outcome's perception items or a decision's actions name."""
    found: set[int] = set()
    for event in events:
        payload = event["payload"]
        items = [*payload.get("events", []), *payload.get("actions", [])]
        for item in items:
            params = item.get("params") or {}
            found |= {int(params[k]) for k in ("agreement", "proposal") if k in params}
    return found


def _token(client: APIClient) -> str:
    credentials: dict[str, str] = getattr(client, "_credentials", {})
    return credentials["HTTP_AUTHORIZATION"].split()[1]


def _room_part(game: Game, team: str) -> str:
    browser = Client()
    browser.cookies[PARTICIPANT_COOKIE] = _token(game.players[team])
    response = browser.get(f"/play/{game.exercise_id}/part/agreements/")
    assert response.status_code == 200
    return response.content.decode()


def _played(control: APIClient) -> Game:
    game = game_create(control, scenario="summits_2018", stage="briefing")
    _turn(game, 1, {"US": [US_DPRK, US_ROK]})
    _turn(game, 2, {"ROK": [ROK_JPN]})
    return game


def test_a_team_reads_its_own_agreement_numbers_everywhere(
    postgres_server: PostgresServer,
) -> None:
    control = facilitator_client("agreements-control")
    game = _played(control)
    hotline, talks, notify = "c.hotline", "c.tri_deterrence", "c.launch_notify"

    # Control reads the engine's ids.
    assert _listed(control, game) == {1: hotline, 2: talks, 3: notify}
    assert _announced(game.events(control)) == {1: hotline, 2: talks, 3: notify}
    # Each team reads its own numbers, in the order it learned of each agreement, without gaps.
    expected = {
        "US": {1: hotline, 2: talks},
        "ROK": {1: talks, 2: notify},
        "JPN": {1: notify},
        "DPRK": {1: hotline},
    }
    for team, numbers in expected.items():
        client = game.players[team]
        assert _listed(client, game) == numbers, team
        events = game.events(client)
        assert _announced(events) == numbers, team
        assert _agreement_params(events) <= set(numbers), team
    assert _listed(game.observer, game) == {}
    # The outcome that told the ROK of its proposal to Japan names it by the ROK's number.
    rok_outcomes = [
        e["payload"] for e in game.events(game.players["ROK"]) if e["type"] == "outcome.published"
    ]
    narrative = rok_outcomes[-1]["narrative"]
    assert "(agreement 2)" in narrative["en"]
    assert "(합의 2)" in narrative["ko"]
    assert "(agreement 3)" not in narrative["en"]

    # The ROK's room shows #1 and #2, and nothing of the US-DPRK hotline.
    room = _room_part(game, "ROK")
    assert re.findall(r'data-agreement="(\d+)"', room) == ["1", "2"]
    assert "#3" not in room

    # The ROK's socket replays the same numbers.
    rok_token = _token(game.players["ROK"])

    async def replay(base: str, token: str) -> list[dict[str, Any]]:
        recorder = await Recorder(base, game.exercise_id, token).start()
        await recorder.stop()
        return recorder.events

    with asgi_server(postgres_server, None) as server:
        rok_replay = asyncio.run(replay(server.base, rok_token))
        control_replay = asyncio.run(replay(server.base, facilitator_token("agreements-control")))
    assert _announced(rok_replay) == expected["ROK"]
    assert _announced(control_replay) == {1: hotline, 2: talks, 3: notify}


def test_a_team_answers_a_proposal_by_its_own_number(control: APIClient) -> None:
    game = _played(control)
    ok(game.command("advance"))  # turn 3, deliberation

    # Japan's proposal 1 is the engine's 3; the decision keeps the engine's id, Japan reads 1.
    accept = {"action": "c.accept", "params": {"proposal": 1}}
    saved = ok(_draft(game, "JPN", 3, [accept]))
    assert saved["actions"][0]["params"] == {"proposal": 1}
    stored = Decision.objects.get(exercise_id=game.exercise_id, team__code="JPN", turn=3)
    assert stored.actions[0]["params"] == {"proposal": 3}
    read = ok(game.players["JPN"].get(game.url("turns/3/decision/")))
    assert read["actions"][0]["params"] == {"proposal": 1}
    saved_events = [e for e in game.events(game.players["JPN"]) if e["type"] == "decision.saved"]
    assert saved_events[-1]["payload"]["actions"][0]["params"] == {"proposal": 1}
    as_control = ok(control.get(game.url("turns/3/decision/?team=JPN")))
    assert as_control["actions"][0]["params"] == {"proposal": 3}

    # A number the team does not hold is unknown, whether or not the engine has that id.
    for team, number in (("JPN", 2), ("JPN", 3), ("ROK", 3)):
        answer = {"action": "c.accept", "params": {"proposal": number}}
        refused = _draft(game, team, 3, [answer])
        assert refused.status_code == 400, refused.content
        error = refused.json()["error"]
        assert list(error["fields"]) == ["actions.0.params.proposal"], error
        assert str(number) not in error["message"], error

    # The answer by number goes through: Japan's agreement 1 is agreed, for both parties.
    ok(game.command("advance"))
    ok(game.control.post(game.url("turns/3/adjudication/publish/"), {}, format="json"))
    japan = ok(game.players["JPN"].get(game.url("agreements/")))["results"]
    assert [(row["id"], row["status"]) for row in japan] == [(1, "agreed")]
    rok = ok(game.players["ROK"].get(game.url("agreements/")))["results"]
    assert [(row["id"], row["status"]) for row in rok][-1] == (2, "agreed")
    outcome = [e for e in game.events(game.players["JPN"]) if e["type"] == "outcome.published"]
    assert _agreement_params(outcome[-1:]) == {1}
    assert "3" not in re.sub(r"\d{2,}", "", str(outcome[-1]["payload"]["narrative"]))

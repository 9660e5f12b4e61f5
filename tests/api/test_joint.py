"""Joint actions in the open (docs/interface.md#joint-actions): a team proposes a consultation or
a combined exercise to named partners, who see it and join with one act; a team not named never
learns of it, and no team's draft ever reaches another team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.cast import Game, client_key

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings
    from rest_framework.test import APIClient

CONSULT = {"action": "d.consult", "target": "US", "params": {"format": "EDSCG"}}
EXERCISE = {"action": "s.exercise", "params": {"scale": "reduced", "with": ["US", "JPN"]}}
DRAFT_SECRET = "rok-draft-canary-5d2e"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def briefing(game: Game) -> Game:
    """Turn 1 has started: drafts are open."""
    assert game.command("start").status_code == 200
    return game


def _propose(game: Game, code: str, body: dict[str, Any], turn: int = 1) -> Any:
    return game.players[code].post(game.url(f"turns/{turn}/joint/"), body, format="json")


def _join(game: Game, code: str, team: str, action: str, turn: int = 1) -> Any:
    return game.players[code].post(
        game.url(f"turns/{turn}/joint/join/"), {"team": team, "action": action}, format="json"
    )


def _types(client: APIClient, game: Game) -> list[dict[str, Any]]:
    page = client.get(game.url("events/?limit=500"))
    assert page.status_code == 200, page.content
    return [e for e in page.json()["results"] if e["type"].startswith("joint.")]


def test_it_tells_the_named_partner_and_control_and_nobody_else(briefing: Game) -> None:
    game = briefing
    answer = _propose(game, "ROK", CONSULT)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["team"], body["action"], body["partners"], body["joined"]) == (
        "ROK",
        "d.consult",
        ["US"],
        [],
    )
    assert body["by"]["display_name"] == "ROK lead"
    for who in (game.players["ROK"], game.players["US"], game.control):
        assert [e["type"] for e in _types(who, game)] == ["joint.proposed"]
        listed = who.get(game.url("turns/1/joint/")).json()["results"]
        assert [(p["team"], p["action"]) for p in listed] == [("ROK", "d.consult")]
    for outside in (game.players["JPN"], game.players["DPRK"], game.observer):
        assert _types(outside, game) == []
        assert outside.get(game.url("turns/1/joint/")).json()["results"] == []


def test_a_partner_joins_with_one_act_and_its_draft_gets_its_part(briefing: Game) -> None:
    game = briefing
    assert _propose(game, "ROK", CONSULT).status_code == 201
    joined = _join(game, "US", "ROK", "d.consult")
    assert joined.status_code == 200, joined.content
    assert joined.json()["joined"] == ["US"]
    draft = game.players["US"].get(game.url("turns/1/decision/")).json()
    assert draft["actions"] == [
        {"action": "d.consult", "target": "ROK", "params": {"format": "EDSCG"}}
    ]
    assert [e["type"] for e in _types(game.players["ROK"], game)] == [
        "joint.proposed",
        "joint.joined",
    ]
    # Joining again changes nothing: one action in the draft, one join announced.
    assert _join(game, "US", "ROK", "d.consult").status_code == 200
    assert len(game.players["US"].get(game.url("turns/1/decision/")).json()["actions"]) == 1
    assert len(_types(game.players["ROK"], game)) == 2


def test_a_combined_exercise_reaches_each_partner_and_each_joins_naming_the_others(
    briefing: Game,
) -> None:
    game = briefing
    assert _propose(game, "ROK", EXERCISE).status_code == 201
    assert _join(game, "JPN", "ROK", "s.exercise").status_code == 200
    draft = game.players["JPN"].get(game.url("turns/1/decision/")).json()
    assert draft["actions"][0]["params"]["with"] == ["ROK", "US"]
    assert _types(game.players["DPRK"], game) == []


def test_no_team_s_draft_reaches_another_team_by_proposing(briefing: Game) -> None:
    game = briefing
    saved = game.players["ROK"].put(
        game.url("turns/1/decision/"),
        {"actions": [CONSULT], "rationale": DRAFT_SECRET, "client_key": client_key()},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert _propose(game, "ROK", CONSULT).status_code == 201
    for code in ("US", "JPN", "DPRK"):
        stream = game.players[code].get(game.url("events/?limit=500")).content.decode()
        assert DRAFT_SECRET not in stream
        assert game.players[code].get(game.url("turns/1/decision/?team=ROK")).status_code == 404
    assert DRAFT_SECRET not in game.observer.get(game.url("events/?limit=500")).content.decode()


def test_a_team_not_named_cannot_join_and_learns_nothing(briefing: Game) -> None:
    game = briefing
    assert _propose(game, "ROK", CONSULT).status_code == 201
    refused = _join(game, "JPN", "ROK", "d.consult")
    assert refused.status_code == 404
    assert refused.json() == _join(game, "JPN", "ROK", "s.exercise").json()
    assert _join(game, "DPRK", "ROK", "d.consult").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "d.trilateral"}, "action"),
        ({"action": "d.consult", "target": "DPRK"}, "target"),
        ({"action": "s.exercise", "params": {"scale": "full"}}, "params.with"),
        ({"action": "s.exercise", "params": {"scale": "huge", "with": ["US"]}}, "params.scale"),
    ],
)
def test_it_refuses_what_is_not_a_joint_action_its_partners_could_take(
    briefing: Game, body: dict[str, Any], field: str
) -> None:
    refused = _propose(briefing, "ROK", body)
    assert refused.status_code == 400, refused.content
    assert field in refused.json()["error"]["fields"], refused.json()


def test_it_refuses_control_and_observers_and_a_closed_turn(briefing: Game) -> None:
    game = briefing
    assert game.control.post(game.url("turns/1/joint/"), CONSULT, format="json").status_code == 403
    assert game.observer.post(game.url("turns/1/joint/"), CONSULT, format="json").status_code == 404
    assert _propose(game, "ROK", CONSULT, turn=2).status_code == 409
    game.command("advance")
    game.command("advance")
    assert _propose(game, "ROK", CONSULT).status_code == 423


def test_proposing_again_is_idempotent_and_a_change_is_a_conflict(briefing: Game) -> None:
    game = briefing
    assert _propose(game, "ROK", CONSULT).status_code == 201
    assert _propose(game, "ROK", CONSULT).status_code == 200
    other = {**CONSULT, "params": {"format": "NCG"}}
    assert _propose(game, "ROK", other).status_code == 409
    assert len(_types(game.players["US"], game)) == 1


def test_the_outcome_says_who_did_not_join(briefing: Game) -> None:
    game = briefing
    assert _propose(game, "ROK", EXERCISE).status_code == 201
    assert _join(game, "US", "ROK", "s.exercise").status_code == 200
    saved = game.players["ROK"].put(
        game.url("turns/1/decision/"),
        {"actions": [EXERCISE], "rationale": "", "client_key": client_key()},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    game.command("advance")
    game.command("advance")
    proposal = game.control.get(game.url("turns/1/adjudication/"))
    assert proposal.status_code == 200, proposal.content
    publish = game.control.post(
        game.url("turns/1/adjudication/publish/"), {"approve_nuclear": True}, format="json"
    )
    assert publish.status_code == 200, publish.content
    outcome = [
        e
        for e in game.players["ROK"].get(game.url("events/?limit=500")).json()["results"]
        if e["type"] == "outcome.published"
    ]
    assert "Japan did not join" in outcome[-1]["payload"]["narrative"]["en"]

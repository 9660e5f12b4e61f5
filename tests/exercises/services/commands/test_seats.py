"""The seats: ``rotate_codes``, ``remove_participant`` and ``move_participant``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.answers import ok, refused
from tests.cast import TEAMS, Game, game_create, participant_client
from tests.exercises.services.commands.steps import (
    CONTROL,
    OBSERVERS,
    appended,
    audiences,
    bring_to,
    draft,
    event_types,
    join,
    last_seq,
)

if TYPE_CHECKING:
    from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


# === rotate_codes ============================================================================


def test_it_rotates_every_join_code_so_old_ones_fail_and_new_ones_seat(game: Game) -> None:
    old = dict(game.join_codes)
    mark = last_seq(game)

    body = ok(game.command("rotate_codes"))

    new = body["join_codes"]
    assert set(new) == set(old) == {*TEAMS, "observers"}
    assert all(new[name] != old[name] for name in old)
    assert audiences(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert appended(game, mark)[0].payload == {
        "change": "codes_rotated",
        "teams": sorted(old),
    }
    for name in ("US", "observers"):
        error = refused(join(old[name]), 400, "invalid")
        assert "code" in error["fields"]
        seated = join(new[name])
        assert seated.status_code == 201, seated.content
        assert seated.json()["team"] == (None if name == "observers" else name)
    # Seats already taken are not revoked by new codes.
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_rotates_only_the_codes_it_is_given(game: Game) -> None:
    old = dict(game.join_codes)
    mark = last_seq(game)

    new = ok(game.command("rotate_codes", args={"teams": ["DPRK", "observers"]}))["join_codes"]

    assert {name for name in old if new[name] != old[name]} == {"DPRK", "observers"}
    assert appended(game, mark)[0].payload["teams"] == ["DPRK", "observers"]
    refused(join(old["DPRK"]), 400, "invalid")
    assert join(old["ROK"]).status_code == 201


def test_it_refuses_rotate_codes_for_unknown_or_malformed_teams(game: Game) -> None:
    mark = last_seq(game)

    for teams in ("US", [1], ["PRC"], ["JP"], ["US", "control"]):
        rotated = game.command("rotate_codes", args={"teams": teams})
        refused(rotated, 400, "invalid")

    assert audiences(game, mark) == []
    assert ok(game.control.get(game.url()))["join_codes"] == game.join_codes


def test_it_names_args_teams_when_rotate_codes_gets_an_unknown_team(game: Game) -> None:
    error = refused(game.command("rotate_codes", args={"teams": ["PRC"]}), 400, "invalid")

    assert "args.teams" in error["fields"]


# === remove_participant and move_participant =================================================


@pytest.mark.parametrize("who", ["US", "observers"])
def test_it_removes_a_participant_whose_token_then_answers_401(game: Game, who: str) -> None:
    seated = join(game.join_codes[who])
    assert seated.status_code == 201
    token, pid = seated.json()["token"], seated.json()["participant_id"]
    removed = participant_client(token)
    assert removed.get(game.url()).status_code == 200
    mark = last_seq(game)

    body = ok(game.command("remove_participant", args={"participant_id": pid}))

    assert body["status"] == "lobby"
    refused(removed.get(game.url()), 401, "not_authenticated")
    refused(removed.get(game.url("events/")), 401, "not_authenticated")
    former = OBSERVERS if who == "observers" else f"team:{who}"
    assert audiences(game, mark) == [("participant.left", frozenset({CONTROL, former}))]
    payload = appended(game, mark)[0].payload
    assert (payload["participant_id"], payload["reason"]) == (pid, "removed")
    assert "moved_to" not in payload
    # Teammates keep their seats and see who left; other teams do not.
    if who == "US":
        assert event_types(game, game.players["US"])[-1] == "participant.left"
        assert "participant.left" not in event_types(game, game.players["ROK"])
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_moves_a_player_whose_token_stops_and_who_rejoins_in_the_new_team(game: Game) -> None:
    bring_to(game, "deliberation")
    pid = game.participant_ids["JPN"]
    mark = last_seq(game)

    ok(game.command("move_participant", args={"participant_id": pid, "team": "US"}))

    refused(game.players["JPN"].get(game.url("state/")), 401, "not_authenticated")
    assert audiences(game, mark) == [("participant.left", frozenset({CONTROL, "team:JPN"}))]
    payload = appended(game, mark)[0].payload
    assert (payload["participant_id"], payload["team"]) == (pid, "JPN")
    assert (payload["reason"], payload["moved_to"]) == ("moved", "US")
    rejoined = join(game.join_codes["US"])
    assert rejoined.status_code == 201
    assert rejoined.json()["team"] == "US"
    assert participant_client(rejoined.json()["token"]).get(game.url("state/")).status_code == 200


def test_it_refuses_to_remove_or_move_a_participant_it_does_not_seat(
    control: APIClient, game: Game
) -> None:
    removed = game.participant_ids["ROK"]
    ok(game.command("remove_participant", args={"participant_id": removed}))
    elsewhere = join(draft(control).join_codes["US"])
    other = game_create(control).participant_ids["ROK"]
    mark = last_seq(game)

    for participant_id in (None, "7", 10**9, True, removed, other):
        for command, extra in (("remove_participant", {}), ("move_participant", {"team": "US"})):
            args = {"participant_id": participant_id, **extra}
            refused(game.command(command, args=args), 400, "invalid")

    assert elsewhere.status_code == 423
    assert audiences(game, mark) == []


def test_it_refuses_to_move_a_player_to_a_team_not_in_the_exercise(game: Game) -> None:
    mark = last_seq(game)

    for team in (None, "PRC", "observers", "us", "team:ROK"):
        args = {"participant_id": game.participant_ids["US"], "team": team}
        refused(game.command("move_participant", args=args), 400, "invalid")

    assert audiences(game, mark) == []
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_names_the_args_field_when_remove_or_move_is_refused(game: Game) -> None:
    removed = refused(
        game.command("remove_participant", args={"participant_id": "x"}), 400, "invalid"
    )
    moved = refused(
        game.command(
            "move_participant", args={"participant_id": game.participant_ids["US"], "team": "PRC"}
        ),
        400,
        "invalid",
    )

    assert "args.participant_id" in removed["fields"]
    assert "args.team" in moved["fields"]

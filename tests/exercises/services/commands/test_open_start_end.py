"""Opening the lobby, starting and ending an exercise, and who may give a command at all."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.answers import ok, refused
from tests.cast import TEAMS, Game, facilitator_client
from tests.exercises.services.commands.steps import (
    ALL,
    CONTROL,
    appended,
    audiences,
    bring_to,
    conflicts,
    draft,
    join,
    last_seq,
    scheduled,
)

pytestmark = pytest.mark.django_db


# === open_lobby ==============================================================================


def test_it_opens_the_lobby_of_a_draft_and_tells_only_control(control: APIClient) -> None:
    game = draft(control)
    early = join(game.join_codes["US"])
    refused(early, 423, "locked")
    mark = last_seq(game)

    body = ok(game.command("open_lobby"))

    assert (body["status"], body["turn"], body["phase"]) == ("lobby", None, None)
    assert audiences(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert join(game.join_codes["US"]).status_code == 201


def test_it_refuses_open_lobby_once_the_lobby_is_open_or_the_game_runs(game: Game) -> None:
    conflicts(game, "open_lobby")
    ok(game.command("start"))
    conflicts(game, "open_lobby")
    ok(game.command("end"))
    conflicts(game, "open_lobby")


# === start ===================================================================================


def test_it_starts_at_turn_one_briefing_then_releases_the_turns_briefing_injects(
    game: Game,
) -> None:
    mark = last_seq(game)

    body = ok(game.command("start"))

    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "briefing")
    assert body["deadline"] is None
    injects = scheduled(game, 1, "briefing")
    assert any(audience != ALL for _type, audience in injects), "a private inject makes the test"
    assert audiences(game, mark) == [
        ("exercise.started", ALL),
        ("phase.changed", ALL),
        *injects,
    ]
    phase = appended(game, mark)[1]
    assert phase.payload == {"turn": 1, "phase": "briefing", "deadline": None}


def test_it_delivers_each_briefing_inject_only_to_its_audience_and_control(game: Game) -> None:
    ok(game.command("start"))
    released = [e for e in appended(game, 0) if e.type == "inject.released"]
    for team in TEAMS:
        got = {
            e["payload"]["id"]
            for e in game.events(game.players[team])
            if e["type"] == "inject.released"
        }
        assert got == {e.payload["id"] for e in released if f"team:{team}" in e.audience}
    got = {e["payload"]["id"] for e in game.events(game.control) if e["type"] == "inject.released"}
    assert got == {e.payload["id"] for e in released}


def test_it_refuses_start_in_draft_once_running_and_once_ended(control: APIClient) -> None:
    game = draft(control)
    conflicts(game, "start")
    ok(game.command("open_lobby"))
    ok(game.command("start"))
    conflicts(game, "start")
    ok(game.command("pause"))
    conflicts(game, "start")
    ok(game.command("end"))
    conflicts(game, "start")


def test_it_takes_expected_turn_null_as_no_turn_yet(game: Game) -> None:
    mark = last_seq(game)
    refused(game.command("start", expected_turn=1), 409, "conflict")
    assert audiences(game, mark) == []

    body = ok(game.command("start", expected_turn=None, expected_phase=None))

    assert (body["turn"], body["phase"]) == (1, "briefing")
    refused(game.command("advance", expected_turn=None), 409, "conflict")


# === end =====================================================================================


@pytest.mark.parametrize("status", ["lobby", "running", "paused"])
def test_it_ends_an_exercise_from_lobby_running_or_paused(game: Game, status: str) -> None:
    turn = None
    if status != "lobby":
        bring_to(game, "deliberation")
        turn = 1
    if status == "paused":
        ok(game.command("pause"))
    mark = last_seq(game)

    body = ok(game.command("end"))

    assert (body["status"], body["turn"], body["phase"]) == ("ended", turn, None)
    assert (body["deadline"], body["remaining_seconds"]) == (None, None)
    assert audiences(game, mark) == [("exercise.ended", ALL)]
    assert appended(game, mark)[0].payload == {"turn": turn}
    refused(join(game.join_codes["US"]), 423, "locked")


def test_it_refuses_end_in_draft_or_once_ended(control: APIClient) -> None:
    game = draft(control)
    conflicts(game, "end")
    ok(game.command("open_lobby"))
    ok(game.command("end"))
    conflicts(game, "end")


# === who may command, and what a command must look like ======================================


def test_it_takes_commands_only_from_the_exercises_facilitators(game: Game) -> None:
    mark = last_seq(game)
    outsider = facilitator_client("outsider")

    refused(
        game.players["US"].post(game.url("commands/"), {"command": "start"}, format="json"),
        403,
        "permission_denied",
    )
    refused(
        outsider.post(game.url("commands/"), {"command": "start"}, format="json"), 404, "not_found"
    )
    refused(
        APIClient().post(game.url("commands/"), {"command": "start"}, format="json"),
        401,
        "not_authenticated",
    )

    assert audiences(game, mark) == []
    assert game.exercise()["status"] == "lobby"


def test_it_refuses_an_unknown_command_or_args_that_are_not_an_object(game: Game) -> None:
    mark = last_seq(game)

    unknown = refused(game.command("begin"), 400, "invalid")
    listed = refused(game.command("extend", args=[5]), 400, "invalid")

    assert "command" in unknown["fields"]
    assert any(field.startswith("args") for field in listed["fields"])
    assert audiences(game, mark) == []

"""What the command tests do and read: drive a cast game through the API, then look at the
events each write appended (straight from the log, with their audiences)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from rest_framework.test import APIClient

from tests.answers import ok, refused
from tests.cast import PHASES, TEAMS, Game, client_key, game_create
from wargame.exercises.models import Event, Exercise
from wargame.exercises.services.game import exercise_scenario

if TYPE_CHECKING:
    # The test client's answer: a response with .json() (the stubs' name for it).
    from rest_framework.response import _MonkeyPatchedResponse as Response

CONTROL = "control"
OBSERVERS = "observers"
ALL = frozenset({CONTROL, OBSERVERS, *(f"team:{code}" for code in TEAMS)})
Addressed = list[tuple[str, frozenset[str]]]
_names = itertools.count(1)


def draft(control: APIClient) -> Game:
    """An exercise of ``control``'s still in draft: nobody can join yet."""
    return game_create(control, stage="draft")


def join(code: str) -> Response:
    return APIClient().post(
        "/api/v1/join/", {"code": code, "display_name": f"Player {next(_names)}"}, format="json"
    )


# --- reading the outcome ----------------------------------------------------------------------


def exercise_row(game: Game) -> Exercise:
    return Exercise.objects.get(pk=game.exercise_id)


def last_seq(game: Game) -> int:
    return exercise_row(game).last_seq


def appended(game: Game, since: int) -> list[Event]:
    return list(Event.objects.filter(exercise_id=game.exercise_id, seq__gt=since).order_by("seq"))


def audiences(game: Game, since: int) -> Addressed:
    """Each event appended since ``since``: its type and who it is addressed to."""
    return [(event.type, frozenset(event.audience)) for event in appended(game, since)]


def event_types(game: Game, client: APIClient) -> list[str]:
    return [event["type"] for event in game.events(client)]


def time_of(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def scheduled(game: Game, turn: int, phase: str) -> Addressed:
    """The scenario's injects for this turn and phase, as inject.released should address them,
    each with effects followed by the state.changed that tells every view."""
    scenario = exercise_scenario(exercise_row(game))
    addressed: Addressed = []
    for inject in scenario.injects:
        if inject.kind == "scheduled" and inject.turn == turn and inject.phase == phase:
            addressed.append(("inject.released", frozenset({CONTROL, *inject.audience})))
            if inject.effects:
                addressed.append(("state.changed", ALL))
    return addressed


# --- driving the game -------------------------------------------------------------------------


def bring_to(game: Game, phase: str) -> None:
    """From the lobby: start, then advance until turn 1 is in ``phase``."""
    ok(game.command("start"))
    for _step in range(PHASES.index(phase)):
        ok(game.command("advance"))
    assert game.exercise()["phase"] == phase


def deadline_in(game: Game, seconds: float) -> datetime:
    moment = timezone.now() + timedelta(seconds=seconds)
    Exercise.objects.filter(pk=game.exercise_id).update(deadline=moment)
    return moment


def channel(game: Game, client: APIClient, name: str) -> dict[str, Any]:
    channels = ok(client.get(game.url("channels/")))["results"]
    return next(c for c in channels if c["name"] == name)


def say(game: Game, team: str, channel_id: int, body: str = "Are you there?") -> Response:
    return game.players[team].post(
        game.url(f"channels/{channel_id}/messages/"),
        {"body": body, "client_key": client_key()},
        format="json",
    )


def each_refused(game: Game, command: str, cases: list[tuple[dict[str, Any], str]]) -> None:
    """Every case is 400 ``invalid`` naming its field, and none appends anything."""
    mark = last_seq(game)
    for args, field in cases:
        error = refused(game.command(command, args=args), 400, "invalid")
        assert field in error["fields"], (args, error)
    assert audiences(game, mark) == []


def conflicts(game: Game, command: str, **extra: Any) -> None:
    """The command is 409 ``conflict`` here and changes nothing."""
    before = game.exercise()
    mark = last_seq(game)
    refused(game.command(command, **extra), 409, "conflict")
    assert audiences(game, mark) == []
    after = game.exercise()
    keys = ("status", "turn", "phase", "deadline")
    assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
    if before["deadline"] is None:  # with a running clock the remaining time ticks on
        assert after["remaining_seconds"] == before["remaining_seconds"]


def submit(game: Game, team: str, turn: int = 1) -> None:
    response = game.players[team].post(
        game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
    )
    assert response.status_code == 200, response.content

"""``advance`` through a turn's phases: the deadline, the lock, publishing (and its nuclear
approval), the next turn and the last one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from tests.answers import ok, refused
from tests.cast import Game, client_key, game_create
from tests.exercises.services.commands.steps import (
    ALL,
    CONTROL,
    appended,
    audiences,
    bring_to,
    conflicts,
    exercise_row,
    last_seq,
    scheduled,
    time_of,
)
from wargame.exercises.models import Exercise
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.timers import timers_run

if TYPE_CHECKING:
    from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_it_advances_briefing_to_deliberation_with_the_turns_deadline(game: Game) -> None:
    bring_to(game, "briefing")
    mark = last_seq(game)
    before = timezone.now()

    body = ok(game.command("advance", expected_turn=1, expected_phase="briefing"))

    after = timezone.now()
    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "deliberation")
    deadline = time_of(body["deadline"])
    assert before + timedelta(minutes=20) <= deadline <= after + timedelta(minutes=20)
    assert 20 * 60 - 5 <= body["remaining_seconds"] <= 20 * 60
    assert audiences(game, mark) == [("phase.changed", ALL), *scheduled(game, 1, "deliberation")]
    assert appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "deadline": body["deadline"],
    }


def test_it_uses_a_turns_own_deliberation_time_where_the_scenario_sets_one(game: Game) -> None:
    scenario = exercise_scenario(exercise_row(game))
    special = next(p for p in scenario.turns if p.deliberation_minutes != 20)
    bring_to(game, "briefing")
    Exercise.objects.filter(pk=game.exercise_id).update(turn=special.n)
    before = timezone.now()

    body = ok(game.command("advance"))

    minutes = timedelta(minutes=special.deliberation_minutes)
    assert before + minutes <= time_of(body["deadline"]) <= timezone.now() + minutes


def test_it_sets_no_deadline_in_a_practice_exercise_without_a_clock(control: APIClient) -> None:
    game = game_create(control, deliberation_minutes=None)
    bring_to(game, "briefing")

    body = ok(game.command("advance"))

    assert (body["phase"], body["deadline"], body["remaining_seconds"]) == (
        "deliberation",
        None,
        None,
    )
    done = timers_run(exercise_id=game.exercise_id, now=timezone.now() + timedelta(days=1))
    assert "deadline" not in done
    assert game.exercise()["phase"] == "deliberation"


def test_it_locks_the_turn_when_deliberation_is_advanced(game: Game) -> None:
    bring_to(game, "deliberation")
    mark = last_seq(game)

    body = ok(game.command("advance", expected_phase="deliberation"))

    assert (body["phase"], body["deadline"], body["remaining_seconds"]) == (
        "adjudication",
        None,
        None,
    )
    seen = audiences(game, mark)
    assert seen[:2] == [("phase.changed", ALL), ("adjudication.proposed", frozenset({CONTROL}))]
    assert all(entry == ("adjudication.decision_point", frozenset({CONTROL})) for entry in seen[2:])
    assert appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "adjudication",
        "deadline": None,
        "reason": "advance",
    }
    late = game.players["US"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "too late", "client_key": client_key()},
        format="json",
    )
    refused(late, 423, "locked")
    assert game.control.get(game.url("turns/1/adjudication/")).status_code == 200


def test_it_publishes_the_proposal_with_its_overrides_when_adjudication_is_advanced(
    game: Game,
) -> None:
    bring_to(game, "adjudication")
    overridden = game.control.patch(
        game.url("turns/1/adjudication/"),
        {"overrides": [{"path": "/state/assurance/ROK", "value": 61, "reason": "press line"}]},
        format="json",
    )
    ok(overridden)
    mark = last_seq(game)

    body = ok(game.command("advance", expected_turn=1, expected_phase="adjudication"))

    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "outcome")
    events = appended(game, mark)
    assert (events[0].type, frozenset(events[0].audience)) == ("outcome.published", ALL)
    assert set(events[0].view_payloads) == ALL - {CONTROL}
    assert (events[-1].type, frozenset(events[-1].audience)) == ("phase.changed", ALL)
    assert events[-1].payload == {"turn": 1, "phase": "outcome", "deadline": None}
    middle = {e.type for e in events[1:-1]}
    assert middle <= {
        "agreement.changed",
        "hotline.changed",
        "channel.opened",
        "channel.closed",
        "inject.released",
    }
    assert ok(game.control.get(game.url("state/")))["assurance"]["ROK"] == 61


def test_it_answers_approval_required_when_advance_would_publish_past_the_threshold(
    game: Game,
) -> None:
    bring_to(game, "adjudication")
    ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": 8, "reason": "test"}]},
            format="json",
        )
    )
    mark = last_seq(game)

    refused(game.command("advance"), 409, "approval_required")

    assert audiences(game, mark) == []
    assert game.exercise()["phase"] == "adjudication"


def test_it_publishes_past_the_threshold_only_with_approve_nuclear(game: Game) -> None:
    bring_to(game, "adjudication")
    proposal = ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": 8, "reason": "test"}]},
            format="json",
        )
    )
    assert proposal["requires_nuclear_approval"] is True
    publish = game.url("turns/1/adjudication/publish/")
    mark = last_seq(game)

    refused(game.control.post(publish, {}, format="json"), 409, "approval_required")
    assert audiences(game, mark) == []
    assert game.exercise()["phase"] == "adjudication"

    ok(game.control.post(publish, {"approve_nuclear": True}, format="json"))
    assert game.exercise()["phase"] == "outcome"
    assert ok(game.control.get(game.url("state/")))["rung"]["DPRK"]["ROK"] == 8
    assert audiences(game, mark)[0] == ("outcome.published", ALL)


def test_it_advances_an_outcome_to_the_next_turns_briefing_and_its_injects(game: Game) -> None:
    bring_to(game, "outcome")
    mark = last_seq(game)

    body = ok(game.command("advance", expected_turn=1, expected_phase="outcome"))

    assert (body["status"], body["turn"], body["phase"], body["deadline"]) == (
        "running",
        2,
        "briefing",
        None,
    )
    injects = scheduled(game, 2, "briefing")
    assert injects, "turn 2 has a briefing inject in this scenario"
    assert audiences(game, mark) == [("phase.changed", ALL), *injects]
    assert appended(game, mark)[0].payload == {"turn": 2, "phase": "briefing", "deadline": None}


def test_it_ends_the_exercise_when_the_last_turns_outcome_is_advanced(game: Game) -> None:
    bring_to(game, "outcome")
    last = exercise_scenario(exercise_row(game)).turn_count
    Exercise.objects.filter(pk=game.exercise_id).update(turn=last)
    mark = last_seq(game)

    body = ok(game.command("advance", expected_turn=last, expected_phase="outcome"))

    assert (body["status"], body["turn"], body["phase"]) == ("ended", last, None)
    assert (body["deadline"], body["remaining_seconds"]) == (None, None)
    assert audiences(game, mark) == [("exercise.ended", ALL)]
    refused(game.command("advance"), 409, "conflict")


def test_it_refuses_advance_in_the_lobby_while_paused_and_once_ended(game: Game) -> None:
    conflicts(game, "advance")
    bring_to(game, "deliberation")
    ok(game.command("pause"))
    conflicts(game, "advance")
    ok(game.command("end"))
    conflicts(game, "advance")


def test_it_refuses_a_stale_expected_turn_or_phase_and_changes_nothing(game: Game) -> None:
    bring_to(game, "deliberation")
    for expected in (
        {"expected_turn": 2},
        {"expected_turn": None},
        {"expected_phase": "briefing"},
        {"expected_phase": None},
        {"expected_turn": 1, "expected_phase": "outcome"},
        {"expected_turn": 2, "expected_phase": "deliberation"},
    ):
        for command in ("advance", "pause", "end"):
            conflicts(game, command, **expected)


def test_it_advances_once_when_two_facilitators_press_advance_with_the_same_expectation(
    game: Game,
) -> None:
    bring_to(game, "briefing")
    mark = last_seq(game)
    first = game.command("advance", expected_turn=1, expected_phase="briefing")
    second = game.command("advance", expected_turn=1, expected_phase="briefing")

    ok(first)
    refused(second, 409, "conflict")
    assert [t for t, _a in audiences(game, mark)] == ["phase.changed"]

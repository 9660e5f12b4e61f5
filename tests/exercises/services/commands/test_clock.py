"""The deliberation clock: ``pause``, ``resume``, ``extend``, and the deadline task that locks
the turn."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from tests.answers import ok, refused
from tests.exercises.services.commands.steps import (
    ALL,
    appended,
    audiences,
    bring_to,
    conflicts,
    deadline_in,
    each_refused,
    exercise_row,
    last_seq,
    time_of,
)
from wargame.exercises.models import Exercise
from wargame.exercises.services.timers import timers_run

if TYPE_CHECKING:
    from tests.cast import Game

pytestmark = pytest.mark.django_db


# === pause and resume ========================================================================


def test_it_pauses_deliberation_keeping_the_remaining_time(game: Game) -> None:
    bring_to(game, "deliberation")
    deadline = deadline_in(game, 600)
    mark = last_seq(game)
    before = timezone.now()

    body = ok(game.command("pause", expected_phase="deliberation"))

    kept = int((deadline - before).total_seconds())
    assert (body["status"], body["turn"], body["phase"], body["deadline"]) == (
        "paused",
        1,
        "deliberation",
        None,
    )
    assert kept - 2 <= body["remaining_seconds"] <= kept
    assert audiences(game, mark) == [("exercise.paused", ALL)]
    assert appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "remaining_seconds": body["remaining_seconds"],
    }
    # Time passes while paused: nothing locks and the remaining time does not shrink.
    assert timers_run(exercise_id=game.exercise_id, now=deadline + timedelta(hours=1)) == []
    assert game.exercise()["remaining_seconds"] == body["remaining_seconds"]
    refused(
        game.players["US"].post(game.url("turns/1/decision/submit/"), {}, format="json"),
        423,
        "locked",
    )


def test_it_resumes_with_the_remaining_time_however_long_the_pause_lasted(game: Game) -> None:
    bring_to(game, "deliberation")
    deadline_in(game, 600)
    remaining = ok(game.command("pause"))["remaining_seconds"]
    # The pause began 30 minutes ago, two minutes into the phase.
    now = timezone.now()
    Exercise.objects.filter(pk=game.exercise_id).update(
        paused_at=now - timedelta(minutes=30), phase_started_at=now - timedelta(minutes=32)
    )
    mark = last_seq(game)
    before = timezone.now()

    body = ok(game.command("resume", expected_turn=1, expected_phase="deliberation"))

    after = timezone.now()
    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "deliberation")
    deadline = time_of(body["deadline"])
    span = timedelta(seconds=remaining)
    assert before + span <= deadline <= after + span
    assert remaining - 2 <= body["remaining_seconds"] <= remaining
    started = exercise_row(game).phase_started_at
    assert started is not None
    assert before - timedelta(minutes=2) <= started <= after - timedelta(minutes=2)
    assert audiences(game, mark) == [("exercise.resumed", ALL)]
    assert appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "deadline": body["deadline"],
    }


def test_it_pauses_and_resumes_a_briefing_that_has_no_clock(game: Game) -> None:
    bring_to(game, "briefing")
    mark = last_seq(game)

    paused = ok(game.command("pause"))
    resumed = ok(game.command("resume"))

    assert (paused["status"], paused["remaining_seconds"]) == ("paused", None)
    assert (resumed["status"], resumed["phase"], resumed["deadline"]) == (
        "running",
        "briefing",
        None,
    )
    assert audiences(game, mark) == [("exercise.paused", ALL), ("exercise.resumed", ALL)]


def test_it_refuses_pause_unless_running_and_resume_unless_paused(game: Game) -> None:
    conflicts(game, "pause")
    conflicts(game, "resume")
    bring_to(game, "deliberation")
    conflicts(game, "resume")
    ok(game.command("pause"))
    conflicts(game, "pause")
    ok(game.command("end"))
    conflicts(game, "pause")
    conflicts(game, "resume")


# === extend ==================================================================================


def test_it_extends_the_deadline_of_deliberation_by_whole_minutes(game: Game) -> None:
    bring_to(game, "deliberation")
    old = deadline_in(game, 300)
    mark = last_seq(game)

    body = ok(game.command("extend", args={"minutes": 7}))

    assert time_of(body["deadline"]) == old + timedelta(minutes=7)
    assert (body["status"], body["phase"]) == ("running", "deliberation")
    assert audiences(game, mark) == [("deadline.changed", ALL)]
    assert appended(game, mark)[0].payload == {
        "turn": 1,
        "deadline": body["deadline"],
        "remaining_seconds": None,
    }
    assert "deadline" not in timers_run(
        exercise_id=game.exercise_id, now=old + timedelta(seconds=1)
    )
    assert game.exercise()["phase"] == "deliberation"


def test_it_extends_a_paused_deliberation_by_adding_to_the_remaining_time(game: Game) -> None:
    bring_to(game, "deliberation")
    deadline_in(game, 300)
    remaining = ok(game.command("pause"))["remaining_seconds"]
    mark = last_seq(game)

    body = ok(game.command("extend", args={"minutes": 3}))

    assert (body["status"], body["deadline"]) == ("paused", None)
    assert body["remaining_seconds"] == remaining + 180
    assert audiences(game, mark) == [("deadline.changed", ALL)]
    assert appended(game, mark)[0].payload["remaining_seconds"] == remaining + 180


def test_it_refuses_extend_without_whole_minutes_naming_args_minutes(game: Game) -> None:
    bring_to(game, "deliberation")
    before = game.exercise()["deadline"]

    each_refused(
        game,
        "extend",
        [
            (args, "args.minutes")
            for args in (
                {},
                {"minutes": 0},
                {"minutes": 1441},
                {"minutes": -5},
                {"minutes": "5"},
                {"minutes": 2.5},
                {"minutes": True},
                {"minutes": None},
            )
        ],
    )

    assert game.exercise()["deadline"] == before


def test_it_refuses_extend_outside_deliberation(game: Game) -> None:
    conflicts(game, "extend", args={"minutes": 5})
    ok(game.command("start"))
    for phase in ("briefing", "adjudication", "outcome"):
        if game.exercise()["phase"] == "deliberation":
            ok(game.command("advance"))
        assert game.exercise()["phase"] == phase
        conflicts(game, "extend", args={"minutes": 5})
        ok(game.command("advance"))


# === the deadline task =======================================================================


def test_it_locks_a_passed_deadline_once_however_often_the_task_runs(game: Game) -> None:
    bring_to(game, "deliberation")
    deadline = deadline_in(game, 60)
    mark = last_seq(game)

    assert timers_run(exercise_id=game.exercise_id, now=deadline - timedelta(seconds=1)) == []
    assert game.exercise()["phase"] == "deliberation"

    first = timers_run(exercise_id=game.exercise_id, now=deadline)
    second = timers_run(exercise_id=game.exercise_id, now=deadline)
    later = timers_run(exercise_id=game.exercise_id, now=deadline + timedelta(hours=1))

    assert first == ["deadline"]
    assert (second, later) == ([], [])
    body = game.exercise()
    assert (body["phase"], body["deadline"]) == ("adjudication", None)
    locks = [e for e in appended(game, mark) if e.type == "phase.changed"]
    assert [(e.payload["phase"], e.payload["reason"]) for e in locks] == [
        ("adjudication", "deadline")
    ]
    assert [e.type for e in appended(game, mark)].count("adjudication.proposed") == 1
    assert frozenset(locks[0].audience) == ALL

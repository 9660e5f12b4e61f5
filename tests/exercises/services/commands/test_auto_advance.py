"""``set_auto_advance``: the briefing timer, locking once every team has submitted, and
publishing on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from tests.answers import ok
from tests.cast import TEAMS, Game
from tests.exercises.services.commands.steps import (
    ALL,
    CONTROL,
    appended,
    audiences,
    bring_to,
    draft,
    each_refused,
    exercise_row,
    last_seq,
    scheduled,
    submit,
    time_of,
)
from wargame.exercises.services.timers import timers_run

pytestmark = pytest.mark.django_db


def test_it_sets_auto_advance_in_any_status_telling_only_control(control: APIClient) -> None:
    game = draft(control)
    for seconds, step in enumerate(("draft", "open_lobby", "start", "end"), start=40):
        if step != "draft":
            ok(game.command(step))
        status = game.exercise()["status"]
        mark = last_seq(game)

        body = ok(
            game.command(
                "set_auto_advance",
                args={"enabled": True, "auto_publish": True, "briefing_seconds": seconds},
            )
        )

        assert (body["auto_advance"], body["auto_publish"], body["status"]) == (
            True,
            True,
            status,
        )
        assert exercise_row(game).briefing_seconds == seconds
        assert audiences(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
        assert appended(game, mark)[0].payload == {
            "change": "auto_advance",
            "enabled": True,
            "auto_publish": True,
            "briefing_seconds": seconds,
        }
        body = ok(game.command("set_auto_advance", args={"enabled": False}))
        assert (body["auto_advance"], body["auto_publish"]) == (False, True)
        assert exercise_row(game).briefing_seconds == seconds


def test_it_refuses_set_auto_advance_with_bad_args_and_changes_nothing(game: Game) -> None:
    each_refused(
        game,
        "set_auto_advance",
        [
            ({}, "args.enabled"),
            ({"enabled": "yes"}, "args.enabled"),
            ({"enabled": 1}, "args.enabled"),
            ({"enabled": None}, "args.enabled"),
            ({"enabled": True, "auto_publish": "no"}, "args.auto_publish"),
            ({"enabled": True, "briefing_seconds": -1}, "args.briefing_seconds"),
            ({"enabled": True, "briefing_seconds": 3601}, "args.briefing_seconds"),
            ({"enabled": True, "briefing_seconds": "30"}, "args.briefing_seconds"),
            ({"enabled": True, "briefing_seconds": 1.5}, "args.briefing_seconds"),
        ],
    )

    row = exercise_row(game)
    assert (row.auto_advance, row.auto_publish, row.briefing_seconds) == (False, False, None)


def test_it_ends_a_timed_briefing_by_the_timer_task_once(game: Game) -> None:
    ok(game.command("set_auto_advance", args={"enabled": True, "briefing_seconds": 30}))
    ok(game.command("start"))
    started = exercise_row(game).phase_started_at
    assert started is not None
    mark = last_seq(game)

    early = timers_run(exercise_id=game.exercise_id, now=started + timedelta(seconds=29))
    assert (early, audiences(game, mark)) == ([], [])

    due = started + timedelta(seconds=30)
    assert timers_run(exercise_id=game.exercise_id, now=due) == ["briefing"]
    assert timers_run(exercise_id=game.exercise_id, now=due) == []

    body = game.exercise()
    assert (body["turn"], body["phase"]) == (1, "deliberation")
    assert time_of(body["deadline"]) == due + timedelta(minutes=20)
    assert audiences(game, mark) == [("phase.changed", ALL), *scheduled(game, 1, "deliberation")]


def test_it_ends_the_briefing_after_the_scenarios_briefing_seconds(control: APIClient) -> None:
    text = exercise_row(draft(control)).scenario_text
    timed = text.replace("slug: exercise_season", "slug: timed_season", 1).replace(
        "briefing_seconds: null", "briefing_seconds: 60", 1
    )
    uploaded = control.post("/api/v1/scenarios/", timed, content_type="application/yaml")
    assert uploaded.status_code == 201, uploaded.content
    created = control.post(
        "/api/v1/exercises/", {"scenario": "timed_season", "title": "Timed"}, format="json"
    )
    assert created.status_code == 201, created.content
    game = Game(
        exercise_id=created.json()["id"],
        control=control,
        players={},
        observer=APIClient(),
        join_codes={},
    )
    ok(game.command("open_lobby"))
    ok(game.command("start"))
    started = exercise_row(game).phase_started_at
    assert started is not None
    assert game.exercise()["auto_advance"] is False
    assert exercise_row(game).briefing_seconds == 60

    timers_run(exercise_id=game.exercise_id, now=started + timedelta(seconds=61))

    assert game.exercise()["phase"] == "deliberation"


def test_it_locks_the_turn_when_every_team_has_submitted_under_auto_advance(game: Game) -> None:
    ok(game.command("set_auto_advance", args={"enabled": True}))
    bring_to(game, "deliberation")
    for team in TEAMS[:-1]:
        submit(game, team)
    assert game.exercise()["phase"] == "deliberation"
    mark = last_seq(game)

    submit(game, TEAMS[-1])

    body = game.exercise()
    assert (body["phase"], body["deadline"]) == ("adjudication", None)
    seen = audiences(game, mark)
    assert seen[:3] == [
        ("decision.submitted", ALL),
        ("phase.changed", ALL),
        ("adjudication.proposed", frozenset({CONTROL})),
    ]
    assert appended(game, mark)[1].payload["reason"] == "all_submitted"


def test_it_waits_for_the_facilitator_when_every_team_submits_without_auto_advance(
    game: Game,
) -> None:
    bring_to(game, "deliberation")
    for team in TEAMS:
        submit(game, team)

    body = game.exercise()
    assert body["phase"] == "deliberation"
    assert all(team["submitted"] for team in body["teams"])


def test_it_publishes_on_its_own_under_auto_publish_when_no_approval_is_needed(
    game: Game,
) -> None:
    ok(game.command("set_auto_advance", args={"enabled": True, "auto_publish": True}))
    bring_to(game, "deliberation")
    for team in TEAMS[:-1]:
        submit(game, team)
    mark = last_seq(game)

    submit(game, TEAMS[-1])

    assert game.exercise()["phase"] == "outcome"
    types = [t for t, _a in audiences(game, mark)]
    assert types[:3] == ["decision.submitted", "phase.changed", "adjudication.proposed"]
    assert "outcome.published" in types
    assert types[-1] == "phase.changed"
    assert appended(game, mark)[-1].payload["phase"] == "outcome"

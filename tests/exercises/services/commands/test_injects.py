"""``release_inject`` (a scenario inject by id, or one control writes), and the time-offset
injects the timer task releases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.answers import ok, refused
from tests.cast import TEAMS, Game
from tests.exercises.services.commands.steps import (
    ALL,
    CONTROL,
    OBSERVERS,
    appended,
    audiences,
    bring_to,
    conflicts,
    each_refused,
    exercise_row,
    last_seq,
)
from wargame.exercises.models import Exercise
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.timers import timers_run

pytestmark = pytest.mark.django_db


# === release_inject ==========================================================================


def test_it_releases_a_scenario_inject_by_id_to_its_audience_and_control(game: Game) -> None:
    bring_to(game, "deliberation")
    scenario = exercise_scenario(exercise_row(game))
    inject = next(
        i
        for i in scenario.injects
        if i.kind == "scheduled"
        and i.turn != 1
        and OBSERVERS not in i.audience
        and len(i.audience) < len(ALL) - 1
    )
    mark = last_seq(game)

    body = ok(game.command("release_inject", args={"inject_id": inject.id}))

    assert (body["status"], body["phase"]) == ("running", "deliberation")
    audience = frozenset({CONTROL, *inject.audience})
    assert audiences(game, mark) == [("inject.released", audience)]
    payload = appended(game, mark)[0].payload
    assert (payload["id"], payload["turn"], payload["source"]) == (inject.id, 1, inject.source)
    for team in TEAMS:
        got = inject.id in {e["payload"].get("id") for e in game.events(game.players[team])}
        assert got == (f"team:{team}" in audience)


def test_it_refuses_an_unknown_or_already_released_inject_naming_args_inject_id(
    game: Game,
) -> None:
    bring_to(game, "briefing")
    released = next(e.payload["id"] for e in appended(game, 0) if e.type == "inject.released")

    each_refused(
        game,
        "release_inject",
        [
            ({"inject_id": inject_id}, "args.inject_id")
            for inject_id in ("no_such_inject", None, 3, released)
        ],
    )


@pytest.mark.parametrize(
    ("audience", "views"),
    [
        ("all", ALL),
        (["US", "observers"], frozenset({CONTROL, "team:US", OBSERVERS})),
        (["team:DPRK"], frozenset({CONTROL, "team:DPRK"})),
        (["control"], frozenset({CONTROL})),
    ],
)
def test_it_releases_an_ad_hoc_inject_written_by_control(
    game: Game, audience: Any, views: frozenset[str]
) -> None:
    bring_to(game, "outcome")
    mark = last_seq(game)

    ok(
        game.command(
            "release_inject",
            args={"title": " Flash ", "body": "A ferry is missing.", "audience": audience},
        )
    )

    assert audiences(game, mark) == [("inject.released", views)]
    payload = appended(game, mark)[0].payload
    assert payload["title"] == {"en": "Flash", "ja": "Flash", "ko": "Flash"}
    assert payload["body"]["en"] == "A ferry is missing."
    assert (payload["source"], payload["turn"]) == ("control", 1)
    assert frozenset(payload["audience"]) | {CONTROL} == views
    for client, view in ((game.observer, OBSERVERS), (game.players["US"], "team:US")):
        ids = {e["payload"].get("id") for e in game.events(client)}
        assert (payload["id"] in ids) == (view in views), view


def test_ad_hoc_inject_ids_count_within_their_audience(game: Game) -> None:
    """Each view's ad hoc ids run 1, 2, 3 in each audience it belongs to: no gap stands for an
    inject sent to others (docs/interface.md#ids)."""
    bring_to(game, "outcome")
    for audience in ("all", ["DPRK"], "all", ["US", "observers"], ["DPRK"], ["control"], "all"):
        sent = {"title": "Flash", "body": "A ferry is missing.", "audience": audience}
        ok(game.command("release_inject", args=sent))

    def adhoc_ids(client: Any) -> list[str]:
        return [
            e["payload"]["id"]
            for e in game.events(client)
            if e["type"] == "inject.released" and e["payload"]["source"] == "control"
        ]

    dprk = ["adhoc-1", "adhoc-dprk-1", "adhoc-2", "adhoc-dprk-2", "adhoc-3"]
    assert adhoc_ids(game.players["DPRK"]) == dprk
    assert adhoc_ids(game.players["US"]) == ["adhoc-1", "adhoc-2", "adhoc-obs-us-1", "adhoc-3"]
    assert adhoc_ids(game.observer) == ["adhoc-1", "adhoc-2", "adhoc-obs-us-1", "adhoc-3"]
    assert adhoc_ids(game.players["JPN"]) == ["adhoc-1", "adhoc-2", "adhoc-3"]
    assert "adhoc-control-1" in adhoc_ids(game.control)


def test_it_refuses_a_malformed_ad_hoc_inject_naming_the_field(game: Game) -> None:
    bring_to(game, "briefing")

    each_refused(
        game,
        "release_inject",
        [
            ({"body": "text", "audience": "all"}, "args.title"),
            ({"title": "  ", "body": "text"}, "args.title"),
            ({"title": "x" * 201, "body": "text"}, "args.title"),
            ({"title": "Flash"}, "args.body"),
            ({"title": "Flash", "body": "x" * 4001}, "args.body"),
            ({"title": "Flash", "body": "text", "audience": []}, "args.audience"),
            ({"title": "Flash", "body": "text", "audience": ["JP"]}, "args.audience"),
            ({"title": "Flash", "body": "text", "audience": "team:us"}, "args.audience"),
            ({"title": "Flash", "body": "text", "audience": 3}, "args.audience"),
        ],
    )


def test_it_refuses_an_ad_hoc_inject_for_a_team_that_is_not_playing(game: Game) -> None:
    bring_to(game, "briefing")
    mark = last_seq(game)

    args = {"title": "Flash", "body": "text", "audience": ["team:PRC"]}
    error = refused(game.command("release_inject", args=args), 400, "invalid")

    assert "args.audience" in error["fields"]
    assert audiences(game, mark) == []


def test_it_refuses_release_inject_unless_running(game: Game) -> None:
    args = {"title": "Flash", "body": "text", "audience": "all"}
    conflicts(game, "release_inject", args=args)
    bring_to(game, "deliberation")
    ok(game.command("pause"))
    conflicts(game, "release_inject", args=args)
    ok(game.command("end"))
    conflicts(game, "release_inject", args=args)


# === time-offset injects =====================================================================


def test_it_releases_a_time_offset_inject_when_it_falls_due_and_only_once(game: Game) -> None:
    bring_to(game, "deliberation")
    scenario = exercise_scenario(exercise_row(game))
    inject = next(i for i in scenario.injects if i.kind == "offset" and i.turn == 1)
    assert inject.offset_minutes is not None
    started = exercise_row(game).phase_started_at
    assert started is not None
    due = started + timedelta(minutes=inject.offset_minutes)
    mark = last_seq(game)

    assert timers_run(exercise_id=game.exercise_id, now=due - timedelta(seconds=1)) == []
    assert audiences(game, mark) == []

    assert timers_run(exercise_id=game.exercise_id, now=due) == [f"inject {inject.id}"]
    assert timers_run(exercise_id=game.exercise_id, now=due + timedelta(minutes=1)) == []

    assert audiences(game, mark) == [("inject.released", frozenset({CONTROL, *inject.audience}))]
    assert appended(game, mark)[0].payload["id"] == inject.id
    assert game.exercise()["phase"] == "deliberation"


def test_it_shifts_time_offset_injects_by_the_length_of_a_pause(game: Game) -> None:
    bring_to(game, "deliberation")
    scenario = exercise_scenario(exercise_row(game))
    inject = next(i for i in scenario.injects if i.kind == "offset" and i.turn == 1)
    assert inject.offset_minutes is not None
    assert inject.offset_minutes > 2
    ok(game.command("pause"))
    # Paused two minutes into the phase, ten minutes ago.
    now = timezone.now()
    Exercise.objects.filter(pk=game.exercise_id).update(
        phase_started_at=now - timedelta(minutes=12), paused_at=now - timedelta(minutes=10)
    )
    ok(game.command("resume"))
    started = exercise_row(game).phase_started_at
    assert started is not None
    due = started + timedelta(minutes=inject.offset_minutes)
    assert due > timezone.now() + timedelta(minutes=inject.offset_minutes - 2, seconds=-5)

    assert timers_run(exercise_id=game.exercise_id, now=due - timedelta(seconds=1)) == []
    assert timers_run(exercise_id=game.exercise_id, now=due) == [f"inject {inject.id}"]

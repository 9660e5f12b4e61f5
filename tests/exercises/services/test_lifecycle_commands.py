"""Every facilitator command of docs/interface.md#commands, driven through
``POST /exercises/{id}/commands/``: the effect on status, turn, phase and clock, the refusals
(409 ``conflict`` out of place, 400 ``invalid`` naming ``args.<field>``, stale ``expected_*``),
and exactly the events each write appends, in order, with their audiences.

Time is controlled by writing the deadline (or the pause stamps) into the database and by calling
``timers_run`` with a chosen ``now``, never by sleeping.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.cast import TEAMS, Game, client_key, game_create, participant_client
from wargame.exercises.models import Event, Exercise
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.timers import timers_run

if TYPE_CHECKING:
    # The test client's answer: a response with .json() (the stubs' name for it).
    from rest_framework.response import _MonkeyPatchedResponse as Response

pytestmark = pytest.mark.django_db

CONTROL = "control"
OBSERVERS = "observers"
ALL = frozenset({CONTROL, OBSERVERS, *(f"team:{code}" for code in TEAMS)})
PHASES = ("briefing", "deliberation", "adjudication", "outcome")
Seen = list[tuple[str, frozenset[str]]]
_names = itertools.count(1)


# --- the cast ------------------------------------------------------------------------------------


def _facilitator(username: str) -> APIClient:
    """A facilitator with an API token (no password: hashing one costs half a second a test)."""
    user = get_user_model().objects.create(username=username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def control() -> APIClient:
    return _facilitator("control")


@pytest.fixture
def game(control: APIClient) -> Game:
    """Four players and an observer seated in an exercise whose lobby is open."""
    return game_create(control)


def _draft(control: APIClient, **extra: Any) -> Game:
    response = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "Draft", "seed": 7, **extra},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    return Game(
        exercise_id=body["id"],
        control=control,
        players={},
        observer=APIClient(),
        join_codes=body["join_codes"],
    )


def _join(code: str) -> Response:
    return APIClient().post(
        "/api/v1/join/", {"code": code, "display_name": f"Player {next(_names)}"}, format="json"
    )


# --- reading the outcome ----------------------------------------------------------------------


def _row(game: Game) -> Exercise:
    return Exercise.objects.get(pk=game.exercise_id)


def _mark(game: Game) -> int:
    return _row(game).last_seq


def _appended(game: Game, since: int) -> list[Event]:
    return list(Event.objects.filter(exercise_id=game.exercise_id, seq__gt=since).order_by("seq"))


def _seen(game: Game, since: int) -> Seen:
    return [(event.type, frozenset(event.audience)) for event in _appended(game, since)]


def _types(game: Game, client: APIClient) -> list[str]:
    return [event["type"] for event in game.events(client)]


def _ok(response: Response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return dict(response.json())


def _refused(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    return dict(error)


def _time(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _scheduled(game: Game, turn: int, phase: str) -> Seen:
    """The scenario's injects for this turn and phase, as inject.released should address them."""
    scenario = exercise_scenario(_row(game))
    return [
        ("inject.released", frozenset({CONTROL, *inject.audience}))
        for inject in scenario.injects
        if inject.kind == "scheduled" and inject.turn == turn and inject.phase == phase
    ]


# --- driving the game -------------------------------------------------------------------------


def _to(game: Game, phase: str) -> None:
    """From the lobby: start, then advance until turn 1 is in ``phase``."""
    _ok(game.command("start"))
    for _step in range(PHASES.index(phase)):
        _ok(game.command("advance"))
    assert game.exercise()["phase"] == phase


def _deadline_in(game: Game, seconds: float) -> datetime:
    moment = timezone.now() + timedelta(seconds=seconds)
    Exercise.objects.filter(pk=game.exercise_id).update(deadline=moment)
    return moment


def _channel(game: Game, client: APIClient, name: str) -> dict[str, Any]:
    channels = _ok(client.get(game.url("channels/")))["results"]
    return next(c for c in channels if c["name"] == name)


def _say(game: Game, team: str, channel_id: int, body: str = "Are you there?") -> Response:
    return game.players[team].post(
        game.url(f"channels/{channel_id}/messages/"),
        {"body": body, "client_key": client_key()},
        format="json",
    )


def _each_refused(game: Game, command: str, cases: list[tuple[dict[str, Any], str]]) -> None:
    """Every case is 400 ``invalid`` naming its field, and none appends anything."""
    mark = _mark(game)
    for args, field in cases:
        error = _refused(game.command(command, args=args), 400, "invalid")
        assert field in error["fields"], (args, error)
    assert _seen(game, mark) == []


def _conflicts(game: Game, command: str, **extra: Any) -> None:
    """The command is 409 ``conflict`` here and changes nothing."""
    before = game.exercise()
    mark = _mark(game)
    _refused(game.command(command, **extra), 409, "conflict")
    assert _seen(game, mark) == []
    after = game.exercise()
    keys = ("status", "turn", "phase", "deadline")
    assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
    if before["deadline"] is None:  # with a running clock the remaining time ticks on
        assert after["remaining_seconds"] == before["remaining_seconds"]


def _submit(game: Game, team: str, turn: int = 1) -> None:
    response = game.players[team].post(
        game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
    )
    assert response.status_code == 200, response.content


# === open_lobby =================================================================================


def test_it_opens_the_lobby_of_a_draft_and_tells_only_control(control: APIClient) -> None:
    game = _draft(control)
    refused = _join(game.join_codes["US"])
    _refused(refused, 423, "locked")
    mark = _mark(game)

    body = _ok(game.command("open_lobby"))

    assert (body["status"], body["turn"], body["phase"]) == ("lobby", None, None)
    assert _seen(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert _join(game.join_codes["US"]).status_code == 201


def test_it_refuses_open_lobby_once_the_lobby_is_open_or_the_game_runs(game: Game) -> None:
    _conflicts(game, "open_lobby")
    _ok(game.command("start"))
    _conflicts(game, "open_lobby")
    _ok(game.command("end"))
    _conflicts(game, "open_lobby")


# === start ======================================================================================


def test_it_starts_at_turn_one_briefing_then_releases_the_turns_briefing_injects(
    game: Game,
) -> None:
    mark = _mark(game)

    body = _ok(game.command("start"))

    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "briefing")
    assert body["deadline"] is None
    injects = _scheduled(game, 1, "briefing")
    assert any(audience != ALL for _type, audience in injects), "a private inject makes the test"
    assert _seen(game, mark) == [
        ("exercise.started", ALL),
        ("phase.changed", ALL),
        *injects,
    ]
    phase = _appended(game, mark)[1]
    assert phase.payload == {"turn": 1, "phase": "briefing", "deadline": None}


def test_it_delivers_each_briefing_inject_only_to_its_audience_and_control(game: Game) -> None:
    _ok(game.command("start"))
    released = [e for e in _appended(game, 0) if e.type == "inject.released"]
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
    game = _draft(control)
    _conflicts(game, "start")
    _ok(game.command("open_lobby"))
    _ok(game.command("start"))
    _conflicts(game, "start")
    _ok(game.command("pause"))
    _conflicts(game, "start")
    _ok(game.command("end"))
    _conflicts(game, "start")


def test_it_takes_expected_turn_null_as_no_turn_yet(game: Game) -> None:
    mark = _mark(game)
    _refused(game.command("start", expected_turn=1), 409, "conflict")
    assert _seen(game, mark) == []

    body = _ok(game.command("start", expected_turn=None, expected_phase=None))

    assert (body["turn"], body["phase"]) == (1, "briefing")
    _refused(game.command("advance", expected_turn=None), 409, "conflict")


# === advance ====================================================================================


def test_it_advances_briefing_to_deliberation_with_the_turns_deadline(game: Game) -> None:
    _to(game, "briefing")
    mark = _mark(game)
    before = timezone.now()

    body = _ok(game.command("advance", expected_turn=1, expected_phase="briefing"))

    after = timezone.now()
    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "deliberation")
    deadline = _time(body["deadline"])
    assert before + timedelta(minutes=20) <= deadline <= after + timedelta(minutes=20)
    assert 20 * 60 - 5 <= body["remaining_seconds"] <= 20 * 60
    assert _seen(game, mark) == [("phase.changed", ALL), *_scheduled(game, 1, "deliberation")]
    assert _appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "deadline": body["deadline"],
    }


def test_it_uses_a_turns_own_deliberation_time_where_the_scenario_sets_one(game: Game) -> None:
    scenario = exercise_scenario(_row(game))
    special = next(p for p in scenario.turns if p.deliberation_minutes != 20)
    _to(game, "briefing")
    Exercise.objects.filter(pk=game.exercise_id).update(turn=special.n)
    before = timezone.now()

    body = _ok(game.command("advance"))

    minutes = timedelta(minutes=special.deliberation_minutes)
    assert before + minutes <= _time(body["deadline"]) <= timezone.now() + minutes


def test_it_sets_no_deadline_in_a_practice_exercise_without_a_clock(control: APIClient) -> None:
    game = game_create(control, deliberation_minutes=None)
    _to(game, "briefing")

    body = _ok(game.command("advance"))

    assert (body["phase"], body["deadline"], body["remaining_seconds"]) == (
        "deliberation",
        None,
        None,
    )
    done = timers_run(exercise_id=game.exercise_id, now=timezone.now() + timedelta(days=1))
    assert "deadline" not in done
    assert game.exercise()["phase"] == "deliberation"


def test_it_locks_the_turn_when_deliberation_is_advanced(game: Game) -> None:
    _to(game, "deliberation")
    mark = _mark(game)

    body = _ok(game.command("advance", expected_phase="deliberation"))

    assert (body["phase"], body["deadline"], body["remaining_seconds"]) == (
        "adjudication",
        None,
        None,
    )
    seen = _seen(game, mark)
    assert seen[:2] == [("phase.changed", ALL), ("adjudication.proposed", frozenset({CONTROL}))]
    assert all(entry == ("adjudication.decision_point", frozenset({CONTROL})) for entry in seen[2:])
    assert _appended(game, mark)[0].payload == {
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
    _refused(late, 423, "locked")
    assert game.control.get(game.url("turns/1/adjudication/")).status_code == 200


def test_it_publishes_the_proposal_with_its_overrides_when_adjudication_is_advanced(
    game: Game,
) -> None:
    _to(game, "adjudication")
    overridden = game.control.patch(
        game.url("turns/1/adjudication/"),
        {"overrides": [{"path": "/state/assurance/ROK", "value": 61, "reason": "press line"}]},
        format="json",
    )
    _ok(overridden)
    mark = _mark(game)

    body = _ok(game.command("advance", expected_turn=1, expected_phase="adjudication"))

    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "outcome")
    events = _appended(game, mark)
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
    assert _ok(game.control.get(game.url("state/")))["assurance"]["ROK"] == 61


def test_it_answers_approval_required_when_advance_would_publish_past_the_threshold(
    game: Game,
) -> None:
    _to(game, "adjudication")
    _ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": 8, "reason": "test"}]},
            format="json",
        )
    )
    mark = _mark(game)

    _refused(game.command("advance"), 409, "approval_required")

    assert _seen(game, mark) == []
    assert game.exercise()["phase"] == "adjudication"


def test_it_publishes_past_the_threshold_only_with_approve_nuclear(game: Game) -> None:
    _to(game, "adjudication")
    proposal = _ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": 8, "reason": "test"}]},
            format="json",
        )
    )
    assert proposal["requires_nuclear_approval"] is True
    publish = game.url("turns/1/adjudication/publish/")
    mark = _mark(game)

    _refused(game.control.post(publish, {}, format="json"), 409, "approval_required")
    assert _seen(game, mark) == []
    assert game.exercise()["phase"] == "adjudication"

    _ok(game.control.post(publish, {"approve_nuclear": True}, format="json"))
    assert game.exercise()["phase"] == "outcome"
    assert _ok(game.control.get(game.url("state/")))["rung"]["DPRK"]["ROK"] == 8
    assert _seen(game, mark)[0] == ("outcome.published", ALL)


def test_it_advances_an_outcome_to_the_next_turns_briefing_and_its_injects(game: Game) -> None:
    _to(game, "outcome")
    mark = _mark(game)

    body = _ok(game.command("advance", expected_turn=1, expected_phase="outcome"))

    assert (body["status"], body["turn"], body["phase"], body["deadline"]) == (
        "running",
        2,
        "briefing",
        None,
    )
    injects = _scheduled(game, 2, "briefing")
    assert injects, "turn 2 has a briefing inject in this scenario"
    assert _seen(game, mark) == [("phase.changed", ALL), *injects]
    assert _appended(game, mark)[0].payload == {"turn": 2, "phase": "briefing", "deadline": None}


def test_it_ends_the_exercise_when_the_last_turns_outcome_is_advanced(game: Game) -> None:
    _to(game, "outcome")
    last = exercise_scenario(_row(game)).turn_count
    Exercise.objects.filter(pk=game.exercise_id).update(turn=last)
    mark = _mark(game)

    body = _ok(game.command("advance", expected_turn=last, expected_phase="outcome"))

    assert (body["status"], body["turn"], body["phase"]) == ("ended", last, None)
    assert (body["deadline"], body["remaining_seconds"]) == (None, None)
    assert _seen(game, mark) == [("exercise.ended", ALL)]
    _refused(game.command("advance"), 409, "conflict")


def test_it_refuses_advance_in_the_lobby_while_paused_and_once_ended(game: Game) -> None:
    _conflicts(game, "advance")
    _to(game, "deliberation")
    _ok(game.command("pause"))
    _conflicts(game, "advance")
    _ok(game.command("end"))
    _conflicts(game, "advance")


def test_it_refuses_a_stale_expected_turn_or_phase_and_changes_nothing(game: Game) -> None:
    _to(game, "deliberation")
    for expected in (
        {"expected_turn": 2},
        {"expected_turn": None},
        {"expected_phase": "briefing"},
        {"expected_phase": None},
        {"expected_turn": 1, "expected_phase": "outcome"},
        {"expected_turn": 2, "expected_phase": "deliberation"},
    ):
        for command in ("advance", "pause", "end"):
            _conflicts(game, command, **expected)


def test_it_advances_once_when_two_facilitators_press_advance_with_the_same_expectation(
    game: Game,
) -> None:
    _to(game, "briefing")
    mark = _mark(game)
    first = game.command("advance", expected_turn=1, expected_phase="briefing")
    second = game.command("advance", expected_turn=1, expected_phase="briefing")

    _ok(first)
    _refused(second, 409, "conflict")
    assert [t for t, _a in _seen(game, mark)] == ["phase.changed"]


# === pause and resume ===========================================================================


def test_it_pauses_deliberation_keeping_the_remaining_time(game: Game) -> None:
    _to(game, "deliberation")
    deadline = _deadline_in(game, 600)
    mark = _mark(game)
    before = timezone.now()

    body = _ok(game.command("pause", expected_phase="deliberation"))

    kept = int((deadline - before).total_seconds())
    assert (body["status"], body["turn"], body["phase"], body["deadline"]) == (
        "paused",
        1,
        "deliberation",
        None,
    )
    assert kept - 2 <= body["remaining_seconds"] <= kept
    assert _seen(game, mark) == [("exercise.paused", ALL)]
    assert _appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "remaining_seconds": body["remaining_seconds"],
    }
    # Time passes while paused: nothing locks and the remaining time does not shrink.
    assert timers_run(exercise_id=game.exercise_id, now=deadline + timedelta(hours=1)) == []
    assert game.exercise()["remaining_seconds"] == body["remaining_seconds"]
    _refused(
        game.players["US"].post(game.url("turns/1/decision/submit/"), {}, format="json"),
        423,
        "locked",
    )


def test_it_resumes_with_the_remaining_time_however_long_the_pause_lasted(game: Game) -> None:
    _to(game, "deliberation")
    _deadline_in(game, 600)
    remaining = _ok(game.command("pause"))["remaining_seconds"]
    # The pause began 30 minutes ago, two minutes into the phase.
    now = timezone.now()
    Exercise.objects.filter(pk=game.exercise_id).update(
        paused_at=now - timedelta(minutes=30), phase_started_at=now - timedelta(minutes=32)
    )
    mark = _mark(game)
    before = timezone.now()

    body = _ok(game.command("resume", expected_turn=1, expected_phase="deliberation"))

    after = timezone.now()
    assert (body["status"], body["turn"], body["phase"]) == ("running", 1, "deliberation")
    deadline = _time(body["deadline"])
    span = timedelta(seconds=remaining)
    assert before + span <= deadline <= after + span
    assert remaining - 2 <= body["remaining_seconds"] <= remaining
    started = _row(game).phase_started_at
    assert started is not None
    assert before - timedelta(minutes=2) <= started <= after - timedelta(minutes=2)
    assert _seen(game, mark) == [("exercise.resumed", ALL)]
    assert _appended(game, mark)[0].payload == {
        "turn": 1,
        "phase": "deliberation",
        "deadline": body["deadline"],
    }


def test_it_pauses_and_resumes_a_briefing_that_has_no_clock(game: Game) -> None:
    _to(game, "briefing")
    mark = _mark(game)

    paused = _ok(game.command("pause"))
    resumed = _ok(game.command("resume"))

    assert (paused["status"], paused["remaining_seconds"]) == ("paused", None)
    assert (resumed["status"], resumed["phase"], resumed["deadline"]) == (
        "running",
        "briefing",
        None,
    )
    assert _seen(game, mark) == [("exercise.paused", ALL), ("exercise.resumed", ALL)]


def test_it_refuses_pause_unless_running_and_resume_unless_paused(game: Game) -> None:
    _conflicts(game, "pause")
    _conflicts(game, "resume")
    _to(game, "deliberation")
    _conflicts(game, "resume")
    _ok(game.command("pause"))
    _conflicts(game, "pause")
    _ok(game.command("end"))
    _conflicts(game, "pause")
    _conflicts(game, "resume")


# === extend =====================================================================================


def test_it_extends_the_deadline_of_deliberation_by_whole_minutes(game: Game) -> None:
    _to(game, "deliberation")
    old = _deadline_in(game, 300)
    mark = _mark(game)

    body = _ok(game.command("extend", args={"minutes": 7}))

    assert _time(body["deadline"]) == old + timedelta(minutes=7)
    assert (body["status"], body["phase"]) == ("running", "deliberation")
    assert _seen(game, mark) == [("deadline.changed", ALL)]
    assert _appended(game, mark)[0].payload == {
        "turn": 1,
        "deadline": body["deadline"],
        "remaining_seconds": None,
    }
    assert "deadline" not in timers_run(
        exercise_id=game.exercise_id, now=old + timedelta(seconds=1)
    )
    assert game.exercise()["phase"] == "deliberation"


def test_it_extends_a_paused_deliberation_by_adding_to_the_remaining_time(game: Game) -> None:
    _to(game, "deliberation")
    _deadline_in(game, 300)
    remaining = _ok(game.command("pause"))["remaining_seconds"]
    mark = _mark(game)

    body = _ok(game.command("extend", args={"minutes": 3}))

    assert (body["status"], body["deadline"]) == ("paused", None)
    assert body["remaining_seconds"] == remaining + 180
    assert _seen(game, mark) == [("deadline.changed", ALL)]
    assert _appended(game, mark)[0].payload["remaining_seconds"] == remaining + 180


def test_it_refuses_extend_without_whole_minutes_naming_args_minutes(game: Game) -> None:
    _to(game, "deliberation")
    before = game.exercise()["deadline"]

    _each_refused(
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
    _conflicts(game, "extend", args={"minutes": 5})
    _ok(game.command("start"))
    for phase in ("briefing", "adjudication", "outcome"):
        if game.exercise()["phase"] == "deliberation":
            _ok(game.command("advance"))
        assert game.exercise()["phase"] == phase
        _conflicts(game, "extend", args={"minutes": 5})
        _ok(game.command("advance"))


# === end ========================================================================================


@pytest.mark.parametrize("status", ["lobby", "running", "paused"])
def test_it_ends_an_exercise_from_lobby_running_or_paused(game: Game, status: str) -> None:
    turn = None
    if status != "lobby":
        _to(game, "deliberation")
        turn = 1
    if status == "paused":
        _ok(game.command("pause"))
    mark = _mark(game)

    body = _ok(game.command("end"))

    assert (body["status"], body["turn"], body["phase"]) == ("ended", turn, None)
    assert (body["deadline"], body["remaining_seconds"]) == (None, None)
    assert _seen(game, mark) == [("exercise.ended", ALL)]
    assert _appended(game, mark)[0].payload == {"turn": turn}
    _refused(_join(game.join_codes["US"]), 423, "locked")


def test_it_refuses_end_in_draft_or_once_ended(control: APIClient) -> None:
    game = _draft(control)
    _conflicts(game, "end")
    _ok(game.command("open_lobby"))
    _ok(game.command("end"))
    _conflicts(game, "end")


# === release_inject =============================================================================


def test_it_releases_a_scenario_inject_by_id_to_its_audience_and_control(game: Game) -> None:
    _to(game, "deliberation")
    scenario = exercise_scenario(_row(game))
    inject = next(
        i
        for i in scenario.injects
        if i.kind == "scheduled"
        and i.turn != 1
        and OBSERVERS not in i.audience
        and len(i.audience) < len(ALL) - 1
    )
    mark = _mark(game)

    body = _ok(game.command("release_inject", args={"inject_id": inject.id}))

    assert (body["status"], body["phase"]) == ("running", "deliberation")
    audience = frozenset({CONTROL, *inject.audience})
    assert _seen(game, mark) == [("inject.released", audience)]
    payload = _appended(game, mark)[0].payload
    assert (payload["id"], payload["turn"], payload["source"]) == (inject.id, 1, inject.source)
    for team in TEAMS:
        got = inject.id in {e["payload"].get("id") for e in game.events(game.players[team])}
        assert got == (f"team:{team}" in audience)


def test_it_refuses_an_unknown_or_already_released_inject_naming_args_inject_id(
    game: Game,
) -> None:
    _to(game, "briefing")
    released = next(e.payload["id"] for e in _appended(game, 0) if e.type == "inject.released")

    _each_refused(
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
    _to(game, "outcome")
    mark = _mark(game)

    _ok(
        game.command(
            "release_inject",
            args={"title": " Flash ", "body": "A ferry is missing.", "audience": audience},
        )
    )

    assert _seen(game, mark) == [("inject.released", views)]
    payload = _appended(game, mark)[0].payload
    assert payload["title"] == {"en": "Flash", "ja": "Flash", "ko": "Flash"}
    assert payload["body"]["en"] == "A ferry is missing."
    assert (payload["source"], payload["turn"]) == ("control", 1)
    assert frozenset(payload["audience"]) | {CONTROL} == views
    for client, view in ((game.observer, OBSERVERS), (game.players["US"], "team:US")):
        ids = {e["payload"].get("id") for e in game.events(client)}
        assert (payload["id"] in ids) == (view in views), view


def test_it_refuses_a_malformed_ad_hoc_inject_naming_the_field(game: Game) -> None:
    _to(game, "briefing")

    _each_refused(
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
    _to(game, "briefing")
    mark = _mark(game)

    args = {"title": "Flash", "body": "text", "audience": ["team:PRC"]}
    error = _refused(game.command("release_inject", args=args), 400, "invalid")

    assert "args.audience" in error["fields"]
    assert _seen(game, mark) == []


def test_it_refuses_release_inject_unless_running(game: Game) -> None:
    args = {"title": "Flash", "body": "text", "audience": "all"}
    _conflicts(game, "release_inject", args=args)
    _to(game, "deliberation")
    _ok(game.command("pause"))
    _conflicts(game, "release_inject", args=args)
    _ok(game.command("end"))
    _conflicts(game, "release_inject", args=args)


# === set_hotline ================================================================================


def test_it_brings_a_hotline_up_and_opens_its_channel_to_its_two_members(game: Game) -> None:
    _to(game, "deliberation")
    line = _channel(game, game.control, "ROK-DPRK")
    assert (line["open"], line["state"]) == (False, "down")
    _refused(_say(game, "ROK", line["id"]), 423, "locked")
    mark = _mark(game)

    body = _ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))

    assert (body["status"], body["phase"]) == ("running", "deliberation")
    members = frozenset({CONTROL, "team:ROK", "team:DPRK"})
    assert _seen(game, mark) == [("hotline.changed", ALL), ("channel.opened", members)]
    events = _appended(game, mark)
    # control's payload adds the crisis instability the line moves; no other view gets it
    assert events[0].payload == {"hotline": "ik", "state": "up", "ci": events[0].payload["ci"]}
    assert events[0].view_payloads["team:ROK"] == {"hotline": "ik", "state": "up"}
    assert events[1].payload["id"] == line["id"]
    assert _ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "up"
    assert _channel(game, game.players["DPRK"], "ROK-DPRK")["open"] is True
    assert _say(game, "DPRK", line["id"]).status_code == 201
    assert "channel.opened" in _types(game, game.players["ROK"])
    assert "channel.opened" not in _types(game, game.players["US"])
    assert "channel.opened" not in _types(game, game.observer)


def test_it_takes_a_hotline_down_closing_its_channel_so_messages_are_locked(game: Game) -> None:
    _to(game, "deliberation")
    _ok(game.command("set_hotline", args={"hotline": "us", "state": "up"}))
    line = _channel(game, game.control, "US-DPRK")
    assert _say(game, "US", line["id"]).status_code == 201
    mark = _mark(game)

    _ok(game.command("set_hotline", args={"hotline": "us", "state": "down"}))

    members = frozenset({CONTROL, "team:US", "team:DPRK"})
    assert _seen(game, mark) == [("hotline.changed", ALL), ("channel.closed", members)]
    _refused(_say(game, "DPRK", line["id"]), 423, "locked")
    assert _channel(game, game.players["US"], "US-DPRK") == {**line, "open": False, "state": "down"}


def test_it_keeps_a_degraded_hotline_open_and_announces_only_the_state(game: Game) -> None:
    _to(game, "briefing")
    _ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))
    mark = _mark(game)

    _ok(game.command("set_hotline", args={"hotline": "ik", "state": "degraded"}))

    assert _seen(game, mark) == [("hotline.changed", ALL)]
    line = _channel(game, game.players["ROK"], "ROK-DPRK")
    assert (line["open"], line["state"]) == (True, "degraded")
    assert _say(game, "ROK", line["id"]).status_code == 201


def test_it_refuses_set_hotline_with_bad_args_naming_the_field(game: Game) -> None:
    _to(game, "briefing")

    _each_refused(
        game,
        "set_hotline",
        [
            ({"state": "up"}, "args.hotline"),
            ({"hotline": "jp", "state": "up"}, "args.hotline"),
            ({"hotline": "ik"}, "args.state"),
            ({"hotline": "ik", "state": "broken"}, "args.state"),
            ({"hotline": "ik", "state": "UP"}, "args.state"),
        ],
    )

    assert _ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "down"


def test_it_refuses_set_hotline_unless_running(game: Game) -> None:
    args = {"hotline": "ik", "state": "up"}
    _conflicts(game, "set_hotline", args=args)
    _to(game, "briefing")
    _ok(game.command("pause"))
    _conflicts(game, "set_hotline", args=args)
    _ok(game.command("end"))
    _conflicts(game, "set_hotline", args=args)


def test_it_keeps_a_hotline_set_during_adjudication_after_the_outcome_is_published(
    game: Game,
) -> None:
    _to(game, "adjudication")
    _ok(game.command("set_hotline", args={"hotline": "ik", "state": "up"}))

    _ok(game.command("advance"))

    assert _ok(game.control.get(game.url("state/")))["hotline"]["ik"] == "up"
    assert _channel(game, game.control, "ROK-DPRK")["open"] is True


# === set_auto_advance ===========================================================================


def test_it_sets_auto_advance_in_any_status_telling_only_control(control: APIClient) -> None:
    game = _draft(control)
    for seconds, step in enumerate(("draft", "open_lobby", "start", "end"), start=40):
        if step != "draft":
            _ok(game.command(step))
        status = game.exercise()["status"]
        mark = _mark(game)

        body = _ok(
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
        assert _row(game).briefing_seconds == seconds
        assert _seen(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
        assert _appended(game, mark)[0].payload == {
            "change": "auto_advance",
            "enabled": True,
            "auto_publish": True,
            "briefing_seconds": seconds,
        }
        body = _ok(game.command("set_auto_advance", args={"enabled": False}))
        assert (body["auto_advance"], body["auto_publish"]) == (False, True)
        assert _row(game).briefing_seconds == seconds


def test_it_refuses_set_auto_advance_with_bad_args_and_changes_nothing(game: Game) -> None:
    _each_refused(
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

    row = _row(game)
    assert (row.auto_advance, row.auto_publish, row.briefing_seconds) == (False, False, None)


def test_it_ends_a_timed_briefing_by_the_timer_task_once(game: Game) -> None:
    _ok(game.command("set_auto_advance", args={"enabled": True, "briefing_seconds": 30}))
    _ok(game.command("start"))
    started = _row(game).phase_started_at
    assert started is not None
    mark = _mark(game)

    early = timers_run(exercise_id=game.exercise_id, now=started + timedelta(seconds=29))
    assert (early, _seen(game, mark)) == ([], [])

    due = started + timedelta(seconds=30)
    assert timers_run(exercise_id=game.exercise_id, now=due) == ["briefing"]
    assert timers_run(exercise_id=game.exercise_id, now=due) == []

    body = game.exercise()
    assert (body["turn"], body["phase"]) == (1, "deliberation")
    assert _time(body["deadline"]) == due + timedelta(minutes=20)
    assert _seen(game, mark) == [("phase.changed", ALL), *_scheduled(game, 1, "deliberation")]


def test_it_ends_the_briefing_after_the_scenarios_briefing_seconds(control: APIClient) -> None:
    text = _row(_draft(control)).scenario_text
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
    _ok(game.command("open_lobby"))
    _ok(game.command("start"))
    started = _row(game).phase_started_at
    assert started is not None
    assert game.exercise()["auto_advance"] is False
    assert _row(game).briefing_seconds == 60

    timers_run(exercise_id=game.exercise_id, now=started + timedelta(seconds=61))

    assert game.exercise()["phase"] == "deliberation"


def test_it_locks_the_turn_when_every_team_has_submitted_under_auto_advance(game: Game) -> None:
    _ok(game.command("set_auto_advance", args={"enabled": True}))
    _to(game, "deliberation")
    for team in TEAMS[:-1]:
        _submit(game, team)
    assert game.exercise()["phase"] == "deliberation"
    mark = _mark(game)

    _submit(game, TEAMS[-1])

    body = game.exercise()
    assert (body["phase"], body["deadline"]) == ("adjudication", None)
    seen = _seen(game, mark)
    assert seen[:3] == [
        ("decision.submitted", ALL),
        ("phase.changed", ALL),
        ("adjudication.proposed", frozenset({CONTROL})),
    ]
    assert _appended(game, mark)[1].payload["reason"] == "all_submitted"


def test_it_waits_for_the_facilitator_when_every_team_submits_without_auto_advance(
    game: Game,
) -> None:
    _to(game, "deliberation")
    for team in TEAMS:
        _submit(game, team)

    body = game.exercise()
    assert body["phase"] == "deliberation"
    assert all(team["submitted"] for team in body["teams"])


def test_it_publishes_on_its_own_under_auto_publish_when_no_approval_is_needed(
    game: Game,
) -> None:
    _ok(game.command("set_auto_advance", args={"enabled": True, "auto_publish": True}))
    _to(game, "deliberation")
    for team in TEAMS[:-1]:
        _submit(game, team)
    mark = _mark(game)

    _submit(game, TEAMS[-1])

    assert game.exercise()["phase"] == "outcome"
    types = [t for t, _a in _seen(game, mark)]
    assert types[:3] == ["decision.submitted", "phase.changed", "adjudication.proposed"]
    assert "outcome.published" in types
    assert types[-1] == "phase.changed"
    assert _appended(game, mark)[-1].payload["phase"] == "outcome"


# === set_observer_view ==========================================================================


def test_it_lets_observers_read_later_team_messages_and_decisions_once_set_to_teams(
    game: Game,
) -> None:
    """A row's audience is fixed when it is written: the teaching view opens the team channels
    to observers from the switch on, as it opens the events of those channels."""
    _to(game, "briefing")
    team_line = _channel(game, game.control, "US")
    assert _say(game, "US", team_line["id"], "Before the switch.").status_code == 201
    assert _ok(game.observer.get(game.url("channels/")))["results"] == []
    early = game.players["US"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "early", "client_key": client_key()},
        format="json",
    )
    _ok(early)
    mark = _mark(game)

    _ok(game.command("set_observer_view", args={"view": "teams"}))

    assert _seen(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert _appended(game, mark)[0].payload == {"change": "observer_view", "view": "teams"}
    assert _ok(game.control.get(game.url()))["observer_view"] == "teams"
    names = {c["name"] for c in _ok(game.observer.get(game.url("channels/")))["results"]}
    assert {"US", "ROK", "JPN", "DPRK", "ROK-DPRK"} <= names
    assert not any(name.startswith("control-") for name in names)
    read = _ok(game.observer.get(game.url(f"channels/{team_line['id']}/messages/")))
    assert read["results"] == []
    assert _say(game, "US", team_line["id"], "After the switch.").status_code == 201
    read = _ok(game.observer.get(game.url(f"channels/{team_line['id']}/messages/")))
    assert [m["body"] for m in read["results"]] == ["After the switch."]
    hidden = game.observer.get(game.url("turns/1/decision/?team=US"))
    assert hidden.status_code == 404, "the early draft was written for the team and control only"
    later = game.players["US"].put(
        game.url("turns/1/decision/"),
        {"actions": [], "rationale": "later", "client_key": client_key()},
        format="json",
    )
    _ok(later)
    seen = [
        e["payload"].get("rationale")
        for e in game.events(game.observer)
        if e["type"] == "decision.saved"
    ]
    assert seen == ["later"]
    read_back = _ok(game.observer.get(game.url("turns/1/decision/?team=US")))
    assert read_back["rationale"] == "later"


def test_it_hides_team_channels_from_observers_again_when_set_back_to_public(game: Game) -> None:
    _ok(game.command("set_observer_view", args={"view": "teams"}))
    assert _ok(game.observer.get(game.url("channels/")))["results"] != []
    mark = _mark(game)

    _ok(game.command("set_observer_view", args={"view": "public"}))

    assert _seen(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert _ok(game.observer.get(game.url("channels/")))["results"] == []


def test_it_refuses_an_unknown_observer_view_naming_args_view(game: Game) -> None:
    _each_refused(
        game,
        "set_observer_view",
        [
            (args, "args.view")
            for args in ({}, {"view": "all"}, {"view": None}, {"view": "TEAMS"}, {"view": 1})
        ],
    )

    assert _ok(game.control.get(game.url()))["observer_view"] == "public"


# === rotate_codes ===============================================================================


def test_it_rotates_every_join_code_so_old_ones_fail_and_new_ones_seat(game: Game) -> None:
    old = dict(game.join_codes)
    mark = _mark(game)

    body = _ok(game.command("rotate_codes"))

    new = body["join_codes"]
    assert set(new) == set(old) == {*TEAMS, "observers"}
    assert all(new[name] != old[name] for name in old)
    assert _seen(game, mark) == [("exercise.changed", frozenset({CONTROL}))]
    assert _appended(game, mark)[0].payload == {
        "change": "codes_rotated",
        "teams": sorted(old),
    }
    for name in ("US", "observers"):
        error = _refused(_join(old[name]), 400, "invalid")
        assert "code" in error["fields"]
        seated = _join(new[name])
        assert seated.status_code == 201, seated.content
        assert seated.json()["team"] == (None if name == "observers" else name)
    # Seats already taken are not revoked by new codes.
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_rotates_only_the_codes_it_is_given(game: Game) -> None:
    old = dict(game.join_codes)
    mark = _mark(game)

    new = _ok(game.command("rotate_codes", args={"teams": ["DPRK", "observers"]}))["join_codes"]

    assert {name for name in old if new[name] != old[name]} == {"DPRK", "observers"}
    assert _appended(game, mark)[0].payload["teams"] == ["DPRK", "observers"]
    _refused(_join(old["DPRK"]), 400, "invalid")
    assert _join(old["ROK"]).status_code == 201


def test_it_refuses_rotate_codes_for_unknown_or_malformed_teams(game: Game) -> None:
    mark = _mark(game)

    for teams in ("US", [1], ["PRC"], ["JP"], ["US", "control"]):
        rotated = game.command("rotate_codes", args={"teams": teams})
        _refused(rotated, 400, "invalid")

    assert _seen(game, mark) == []
    assert _ok(game.control.get(game.url()))["join_codes"] == game.join_codes


def test_it_names_args_teams_when_rotate_codes_gets_an_unknown_team(game: Game) -> None:
    error = _refused(game.command("rotate_codes", args={"teams": ["PRC"]}), 400, "invalid")

    assert "args.teams" in error["fields"]


# === remove_participant and move_participant ====================================================


@pytest.mark.parametrize("who", ["US", "observers"])
def test_it_removes_a_participant_whose_token_then_answers_401(game: Game, who: str) -> None:
    seated = _join(game.join_codes[who])
    assert seated.status_code == 201
    token, pid = seated.json()["token"], seated.json()["participant_id"]
    removed = participant_client(token)
    assert removed.get(game.url()).status_code == 200
    mark = _mark(game)

    body = _ok(game.command("remove_participant", args={"participant_id": pid}))

    assert body["status"] == "lobby"
    _refused(removed.get(game.url()), 401, "not_authenticated")
    _refused(removed.get(game.url("events/")), 401, "not_authenticated")
    former = OBSERVERS if who == "observers" else f"team:{who}"
    assert _seen(game, mark) == [("participant.left", frozenset({CONTROL, former}))]
    payload = _appended(game, mark)[0].payload
    assert (payload["participant_id"], payload["reason"]) == (pid, "removed")
    assert "moved_to" not in payload
    # Teammates keep their seats and see who left; other teams do not.
    if who == "US":
        assert _types(game, game.players["US"])[-1] == "participant.left"
        assert "participant.left" not in _types(game, game.players["ROK"])
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_moves_a_player_whose_token_stops_and_who_rejoins_in_the_new_team(game: Game) -> None:
    _to(game, "deliberation")
    pid = game.participant_ids["JPN"]
    mark = _mark(game)

    _ok(game.command("move_participant", args={"participant_id": pid, "team": "US"}))

    _refused(game.players["JPN"].get(game.url("state/")), 401, "not_authenticated")
    assert _seen(game, mark) == [("participant.left", frozenset({CONTROL, "team:JPN"}))]
    payload = _appended(game, mark)[0].payload
    assert (payload["participant_id"], payload["team"]) == (pid, "JPN")
    assert (payload["reason"], payload["moved_to"]) == ("moved", "US")
    rejoined = _join(game.join_codes["US"])
    assert rejoined.status_code == 201
    assert rejoined.json()["team"] == "US"
    assert participant_client(rejoined.json()["token"]).get(game.url("state/")).status_code == 200


def test_it_refuses_to_remove_or_move_a_participant_it_does_not_seat(
    control: APIClient, game: Game
) -> None:
    removed = game.participant_ids["ROK"]
    _ok(game.command("remove_participant", args={"participant_id": removed}))
    elsewhere = _join(_draft(control, title="Other").join_codes["US"])
    other = game_create(control).participant_ids["ROK"]
    mark = _mark(game)

    for participant_id in (None, "7", 10**9, True, removed, other):
        for command, extra in (("remove_participant", {}), ("move_participant", {"team": "US"})):
            args = {"participant_id": participant_id, **extra}
            _refused(game.command(command, args=args), 400, "invalid")

    assert elsewhere.status_code == 423
    assert _seen(game, mark) == []


def test_it_refuses_to_move_a_player_to_a_team_not_in_the_exercise(game: Game) -> None:
    mark = _mark(game)

    for team in (None, "PRC", "observers", "us", "team:ROK"):
        args = {"participant_id": game.participant_ids["US"], "team": team}
        _refused(game.command("move_participant", args=args), 400, "invalid")

    assert _seen(game, mark) == []
    assert game.players["US"].get(game.url()).status_code == 200


def test_it_names_the_args_field_when_remove_or_move_is_refused(game: Game) -> None:
    removed = _refused(
        game.command("remove_participant", args={"participant_id": "x"}), 400, "invalid"
    )
    moved = _refused(
        game.command(
            "move_participant", args={"participant_id": game.participant_ids["US"], "team": "PRC"}
        ),
        400,
        "invalid",
    )

    assert "args.participant_id" in removed["fields"]
    assert "args.team" in moved["fields"]


# === timers: time-offset injects and the deadline task ==========================================


def test_it_releases_a_time_offset_inject_when_it_falls_due_and_only_once(game: Game) -> None:
    _to(game, "deliberation")
    scenario = exercise_scenario(_row(game))
    inject = next(i for i in scenario.injects if i.kind == "offset" and i.turn == 1)
    assert inject.offset_minutes is not None
    started = _row(game).phase_started_at
    assert started is not None
    due = started + timedelta(minutes=inject.offset_minutes)
    mark = _mark(game)

    assert timers_run(exercise_id=game.exercise_id, now=due - timedelta(seconds=1)) == []
    assert _seen(game, mark) == []

    assert timers_run(exercise_id=game.exercise_id, now=due) == [f"inject {inject.id}"]
    assert timers_run(exercise_id=game.exercise_id, now=due + timedelta(minutes=1)) == []

    assert _seen(game, mark) == [("inject.released", frozenset({CONTROL, *inject.audience}))]
    assert _appended(game, mark)[0].payload["id"] == inject.id
    assert game.exercise()["phase"] == "deliberation"


def test_it_shifts_time_offset_injects_by_the_length_of_a_pause(game: Game) -> None:
    _to(game, "deliberation")
    scenario = exercise_scenario(_row(game))
    inject = next(i for i in scenario.injects if i.kind == "offset" and i.turn == 1)
    assert inject.offset_minutes is not None
    assert inject.offset_minutes > 2
    _ok(game.command("pause"))
    # Paused two minutes into the phase, ten minutes ago.
    now = timezone.now()
    Exercise.objects.filter(pk=game.exercise_id).update(
        phase_started_at=now - timedelta(minutes=12), paused_at=now - timedelta(minutes=10)
    )
    _ok(game.command("resume"))
    started = _row(game).phase_started_at
    assert started is not None
    due = started + timedelta(minutes=inject.offset_minutes)
    assert due > timezone.now() + timedelta(minutes=inject.offset_minutes - 2, seconds=-5)

    assert timers_run(exercise_id=game.exercise_id, now=due - timedelta(seconds=1)) == []
    assert timers_run(exercise_id=game.exercise_id, now=due) == [f"inject {inject.id}"]


def test_it_locks_a_passed_deadline_once_however_often_the_task_runs(game: Game) -> None:
    _to(game, "deliberation")
    deadline = _deadline_in(game, 60)
    mark = _mark(game)

    assert timers_run(exercise_id=game.exercise_id, now=deadline - timedelta(seconds=1)) == []
    assert game.exercise()["phase"] == "deliberation"

    first = timers_run(exercise_id=game.exercise_id, now=deadline)
    second = timers_run(exercise_id=game.exercise_id, now=deadline)
    later = timers_run(exercise_id=game.exercise_id, now=deadline + timedelta(hours=1))

    assert first == ["deadline"]
    assert (second, later) == ([], [])
    body = game.exercise()
    assert (body["phase"], body["deadline"]) == ("adjudication", None)
    locks = [e for e in _appended(game, mark) if e.type == "phase.changed"]
    assert [(e.payload["phase"], e.payload["reason"]) for e in locks] == [
        ("adjudication", "deadline")
    ]
    assert [e.type for e in _appended(game, mark)].count("adjudication.proposed") == 1
    assert frozenset(locks[0].audience) == ALL


# === who may command, and what a command must look like ========================================


def test_it_takes_commands_only_from_the_exercises_facilitators(game: Game) -> None:
    mark = _mark(game)
    outsider = _facilitator("outsider")

    _refused(
        game.players["US"].post(game.url("commands/"), {"command": "start"}, format="json"),
        403,
        "permission_denied",
    )
    _refused(
        outsider.post(game.url("commands/"), {"command": "start"}, format="json"), 404, "not_found"
    )
    _refused(
        APIClient().post(game.url("commands/"), {"command": "start"}, format="json"),
        401,
        "not_authenticated",
    )

    assert _seen(game, mark) == []
    assert game.exercise()["status"] == "lobby"


def test_it_refuses_an_unknown_command_or_args_that_are_not_an_object(game: Game) -> None:
    mark = _mark(game)

    unknown = _refused(game.command("begin"), 400, "invalid")
    listed = _refused(game.command("extend", args=[5]), 400, "invalid")

    assert "command" in unknown["fields"]
    assert any(field.startswith("args") for field in listed["fields"])
    assert _seen(game, mark) == []

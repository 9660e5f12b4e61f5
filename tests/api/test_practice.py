"""Solo practice (docs/interface.md#endpoints, `POST /practice/`): no account, the other teams are
bots, the game paces itself, and the token runs this one exercise's pacing and publishing, nothing
more."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from tests.cast import Game, participant_client
from wargame.exercises.models import Decision, DecisionStatus, Exercise
from wargame.tasks import bot_moves

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse as Response

pytestmark = pytest.mark.django_db

TEAMS = ("US", "ROK", "JPN", "DPRK")


def _practice(team: str = "ROK", address: str = "198.51.100.7", **extra: Any) -> Response:
    return APIClient().post(
        "/api/v1/practice/",
        {"scenario": "exercise_season", "team": team, **extra},
        format="json",
        REMOTE_ADDR=address,
    )


class Solo:
    def __init__(self, team: str = "ROK", **extra: Any) -> None:
        answer = _practice(team, **extra)
        assert answer.status_code == 201, answer.content
        self.body: dict[str, Any] = answer.json()
        self.id: int = self.body["exercise"]["id"]
        self.player = participant_client(self.body["token"])

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.id}/{tail}"

    def command(self, command: str, exercise_id: int | None = None, **args: Any) -> Response:
        target = f"/api/v1/exercises/{exercise_id or self.id}/commands/"
        body: dict[str, Any] = {"command": command}
        if args:
            body["args"] = args
        return self.player.post(target, body, format="json")

    def exercise(self) -> dict[str, Any]:
        answer = self.player.get(self.url())
        assert answer.status_code == 200, answer.content
        return dict(answer.json())


def test_it_answers_201_with_a_running_exercise_and_a_token_for_the_chosen_team() -> None:
    solo = Solo("JPN", language="ja")
    body = solo.body
    assert set(body) == {"exercise", "token"}
    exercise = body["exercise"]
    assert (exercise["status"], exercise["turn"], exercise["phase"]) == ("running", 1, "briefing")
    assert exercise["language"] == "ja"
    assert exercise["auto_advance"] is True
    assert exercise["deadline"] is None
    assert "join_codes" not in exercise
    assert {t["code"]: t["ai"] for t in exercise["teams"]} == {
        "US": True,
        "ROK": True,
        "JPN": False,
        "DPRK": True,
    }
    row = Exercise.objects.get(pk=solo.id)
    assert (row.practice, row.auto_publish, row.deliberation_minutes) == (True, True, None)
    owner = get_user_model().objects.get(username="practice")
    assert row.created_by_id == owner.pk
    assert not owner.has_usable_password()
    decision = solo.player.get(solo.url("turns/1/decision/"))
    assert decision.status_code == 200
    assert decision.json()["team"] == "JPN"


def test_every_practice_game_reuses_the_one_practice_account() -> None:
    first, second = Solo(), Solo("US")
    owners = Exercise.objects.filter(pk__in=[first.id, second.id]).values_list(
        "created_by", flat=True
    )
    assert len(set(owners)) == 1
    assert get_user_model().objects.filter(username="practice").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "exercise_season", "team": "PRC"}, "team"),
        ({"scenario": "no_such_scenario", "team": "US"}, "scenario"),
        ({"scenario": "exercise_season"}, "team"),
    ],
)
def test_it_refuses_an_unknown_team_or_scenario(body: dict[str, str], field: str) -> None:
    answer = APIClient().post("/api/v1/practice/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["error"]["fields"]
    assert not Exercise.objects.filter(practice=True).exists()


@override_settings(PRACTICE_PER_ADDRESS=2)
def test_it_limits_practice_games_per_client_address() -> None:
    assert _practice(address="203.0.113.5").status_code == 201
    assert _practice(address="203.0.113.5").status_code == 201
    refused = _practice(address="203.0.113.5")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert _practice(address="203.0.113.6").status_code == 201


@override_settings(PRACTICE_PER_ADDRESS=5, PRACTICE_IN_TOTAL=3)
def test_it_limits_practice_games_in_total_from_any_address() -> None:
    for index in range(3):
        assert _practice(address=f"198.51.100.{index}").status_code == 201
    refused = _practice(address="198.51.100.99")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0


@override_settings(PRACTICE_PER_ADDRESS=1)
def test_a_refused_practice_game_does_not_use_up_the_address_s_allowance() -> None:
    wrong = APIClient().post(
        "/api/v1/practice/",
        {"scenario": "exercise_season", "team": "XX"},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert wrong.status_code == 400
    assert _practice(address="203.0.113.7").status_code == 201


def test_the_player_paces_the_game_and_the_bots_and_auto_publish_do_the_rest() -> None:
    solo = Solo("US")
    assert solo.command("advance").status_code == 200
    assert solo.exercise()["phase"] == "deliberation"
    submitted = solo.player.post(solo.url("turns/1/decision/submit/"), {}, format="json")
    assert submitted.status_code == 200, submitted.content
    bot_moves(solo.id, 1)
    decisions = Decision.objects.filter(
        exercise_id=solo.id, turn=1, status=DecisionStatus.SUBMITTED
    )
    assert decisions.count() == len(TEAMS)
    row = Exercise.objects.get(pk=solo.id)
    if row.phase == "adjudication":
        # A nuclear decision point stops auto-publish: the player publishes or ends.
        published = solo.player.post(
            solo.url("turns/1/adjudication/publish/"), {"approve_nuclear": True}, format="json"
        )
        assert published.status_code == 200, published.content
    assert solo.exercise()["phase"] == "outcome"
    assert solo.command("advance").status_code == 200
    assert (solo.exercise()["turn"], solo.exercise()["phase"]) == (2, "briefing")


def test_the_player_publishes_its_own_proposal_when_auto_publish_is_off() -> None:
    solo = Solo()
    Exercise.objects.filter(pk=solo.id).update(auto_publish=False)
    solo.command("advance")
    solo.command("advance")
    assert solo.exercise()["phase"] == "adjudication"
    review = solo.player.get(solo.url("turns/1/adjudication/"))
    assert review.status_code in (403, 404), "the player publishes but never reads control's truth"
    published = solo.player.post(
        solo.url("turns/1/adjudication/publish/"), {"approve_nuclear": True}, format="json"
    )
    assert published.status_code == 200, published.content
    # Publishing answers what was done, never the proposal it published (control's truth).
    assert published.json() == {"turn": 1, "status": "published"}
    assert solo.exercise()["phase"] == "outcome"


def test_the_player_pauses_resumes_and_ends_its_game() -> None:
    solo = Solo()
    assert solo.command("pause").status_code == 200
    assert solo.exercise()["status"] == "paused"
    assert solo.command("resume").status_code == 200
    assert solo.command("end").status_code == 200
    assert solo.exercise()["status"] == "ended"


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("rotate_codes", {}),
        ("set_ai", {"team": "US", "ai": False}),
        ("extend", {"minutes": 5}),
        ("set_auto_advance", {"enabled": False}),
        ("release_inject", {"title": "x", "body": "y", "audience": "all"}),
    ],
)
def test_the_practice_token_cannot_use_facilitator_only_commands(
    command: str, args: dict[str, Any]
) -> None:
    solo = Solo()
    answer = solo.command(command, **args)
    assert answer.status_code == 403, answer.content
    assert answer.json()["error"]["code"] == "permission_denied"


def test_the_practice_token_cannot_command_another_exercise(game: Game) -> None:
    solo, other = Solo(), Solo("DPRK")
    for target in (other.id, game.exercise_id):
        answer = solo.command("end", exercise_id=target)
        assert answer.status_code == 404, answer.content
    assert other.exercise()["status"] == "running"
    assert game.exercise()["status"] == "lobby"


def test_a_player_of_a_facilitated_exercise_still_cannot_advance(game: Game) -> None:
    game.command("start")
    answer = game.players["US"].post(game.url("commands/"), {"command": "advance"}, format="json")
    assert answer.status_code == 403
    published = game.players["US"].post(
        game.url("turns/1/adjudication/publish/"), {}, format="json"
    )
    assert published.status_code == 403

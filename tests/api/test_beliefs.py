"""The belief questionnaire: a team's answers during deliberation, checked against the scenario's
questions, heard by the team and control only, closed at the lock, with the engine's truth stored
beside each answer and never shown to the team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from wargame.exercises.models import BeliefAnswer
from wargame.exercises.services.bots import bot_moves_run

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings
    from rest_framework.test import APIClient

    from tests.cast import Game

US_ANSWERS = {"clash_within_four_days": 0.2, "dprk_launchers": "dispersed"}


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def deliberation(game: Game) -> Game:
    assert game.command("start").status_code == 200
    assert game.command("advance").status_code == 200
    assert game.exercise()["phase"] == "deliberation"
    return game


def _put(client: APIClient, game: Game, answers: Any, turn: int = 1) -> Any:
    return client.put(game.url(f"turns/{turn}/beliefs/"), {"answers": answers}, format="json")


def _beliefs(client: APIClient, game: Game) -> list[dict[str, Any]]:
    return [e for e in game.events(client) if e["type"] == "belief.submitted"]


def test_a_team_saves_its_answers_and_only_it_and_control_hear_of_them(
    deliberation: Game,
) -> None:
    game = deliberation
    saved = _put(game.players["US"], game, US_ANSWERS)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["team"], body["turn"], body["version"]) == ("US", 1, 1)
    assert body["answers"] == US_ANSWERS
    assert (body["answered"], body["asked"]) == (2, 2)
    assert "truth" not in str(body)
    ours = _beliefs(game.players["US"], game)
    assert [e["payload"]["answers"] for e in ours] == [US_ANSWERS]
    assert [e["payload"]["team"] for e in _beliefs(game.control, game)] == ["US"]
    for other in (game.players["ROK"], game.players["DPRK"], game.observer):
        assert _beliefs(other, game) == []


def test_answers_are_checked_against_the_questionnaire_with_the_field_named(
    deliberation: Game,
) -> None:
    game, us = deliberation, deliberation.players["US"]
    cases = [
        ({"clash_within_four_days": 1.5}, "answers.clash_within_four_days"),
        ({"clash_within_four_days": True}, "answers.clash_within_four_days"),
        ({"dprk_launchers": "on_the_moon"}, "answers.dprk_launchers"),
        # Asked of Japan and the DPRK only.
        ({"strike_on_detection": True}, "answers.strike_on_detection"),
        ({"no_such_question": 0.5}, "answers.no_such_question"),
    ]
    for answers, field in cases:
        response = _put(us, game, answers)
        assert response.status_code == 400, (answers, response.content)
        fields = response.json()["error"]["fields"]
        assert list(fields) == [field], fields
    assert _put(us, game, [0.5]).status_code == 400
    assert _put(game.players["JPN"], game, {"strike_on_detection": "yes"}).status_code == 400
    assert not BeliefAnswer.objects.filter(exercise_id=game.exercise_id).exists()


def test_a_refusal_speaks_the_readers_language(deliberation: Game) -> None:
    game = deliberation
    response = game.players["US"].put(
        game.url("turns/1/beliefs/"),
        {"answers": {"clash_within_four_days": 3}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert response.status_code == 400
    reason = response.json()["error"]["fields"]["answers.clash_within_four_days"][0]
    assert not reason.isascii(), reason


def test_another_team_an_observer_and_control_cannot_write_it(deliberation: Game) -> None:
    game = deliberation
    assert _put(game.observer, game, {}).status_code == 404
    assert _put(game.control, game, {}).status_code == 403
    # A team writes its own answers only: DPRK's put is DPRK's, never the US row.
    assert _put(game.players["DPRK"], game, {"clash_within_four_days": 0.9}).status_code == 200
    us_rows = BeliefAnswer.objects.filter(exercise_id=game.exercise_id, team__code="US")
    assert not us_rows.exists()


def test_outside_deliberation_or_the_current_turn_it_is_409(game: Game) -> None:
    us = game.players["US"]
    assert game.command("start").status_code == 200
    assert _put(us, game, {}).status_code == 409  # briefing
    assert game.command("advance").status_code == 200
    assert _put(us, game, {}, turn=2).status_code == 409
    assert _put(us, game, US_ANSWERS).status_code == 200
    assert game.command("advance").status_code == 200  # the lock
    assert _put(us, game, US_ANSWERS).status_code == 409


def test_the_lock_stores_the_truth_beside_each_answer_and_the_outcome_the_rest(
    deliberation: Game,
) -> None:
    game = deliberation
    assert _put(game.players["US"], game, US_ANSWERS).status_code == 200
    assert game.command("advance").status_code == 200  # the lock
    row = BeliefAnswer.objects.get(exercise_id=game.exercise_id, team__code="US", turn=1)
    # The launchers' posture is the state's at the lock; the clash waits for the outcome.
    assert set(row.truths) == {"dprk_launchers"}
    assert row.truths["dprk_launchers"] in {"stored", "dispersed", "launch_ready"}
    if game.exercise()["phase"] == "adjudication":
        assert game.command("advance").status_code == 200  # publish
    row.refresh_from_db()
    assert set(row.truths) == {"dprk_launchers", "clash_within_four_days"}
    assert isinstance(row.truths["clash_within_four_days"], bool)
    for event in _beliefs(game.players["US"], game):
        assert "truth" not in str(event["payload"])


def test_a_bot_team_answers_from_its_own_view(deliberation: Game) -> None:
    game = deliberation
    assert game.command("set_ai", args={"team": "DPRK", "ai": True}).status_code == 200
    moved = bot_moves_run(exercise_id=game.exercise_id, turn=1, now=timezone.now())
    assert moved == ["DPRK"]
    row = BeliefAnswer.objects.get(exercise_id=game.exercise_id, team__code="DPRK", turn=1)
    # Put to the DPRK: the clash, the Kill Chain and the strike under cover of the exercise.
    assert set(row.answers) == {
        "clash_within_four_days",
        "strike_on_detection",
        "allies_strike_first",
    }
    assert row.truths == {}
    events = _beliefs(game.control, game)
    assert [(e["payload"]["team"], e["payload"]["updated_by"]["bot"]) for e in events] == [
        ("DPRK", True)
    ]


def test_a_save_made_from_an_older_version_is_409_and_keeps_the_teammates_answers(
    deliberation: Game,
) -> None:
    game, us = deliberation, deliberation.players["US"]
    url = game.url("turns/1/beliefs/")
    first = us.put(url, {"answers": US_ANSWERS, "expected_version": 0}, format="json")
    assert first.status_code == 200, first.content
    # A teammate still looking at version 0 saves other answers.
    stale = {"answers": {"clash_within_four_days": 0.9}, "expected_version": 0}
    refused = us.put(url, stale, format="json")
    assert refused.status_code == 409, refused.content
    assert "version 1" in refused.json()["error"]["message"]
    row = BeliefAnswer.objects.get(exercise_id=game.exercise_id, team__code="US", turn=1)
    assert (row.answers, row.version) == (US_ANSWERS, 1)
    current = {"answers": {"clash_within_four_days": 0.9}, "expected_version": 1}
    assert us.put(url, current, format="json").status_code == 200
    assert us.put(url, {"answers": {}, "expected_version": -1}, format="json").status_code == 400

"""Concurrent writers on PostgreSQL: one advance wins per round, one decision per client key."""

from __future__ import annotations

import threading
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.api.long_game import upload_long_game
from tests.cast import Game, facilitator_client, game_create
from wargame.exercises.models import Decision, DecisionWrite, Event, FacilitatorMembership

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _status(client: APIClient, url: str, body: dict[str, Any]) -> int:
    return int(client.post(url, body, format="json").status_code)


def _two_facilitators() -> tuple[Game, APIClient]:
    control = facilitator_client("control")
    upload_long_game(control)
    game = game_create(control, scenario="long_game", deliberation_minutes=None)
    co = facilitator_client("co-control")
    assert (
        control.post(
            game.url("facilitators/"), {"username": "co-control"}, format="json"
        ).status_code
        == 200
    )
    assert FacilitatorMembership.objects.filter(exercise_id=game.exercise_id).count() == 2
    return game, co


def test_two_facilitators_pressing_advance_together_advance_once_per_round() -> None:
    """docs/reliability.md#r5: 100 rounds, exactly one 200 and one 409 each, phases contiguous."""
    assert connection.vendor == "postgresql"
    game, co = _two_facilitators()
    assert game.command("start").status_code == 200
    seen: list[tuple[int, str]] = []
    for _round in range(100):
        exercise = game.exercise()
        turn, phase = exercise["turn"], exercise["phase"]
        seen.append((turn, phase))
        body = {"command": "advance", "expected_turn": turn, "expected_phase": phase}
        url = game.url("commands/")
        statuses = _at_once([partial(_status, client, url, body) for client in (game.control, co)])
        assert sorted(statuses) == [200, 409], (turn, phase, statuses)

    order = ["briefing", "deliberation", "adjudication", "outcome"]
    steps = [(turn - 1) * 4 + order.index(phase) for turn, phase in seen]
    assert steps == list(range(100))
    final = game.exercise()
    assert (final["turn"], final["phase"]) == (26, "briefing")
    phase_events = Event.objects.filter(exercise_id=game.exercise_id, type="phase.changed")
    assert phase_events.count() == 101  # the start's briefing, then one per advance


def test_a_decision_retried_concurrently_with_one_key_is_stored_once() -> None:
    """docs/reliability.md#r6: one key x 20 concurrent PUTs: one write, one event, same answers."""
    control = facilitator_client("control")
    game = game_create(control)
    assert game.command("start").status_code == 200
    assert game.command("advance").status_code == 200
    body = {
        "actions": [{"action": "d.trilateral"}],
        "rationale": "Same body",
        "client_key": "retry-1",
    }
    url = game.url("turns/1/decision/")
    player = game.players["JPN"]
    answers = _at_once([lambda: player.put(url, body, format="json") for _ in range(20)])

    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert Decision.objects.filter(exercise_id=game.exercise_id).count() == 1
    assert DecisionWrite.objects.filter(client_key="retry-1").count() == 1
    saved = Event.objects.filter(exercise_id=game.exercise_id, type="decision.saved")
    assert saved.count() == 1
    assert answers[0].json()["version"] == 1

    other = player.put(url, {**body, "rationale": "Another body"}, format="json")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"


def test_concurrent_submits_of_one_team_append_one_event() -> None:
    control = facilitator_client("control")
    game = game_create(control)
    assert game.command("start").status_code == 200
    url = game.url("turns/1/decision/submit/")
    answers = _at_once([lambda: game.players["US"].post(url, {}, format="json") for _ in range(10)])
    assert Counter(a.status_code for a in answers) == {200: 10}
    submitted = Event.objects.filter(exercise_id=game.exercise_id, type="decision.submitted")
    assert submitted.count() == 1


def test_concurrent_posts_and_joins_take_distinct_numbers_without_gaps() -> None:
    """Numbers are taken under the exercise lock: 12 posts to one channel from three teams'
    members at once, and 6 joins at once, each get the next number, none twice."""
    control = facilitator_client("control")
    game = game_create(control)
    channels = control.get(game.url("channels/")).json()["results"]
    allied = next(c["id"] for c in channels if c["name"] == "US-ROK-JPN")
    url = game.url(f"channels/{allied}/messages/")

    def post(team: str, n: int) -> Any:
        body = {"body": f"{team} {n}", "client_key": f"{team}-{n}"}
        return game.players[team].post(url, body, format="json")

    answers = _at_once([partial(post, team, n) for n in range(4) for team in ("US", "ROK", "JPN")])
    assert {a.status_code for a in answers} == {201}
    assert sorted(a.json()["id"] for a in answers) == list(range(1, 13))

    join = partial(
        APIClient().post,
        "/api/v1/join/",
        {"code": game.join_codes["JPN"], "display_name": "Deputy"},
        format="json",
    )
    seated = _at_once([join for _ in range(6)])
    assert {s.status_code for s in seated} == {201}
    before = max(game.participant_ids.values())
    numbers = sorted(s.json()["participant_id"] for s in seated)
    assert numbers[0] > before
    assert numbers == list(range(numbers[0], numbers[0] + 6))

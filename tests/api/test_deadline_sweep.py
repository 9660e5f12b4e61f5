"""A deadline whose task was lost is still enforced: the periodic sweep on a real worker locks
the turn (docs/reliability.md#r3, quick form), once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.cast import facilitator_client, game_create
from tests.services import CeleryWorker, PostgresServer, RedisServer
from wargame.exercises.models import Event, Exercise

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_sweep_locks_a_turn_whose_deadline_task_was_lost(
    redis_server: RedisServer, postgres_server: PostgresServer
) -> None:
    control = facilitator_client("control")
    game = game_create(control)
    assert game.command("start").status_code == 200
    # The timer task queued here goes to the test process's in-memory broker: lost, as when a
    # worker dies holding it or Redis restarts before it runs.
    assert game.command("advance").status_code == 200
    Exercise.objects.filter(pk=game.exercise_id).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    late = game.players["US"].post(game.url("turns/1/decision/submit/"), {}, format="json")
    assert late.status_code == 423, "a submission after the deadline is refused at once"

    worker = CeleryWorker.start(
        {
            "REDIS_URL": redis_server.url,
            "CELERY_BROKER_URL": redis_server.url,
            "CELERY_RESULT_BACKEND": redis_server.url,
            "TIMERS_SWEEP_SECONDS": "1",
            "DATABASE_URL": (
                f"postgres://postgres@127.0.0.1:{postgres_server.port}/"
                f"{connection.settings_dict['NAME']}"
            ),
        },
        beat=True,
    )
    try:
        started = time.monotonic()
        while Exercise.objects.get(pk=game.exercise_id).phase != "adjudication":
            assert time.monotonic() - started < 60, worker.log()
            time.sleep(0.5)
        time.sleep(3)  # further sweeps must change nothing
    finally:
        worker.kill()

    locks = Event.objects.filter(
        exercise_id=game.exercise_id, type="phase.changed", payload__phase="adjudication"
    )
    assert locks.count() == 1
    assert locks.get().payload["reason"] == "deadline"
    assert (
        Event.objects.filter(exercise_id=game.exercise_id, type="adjudication.proposed").count()
        == 1
    )

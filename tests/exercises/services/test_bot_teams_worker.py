"""Bot moves through a real Celery worker: entering deliberation queues ``wargame.bot_moves`` on
commit, and a worker consuming a private Redis broker plays the bot teams' turn."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from django.test import override_settings

from tests.exercises.services.test_bot_teams import BOTS, Table
from wargame.exercises.models import Decision, DecisionStatus

if TYPE_CHECKING:
    from tests.services import CeleryWorker

pytestmark = pytest.mark.services


@override_settings(BOT_DELAY_SECONDS=0)
def test_a_worker_submits_every_bot_teams_decision_after_deliberation_opens(
    redis_broker: CeleryWorker,
) -> None:
    table = Table()
    assert table.command("start").status_code == 200
    assert table.command("advance").status_code == 200
    deadline = time.monotonic() + 60
    submitted: set[str] = set()
    while time.monotonic() < deadline and submitted != set(BOTS):
        time.sleep(0.5)
        submitted = set(
            Decision.objects.filter(
                exercise_id=table.id, turn=1, status=DecisionStatus.SUBMITTED
            ).values_list("team__code", flat=True)
        )
    assert submitted == set(BOTS), redis_broker.log()


@override_settings(BOT_REPLY_SECONDS=0)
def test_a_bot_ally_answers_a_message_within_seconds_without_waiting_for_the_sweep(
    redis_broker: CeleryWorker,
) -> None:
    table = Table()
    assert table.command("start").status_code == 200
    channels = table.us.get(table.url("channels/")).json()["results"]
    allied = next(c for c in channels if c["name"] == "US-ROK")
    posted = table.us.post(
        table.url(f"channels/{allied['id']}/messages/"),
        {"body": "Seoul, can we talk before the drill?", "client_key": "ask-1"},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    deadline = time.monotonic() + 30
    authors: list[str | None] = []
    while time.monotonic() < deadline and "ROK" not in authors:
        time.sleep(0.3)
        messages = table.us.get(table.url(f"channels/{allied['id']}/messages/")).json()
        authors = [m["author"]["team"] for m in messages["results"]]
    # The worker has no beat: only the task queued by the post can have answered.
    assert authors == ["US", "ROK"], redis_broker.log()

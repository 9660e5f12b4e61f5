"""The practice player reads the report of their own game once it has ended (every other team
there is a bot), and not before."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.cast import participant_client

pytestmark = pytest.mark.django_db


def test_the_practice_player_reads_the_report_after_the_end_only() -> None:
    created = APIClient().post(
        "/api/v1/practice/", {"scenario": "exercise_season", "team": "JPN"}, format="json"
    )
    assert created.status_code == 201, created.content
    player = participant_client(created.json()["token"])
    exercise_id = created.json()["exercise"]["id"]
    url = f"/api/v1/exercises/{exercise_id}/report.html"
    assert player.get(url).status_code == 404
    ended = player.post(
        f"/api/v1/exercises/{exercise_id}/commands/", {"command": "end"}, format="json"
    )
    assert ended.status_code == 200, ended.content
    answer = player.get(url)
    assert answer.status_code == 200
    assert "text/html" in answer["Content-Type"]

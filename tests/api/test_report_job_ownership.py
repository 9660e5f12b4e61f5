"""A report job belongs to the view whose ``report.pdf`` queued it: that view (and control) follow
its status and read its file; any other principal gets 404 for both, whichever exercise's path it
asks through. The observers' and the teams' side is in ``tests/reports/test_report_leak.py``; this
is the practice game's, where the only reader is the player, and the observers' once the report
closes to them again."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.cast import TEAMS, facilitator_client, participant_client, report_job_row
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report

pytestmark = pytest.mark.django_db


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:300]
    return response.json() if response.content else None


def _practice_ended(team: str) -> tuple[APIClient, str]:
    created = _ok(
        APIClient().post(
            "/api/v1/practice/", {"scenario": "exercise_season", "team": team}, format="json"
        ),
        201,
    )
    player = participant_client(created["token"])
    url = f"/api/v1/exercises/{created['exercise']['id']}/"
    _ok(player.post(f"{url}commands/", {"command": "end"}, format="json"))
    return player, url


def _job_rendered(reader: APIClient, url: str) -> int:
    rid = int(_ok(reader.get(f"{url}report.pdf"), 202)["id"])
    report_job_run(job_id=report_job_row(url, rid, reader), render=cached_report)
    return rid


def test_a_practice_players_job_is_its_own() -> None:
    mine, my_url = _practice_ended("JPN")
    other, other_url = _practice_ended("ROK")
    rid = _job_rendered(mine, my_url)
    assert _ok(mine.get(f"{my_url}reports/{rid}/"))["status"] == "done"
    assert mine.get(f"{my_url}reports/{rid}/file").status_code == 200
    outsider = facilitator_client("job-outsider")
    for stranger, url in (
        (other, my_url),  # another game's player, through this game's path
        (other, other_url),  # ... and through its own: the id is not its game's
        (outsider, my_url),  # a facilitator of other games
    ):
        for tail in (f"reports/{rid}/", f"reports/{rid}/file"):
            assert stranger.get(f"{url}{tail}").status_code == 404, (url, tail)
    # The other player's own job is not readable by the first either. Job ids count within their
    # exercise: it is number 1 too, and under the first game's path 1 is the first player's own.
    theirs = _job_rendered(other, other_url)
    assert theirs == rid == 1
    for tail in (f"reports/{theirs}/", f"reports/{theirs}/file"):
        assert mine.get(f"{other_url}{tail}").status_code in (401, 404)
        assert other.get(f"{my_url}{tail}").status_code == 404


def test_observers_lose_their_job_when_the_report_closes_to_them() -> None:
    control = facilitator_client("job-control")
    created = _ok(
        control.post(
            "/api/v1/exercises/", {"scenario": "exercise_season", "title": "Jobs"}, format="json"
        ),
        201,
    )
    url = f"/api/v1/exercises/{created['id']}/"

    def command(name: str, **args: Any) -> None:
        _ok(control.post(f"{url}commands/", {"command": name, "args": args}, format="json"))

    command("set_observer_view", view="teams")
    command("open_lobby")
    joined = _ok(
        APIClient().post(
            "/api/v1/join/",
            {"code": created["join_codes"]["observers"], "display_name": "Watcher"},
            format="json",
        ),
        201,
    )
    observer = participant_client(joined["token"])
    player = participant_client(
        _ok(
            APIClient().post(
                "/api/v1/join/",
                {"code": created["join_codes"][TEAMS[0]], "display_name": "Player"},
                format="json",
            ),
            201,
        )["token"]
    )
    command("start")
    command("end")
    rid = _job_rendered(observer, url)
    assert observer.get(f"{url}reports/{rid}/file").status_code == 200
    assert player.get(f"{url}reports/{rid}/file").status_code == 404
    assert control.get(f"{url}reports/{rid}/file").status_code == 200
    command("set_observer_view", view="public")
    for tail in (f"reports/{rid}/", f"reports/{rid}/file", "report.pdf"):
        assert observer.get(f"{url}{tail}").status_code == 404, tail
    assert control.get(f"{url}reports/{rid}/").status_code == 200

"""Counts do not leak through ids: every number a view reads counts only what that view can see
(docs/interface.md#ids). A message's id counts within its channel; a channel's, a participant's,
a statement's and a report job's within their exercise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.cast import Game, client_key, game_create, report_job_row
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings
    from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _channel_ids(client: APIClient, game: Game) -> dict[str, int]:
    listed = _ok(client.get(game.url("channels/")))["results"]
    return {c["name"]: c["id"] for c in listed}


def _post(game: Game, team: str, channel: str, body: str) -> dict[str, Any]:
    url = game.url(f"channels/{_channel_ids(game.control, game)[channel]}/messages/")
    sent = {"body": body, "client_key": client_key()}
    return dict(_ok(game.players[team].post(url, sent, format="json"), 201))


def test_each_team_reads_its_channels_message_ids_without_gaps(game: Game) -> None:
    """Interleaved posts in four channels: each channel's ids run 1..n, in the REST list, in the
    answer to each post and in the ``message.posted`` events a team receives."""
    plan = [
        ("US", "US"),
        ("DPRK", "DPRK"),
        ("US", "US-ROK"),
        ("DPRK", "DPRK"),
        ("ROK", "ROK"),
        ("US", "US"),
        ("DPRK", "DPRK"),
        ("ROK", "US-ROK"),
        ("US", "US"),
    ]
    answered: dict[str, list[int]] = {}
    for n, (team, channel) in enumerate(plan):
        answered.setdefault(channel, []).append(_post(game, team, channel, f"note {n}")["id"])
    for channel, ids in answered.items():
        assert ids == list(range(1, len(ids) + 1)), (channel, ids)

    dprk = game.players["DPRK"]
    numbers = _channel_ids(dprk, game)
    listed = _ok(dprk.get(game.url(f"channels/{numbers['DPRK']}/messages/")))["results"]
    assert [m["id"] for m in listed] == [1, 2, 3]
    assert {m["channel"] for m in listed} == {numbers["DPRK"]}
    posted = [e["payload"] for e in game.events(dprk) if e["type"] == "message.posted"]
    assert [m["id"] for m in posted] == [1, 2, 3]

    us = game.players["US"]
    posted = [e["payload"] for e in game.events(us) if e["type"] == "message.posted"]
    by_channel: dict[int, list[int]] = {}
    for message in posted:
        by_channel.setdefault(message["channel"], []).append(message["id"])
    numbers = _channel_ids(us, game)
    assert by_channel == {numbers["US"]: [1, 2, 3], numbers["US-ROK"]: [1, 2]}

    # ``after`` pages by the channel's numbers.
    url = game.url(f"channels/{numbers['US']}/messages/?after=1")
    assert [m["id"] for m in _ok(us.get(url))["results"]] == [2, 3]


def test_ids_do_not_count_other_exercises(control: APIClient) -> None:
    """A second exercise's channels, seats, statements and report jobs are numbered as if it were
    the only one: nothing in it says that another exercise exists."""
    first = game_create(control)
    statement = {"body": "A word to the press.", "client_key": client_key()}
    _ok(first.players["JPN"].post(first.url("statements/"), statement, format="json"), 201)
    _ok(control.post(first.url("reports/"), {"format": "html"}, format="json"), 202)

    second = game_create(control)
    assert _channel_ids(control, second) == _channel_ids(control, first)
    assert sorted(_channel_ids(control, second).values()) == list(
        range(1, len(_channel_ids(control, second)) + 1)
    )
    assert sorted(second.participant_ids.values()) == sorted(first.participant_ids.values())
    joined = [
        e["payload"]["participant_id"]
        for e in second.events(control)
        if e["type"] == "participant.joined"
    ]
    assert joined == list(range(1, len(joined) + 1))

    statement = {"body": "Another word.", "client_key": client_key()}
    said = _ok(second.players["JPN"].post(second.url("statements/"), statement, format="json"), 201)
    assert said["id"] == 1
    job = _ok(control.post(second.url("reports/"), {"format": "html"}, format="json"), 202)
    assert job["id"] == 1
    assert job == _ok(control.get(second.url(f"reports/{job['id']}/")))


def test_a_readers_report_jobs_count_only_its_own(game: Game) -> None:
    """Control asks for two reports, then the US and the ROK for their PDFs: each team's jobs
    are its 1, 2, ... (in the answer, ``Location``, the job's paths and its ``report.*`` events);
    control reads the same jobs by their numbers within the exercise."""
    for command, args in (("start", {}), ("end", {}), ("release_debrief", {"views": ["teams"]})):
        _ok(game.command(command, args=args))
    made = [
        _ok(game.control.post(game.url("reports/"), {"format": fmt}, "json"), 202)["id"]
        for fmt in ("html", "pdf")
    ]
    assert made == [1, 2]
    us, rok = game.players["US"], game.players["ROK"]
    asked = us.get(game.url("report.pdf"))
    assert asked.status_code == 202, asked.content
    assert asked.json()["id"] == 1
    assert asked["Location"].endswith("/reports/1/")
    assert _ok(rok.get(game.url("report.pdf")), 202)["id"] == 1
    report_job_run(job_id=report_job_row(game.url(), 1, us), render=cached_report)
    done = _ok(us.get(game.url("reports/1/")))
    assert done["status"] == "done"
    assert done["url"].endswith("/reports/1/file")
    assert us.get(done["url"]).status_code == 200
    told = [e["payload"] for e in game.events(us) if e["type"].startswith("report.")]
    assert {payload["id"] for payload in told} == {1}
    # Control reads the US's job as the exercise's third.
    seen = [e["payload"] for e in game.events(game.control) if e["type"] == "report.ready"]
    assert [payload["id"] for payload in seen] == [3]
    assert _ok(game.control.get(game.url("reports/3/")))["status"] == "done"

    # The log grows: the US's next PDF is a new job, its 2 (the exercise's fifth).
    _ok(game.command("release_debrief", args={"views": ["observers"]}))
    assert _ok(us.get(game.url("report.pdf")), 202)["id"] == 2
    assert _ok(us.get(game.url("reports/2/")))["status"] == "queued"
    assert _ok(game.control.get(game.url("reports/5/")))["status"] == "queued"
    for reader, rid in ((us, 3), (rok, 2), (game.observer, 1)):
        assert reader.get(game.url(f"reports/{rid}/")).status_code == 404

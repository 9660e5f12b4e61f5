"""What-if branches through the API (`POST fork/`, `GET compare/{other}/`), the compare page and
`manage.py readjudicate`: who may, what comes back, and how refusals read."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from tests.cast import Game, facilitator_client, game_create
from tests.exercises.services.test_branches import ESCALATION, OVERRIDE, play
from wargame.exercises.management.commands.readjudicate import Command, parse_replacements
from wargame.exercises.models import Exercise

if TYPE_CHECKING:
    from django.test import Client

pytestmark = pytest.mark.django_db

# The project's routes plus the compare page's, until wargame/web/urls.py includes them (an
# include the page's owner cannot add): the page test runs against this module's urls.


@pytest.fixture
def played(game: Game) -> Game:
    play(game, 3, overrides={2: OVERRIDE})
    return game


def _fork(game: Game, client: APIClient | None = None, **body: Any) -> Any:
    return (client or game.control).post(game.url("fork/"), body, format="json")


def test_control_forks_and_gets_the_branch_exercise(played: Game) -> None:
    response = _fork(played, from_turn=2)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["branch_of"] == played.exercise_id
    assert body["branch_from_turn"] == 2
    assert body["status"] == "ended"
    assert body["title"].endswith("(what-if from turn 2)")
    assert [e["kind"] for e in body["branch_log"]] == ["override_dropped"]
    assert {t["code"] for t in body["teams"]} == set(played.players)
    # The branch is the original's facilitators' to read, like any of their exercises.
    assert played.control.get(f"/api/v1/exercises/{body['id']}/").status_code == 200
    assert played.control.get(f"/api/v1/exercises/{body['id']}/events/").status_code == 200


def test_no_one_but_control_may_fork(played: Game) -> None:
    outsider = facilitator_client("outsider")
    for client in (*played.players.values(), played.observer, outsider):
        response = _fork(played, client, from_turn=1)
        assert response.status_code == 404, response.content
        assert response.json()["error"]["code"] == "not_found"
    assert _fork(played, APIClient(), from_turn=1).status_code == 401
    assert not Exercise.objects.filter(branch_of_id=played.exercise_id).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "from_turn"),
        ({"from_turn": 0}, "from_turn"),
        ({"from_turn": "one"}, "from_turn"),
        ({"from_turn": 1, "seed": -4}, "seed"),
        ({"from_turn": 1, "replace": [{"team": "XX", "turn": 1, "actions": []}]}, "replace.0.team"),
        ({"from_turn": 2, "replace": [{"team": "US", "turn": 1, "actions": []}]}, "replace.0.turn"),
        (
            {"from_turn": 1, "replace": [{"team": "JPN", "turn": 1, "actions": [{"action": "x"}]}]},
            "replace.0.actions.0.action",
        ),
    ],
)
def test_a_bad_fork_is_400_with_the_field(played: Game, body: dict[str, Any], field: str) -> None:
    response = _fork(played, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_a_fork_past_the_published_turns_is_409(game: Game) -> None:
    play(game, 1)
    response = _fork(game, from_turn=2)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "conflict"


def test_compare_shows_both_branches_turn_by_turn(played: Game) -> None:
    replace = [{"team": "DPRK", "turn": 3, "actions": ESCALATION}]
    branch = _fork(played, from_turn=3, replace=replace).json()
    response = played.control.get(played.url(f"compare/{branch['id']}/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["a"]["id"], body["b"]["id"]) == (played.exercise_id, branch["id"])
    assert [t["turn"] for t in body["turns"]] == [1, 2, 3]
    assert [t["same"] for t in body["turns"]] == [True, True, False]
    assert body["first_difference"] == 3
    last = body["turns"][2]
    assert last["decisions_differ"] == ["DPRK"]
    assert last["b"]["decisions"]["DPRK"] == ESCALATION
    assert set(last["a"]["rung"]) >= {"DPRK"}
    assert last["a"]["ci"] is not None
    assert last["a"]["narrative"]["en"]


def test_compare_needs_control_of_both(played: Game) -> None:
    other = game_create(facilitator_client("outsider"))
    for client in (*played.players.values(), played.observer):
        assert client.get(played.url(f"compare/{played.exercise_id}/")).status_code == 404
    hidden = played.control.get(played.url(f"compare/{other.exercise_id}/"))
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    assert APIClient().get(played.url(f"compare/{played.exercise_id}/")).status_code == 401


def test_the_compare_page_shows_both_sides_to_control(played: Game, client: Client) -> None:
    from django.contrib.auth import get_user_model

    branch = _fork(played, from_turn=2).json()
    client.force_login(get_user_model().objects.get(username="control"))
    page = client.get(f"/exercises/{played.exercise_id}/compare/{branch['id']}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="compare"' in text
    assert text.count('data-testid="compare-turn"') == 3
    assert text.count("<svg") >= 2
    assert branch["title"] in text
    facilitator_client("stranger")
    client.force_login(get_user_model().objects.get(username="stranger"))
    assert client.get(f"/exercises/{played.exercise_id}/compare/{branch['id']}/").status_code == 404


def test_readjudicate_prints_the_branch_and_a_table(played: Game) -> None:
    out = io.StringIO()
    call_command(
        "readjudicate",
        str(played.exercise_id),
        "--from-turn",
        "2",
        "--replace",
        "DPRK:3:s.missile_test+class=IRBM",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    branch = Exercise.objects.get(branch_of_id=played.exercise_id)
    assert lines[0].startswith(f"branch {branch.pk}:")
    assert lines[1].split() == ["turn", "peak", "original", "peak", "branch", "differences"]
    assert lines[2].split()[0] == "1"
    assert lines[2].endswith("same")
    assert "decisions DPRK" in lines[4]
    assert any("override_dropped" in line for line in lines)


def test_readjudicate_errors_go_to_stderr_with_exit_code_1(
    played: Game, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match="no published outcome"):
        call_command("readjudicate", str(played.exercise_id), "--from-turn", "4")
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            ["manage.py", "readjudicate", str(played.exercise_id), "--from-turn", "0"]
        )
    assert exited.value.code == 1
    assert "from_turn" in capsys.readouterr().err


def test_replace_arguments_read_both_spellings() -> None:
    assert parse_replacements(
        ["DPRK:3:s.missile_test+class=IRBM", "US:d.consult@ROK", "US:d.talks_offer@DPRK"], 2
    ) == [
        {
            "team": "DPRK",
            "turn": 3,
            "actions": [{"action": "s.missile_test", "params": {"class": "IRBM"}}],
        },
        {
            "team": "US",
            "turn": 2,
            "actions": [
                {"action": "d.consult", "target": "ROK"},
                {"action": "d.talks_offer", "target": "DPRK"},
            ],
        },
    ]
    with pytest.raises(CommandError):
        parse_replacements(["nonsense"], 1)

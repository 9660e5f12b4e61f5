"""An exercise's facilitators over the API: listed and removed by id (the last one stays), and
added by username without letting a facilitator sweep the list of accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.cast import facilitator, facilitator_client, game_create
from wargame.exercises.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashes(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def test_a_co_facilitator_is_listed_removed_by_id_and_then_refused() -> None:
    control = facilitator_client("control")
    co = facilitator_client("co")
    game = game_create(control)
    assert (
        control.post(game.url("facilitators/"), {"username": "co"}, format="json").status_code
        == 200
    )
    listed = control.get(game.url("facilitators/")).json()
    assert [f["username"] for f in listed] == ["control", "co"]
    assert co.get(game.url()).status_code == 200
    co_id = get_user_model().objects.get(username="co").pk
    assert game.players["US"].delete(game.url(f"facilitators/{co_id}/")).status_code == 403
    assert control.delete(game.url(f"facilitators/{co_id}/")).status_code == 204
    assert [f["username"] for f in control.get(game.url("facilitators/")).json()] == ["control"]
    assert co.get(game.url()).status_code == 404
    assert control.delete(game.url(f"facilitators/{co_id}/")).status_code == 404
    last = Event.objects.filter(exercise_id=game.exercise_id).order_by("-seq").first()
    assert last is not None
    assert last.payload == {"change": "facilitator_removed", "username": "co"}
    own_id = get_user_model().objects.get(username="control").pk
    refused = control.delete(game.url(f"facilitators/{own_id}/"))
    assert refused.status_code == 409, refused.content


def test_an_addition_answers_the_same_whether_or_not_the_account_exists() -> None:
    control = facilitator_client("control")
    game = game_create(control)
    facilitator("known")
    get_user_model().objects.create_user("asleep", is_active=False)
    answers = {
        name: control.post(game.url("facilitators/"), {"username": name}, format="json")
        for name in ("known", "nobody-by-this-name", "asleep")
    }
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    bodies = [a.json() for a in answers.values()]
    assert bodies[0] == bodies[1] == bodies[2]
    listed = [f["username"] for f in control.get(game.url("facilitators/")).json()]
    assert listed == ["control", "known"]


def test_every_addition_counts_against_the_account_limit() -> None:
    control = facilitator_client("control")
    game = game_create(control)
    for name in ("known-1", "known-2", "known-3"):
        facilitator(name)
        answer = control.post(game.url("facilitators/"), {"username": name}, format="json")
        assert answer.status_code == 200
    for guess in range(7):
        answer = control.post(
            game.url("facilitators/"), {"username": f"guess-{guess}"}, format="json"
        )
        assert answer.status_code == 200, answer.content
    facilitator("real")
    refused = control.post(game.url("facilitators/"), {"username": "real"}, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    # The limit is the account's: another facilitator is not refused.
    other = facilitator_client("other")
    other_game = game_create(other)
    assert (
        other.post(other_game.url("facilitators/"), {"username": "real"}, format="json").status_code
        == 200
    )

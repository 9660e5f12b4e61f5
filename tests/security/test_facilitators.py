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


def test_unknown_usernames_are_limited_per_account_and_known_ones_do_not_count() -> None:
    control = facilitator_client("control")
    game = game_create(control)
    for name in ("known-1", "known-2", "known-3"):
        facilitator(name)
        answer = control.post(game.url("facilitators/"), {"username": name}, format="json")
        assert answer.status_code == 200
    for guess in range(10):
        answer = control.post(
            game.url("facilitators/"), {"username": f"guess-{guess}"}, format="json"
        )
        assert answer.status_code == 400, answer.content
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

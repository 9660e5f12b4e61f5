"""Paging (events by ``since``, messages by ``after``) and the error shape of the whole API
(docs/interface.md#errors, #paging)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.cast import Game, client_key, facilitator_client
from wargame.exercises.events import EventType, ExerciseChangedPayload
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _page(client: APIClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"results", "next"}
    return body


def _query(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def _all_control_events(game: Game) -> list[dict[str, Any]]:
    body = _page(game.control, game.url("events/?limit=500"))
    assert body["next"] is None
    return list(body["results"])


def _fill(game: Game, count: int) -> None:
    """Control-only filler events, appended the way every service appends."""
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=game.exercise_id)
        for n in range(count):
            event_append(
                exercise=exercise,
                type=EventType.EXERCISE_CHANGED,
                audience=[CONTROL],
                payload=ExerciseChangedPayload(change="status", status=f"filler {n}"),
            )


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return dict(body["error"])


# --- events paging -------------------------------------------------------------------------


def test_event_pages_chain_through_next_to_the_whole_stream(game: Game) -> None:
    everything = _all_control_events(game)
    assert len(everything) >= 7
    assert [e["seq"] for e in everything] == list(range(1, len(everything) + 1))
    collected: list[dict[str, Any]] = []
    url: str | None = game.url("events/?limit=3")
    pages = 0
    while url is not None:
        body = _page(game.control, url)
        pages += 1
        collected += body["results"]
        if body["next"] is not None:
            assert len(body["results"]) == 3
            assert _query(body["next"]) == {"since": str(body["results"][-1]["seq"]), "limit": "3"}
            assert urlsplit(body["next"]).path == game.url("events/")
        url = body["next"]
    assert collected == everything
    assert pages == -(-len(everything) // 3)


def test_next_is_null_on_a_last_page_that_is_exactly_full(game: Game) -> None:
    total = len(_all_control_events(game))
    body = _page(game.control, game.url(f"events/?limit={total}"))
    assert len(body["results"]) == total
    assert body["next"] is None
    short = _page(game.control, game.url(f"events/?limit={total - 1}"))
    assert short["next"] is not None
    assert _query(short["next"])["since"] == str(total - 1)


def test_since_reads_only_later_events_and_past_the_end_reads_nothing(game: Game) -> None:
    everything = _all_control_events(game)
    later = _page(game.control, game.url("events/?since=4"))
    assert later["results"] == everything[4:]
    assert later["next"] is None
    beyond = _page(game.control, game.url(f"events/?since={len(everything) + 50}"))
    assert beyond == {"results": [], "next": None}


def test_each_view_pages_its_own_gapless_stream(game: Game) -> None:
    for client in (game.players["US"], game.observer):
        first = _page(client, game.url("events/?limit=1"))
        assert [e["seq"] for e in first["results"]] == [1]
        everything = _page(client, game.url("events/?limit=500"))["results"]
        assert [e["seq"] for e in everything] == list(range(1, len(everything) + 1))
        assert len(everything) < len(_all_control_events(game))


def test_a_limit_of_zero_is_clamped_to_one(game: Game) -> None:
    body = _page(game.control, game.url("events/?limit=0"))
    assert [e["seq"] for e in body["results"]] == [1]
    assert body["next"] is not None
    assert _query(body["next"]) == {"since": "1", "limit": "1"}


def test_a_limit_over_500_is_clamped_to_500_and_the_default_is_100(game: Game) -> None:
    _fill(game, 510)
    total = len(_page(game.control, game.url("events/?since=500&limit=500"))["results"]) + 500
    assert total > 510
    body = _page(game.control, game.url("events/?limit=100000"))
    assert [e["seq"] for e in body["results"]] == list(range(1, 501))
    assert _query(body["next"]) == {"since": "500", "limit": "500"}
    default = _page(game.control, game.url("events/"))
    assert len(default["results"]) == 100
    assert _query(default["next"]) == {"since": "100", "limit": "100"}


def test_a_negative_limit_is_clamped_to_one(game: Game) -> None:
    response = game.control.get(game.url("events/?limit=-5"))
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize("query", ["since=abc", "limit=ten", "since=1.5"])
def test_a_paging_parameter_that_is_not_a_number_is_invalid(game: Game, query: str) -> None:
    response = game.control.get(game.url(f"events/?{query}"))
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert query.split("=")[0] in error["fields"]


def test_messages_page_by_after_with_next(game: Game) -> None:
    channel = next(
        c for c in game.control.get(game.url("channels/")).json()["results"] if c["name"] == "US"
    )
    url = game.url(f"channels/{channel['id']}/messages/")
    for n in range(5):
        posted = game.players["US"].post(
            url, {"body": f"note {n}", "client_key": client_key()}, format="json"
        )
        assert posted.status_code == 201
    bodies: list[str] = []
    page: str | None = url + "?limit=2"
    while page is not None:
        body = _page(game.players["US"], page)
        bodies += [m["body"] for m in body["results"]]
        if body["next"] is not None:
            assert _query(body["next"])["after"] == str(body["results"][-1]["id"])
        page = body["next"]
    assert bodies == [f"note {n}" for n in range(5)]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("delete", ""),
        ("put", "events/"),
        ("patch", "channels/"),
        ("get", "commands/"),
        ("delete", "turns/1/decision/"),
        ("get", "turns/1/decision/submit/"),
    ],
)
def test_a_method_a_path_does_not_allow_is_405_in_the_error_shape(
    game: Game, method: str, tail: str
) -> None:
    response = getattr(game.control, method)(game.url(tail), {}, format="json")
    assert response.status_code == 405, response.content
    assert _error(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/join/", "/api/v1/auth/token/"])
@pytest.mark.django_db
def test_an_open_endpoint_answers_a_wrong_method_with_405(path: str) -> None:
    response = APIClient().get(path)
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_malformed_json_is_invalid(game: Game) -> None:
    for client, method, url in (
        (APIClient(), "post", "/api/v1/join/"),
        (game.players["US"], "put", game.url("turns/1/decision/")),
        (game.control, "post", game.url("commands/")),
        (game.players["US"], "post", game.url("statements/")),
    ):
        response = getattr(client, method)(
            url, data='{"code": "AB', content_type="application/json"
        )
        assert response.status_code == 400, (url, response.content)
        assert _error(response)["code"] == "invalid"


def test_a_body_that_is_not_an_object_is_invalid(game: Game) -> None:
    response = APIClient().post("/api/v1/join/", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid"


def test_a_missing_field_is_invalid_naming_the_field(game: Game) -> None:
    response = APIClient().post("/api/v1/join/", {"code": "ABCDE-FGHJK"}, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid"
    assert "display_name" in error["fields"]


@pytest.mark.parametrize(
    "tail", ["", "state/", "events/", "channels/", "statements/", "turns/1/decision/?team=US"]
)
def test_an_unknown_exercise_is_not_found(game: Game, tail: str) -> None:
    unknown = f"/api/v1/exercises/{game.exercise_id + 1000}/{tail}"
    for client in (game.control, game.players["US"]):
        response = client.get(unknown)
        assert response.status_code == 404, response.content
        assert _error(response)["code"] == "not_found"


def test_another_facilitators_exercise_is_not_found_not_forbidden(game: Game) -> None:
    outsider = facilitator_client("outsider")
    for tail in ("", "state/", "events/"):
        response = outsider.get(game.url(tail))
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"
    command = outsider.post(game.url("commands/"), {"command": "start"}, format="json")
    assert command.status_code == 404
    assert game.exercise()["status"] == "lobby"


@pytest.mark.django_db
def test_an_unknown_api_path_is_not_found_in_the_error_shape() -> None:
    response = APIClient().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.django_db
def test_no_credentials_is_not_authenticated() -> None:
    response = APIClient().get("/api/v1/exercises/1/events/")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_bad_participant_token_is_not_authenticated() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Participant not-a-token")
    response = client.get("/api/v1/exercises/")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"

"""The fixed cast of an API test (docs/architecture.md#house-style): control, a
co-facilitator-to-be, an outsider facilitator, a player per team, an observer, and anonymous."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TEAMS = ("US", "ROK", "JPN", "DPRK")
_keys = itertools.count(1)


def client_key() -> str:
    return f"key-{next(_keys)}"


def facilitator_client(username: str) -> APIClient:
    user = get_user_model().objects.create_user(username, password="a-long-pass-phrase-9")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def participant_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Participant {token}")
    return client


def view_events(client: APIClient, exercise_url: str) -> list[dict[str, Any]]:
    """Everything a principal's own events list holds, page by page."""
    events: list[dict[str, Any]] = []
    since = 0
    while True:
        page = client.get(f"{exercise_url}events/?since={since}&limit=100")
        assert page.status_code == 200, page.content
        results = page.json()["results"]
        if not results:
            return events
        events += results
        since = results[-1]["seq"]


@dataclass
class Game:
    exercise_id: int
    control: APIClient
    players: dict[str, APIClient]
    observer: APIClient
    join_codes: dict[str, str]
    participant_ids: dict[str, int] = field(default_factory=dict)

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def command(self, command: str, **extra: Any) -> Any:
        return self.control.post(
            self.url("commands/"), {"command": command, **extra}, format="json"
        )

    def events(self, client: APIClient) -> list[dict[str, Any]]:
        return view_events(client, self.url())

    def exercise(self) -> dict[str, Any]:
        response = self.control.get(self.url())
        assert response.status_code == 200, response.content
        return dict(response.json())


def game_create(
    control: APIClient, *, scenario: str = "exercise_season", deliberation_minutes: int | None = 20
) -> Game:
    response = control.post(
        "/api/v1/exercises/",
        {
            "scenario": scenario,
            "title": "Seminar 3",
            "language": "en",
            "deliberation_minutes": deliberation_minutes,
            "seed": 7,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    game = Game(
        exercise_id=body["id"],
        control=control,
        players={},
        observer=APIClient(),
        join_codes=body["join_codes"],
    )
    assert game.command("open_lobby").status_code == 200
    anonymous = APIClient()
    for code in TEAMS:
        joined = anonymous.post(
            "/api/v1/join/",
            {"code": game.join_codes[code], "display_name": f"{code} lead"},
            format="json",
        )
        assert joined.status_code == 201, joined.content
        game.players[code] = participant_client(joined.json()["token"])
        game.participant_ids[code] = joined.json()["participant_id"]
    watched = anonymous.post(
        "/api/v1/join/",
        {"code": game.join_codes["observers"], "display_name": "Observer"},
        format="json",
    )
    assert watched.status_code == 201
    game.observer = participant_client(watched.json()["token"])
    return game

"""Browsers of the fixed cast (docs/architecture.md#house-style), as Django test clients: control
signed in with a session, each team's player and the observer holding the participant cookie the
join page sets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.cast import TEAMS, Game, facilitator_client, game_create
from wargame.exercises.principals import PARTICIPANT_COOKIE
from wargame.web.regions.table import CONSOLE, PAGES

# The console's regions served at its own ``/console/<id>/part/<name>/`` route (the review and
# the dashboard have routes of their own), read from the region table so a new one is tested too.
CONSOLE_PARTS = tuple(
    name for name, region in PAGES[CONSOLE].regions.items() if region.url_name is None
)


@dataclass
class WebCast:
    game: Game
    control: Client
    players: dict[str, Client]
    observer: Client
    outsider: Client
    anonymous: Client

    @property
    def exercise_id(self) -> int:
        return self.game.exercise_id


def browser_with_seat(join_code: str, display_name: str) -> Client:
    """A browser that joined through the join page, as a player would."""
    browser = Client()
    response = browser.post("/join/", {"code": join_code, "display_name": display_name})
    assert response.status_code == 302, response.content
    assert PARTICIPANT_COOKIE in browser.cookies
    return browser


def signed_in(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def web_cast(db: None) -> WebCast:
    game = game_create(facilitator_client("control"))
    facilitator_client("outsider")
    players = {code: browser_with_seat(game.join_codes[code], f"{code} web") for code in TEAMS}
    return WebCast(
        game=game,
        control=signed_in("control"),
        players=players,
        observer=browser_with_seat(game.join_codes["observers"], "Observer web"),
        outsider=signed_in("outsider"),
        anonymous=Client(),
    )

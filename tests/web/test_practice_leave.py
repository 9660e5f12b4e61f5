"""Leaving a practice game: it has no join code, so its seat is kept aside in this browser and
the practice and join pages offer the way back until the game ends."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import facilitator_client, game_create
from wargame.exercises.principals import PARTICIPANT_COOKIE
from wargame.web.join_views import LEFT_PRACTICE_COOKIE

pytestmark = pytest.mark.django_db


def practice_started(browser: Client) -> str:
    created = browser.post("/practice/", {"seat": "exercise_season:DPRK"})
    assert created.status_code == 302
    return str(created["Location"])


def test_the_room_says_how_to_come_back_to_a_practice_game() -> None:
    browser = Client()
    room = browser.get(practice_started(browser)).content.decode()
    assert "You can return to it from the practice page until it ends." in room
    assert "You can rejoin with the code." not in room


def test_a_left_practice_game_can_be_taken_back_from_the_practice_and_join_pages() -> None:
    browser = Client()
    room = practice_started(browser)
    left = browser.post("/leave/")
    assert left["Location"] == "/practice/"
    assert browser.cookies[PARTICIPANT_COOKIE].value == ""
    assert browser.get(room).status_code in {302, 404}
    for page in ("/practice/", "/join/"):
        html = browser.get(page).content.decode()
        assert 'data-testid="left-practice"' in html, page
        assert "playing DPRK" in html

    back = browser.post("/practice/return/")
    assert back["Location"] == room
    assert browser.get(room).status_code == 200
    assert browser.cookies[LEFT_PRACTICE_COOKIE].value == ""
    assert 'data-testid="left-practice"' not in browser.get("/practice/").content.decode()


def test_a_practice_game_that_has_ended_is_not_offered_again() -> None:
    browser = Client()
    room = practice_started(browser)
    exercise_id = int(room.strip("/").split("/")[1])
    ended = browser.post(
        f"/api/v1/exercises/{exercise_id}/commands/",
        {"command": "end"},
        content_type="application/json",
    )
    assert ended.status_code == 200, ended.content
    browser.post("/leave/")
    assert 'data-testid="left-practice"' not in browser.get("/practice/").content.decode()
    back = browser.post("/practice/return/")
    assert back["Location"] == "/practice/"
    assert browser.cookies[PARTICIPANT_COOKIE].value == ""


def test_leaving_a_class_game_keeps_nothing_aside() -> None:
    game = game_create(facilitator_client("control"))
    browser = Client()
    browser.post("/join/", {"code": game.join_codes["US"], "display_name": "Sam"})
    left = browser.post("/leave/")
    assert left["Location"] == "/join/"
    assert LEFT_PRACTICE_COOKIE not in browser.cookies
    assert 'data-testid="left-practice"' not in browser.get("/join/").content.decode()

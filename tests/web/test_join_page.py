"""The join page: a code and a name take a seat; the same browser resumes it; bad input says why."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import facilitator_client, game_create
from wargame.exercises.models import Participant
from wargame.exercises.principals import PARTICIPANT_COOKIE

pytestmark = pytest.mark.django_db


def test_a_join_link_fills_the_code() -> None:
    page = Client().get("/join/?code=ABCDE-FGHJK")
    assert page.status_code == 200
    assert 'value="ABCDE-FGHJK"' in page.content.decode()


def test_joining_seats_the_player_and_sends_them_to_their_room() -> None:
    game = game_create(facilitator_client("control"))
    browser = Client()
    answer = browser.post("/join/", {"code": game.join_codes["ROK"], "display_name": "Min-ji"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/play/{game.exercise_id}/"
    cookie = browser.cookies[PARTICIPANT_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    seat = Participant.objects.get(display_name="Min-ji")
    assert seat.team is not None
    assert seat.team.code == "ROK"


def test_observers_are_sent_to_the_public_screen() -> None:
    game = game_create(facilitator_client("control"))
    answer = Client().post(
        "/join/", {"code": game.join_codes["observers"], "display_name": "Prof. Sato"}
    )
    assert answer["Location"] == f"/screen/{game.exercise_id}/"


def test_rejoining_from_the_same_browser_resumes_the_seat() -> None:
    game = game_create(facilitator_client("control"))
    browser = Client()
    browser.post("/join/", {"code": game.join_codes["JPN"], "display_name": "Aiko"})
    again = browser.get(f"/join/?code={game.join_codes['JPN'].lower()}")
    assert again.status_code == 302
    assert again["Location"] == f"/play/{game.exercise_id}/"
    posted = browser.post("/join/", {"code": game.join_codes["JPN"], "display_name": "Aiko"})
    assert posted.status_code == 302
    assert Participant.objects.filter(display_name="Aiko").count() == 1


def test_a_code_for_another_team_takes_a_new_seat() -> None:
    game = game_create(facilitator_client("control"))
    browser = Client()
    browser.post("/join/", {"code": game.join_codes["JPN"], "display_name": "Aiko"})
    browser.post("/join/", {"code": game.join_codes["US"], "display_name": "Aiko"})
    assert Participant.objects.filter(display_name="Aiko").count() == 2


def test_a_wrong_code_is_refused_on_the_code_field_and_keeps_the_name() -> None:
    answer = Client().post("/join/", {"code": "ZZZZZ-ZZZZZ", "display_name": "Kim"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="code-error"' in html
    assert 'value="Kim"' in html
    assert PARTICIPANT_COOKIE not in answer.cookies


def test_an_empty_name_is_refused_on_the_name_field() -> None:
    game = game_create(facilitator_client("control"))
    answer = Client().post("/join/", {"code": game.join_codes["US"], "display_name": "  "})
    assert answer.status_code == 400
    assert 'id="name-error"' in answer.content.decode()
    assert not Participant.objects.exists() or not Participant.objects.filter(display_name="")


def test_wrong_codes_are_rate_limited_per_address(settings: pytest.FixtureRequest) -> None:
    browser = Client()
    answers = [
        browser.post("/join/", {"code": f"WRONG-{n:05d}", "display_name": "x"}).status_code
        for n in range(11)
    ]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429


def test_leaving_forgets_the_seat_in_this_browser() -> None:
    game = game_create(facilitator_client("control"))
    browser = Client()
    browser.post("/join/", {"code": game.join_codes["US"], "display_name": "Sam"})
    browser.post("/leave/")
    assert browser.cookies[PARTICIPANT_COOKIE].value == ""


def test_a_page_that_does_not_exist_is_a_page_not_json() -> None:
    answer = Client().get("/no-such-page/")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")
    assert Client().get("/api/v1/no-such/").json()["error"]["code"] == "not_found"

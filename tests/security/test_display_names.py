"""A display name others can read and that cannot pass for the facilitator: control characters
(a NUL on PostgreSQL was a 500 on the web join form), invisible-only names and the facilitator's
titles in any language are refused with a reason, on the web form and over the API."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import facilitator_client, game_create
from wargame.exercises.models import Participant

pytestmark = pytest.mark.django_db

REFUSED = {
    "a NUL": "Min\x00ji",
    "another control character": "Min\x1bji",
    "zero-width spaces only": "\u200b\u200b\u200b",
    "a zero-width joiner and a BOM": "\u200d\ufeff",
    "combining marks only": "\u0301\u0308",
    "Control": "Control",
    "control in lower case": " control ",
    "Control in full-width letters": "\uff23\uff4f\uff4e\uff54\uff52\uff4f\uff4c",
    "Control with a zero-width space": "Con\u200btrol",
    "Facilitator": "Facilitator",
    "control in Japanese": "統制官",
    "control in Korean": "통제관",
}
ACCEPTED = ("Min-ji", "김민지", "佐藤 教授", "Dr. Control-Room Kim", "O'Brien")


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_web_join_form_refuses_it_with_a_reason(case: str) -> None:
    game = game_create(facilitator_client("control"))
    seats = Participant.objects.filter(exercise_id=game.exercise_id).count()
    browser = Client(raise_request_exception=False)
    answer = browser.post("/join/", {"code": game.join_codes["ROK"], "display_name": REFUSED[case]})
    assert answer.status_code == 400, answer.status_code
    assert 'role="alert"' in answer.content.decode() or "error" in answer.content.decode()
    assert Participant.objects.filter(exercise_id=game.exercise_id).count() == seats


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_api_refuses_it_on_the_display_name_field(case: str) -> None:
    game = game_create(facilitator_client("control"))
    answer = Client().post(
        "/api/v1/join/",
        {"code": game.join_codes["US"], "display_name": REFUSED[case]},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert "display_name" in answer.json()["error"]["fields"]


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_names_in_any_script_are_kept(name: str) -> None:
    game = game_create(facilitator_client("control"))
    answer = Client().post("/join/", {"code": game.join_codes["JPN"], "display_name": name})
    assert answer.status_code == 302
    assert Participant.objects.filter(display_name=name).exists()

"""An uploaded scenario may lack Korean (or Japanese): the setup form says so beside the scenario,
and every page of an exercise built on it tells a reader of that language, in their language,
that its texts are shown in English. A built-in scenario, which has all three, says nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import facilitator_client
from tests.scenarios.helpers import minimal_text
from tests.web.conftest import browser_with_seat, signed_in

pytestmark = pytest.mark.django_db

NOTICE = 'data-testid="scenario-language-notice"'
KOREAN_NOTICE = "이 시나리오는 사용자의 언어로 작성되어 있지 않아"
NO_KOREAN = (
    "한국어 텍스트가 없습니다. 한국어를 사용하는 플레이어에게는 이 시나리오가 영어로 표시됩니다."
)


def _exercise(scenario: str) -> tuple[int, dict[str, str]]:
    control = facilitator_client("control")
    if scenario == "minimal":
        uploaded = control.post(
            "/api/v1/scenarios/", data=minimal_text(), content_type="application/yaml"
        )
        assert uploaded.status_code == 201, uploaded.content
    created = control.post(
        "/api/v1/exercises/",
        {"scenario": scenario, "title": "Seminar", "language": "ko"},
        format="json",
    )
    assert created.status_code == 201, created.content
    exercise_id = created.json()["id"]
    opened = control.post(
        f"/api/v1/exercises/{exercise_id}/commands/", {"command": "open_lobby"}, format="json"
    )
    assert opened.status_code == 200, opened.content
    return exercise_id, created.json()["join_codes"]


def _pages(exercise_id: int, codes: dict[str, str]) -> dict[str, Client]:
    return {
        f"/play/{exercise_id}/": browser_with_seat(codes["US"], "US web"),
        f"/screen/{exercise_id}/": browser_with_seat(codes["observers"], "Observer web"),
        f"/console/{exercise_id}/": signed_in("control"),
        f"/exercises/{exercise_id}/timeline/": signed_in("control"),
    }


def test_a_scenario_without_korean_says_so_on_every_page_in_korean() -> None:
    exercise_id, codes = _exercise("minimal")
    pages = _pages(exercise_id, codes)
    for url, browser in pages.items():
        korean = browser.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert NOTICE in korean, url
        assert KOREAN_NOTICE in korean, url
        japanese = browser.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert NOTICE not in japanese, url  # the minimal scenario has Japanese
        english = browser.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert NOTICE not in english, url
    player = pages[f"/play/{exercise_id}/"]
    part = player.get(f"/play/{exercise_id}/part/briefing/", HTTP_ACCEPT_LANGUAGE="ko")
    assert NOTICE not in part.content.decode()  # fragments live inside a page that says it


def test_a_builtin_scenario_has_no_notice_in_any_language() -> None:
    exercise_id, codes = _exercise("exercise_season")
    for url, browser in _pages(exercise_id, codes).items():
        for lang in ("ko", "ja"):
            page = browser.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            assert NOTICE not in page, (url, lang)


def test_an_unknown_exercise_404_page_says_nothing_of_any_scenario() -> None:
    exercise_id, _ = _exercise("minimal")
    stranger = Client()
    page = stranger.get(f"/screen/{exercise_id}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code in (302, 404)
    assert NOTICE not in page.content.decode()


def test_the_setup_form_warns_beside_a_scenario_without_korean() -> None:
    _exercise("minimal")
    form = signed_in("control").get("/console/new/?scenario=minimal", HTTP_ACCEPT_LANGUAGE="ko")
    page = form.content.decode()
    chosen = page.split('id="setup-language-note-minimal"', 1)[1].split("</div>", 1)[0]
    assert 'data-missing-language="ko"' in chosen
    assert NO_KOREAN in chosen
    assert 'data-missing-language="ja"' not in chosen
    builtin = page.split('id="setup-language-note-exercise_season"', 1)[1].split("</div>", 1)[0]
    assert "data-missing-language" not in builtin


def test_the_upload_form_carries_the_warning_it_shows_for_a_file_without_korean() -> None:
    facilitator_client("control")
    page = signed_in("control").get("/console/new/", HTTP_ACCEPT_LANGUAGE="ko")
    assert f'data-label-no-ko="{NO_KOREAN}"' in page.content.decode()

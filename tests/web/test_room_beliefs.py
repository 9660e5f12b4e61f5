"""The questionnaire in the team room: the team's own questions in its language during
deliberation, its saved answers, closed outside deliberation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.web.test_room_helpers import html, room_url, to_deliberation

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def test_the_room_asks_the_teams_own_questions_in_its_language(web_cast: WebCast) -> None:
    url = room_url(web_cast.exercise_id, "beliefs")
    before = html(web_cast.players["US"], url)
    assert 'data-testid="beliefs-closed"' in before
    to_deliberation(web_cast)
    us = web_cast.players["US"]
    saved = web_cast.game.players["US"].put(
        web_cast.game.url("turns/1/beliefs/"),
        {"answers": {"dprk_launchers": "dispersed"}},
        format="json",
    )
    assert saved.status_code == 200
    page = html(us, url)
    assert 'data-testid="beliefs-form"' in page
    assert "Where are the DPRK's mobile launchers now?" in page.replace("&#x27;", "'")
    assert 'value="&quot;dispersed&quot;" data-type="json" checked' in page
    # Asked of Japan and the DPRK only.
    assert 'data-testid="belief-strike_on_detection"' not in page
    us.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
    korean = html(us, url)
    assert "북한의 이동식 발사대는 지금 어떤 상태에 있는가?" in korean
    assert "Where are the DPRK" not in korean
    dprk = html(web_cast.players["DPRK"], url)
    assert 'data-testid="belief-strike_on_detection"' in dprk
    assert "checked" not in dprk


def test_control_sees_each_teams_progress_on_the_questionnaire(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    saved = web_cast.game.players["US"].put(
        web_cast.game.url("turns/1/beliefs/"),
        {"answers": {"dprk_launchers": "stored"}},
        format="json",
    )
    assert saved.status_code == 200
    teams = html(web_cast.control, f"/console/{web_cast.exercise_id}/part/teams/")
    assert 'data-team="US">Beliefs: 1 of 2 answered' in teams
    assert 'data-team="DPRK">Beliefs: 0 of 3 answered' in teams
    # The refresh list names the event, so the region follows each team's answers live.
    page = html(web_cast.control, f"/console/{web_cast.exercise_id}/")
    assert "belief.submitted" in page


def test_the_console_offers_the_debrief_once_the_game_has_ended(web_cast: WebCast) -> None:
    url = f"/console/{web_cast.exercise_id}/part/controls/"
    to_deliberation(web_cast)
    assert 'data-testid="debrief-form"' not in html(web_cast.control, url)
    assert web_cast.game.command("end").status_code == 200
    page = html(web_cast.control, url)
    assert 'data-testid="debrief-form"' in page
    assert 'value=\'["teams", "observers"]\'' in page

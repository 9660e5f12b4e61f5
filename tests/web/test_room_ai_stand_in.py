"""Handing a team to an AI stand-in is never silent: control confirms it, the displaced team's
room says so, and what the bot writes in the team's name is marked as the AI's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.web.test_room_helpers import channel_id, html, post_message, room_url, to_deliberation
from wargame.exercises.services.bots import bot_replies_run

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def _set_ai(cast: WebCast, team: str, ai: bool) -> None:
    answer = cast.game.command("set_ai", args={"team": team, "ai": ai})
    assert answer.status_code == 200, answer.content


def test_control_confirms_before_handing_a_team_to_the_ai(web_cast: WebCast) -> None:
    teams = html(web_cast.control, f"/console/{web_cast.exercise_id}/part/teams/")
    hand = teams.split('data-testid="hand-to-ai"', 1)[1].split(">", 1)[0]
    assert "data-confirm=" in hand
    assert "Hand United States to an AI stand-in?" in hand


def test_the_displaced_team_is_told_and_the_bot_s_words_are_marked(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    header = room_url(web_cast.exercise_id, "header")
    assert 'data-testid="ai-notice"' not in html(web_cast.players["US"], header)
    _set_ai(web_cast, "US", True)
    assert 'data-testid="ai-notice"' in html(web_cast.players["US"], header)
    assert 'data-testid="ai-notice"' not in html(web_cast.players["ROK"], header)

    post_message(web_cast.game, "ROK", "US-ROK", "Are you with us on the consultation?")
    assert bot_replies_run(exercise_id=web_cast.exercise_id)
    allied = channel_id(web_cast.game, "ROK", "US-ROK")
    for team in ("ROK", "US"):
        page = html(
            web_cast.players[team],
            room_url(web_cast.exercise_id, "channel") + f"?channel={allied}",
        )
        items = page.split('data-testid="message-item"')[1:]
        marked = [item for item in items if 'data-testid="ai-author"' in item]
        assert len(marked) == 1, team
        assert "Are you with us" not in marked[0]

    _set_ai(web_cast, "US", False)
    assert 'data-testid="ai-notice"' not in html(web_cast.players["US"], header)

"""Joint actions in the team room: the named partner's room shows the proposal with who made it
and a one-click join; the proposer's shows who has joined; no other room shows anything of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.web.test_room_helpers import everything, html, put_draft, room_url, to_deliberation

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db

CONSULT = {"action": "d.consult", "target": "US", "params": {"format": "EDSCG"}}
CANARY = "rok-joint-draft-canary-81f"


def _joint(cast: WebCast, team: str) -> str:
    return html(cast.players[team], room_url(cast.exercise_id, "joint"))


def test_a_joint_action_in_a_draft_is_offered_for_proposing_and_stays_private(
    web_cast: WebCast,
) -> None:
    to_deliberation(web_cast)
    put_draft(web_cast.game, "ROK", 1, CANARY, [CONSULT])
    rok = _joint(web_cast, "ROK")
    assert 'data-testid="joint-propose"' in rok
    assert "United States" in rok.split('data-testid="joint-propose"', 1)[1]
    for other in ("US", "JPN", "DPRK"):
        page = everything(web_cast.players[other], web_cast.exercise_id)
        assert CANARY not in page
        assert 'data-testid="joint-proposal"' not in page, other


def test_the_partner_sees_who_proposed_and_joins_and_nobody_else_sees_it(
    web_cast: WebCast,
) -> None:
    game = web_cast.game
    to_deliberation(web_cast)
    put_draft(game, "ROK", 1, CANARY, [CONSULT])
    proposed = game.players["ROK"].post(game.url("turns/1/joint/"), CONSULT, format="json")
    assert proposed.status_code == 201, proposed.content

    us = everything(web_cast.players["US"], web_cast.exercise_id)
    assert 'data-testid="joint-proposal" data-team="ROK" data-action="d.consult"' in us
    assert "Proposed by ROK lead." in us
    assert 'data-testid="joint-join"' in us
    assert CANARY not in us
    for outside in ("JPN", "DPRK"):
        page = everything(web_cast.players[outside], web_cast.exercise_id)
        assert 'data-testid="joint-proposal"' not in page, outside
        assert "Proposed by ROK lead." not in page, outside
    assert "joint-proposal" not in html(web_cast.observer, f"/screen/{web_cast.exercise_id}/")

    rok = _joint(web_cast, "ROK")
    assert 'data-testid="joint-ours"' in rok
    assert 'data-testid="joint-propose"' not in rok
    assert "Not joined yet: United States." in rok

    joined = game.players["US"].post(
        game.url("turns/1/joint/join/"), {"team": "ROK", "action": "d.consult"}, format="json"
    )
    assert joined.status_code == 200, joined.content
    assert 'data-testid="joint-joined"' in _joint(web_cast, "US")
    assert "Joined: United States." in _joint(web_cast, "ROK")

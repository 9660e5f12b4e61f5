"""The nuclear threshold explained in the room: the decision panel names the ladders nearest it
as the team sees them, and a practice game's decision point says what it is and what follows.
Both come from the team's own view (its GET state/), never from the proposal's truth."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from tests.web.test_review_support import deliberate_and_lock, ok, publish, start
from tests.web.test_room_helpers import html, room_url
from wargame.engine.model import load_model
from wargame.engine.state import State, state_with
from wargame.exercises.models import Adjudication, AdjudicationStatus, Exercise

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db

NUCLEAR_RUNG = int(load_model().data["safety"]["approval_rung"])


def shown_dyads(fragment: str) -> dict[str, int]:
    return {
        var: int(rung)
        for var, rung in re.findall(
            r'data-testid="threshold-dyad" data-var="rung/([^"]+)" data-rung="(\d+)"', fragment
        )
    }


def highest_in_view(state: dict[str, Any]) -> dict[str, int]:
    rungs = {f"{a}/{b}": int(v) for a, row in state["rung"].items() for b, v in row.items()}
    top = max(rungs.values())
    return {pair: value for pair, value in rungs.items() if value == top}


def test_the_decision_panel_explains_the_threshold_only_when_the_team_sees_it_near(
    web_cast: WebCast,
) -> None:
    game = web_cast.game
    start(game)
    decision = html(web_cast.players["ROK"], room_url(game.exercise_id, "decision"))
    assert 'data-testid="threshold-note"' not in decision

    deliberate_and_lock(game, 1)
    ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": NUCLEAR_RUNG - 1,
                            "reason": "teaching"}]},
            format="json",
        )
    )  # fmt: skip
    publish(game, 1)
    for team in ("ROK", "US"):
        decision = html(web_cast.players[team], room_url(game.exercise_id, "decision"))
        assert 'data-testid="threshold-note"' in decision
        state = game.players[team].get(game.url("state/")).json()
        assert shown_dyads(decision) == highest_in_view(state)
        assert shown_dyads(decision) == {"DPRK/ROK": NUCLEAR_RUNG - 1}
        assert "1 rung below the threshold" in decision


def _practice_at_a_decision_point(browser: Client) -> int:
    """A practice game whose pending proposal (the truth, unpublished) takes DPRK->JPN to the
    top of the ladder and waits for the player's approval."""
    created = browser.post("/practice/", {"seat": "exercise_season:US"})
    exercise_id = int(created["Location"].strip("/").split("/")[1])
    Exercise.objects.filter(pk=exercise_id).update(auto_publish=False)
    for _ in range(2):
        answer = browser.post(
            f"/api/v1/exercises/{exercise_id}/commands/",
            {"command": "advance"},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    row = Adjudication.objects.get(
        exercise_id=exercise_id, turn=1, status=AdjudicationStatus.PROPOSED
    )
    proposal = dict(row.proposal)
    model = load_model()
    truth = state_with(model, State.from_dict(proposal["state"]), {"rung/DPRK/JPN": 11})
    proposal["state"] = truth.to_dict()
    proposal["requires_nuclear_approval"] = True
    Adjudication.objects.filter(pk=row.pk).update(proposal=proposal)
    return exercise_id


def test_a_practice_decision_point_explains_itself_from_the_players_view_only() -> None:
    browser = Client()
    exercise_id = _practice_at_a_decision_point(browser)
    bar = html(browser, room_url(exercise_id, "practice"))
    assert 'data-testid="practice-approval"' in bar
    assert 'data-testid="nuclear-explained"' in bar
    assert "What follows" in bar
    state = browser.get(f"/api/v1/exercises/{exercise_id}/state/").json()
    assert shown_dyads(bar) == highest_in_view(state)
    # The proposal's DPRK->JPN at the top of the ladder is control's truth until published.
    assert "DPRK/JPN" not in shown_dyads(bar) or state["rung"]["DPRK"]["JPN"] == 11
    assert "rung 11" not in bar
    assert f"rung {NUCLEAR_RUNG} of the escalation ladder" in bar

"""Joint actions (R06, R10; docs/model.md §5): they happen only if every named partner takes them
the same turn, and when one does not, the outcome names who did not join."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.engine.helpers import play, quiet_model, start
from wargame.engine import load_catalogue
from wargame.engine.joint import counterpart, partners

if TYPE_CHECKING:
    from wargame.engine import Proposal
    from wargame.engine.proposal import OutcomeEvent

CONSULT: dict[str, Any] = {"action": "d.consult", "target": "US", "params": {"format": "EDSCG"}}
EXERCISE: dict[str, Any] = {
    "action": "s.exercise",
    "params": {"scale": "reduced", "with": ["US", "JPN"]},
}


def _failed(proposal: Proposal) -> list[OutcomeEvent]:
    return [e for e in proposal.events if e.kind == "joint_failed"]


def test_a_consultation_the_partner_does_not_take_fails_and_names_the_partner() -> None:
    """ROK consults the US; the US does not consult ROK -> joint_failed, missing (US,), and
    ROK's narrative says the United States did not join, in each language."""
    model = quiet_model()
    proposal = play(start(model), model, ROK=[CONSULT])
    (failed,) = _failed(proposal)
    assert dict(failed.data)["missing"] == ("US",)
    narrative = proposal.view_narratives["team:ROK"]
    assert "the United States did not join" in narrative["en"]
    assert "米国が参加しなかった" in narrative["ja"]
    assert "미국 측이 참여하지 않아" in narrative["ko"]


def test_a_consultation_both_allies_take_happens() -> None:
    """ROK consults the US and the US consults ROK -> no joint_failed."""
    model = quiet_model()
    back = {"action": "d.consult", "target": "ROK", "params": {"format": "EDSCG"}}
    assert _failed(play(start(model), model, ROK=[CONSULT], US=[back])) == []


def test_a_combined_exercise_names_only_the_partners_that_stayed_away() -> None:
    """ROK exercises with the US and Japan; only the US joins -> missing (JPN,)."""
    model = quiet_model()
    us = {"action": "s.exercise", "params": {"scale": "reduced", "with": ["ROK", "JPN"]}}
    proposal = play(start(model), model, ROK=[EXERCISE], US=[us])
    rok = [e for e in _failed(proposal) if e.actor == "ROK"]
    assert [dict(e.data)["missing"] for e in rok] == [("JPN",)]


def test_each_partner_joins_by_the_counterpart_the_rule_accepts() -> None:
    """The counterpart a partner takes to join is one the adjudication counts as joining."""
    model = quiet_model()
    catalogue = load_catalogue(model)
    for choice, proposer in ((CONSULT, "ROK"), (EXERCISE, "ROK")):
        adef = catalogue.actions[choice["action"]]
        named = partners(adef, proposer, choice.get("target"), choice["params"])
        plays: dict[str, list[dict[str, Any]]] = {
            team: [counterpart(adef, proposer, choice.get("target"), choice["params"], team)]
            for team in named
        }
        plays[proposer] = [choice]
        assert _failed(play(start(model), model, 1, **plays)) == []

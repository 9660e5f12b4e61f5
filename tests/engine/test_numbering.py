"""Each view's own numbers for agreements (engine.numbering): a team's count only the agreements
it is party to; control reads the engine's ids; observers none."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.helpers import play, quiet_model, start
from wargame.engine.errors import RuleViolation
from wargame.engine.numbering import actions_from_view, actions_numbered, agreement_numbers
from wargame.engine.views import agreements_seen, outcome_for


def _propose(measure: str, *parties: str) -> dict[str, Any]:
    return {"action": "c.propose", "params": {"measure": measure, "parties": list(parties)}}


def _game() -> Any:
    """US-DPRK (engine id 1) and US-ROK (2) in turn 1, ROK-JPN (3) in turn 2."""
    model = quiet_model()
    first = play(start(model), model, US=[_propose("c.hotline", "US", "DPRK")])
    second = play(first.state, model, US=[_propose("c.tri_deterrence", "US", "ROK")])
    third = play(second.state, model, ROK=[_propose("c.launch_notify", "ROK", "JPN")])
    return model, third


def test_a_team_numbers_its_own_agreements_in_the_order_it_learned_of_them() -> None:
    _model, proposal = _game()
    state = proposal.state
    assert [a.id for a in state.agreements] == [1, 2, 3]
    assert agreement_numbers(state, "control") == {1: 1, 2: 2, 3: 3}
    assert agreement_numbers(state, "team:ROK") == {2: 1, 3: 2}
    assert agreement_numbers(state, "team:JPN") == {3: 1}
    assert agreement_numbers(state, "observers") == {}
    seen = agreements_seen(state, "team:ROK")
    assert [(a["id"], a["measure"]) for a in seen] == [
        (1, "c.tri_deterrence"),
        (2, "c.launch_notify"),
    ]
    assert agreements_seen(state, "observers") == []


def test_an_outcome_names_agreements_by_the_views_numbers() -> None:
    model, proposal = _game()
    japan = outcome_for(proposal, "team:JPN", model)
    named = [item["params"] for item in japan["events"] if item["kind"] == "agreement"]
    assert named
    assert all(params["agreement"] == 1 for params in named)
    assert "(agreement 1)" in japan["narrative"]["en"]
    control = outcome_for(proposal, "control", model)
    assert "(agreement 3)" in control["view_narratives"]["control"]["en"]


def test_a_views_numbers_go_back_to_the_engines_ids() -> None:
    _model, proposal = _game()
    numbers = agreement_numbers(proposal.state, "team:ROK")
    sent = [{"action": "c.accept", "params": {"proposal": 2}}, {"action": "d.consult"}]
    stored = actions_from_view(sent, numbers)
    assert stored == [{"action": "c.accept", "params": {"proposal": 3}}, {"action": "d.consult"}]
    assert actions_numbered(stored, numbers) == sent


@pytest.mark.parametrize("number", [3, 7])
def test_a_number_the_view_does_not_hold_is_refused_on_its_field(number: int) -> None:
    _model, proposal = _game()
    numbers = agreement_numbers(proposal.state, "team:ROK")
    sent = [{"action": "d.consult"}, {"action": "c.implement", "params": {"agreement": number}}]
    with pytest.raises(RuleViolation) as refused:
        actions_from_view(sent, numbers)
    assert refused.value.field == "actions.1.params.agreement"
    assert refused.value.code == "agreement_unknown"

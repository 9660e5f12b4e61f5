"""Bot policies: they read the team view only, keep to the catalogue and the safety rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from wargame.engine.bots import (
    POLICIES,
    BotError,
    bot_data,
    bot_decide,
    default_script,
    in_force,
    view_value,
)
from wargame.engine.catalogue import load_catalogue, validate_decision
from wargame.engine.model import load_model
from wargame.engine.state import CORE_TEAMS, initial_state
from wargame.engine.views import agreements_for, view_for

MODEL = load_model()
CATALOGUE = load_catalogue(MODEL)


def _view(state: Any, team: str) -> dict[str, Any]:
    view = view_for(state, team, MODEL)
    view["agreements"] = agreements_for(state, f"team:{team}")
    return view


def _decide(policy: str, view: dict[str, Any], team: str, turn: int = 2, seed: int = 7) -> Any:
    return bot_decide(
        policy, view, team=team, turn=turn, seed=seed, catalogue=CATALOGUE, model=MODEL
    )


def test_it_decides_from_a_view_without_the_hidden_dprk_posture() -> None:
    """A JPN view carries no /dprk/posture (hidden); the bot still decides, from beliefs."""
    view = _view(initial_state(MODEL), "JPN")
    assert "dprk" not in view
    decisions = [_decide("hawkish", view, "JPN", seed=s) for s in range(10)]
    assert all(d.team == "JPN" for d in decisions)
    assert any(d.actions for d in decisions)


def test_it_never_reads_hidden_truth_two_states_with_the_same_view_give_the_same_decision() -> None:
    """The DPRK posture differs in truth, the US view is identical: so is the US decision."""
    calm = initial_state(MODEL)
    tense = initial_state(MODEL, overrides={"dprk/posture": "dispersed", "dprk/icbm": 5})
    tense_view = _view(tense, "US")
    # Beliefs follow the start value; pin them so the two views are the same dict.
    tense_view["belief"] = _view(calm, "US")["belief"]
    assert tense_view == _view(calm, "US")
    for policy in POLICIES:
        for turn in range(1, 13):
            assert _decide(policy, tense_view, "US", turn) == _decide(
                policy, _view(calm, "US"), "US", turn
            )


def test_it_decides_with_every_hidden_key_stripped_from_the_view() -> None:
    """Even a bare view (no dprk, no killchain, no beliefs) yields a legal decision."""
    state = initial_state(MODEL)
    for team in CORE_TEAMS:
        bare = {
            k: v for k, v in _view(state, team).items() if k not in ("dprk", "killchain", "belief")
        }
        for policy in POLICIES:
            decision = _decide(policy, bare, team)
            validate_decision(CATALOGUE, state, team, decision.to_dict(), MODEL)


def test_it_reads_a_hidden_variable_from_the_teams_belief() -> None:
    state = initial_state(MODEL)
    view = _view(state, "US")
    assert "dprk" not in view
    assert view_value(view, "dprk/posture") == view["belief"]["/dprk/posture"]["estimate"]
    assert view_value(view, "rung/DPRK/ROK") == view["rung"]["DPRK"]["ROK"]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("team", CORE_TEAMS)
def test_it_produces_legal_decisions_for_every_team_and_turn(policy: str, team: str) -> None:
    state = initial_state(MODEL)
    view = _view(state, team)
    for turn in range(1, 13):
        for seed in range(5):
            decision = _decide(policy, view, team, turn, seed)
            validate_decision(CATALOGUE, state, team, decision.to_dict(), MODEL)
            assert decision.rationale


def test_it_never_proposes_nuclear_use_unless_the_model_allows_it() -> None:
    """docs/model.md#safety: bots propose nuclear use only if bots.allow_nuclear_proposals."""
    state = initial_state(MODEL, overrides={"rung/DPRK/US": 8})
    view = _view(state, "DPRK")
    for seed in range(200):
        decision = _decide("hawkish", view, "DPRK", turn=3, seed=seed)
        assert all(a.action != "m.nuclear_use" for a in decision.actions)


def test_it_gives_a_rationale_built_from_the_policys_reasons() -> None:
    view = _view(initial_state(MODEL), "US")
    decision = _decide("hawkish", view, "US", turn=2)
    reasons = [e["reason"] for e in bot_data()["policies"]["hawkish"]["teams"]["US"]]
    assert decision.rationale.startswith(bot_data()["policies"]["hawkish"]["intro"])
    assert any(r in decision.rationale for r in reasons)


def test_it_is_deterministic_for_the_same_seed_and_varies_across_seeds() -> None:
    view = _view(initial_state(MODEL), "DPRK")
    first = [_decide("hawkish", view, "DPRK", 3, s) for s in range(30)]
    again = [_decide("hawkish", copy.deepcopy(view), "DPRK", 3, s) for s in range(30)]
    assert first == again
    assert len({d.actions for d in first}) > 1


def test_it_takes_joint_actions_together_or_not_at_all() -> None:
    """s.exercise is joint (US+ROK): both draw the same number, so both take it or neither."""
    state = initial_state(MODEL)
    for seed in range(60):
        us = _decide("hawkish", _view(state, "US"), "US", 1, seed)
        rok = _decide("hawkish", _view(state, "ROK"), "ROK", 1, seed)
        us_ex = any(a.action == "s.exercise" for a in us.actions)
        rok_ex = any(a.action == "s.exercise" for a in rok.actions)
        assert us_ex == rok_ex


def test_hawkish_allies_drill_decapitation_every_other_turn_without_the_swap() -> None:
    """E3's script: a decapitation drill on even turns, none on odd turns."""
    state = initial_state(MODEL)
    for team in ("US", "ROK"):
        for turn in range(1, 13):
            decision = _decide("hawkish", _view(state, team), team, turn)
            drilled = any(a.action == "s.decap_drill" for a in decision.actions)
            assert drilled == (turn % 2 == 0)


def test_hawkish_allies_hold_a_full_exercise_instead_while_the_swap_is_in_force() -> None:
    swap = {
        "measure": "c.swap",
        "parties": ["US", "ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [swap]})
    for team in ("US", "ROK"):
        view = _view(state, team)
        assert in_force(view, "c.swap", team)
        for turn in (2, 4, 6):
            decision = _decide("hawkish", view, team, turn)
            assert not any(a.action == "s.decap_drill" for a in decision.actions)
            exercises = [a for a in decision.actions if a.action == "s.exercise"]
            assert exercises
            assert exercises[0].params_dict()["scale"] == "full"


def test_it_notifies_exercises_while_exercise_notification_is_in_force() -> None:
    notify = {
        "measure": "c.ex_notify",
        "parties": ["US", "ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [notify]})
    decision = _decide("hawkish", _view(state, "US"), "US", 1, seed=3)
    exercises = [a for a in decision.actions if a.action == "s.exercise"]
    assert exercises
    assert all(a.params_dict().get("notify") is True for a in exercises)
    plain = _decide("hawkish", _view(initial_state(MODEL), "US"), "US", 1, seed=3)
    assert all("notify" not in a.params_dict() for a in plain.actions)


def test_it_keeps_clear_of_actions_a_measure_in_force_forbids() -> None:
    cma = {
        "measure": "c.incident_prev",
        "parties": ["ROK", "DPRK"],
        "status": "implemented",
        "verification": "ntm",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [cma]})
    forbidden = {"s.mdl_drill", "m.forward_deploy", "i.loudspeakers"}
    for team in ("ROK", "DPRK"):
        for seed in range(100):
            decision = _decide("hawkish", _view(state, team), team, 3, seed)
            assert not forbidden & {a.action for a in decision.actions}


def test_it_rejects_an_unknown_policy() -> None:
    view = _view(initial_state(MODEL), "US")
    with pytest.raises(BotError) as caught:
        _decide("reckless", view, "US")
    assert caught.value.field == "policy"


def test_the_2017_script_has_twelve_sourced_turns_of_legal_decisions() -> None:
    script = default_script()
    state = initial_state(MODEL)
    assert sorted(script["turns"]) == list(range(1, 13))
    for turn, step in script["turns"].items():
        assert step["source"]
        for team in CORE_TEAMS:
            decision = _decide("scripted", _view(state, team), team, turn)
            assert len(decision.actions) == len(step.get(team, []))
            validate_decision(CATALOGUE, state, team, decision.to_dict(), MODEL)


def test_the_2017_script_pairs_every_joint_action_with_its_partner() -> None:
    """A joint action happens only if every named party takes it (docs/model.md#actions)."""
    for turn, step in default_script()["turns"].items():
        for team in CORE_TEAMS:
            for entry in step.get(team, []):
                if entry["action"] == "d.consult":
                    partner = entry["target"]
                    back = [e for e in step.get(partner, []) if e["action"] == "d.consult"]
                    assert any(e["target"] == team for e in back), (turn, team, partner)
                if entry["action"] == "s.exercise":
                    for partner in entry["params"]["with"]:
                        assert any(e["action"] == "s.exercise" for e in step.get(partner, [])), (
                            turn,
                            team,
                        )


def test_it_proposes_nuclear_use_only_as_the_model_allows_and_only_in_extremis() -> None:
    """With bots.allow_nuclear_proposals the hawkish DPRK may request use at rung 8 (a decision
    point for control, §9); below rung 8 it never does."""
    from types import MappingProxyType

    from wargame.engine.model import Model

    allowing = Model(
        data=MappingProxyType({**MODEL.data, "bots": {"allow_nuclear_proposals": True}}),
        hash="test",
    )
    high = _view(initial_state(MODEL, overrides={"rung/DPRK/US": 8}), "DPRK")
    low = _view(initial_state(MODEL), "DPRK")

    def requests(view: dict[str, Any]) -> int:
        return sum(
            any(
                a.action == "m.nuclear_use"
                for a in bot_decide(
                    "hawkish",
                    view,
                    team="DPRK",
                    turn=3,
                    seed=s,
                    catalogue=CATALOGUE,
                    model=allowing,
                ).actions
            )
            for s in range(200)
        )

    assert requests(high) > 0
    assert requests(low) == 0


def test_cautious_bots_accept_pending_offers_more_often_than_hawkish_ones() -> None:
    offer = {
        "measure": "c.hotline",
        "parties": ["US", "DPRK"],
        "status": "proposed",
        "proposed_by": "US",
        "verification": "self",
        "framing": "none",
    }
    state = initial_state(MODEL, overrides={"agreements": [offer]})
    view = _view(state, "DPRK")

    def accepted(policy: str) -> int:
        count = 0
        for seed in range(200):
            decision = _decide(policy, view, "DPRK", 2, seed)
            validate_decision(CATALOGUE, state, "DPRK", decision.to_dict(), MODEL)
            count += any(a.action == "c.accept" for a in decision.actions)
        return count

    assert accepted("cautious") > accepted("hawkish") > 0
